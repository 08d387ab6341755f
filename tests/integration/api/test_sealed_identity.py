"""Identity numbers are sealed at rest: written sealed, bound to their dossier, and the rows kept in clear
before are sealed by the data step of every migration run, all of them or none."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from litestar.testing import AsyncTestClient

from api.dossiers.sealed import form_context, open_identity
from core.db import acquire
from core.migrate import migrate
from core.sealing import DataKeys, SealError
from core.settings import Settings
from tests.integration.conftest import TokenFactory, bearer
from tests.integration.helpers import applicant

ROOT = Path(__file__).resolve().parents[3]
PARTNER = "079088001111"


def marriage(**applicant_changes: Any) -> dict[str, Any]:
    return {
        "procedure": "marriage-registration",
        "applicant": applicant(**applicant_changes),
        "form": {
            "partner_full_name": "Trần Văn Hùng",
            "partner_date_of_birth": "1988-02-03",
            "partner_identity_number": PARTNER,
            "partner_nationality": "Việt Nam",
            "previously_married": False,
        },
        "delivery": {"method": "desk"},
    }


async def _row(pool: asyncpg.Pool, dossier_id: str) -> asyncpg.Record:
    async with acquire(pool) as conn:
        row = await conn.fetchrow(
            "SELECT identity_number, identity_sealed, identity_hash, form, form_sealed FROM dossiers WHERE id = $1",
            uuid.UUID(dossier_id),
        )
    assert row is not None
    return row


async def test_a_dossier_keeps_identity_numbers_sealed_and_answers_them_masked(
    client: AsyncTestClient[Any], make_token: TokenFactory, pool: asyncpg.Pool, settings: Settings
) -> None:
    keys = DataKeys.from_text(settings.data_key)
    token = await make_token("0912400001")
    response = await client.post("/api/v1/dossiers", json=marriage(), headers=bearer(token))
    assert response.status_code == 201, response.text
    dossier = response.json()
    assert "079190001234" not in response.text and PARTNER not in response.text
    assert dossier["applicant"]["identity_number_masked"] == "0791******34"
    assert dossier["form"]["partner_identity_number"] == "0790******11"

    row = await _row(pool, dossier["id"])
    assert row["identity_number"] is None
    assert open_identity(keys, uuid.UUID(dossier["id"]), row["identity_sealed"]) == "079190001234"
    assert row["identity_hash"] == keys.lookup_hash("079190001234")
    assert row["form"]["partner_identity_number"] == "0790******11"
    context = form_context(uuid.UUID(dossier["id"]), "partner_identity_number")
    assert keys.open(row["form_sealed"]["partner_identity_number"], context) == PARTNER

    # the app sends back the form it was shown, with one answer changed: the partner's number stays
    form = {**dossier["form"], "partner_nationality": "Hàn Quốc"}
    response = await client.patch(f"/api/v1/dossiers/{dossier['id']}", json={"form": form}, headers=bearer(token))
    assert response.status_code == 200, response.text
    row = await _row(pool, dossier["id"])
    assert keys.open(row["form_sealed"]["partner_identity_number"], context) == PARTNER
    assert row["form"]["partner_nationality"] == "Hàn Quốc"

    # a new applicant number is sealed afresh; the form's stays
    changed = marriage(identity_number="079190005678")["applicant"]
    response = await client.patch(
        f"/api/v1/dossiers/{dossier['id']}", json={"applicant": changed}, headers=bearer(token)
    )
    assert response.status_code == 200, response.text
    assert response.json()["applicant"]["identity_number_masked"] == "0791******78"
    row = await _row(pool, dossier["id"])
    assert open_identity(keys, uuid.UUID(dossier["id"]), row["identity_sealed"]) == "079190005678"
    assert row["identity_hash"] == keys.lookup_hash("079190005678")
    assert keys.open(row["form_sealed"]["partner_identity_number"], context) == PARTNER


async def test_a_sealed_number_moved_onto_another_dossier_does_not_open(
    client: AsyncTestClient[Any], make_token: TokenFactory, pool: asyncpg.Pool, settings: Settings
) -> None:
    keys = DataKeys.from_text(settings.data_key)
    token = await make_token("0912400002")
    first = (await client.post("/api/v1/dossiers", json=marriage(), headers=bearer(token))).json()
    second = (
        await client.post("/api/v1/dossiers", json=marriage(identity_number="079190009999"), headers=bearer(token))
    ).json()
    async with acquire(pool) as conn:
        await conn.execute(
            "UPDATE dossiers SET identity_sealed = (SELECT identity_sealed FROM dossiers WHERE id = $1) WHERE id = $2",
            uuid.UUID(first["id"]),
            uuid.UUID(second["id"]),
        )
    row = await _row(pool, second["id"])
    with pytest.raises(SealError):
        open_identity(keys, uuid.UUID(second["id"]), row["identity_sealed"])


async def _as_written_before_sealing(pool: asyncpg.Pool, dossier_id: str, number: str) -> None:
    """The row as the code before sealing wrote it: the numbers in clear, nothing sealed."""
    async with acquire(pool) as conn:
        await conn.execute(
            "UPDATE dossiers SET identity_number = $2, identity_sealed = NULL, identity_hash = NULL,"
            " form = form || jsonb_build_object('partner_identity_number', $3::text), form_sealed = '{}'"
            " WHERE id = $1",
            uuid.UUID(dossier_id),
            number,
            PARTNER,
        )


def _motcua_migrate(settings: Settings) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "DATABASE_URL": str(settings.database_url),
        "MOTCUA_JWT_SECRET": settings.jwt_secret,
        "MOTCUA_DATA_KEY": settings.data_key,
        "MOTCUA_DATA_DIR": settings.data_dir,
    }
    return subprocess.run(
        [sys.executable, "-m", "cli", "migrate"],
        check=False,
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


async def test_motcua_migrate_seals_rows_kept_in_clear_all_or_nothing_and_once(
    client: AsyncTestClient[Any], make_token: TokenFactory, pool: asyncpg.Pool, settings: Settings
) -> None:
    keys = DataKeys.from_text(settings.data_key)
    token = await make_token("0912400003")
    ids = []
    for number in ("079190001234", "079190005678"):
        dossier = await client.post("/api/v1/dossiers", json=marriage(identity_number=number), headers=bearer(token))
        ids.append(dossier.json()["id"])
        await _as_written_before_sealing(pool, ids[-1], number)

    async def fails_half_way(conn: asyncpg.Connection) -> None:
        from api.dossiers.sealed import seal_clear_rows

        assert await seal_clear_rows(conn, keys) == 2
        raise RuntimeError("the machine stopped")

    async with acquire(pool) as conn:
        with pytest.raises(RuntimeError):
            await migrate(conn, [fails_half_way])
    assert [(await _row(pool, i))["identity_number"] for i in ids] == ["079190001234", "079190005678"]

    result = _motcua_migrate(settings)
    assert result.returncode == 0, result.stderr
    assert "sealed the identity numbers of 2 dossiers" in result.stderr
    for dossier_id, number in zip(ids, ("079190001234", "079190005678"), strict=True):
        row = await _row(pool, dossier_id)
        assert row["identity_number"] is None
        assert open_identity(keys, uuid.UUID(dossier_id), row["identity_sealed"]) == number
        assert row["identity_hash"] == keys.lookup_hash(number)
        assert row["form"]["partner_identity_number"] == "0790******11"
        context = form_context(uuid.UUID(dossier_id), "partner_identity_number")
        assert keys.open(row["form_sealed"]["partner_identity_number"], context) == PARTNER
    before = [await _row(pool, i) for i in ids]

    again = _motcua_migrate(settings)
    assert again.returncode == 0, again.stderr
    assert "sealed the identity numbers" not in again.stderr
    assert [await _row(pool, i) for i in ids] == before  # nothing sealed twice
