"""Rows reach the code as typed Structs: a column of the wrong type or a missing one fails at the query."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from uuid import UUID

import asyncpg
import msgspec
import pytest

from core.db import connect, fetch_all_as, fetch_one_as
from core.dossier_status import DossierStatus


class Row(msgspec.Struct, frozen=True):
    id: UUID
    at: datetime
    amount: int
    form: dict[str, object]
    status: DossierStatus


SELECT = "SELECT gen_random_uuid() AS id, now() AS at, $1::bigint AS amount, '{\"a\": 1}'::jsonb AS form, $2 AS status"


@pytest.fixture
async def conn(database_url: str) -> AsyncIterator[asyncpg.Connection]:
    connection = await connect(database_url)
    yield connection
    await connection.close()


async def test_a_row_becomes_its_struct_and_extra_columns_are_ignored(conn: asyncpg.Connection) -> None:
    row = await fetch_one_as(Row, conn, SELECT.replace(" AS status", " AS status, 1 AS extra"), 25_000, "received")
    assert row is not None
    assert row.amount == 25_000
    assert row.form == {"a": 1}
    assert row.status is DossierStatus.RECEIVED
    assert row.at.tzinfo is not None


async def test_no_row_is_none_and_many_rows_are_a_list(conn: asyncpg.Connection) -> None:
    assert await fetch_one_as(Row, conn, SELECT + " WHERE false", 1, "draft") is None
    rows = await fetch_all_as(Row, conn, SELECT + " FROM generate_series(1, 3)", 1, "draft")
    assert [r.status for r in rows] == [DossierStatus.DRAFT] * 3


async def test_a_mistyped_or_missing_column_fails_at_the_query(conn: asyncpg.Connection) -> None:
    with pytest.raises(msgspec.ValidationError, match="status"):
        await fetch_one_as(Row, conn, SELECT, 1, "lost")
    with pytest.raises(msgspec.ValidationError, match="amount"):
        await fetch_one_as(
            Row, conn, "SELECT gen_random_uuid() AS id, now() AS at, '{}'::jsonb AS form, 'draft' AS status"
        )
