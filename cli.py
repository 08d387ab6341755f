"""The `motcua` command: the second composition root beside asgi.py."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from core.settings import Settings, from_env

T = TypeVar("T")
OPENAPI_PATH = Path(__file__).parent / "openapi" / "openapi.json"


def _run(coro: Awaitable[T]) -> T:
    return asyncio.run(coro)  # type: ignore[arg-type]


def _database(settings: Settings) -> str:
    from asgi import resolve_database

    return resolve_database(settings)


async def _with_conn(settings: Settings, database_url: str, work: Callable[[Any], Awaitable[T]]) -> T:
    from core.db import connect
    from core.migrate import migrate

    conn = await connect(database_url)
    try:
        await migrate(conn)
        return await work(conn)
    finally:
        await conn.close()


async def _prepare(database_url: str) -> tuple[list[str], Any]:
    """Migrate and seed: what `serve` does before it answers."""
    from api.seed import seed_all
    from core.clock import SystemClock
    from core.db import connect
    from core.migrate import migrate

    conn = await connect(database_url)
    try:
        applied = await migrate(conn)
        report = await seed_all(conn, now=SystemClock().now())
    finally:
        await conn.close()
    return applied, report


@click.group()
def main() -> None:
    """Một Cửa: the one-stop shop backend."""
    logging.basicConfig(
        level=os.environ.get("MOTCUA_LOG_LEVEL", "INFO"),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--workers", default=1, show_default=True, type=int)
def serve(host: str, port: int, workers: int) -> None:
    """Serve the API (granian); embedded PostgreSQL/Redis when DATABASE_URL/REDIS_URL are unset."""
    from granian import Granian
    from granian.constants import Interfaces, Loops

    from asgi import resolve_services

    settings = from_env()
    database_url, redis_url = resolve_services(settings)
    applied, report = _run(_prepare(database_url))
    # workers are separate processes: they find the resolved services in their environment
    os.environ["DATABASE_URL"] = database_url
    os.environ["REDIS_URL"] = redis_url
    pg = f"embedded under {Path(settings.data_dir).resolve() / 'pg'}" if settings.embedded_postgres else "DATABASE_URL"
    rd = f"embedded ({redis_url})" if settings.embedded_redis else "REDIS_URL"
    click.echo(f"PostgreSQL: {pg}; migrations applied now: {len(applied)}", err=True)
    click.echo(f"Redis: {rd}", err=True)
    click.echo(
        f"Catalog: {report.procedures} procedures, {report.offices} offices, {report.calendar_days} announced days",
        err=True,
    )
    click.echo("SMS: logging sender (one-time codes appear in this log)", err=True)
    click.echo(f"API docs: http://{host}:{port}/schema  ·  health: http://{host}:{port}/health/ready", err=True)
    Granian(
        "asgi:app_from_env",
        address=host,
        port=port,
        workers=workers,
        interface=Interfaces.ASGI,
        # about a fifth less CPU per assistant message than asyncio's own loop (bench/README.md)
        loop=Loops.uvloop,
        factory=True,
        log_access=False,
    ).serve()


@main.command()
def worker() -> None:
    """Run the outbox dispatcher and housekeeping until SIGTERM (the batch in hand is finished)."""
    import signal

    # a SIGTERM while the heavy imports below still run must stop the worker cleanly too
    asked_to_stop: list[int] = []
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda signum, _frame: asked_to_stop.append(signum))

    from asgi import background, close_runtime

    settings = from_env()

    async def go() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        if asked_to_stop:
            stop.set()
        runtime = await _runtime_once_the_database_answers(settings, stop)
        if runtime is None:  # asked to stop before the database came
            return
        try:
            await asyncio.gather(*background(runtime, stop))
        finally:
            await close_runtime(runtime)

    _run(go())


async def _runtime_once_the_database_answers(settings: Settings, stop: asyncio.Event) -> Any:
    """The worker's runtime; while the database does not answer, tried again after a pause that
    doubles up to 30 s (a worker started during a database restart waits for it rather than exiting)."""
    from asgi import start_runtime
    from core.db import unavailable

    pause = 1.0
    while not stop.is_set():
        try:
            return await start_runtime(settings, pool_size=10)  # a batch of events works in parallel
        except Exception as exc:
            if not unavailable(exc):
                raise
            logging.getLogger("motcua").warning("the database is unavailable (%r); trying again in %.0f s", exc, pause)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=pause)
        pause = min(pause * 2, 30.0)
    return None


@main.group()
def payments() -> None:
    """Fee payments."""


@payments.command("reconcile")
@click.option("--date", "day", required=True, type=click.DateTime(formats=["%Y-%m-%d"]), help="YYYY-MM-DD")
@click.option("--agency", default=None, help="office code (default: every office)")
def payments_reconcile(day: Any, agency: str | None) -> None:
    """Expected vs received money for a day, unmatched notifications, open exceptions (JSON)."""
    import msgspec

    from payments.reconcile import reconcile

    settings = from_env()
    database_url = _database(settings)

    async def work(conn: Any) -> Any:
        return await reconcile(conn, day=day.date(), agency=agency)

    result = _run(_with_conn(settings, database_url, work))
    click.echo(msgspec.json.format(msgspec.json.encode(result), indent=2).decode())


@main.command()
def migrate() -> None:
    """Apply pending database migrations."""
    from core.db import connect
    from core.migrate import migrate as run_migrations

    settings = from_env()
    database_url = _database(settings)

    async def go() -> list[str]:
        conn = await connect(database_url)
        try:
            return await run_migrations(conn)
        finally:
            await conn.close()

    applied = _run(go())
    click.echo("applied: " + (", ".join(applied) if applied else "nothing (up to date)"))


@main.command()
def seed() -> None:
    """Migrate, then load the catalog, offices and calendar (idempotent)."""
    settings = from_env()
    database_url = _database(settings)
    _, report = _run(_prepare(database_url))
    click.echo(
        f"procedures: {report.procedures} ({report.procedures_changed} changed), offices: {report.offices}, "
        f"announced days: {report.calendar_days}"
    )


async def _ensure_reference_data(conn: Any) -> None:
    from api.seed import seed_all
    from core.clock import SystemClock

    if not await conn.fetchval("SELECT EXISTS (SELECT 1 FROM offices)"):
        await seed_all(conn, now=SystemClock().now())


async def _make_user(conn: Any, phone: str, role: str, agencies: tuple[str, ...], full_name: str | None = None) -> Any:
    from api.accounts.service import bind_agency, ensure_user, set_full_name
    from core.auth import Role
    from core.clock import SystemClock

    await _ensure_reference_data(conn)
    unknown = [a for a in agencies if not await conn.fetchval("SELECT EXISTS (SELECT 1 FROM offices WHERE code=$1)", a)]
    if unknown:
        raise click.ClickException(f"unknown office code(s): {', '.join(unknown)}")
    async with conn.transaction():
        user_id = await ensure_user(conn, phone=phone, clock=SystemClock(), role=Role(role))
        for agency in agencies:
            await bind_agency(conn, user_id=user_id, office_code=agency)
        if full_name:
            await set_full_name(conn, user_id=user_id, full_name=full_name)
    return user_id


def _phone(raw: str) -> str:
    from api.accounts.phones import normalize_phone

    try:
        return normalize_phone(raw)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from exc


@main.command()
@click.option("--phone", required=True)
@click.option("--role", type=click.Choice(["citizen", "officer", "admin"]), default="citizen", show_default=True)
@click.option("--agency", "agencies", multiple=True, help="office code (officers; repeatable)")
def token(phone: str, role: str, agencies: tuple[str, ...]) -> None:
    """Create the user if needed and print only an access token."""
    from api.accounts.service import principal_for
    from core.auth import issue_access_token
    from core.clock import SystemClock

    settings = from_env()
    database_url = _database(settings)
    number = _phone(phone)
    if role == "officer" and not agencies:
        raise click.BadParameter("an officer needs at least one --agency")

    async def work(conn: Any) -> str:
        user_id = await _make_user(conn, number, role, agencies)
        principal = await principal_for(conn, user_id)
        return issue_access_token(
            principal,
            secret=settings.jwt_secret,
            now=SystemClock().now(),
            ttl=max(settings.access_token_ttl, 3600),
        )

    click.echo(_run(_with_conn(settings, database_url, work)))


@main.group()
def officer() -> None:
    """Manage officer accounts."""


@officer.command("create")
@click.option("--phone", required=True)
@click.option("--agency", "agencies", multiple=True, required=True, help="office code (repeatable)")
@click.option("--name", "full_name", help="the officer's full name, shown in dossier histories")
@click.option("--admin", is_flag=True, help="an administrator of every office")
def officer_create(phone: str, agencies: tuple[str, ...], full_name: str | None, admin: bool) -> None:
    """Create (or update) an officer bound to offices."""
    settings = from_env()
    database_url = _database(settings)
    number = _phone(phone)

    async def work(conn: Any) -> Any:
        return await _make_user(conn, number, "admin" if admin else "officer", agencies, full_name)

    user_id = _run(_with_conn(settings, database_url, work))
    click.echo(f"officer {number} ({user_id}) serves: {', '.join(agencies)}")


def openapi_text() -> str:
    """The OpenAPI document the app serves, as committed in openapi/openapi.json."""
    from asgi import create_app

    # the schema needs no service: the Redis URL is only parsed, never connected to
    settings = from_env({"MOTCUA_JWT_SECRET": "x" * 32, "REDIS_URL": "redis://127.0.0.1:6379"})
    schema = create_app(settings).openapi_schema.to_schema()
    return json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


@main.command()
@click.option("--write", is_flag=True, help=f"write {OPENAPI_PATH.relative_to(Path(__file__).parent)}")
def openapi(write: bool) -> None:
    """Print (or write) the OpenAPI document the app serves."""
    text = openapi_text()
    if write:
        OPENAPI_PATH.write_text(text, encoding="utf-8")
        click.echo(f"wrote {OPENAPI_PATH}", err=True)
    else:
        click.echo(text, nl=False)


@main.group()
def i18n() -> None:
    """The gettext catalogs of what people read (i18n/locales)."""


@i18n.command()
def extract() -> None:
    """Regenerate messages.pot from the code and update the vi and en catalogs."""
    from i18n.extract import extract as run

    root = Path(__file__).parent
    for path in run(root):
        click.echo(f"wrote {path.relative_to(root)}", err=True)


@i18n.command()
def check() -> None:
    """Fail on a message missing from a catalog, untranslated, with other placeholders, or unused."""
    from i18n.extract import check as run

    found = run(Path(__file__).parent)
    for line in found:
        click.echo(line)
    if found:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
