"""What the `motcua` commands that work on the database share: the settings, the database (embedded
when DATABASE_URL is unset), a migrated connection. Heavy imports stay inside the functions, so
`motcua --version` and `--help` start at once."""

from __future__ import annotations

import asyncio
import hashlib
import logging
import multiprocessing
from collections.abc import Awaitable, Callable, Coroutine
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

import click

from core.settings import Settings, from_env

T = TypeVar("T")
log = logging.getLogger("motcua")


def run(coro: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coro)


def settings_or_fail() -> Settings:
    try:
        return from_env()
    except ValueError as exc:  # a setting that cannot be read: say which, no traceback
        raise click.ClickException(str(exc)) from exc


def database_url(settings: Settings) -> str:
    # not through runtime.py: a command that only needs the database should not import the whole app
    from core import embedded

    return settings.database_url or embedded.start_postgres(Path(settings.data_dir))


def _data_steps(settings: Settings) -> list[Any]:
    """What every migration run does beyond SQL (core/migrate.py): seal identity numbers still in clear."""
    from api.dossiers.sealed import seal_clear_rows
    from core.sealing import DataKeys

    keys = DataKeys.from_text(settings.data_key)

    async def seal_identity_numbers(conn: Any) -> None:
        sealed = await seal_clear_rows(conn, keys)
        if sealed:
            log.info("sealed the identity numbers of %d dossiers kept in clear", sealed)

    return [seal_identity_numbers]


async def migrate_database(settings: Settings, conn: Any) -> list[str]:
    from core.migrate import migrate

    return await migrate(conn, _data_steps(settings))


async def with_connection(settings: Settings, url: str, work: Callable[[Any], Awaitable[T]]) -> T:
    """`work` on a connection to the migrated database."""
    from core.db import connect

    conn = await connect(url)
    try:
        await migrate_database(settings, conn)
        return await work(conn)
    finally:
        await conn.close()


async def prepare(settings: Settings, url: str) -> tuple[list[str], Any]:
    """Migrate and seed: what `serve` does before it answers, unless `already_prepared` finds it done."""
    from api.seed import seed_all
    from core.clock import SystemClock
    from core.db import connect

    conn = await connect(url)
    try:
        applied = await migrate_database(settings, conn)
        report = await seed_all(conn, now=SystemClock().now(), province_code=settings.province_code)
        await conn.execute(
            _SEEDED,
            settings.province_code,
            seed_fingerprint(settings.province_code),
            report.procedures,
            report.offices,
            report.calendar_days,
        )
    finally:
        await conn.close()
    return applied, report


_PACKAGES_SEEDED_FROM = ("api", "core", "i18n")  # the seed's code and data files, the migrations among them
_SEEDED = """
INSERT INTO seed_state (province_code, fingerprint, procedures, offices, calendar_days) VALUES ($1, $2, $3, $4, $5)
ON CONFLICT (province_code) DO UPDATE SET fingerprint = EXCLUDED.fingerprint, procedures = EXCLUDED.procedures,
    offices = EXCLUDED.offices, calendar_days = EXCLUDED.calendar_days, seeded_at = now()
"""
# one round trip: the migrations applied, the province's seed, and whether the data step (sealing
# identity numbers kept in clear, `_data_steps`) has rows left, through its partial index
_PREPARED = """
SELECT array(SELECT version FROM schema_migrations) AS versions, s.fingerprint, s.procedures, s.offices,
       s.calendar_days, EXISTS (SELECT 1 FROM dossiers WHERE identity_number IS NOT NULL) AS clear_rows
FROM seed_state s WHERE s.province_code = $1
"""


def seed_fingerprint(province_code: str) -> str:
    """What the seed's result depends on: every file of the packages it is made from (code, catalog,
    calendar and migrations alike, so any change of them seeds again, once), the address dataset's
    version (the offices come from its units) and the province. Reading them takes milliseconds;
    importing the seed's code takes a quarter of a second."""
    from importlib import metadata

    digest = hashlib.sha256(province_code.encode())
    root = Path(__file__).resolve().parent.parent
    for package in _PACKAGES_SEEDED_FROM:
        for path in sorted((root / package).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(f"\0{path.relative_to(root).as_posix()}\0".encode())
                digest.update(path.read_bytes())
    digest.update(metadata.version("underthesea").encode())
    return digest.hexdigest()


async def already_prepared(settings: Settings, url: str) -> Prepared | None:
    """What the last seed of this code counted, if the database has every migration of this code, the
    province's seed made by this same code and nothing for the data step to do; else None (`prepare`
    then runs). One query, before any of the seed's code is imported."""
    import asyncpg

    from core.db import connect
    from core.migrate import migration_versions

    conn = await connect(url)
    try:
        row = await conn.fetchrow(_PREPARED, settings.province_code)
    except asyncpg.PostgresError:  # an empty database, one from before seed_state or after a table's change:
        return None  # `prepare` finds what to do, or says what is wrong
    finally:
        await conn.close()
    if row is None or row["clear_rows"] or row["fingerprint"] != seed_fingerprint(settings.province_code):
        return None
    if not migration_versions() <= set(row["versions"]):
        return None
    return Prepared([], row["offices"], row["procedures"], row["calendar_days"], as_before=True)


class Prepared(NamedTuple):
    """What `prepare` did, in types this module holds: the child's answer is unpickled in `serve`'s
    process, and a `SeedReport` there would import the seed's modules (catalog, offices, addresses,
    holidays, rapidfuzz, asyncpg: 15 MB) into the supervisor that the child keeps them out of."""

    applied: list[str]
    offices: int
    procedures: int
    calendar_days: int
    as_before: bool = False  # migrated and seeded by this same code before: only checked (`already_prepared`)


def prepare_apart(settings: Settings, url: str) -> Prepared:
    """`prepare` in a forked child, when `already_prepared` does not find it done: the seed's code and
    data (about 25 MB) never enter `serve`'s own process, which supervises granian's workers for as long
    as they run."""
    with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("fork")) as child:
        return child.submit(_prepare_now, settings, url).result()


def _prepare_now(settings: Settings, url: str) -> Prepared:
    found = run(already_prepared(settings, url))
    if found is not None:
        return found
    applied, report = run(prepare(settings, url))
    return Prepared(applied, report.offices, report.procedures, report.calendar_days)


async def ensure_reference_data(conn: Any, province_code: str) -> None:
    if not await conn.fetchval("SELECT EXISTS (SELECT 1 FROM offices WHERE province_code = $1)", province_code):
        from api.seed import seed_all
        from core.clock import SystemClock

        await seed_all(conn, now=SystemClock().now(), province_code=province_code)
