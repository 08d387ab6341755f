"""What the `motcua` commands that work on the database share: the settings, the database (embedded
when DATABASE_URL is unset), a migrated connection. Heavy imports stay inside the functions, so
`motcua --version` and `--help` start at once."""

from __future__ import annotations

import asyncio
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
    """Migrate and seed: what `serve` does before it answers."""
    from api.seed import seed_all
    from core.clock import SystemClock
    from core.db import connect

    conn = await connect(url)
    try:
        applied = await migrate_database(settings, conn)
        report = await seed_all(conn, now=SystemClock().now(), province_code=settings.province_code)
    finally:
        await conn.close()
    return applied, report


class Prepared(NamedTuple):
    """What `prepare` did, in types this module holds: the child's answer is unpickled in `serve`'s
    process, and a `SeedReport` there would import the seed's modules (catalog, offices, addresses,
    holidays, rapidfuzz, asyncpg: 15 MB) into the supervisor that the child keeps them out of."""

    applied: list[str]
    offices: int
    procedures: int
    calendar_days: int


def prepare_apart(settings: Settings, url: str) -> Prepared:
    """`prepare` in a forked child: the seed's code and data (about 25 MB) never enter `serve`'s own
    process, which supervises granian's workers for as long as they run."""
    with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("fork")) as child:
        return child.submit(_prepare_now, settings, url).result()


def _prepare_now(settings: Settings, url: str) -> Prepared:
    applied, report = run(prepare(settings, url))
    return Prepared(applied, report.offices, report.procedures, report.calendar_days)


async def ensure_reference_data(conn: Any, province_code: str) -> None:
    if not await conn.fetchval("SELECT EXISTS (SELECT 1 FROM offices WHERE province_code = $1)", province_code):
        from api.seed import seed_all
        from core.clock import SystemClock

        await seed_all(conn, now=SystemClock().now(), province_code=province_code)
