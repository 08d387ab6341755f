"""`motcua serve`'s start: on an empty database it migrates and seeds; on one already migrated and seeded
by this same code it finds that in one query and does neither again. Either way, once `/health/ready`
answers, the worker answers at once what it is there for: the catalog, a filing, the assistant (the
catalog and the NLU model are loaded before ready, the libraries of rare routes only when asked)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import httpx
import msgspec
import pytest

from api.accounts.service import ensure_user, principal_for
from api.commands import already_prepared, prepare
from core.auth import Role, issue_access_token
from core.clock import SystemClock
from core.settings import Settings
from tests.integration.clusters import serve_until_ready
from tests.integration.commands import environment
from tests.integration.conftest import _admin_database_url, _with_database, bearer
from tests.integration.helpers import birth_registration

AS_BEFORE = "migrated and seeded by this same code before"


@pytest.fixture
async def own_database(settings: Settings) -> AsyncIterator[Settings]:
    """An empty database of its own: what `serve` finds done or not is this test's alone."""
    admin = await asyncpg.connect(_admin_database_url())
    name = f"motcua_start_{uuid.uuid4().hex[:8]}"
    await admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield msgspec.structs.replace(settings, database_url=_with_database(_admin_database_url(), name))
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


async def _citizen_token(settings: Settings) -> str:
    """A token on the server's own clock (the suite's fixed clock is not the server's)."""
    clock = SystemClock()
    conn = await asyncpg.connect(str(settings.database_url))
    try:
        async with conn.transaction():
            user_id = await ensure_user(conn, phone="0912345678", clock=clock, role=Role.CITIZEN)
            principal = await principal_for(conn, user_id)
    finally:
        await conn.close()
    return issue_access_token(principal, secret=settings.jwt_secret, now=clock.now(), ttl=3600)


def _answers_its_hot_routes(url: str, token: str) -> None:
    with httpx.Client(base_url=url, timeout=10) as http:
        procedure = http.get("/api/v1/procedures/birth-registration")
        assert procedure.status_code == 200, procedure.text
        assert procedure.json()["slug"] == "birth-registration"
        filed = http.post("/api/v1/dossiers", json=birth_registration(), headers=bearer(token))
        assert filed.status_code == 201, filed.text
        answer = http.post("/api/v1/assistant/messages", json={"text": "lệ phí làm hộ chiếu"})
        assert answer.status_code == 200, answer.text
        assert answer.json()["reply"]


async def _served_once(settings: Settings, env: dict[str, str], log: Path) -> str:
    """`serve` started until ready, its hot routes answered, stopped cleanly: what it logged."""
    server, url = serve_until_ready(env, log)
    try:
        _answers_its_hot_routes(url, await _citizen_token(settings))
    finally:
        assert server.stop() == 0
    return server.output()


async def test_serve_prepares_an_empty_database_then_only_checks_it_and_answers_once_ready(
    own_database: Settings, tmp_path: Path
) -> None:
    env = environment(own_database, MOTCUA_DATA_KEY=own_database.data_key)
    first = await _served_once(own_database, env, tmp_path / "first.log")
    assert "migrations applied now: 0" not in first
    assert AS_BEFORE not in first

    second = await _served_once(own_database, env, tmp_path / "second.log")
    assert "migrations applied now: 0" in second
    assert AS_BEFORE in second
    assert "40 procedures" in second  # what the seed counted, as the first start said it


async def test_anything_not_done_by_this_code_makes_serve_prepare_again(own_database: Settings) -> None:
    url = str(own_database.database_url)
    await prepare(own_database, url)
    found = await already_prepared(own_database, url)
    assert found is not None
    assert (found.as_before, found.applied, found.procedures) == (True, [], 40)

    other_province = msgspec.structs.replace(own_database, province_code="24")
    assert await already_prepared(other_province, url) is None

    conn = await asyncpg.connect(url)
    try:
        await conn.execute("UPDATE seed_state SET fingerprint = 'seeded by other code'")
        assert await already_prepared(own_database, url) is None
        await prepare(own_database, url)  # seeds again, and says so
        assert await already_prepared(own_database, url) is not None

        last = await conn.fetchval("SELECT max(version) FROM schema_migrations")
        await conn.execute("DELETE FROM schema_migrations WHERE version = $1", last)
        assert await already_prepared(own_database, url) is None
        await conn.execute("INSERT INTO schema_migrations (version, name) VALUES ($1, 'restored')", last)
        assert await already_prepared(own_database, url) is not None

        # a row kept in clear, as the code before sealing wrote it: the data step has work to do
        await _file_one(own_database)
        dossier = await conn.fetchval("SELECT id FROM dossiers LIMIT 1")
        await conn.execute(
            "UPDATE dossiers SET identity_number = '079190001234', identity_sealed = NULL, identity_hash = NULL"
            " WHERE id = $1",
            dossier,
        )
        assert await already_prepared(own_database, url) is None

        await conn.execute("DROP TABLE seed_state")  # as a database from before it
        assert await already_prepared(own_database, url) is None
    finally:
        await conn.close()


async def _file_one(settings: Settings) -> None:
    from litestar.testing import AsyncTestClient

    from asgi import create_app

    token = await _citizen_token(settings)
    async with AsyncTestClient(app=create_app(settings)) as client:
        filed = await client.post("/api/v1/dossiers", json=birth_registration(), headers=bearer(token))
        assert filed.status_code == 201, filed.text
