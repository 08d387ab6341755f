"""The `motcua` command: the second composition root beside asgi.py."""

from __future__ import annotations

import asyncio
import json
import logging
import os
from collections.abc import Awaitable, Callable
from importlib import metadata
from pathlib import Path
from typing import Any, TypeVar

import click

from core import logs
from core.settings import Settings, from_env, start_refusals

T = TypeVar("T")
OPENAPI_PATH = Path(__file__).parent / "openapi" / "openapi.json"
log = logging.getLogger("motcua")
NLU_REPORT_PATH = Path(__file__).parent / "assistant" / "nlu" / "REPORT.md"


def _run(coro: Awaitable[T]) -> T:
    return asyncio.run(coro)  # type: ignore[arg-type]


def _settings() -> Settings:
    try:
        return from_env()
    except ValueError as exc:  # a setting that cannot be read: say which, no traceback
        raise click.ClickException(str(exc)) from exc


def _version() -> str:
    try:
        return metadata.version("motcua")
    except metadata.PackageNotFoundError:
        return "unknown"


def _refuse_development_values(settings: Settings, command: str) -> None:
    """`serve` and `worker` run `motcua check` first: in production a development value stops them."""
    from core.checks import development_values

    findings = development_values(settings)
    if not findings:
        return
    if settings.production:
        for f in findings:
            log.error("%s: %s (set %s)", f.check, f.problem, f.setting)
        log.error("%s refused: %d development value(s) with MOTCUA_ENV=production", command, len(findings))
        raise SystemExit(1)
    log.warning("development values: %s (`motcua check` explains each)", ", ".join(f.check for f in findings))


def _database(settings: Settings) -> str:
    # not through asgi: a command that only needs the database should not import the whole app
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
            logging.getLogger("motcua").info("sealed the identity numbers of %d dossiers kept in clear", sealed)

    return [seal_identity_numbers]


async def _migrate(settings: Settings, conn: Any) -> list[str]:
    from core.migrate import migrate

    return await migrate(conn, _data_steps(settings))


async def _with_conn(settings: Settings, database_url: str, work: Callable[[Any], Awaitable[T]]) -> T:
    from core.db import connect

    conn = await connect(database_url)
    try:
        await _migrate(settings, conn)
        return await work(conn)
    finally:
        await conn.close()


async def _prepare(settings: Settings, database_url: str) -> tuple[list[str], Any]:
    """Migrate and seed: what `serve` does before it answers."""
    from api.seed import seed_all
    from core.clock import SystemClock
    from core.db import connect

    conn = await connect(database_url)
    try:
        applied = await _migrate(settings, conn)
        report = await seed_all(conn, now=SystemClock().now(), province_code=settings.province_code)
    finally:
        await conn.close()
    return applied, report


def _settings_to_start(command: str) -> Settings:
    """The settings of a long-running process (`serve`, `worker`), which refuses to start on what
    must not run: every reason said, then exit status 1, before anything is started."""
    try:
        settings = from_env()
    except ValueError as exc:
        click.echo(f"refusing to start: {exc}", err=True)
        raise SystemExit(1) from None
    refusals = start_refusals(settings)
    for reason in refusals:
        click.echo(f"refusing to start: {reason}", err=True)
    if refusals:
        raise SystemExit(1)
    _refuse_development_values(settings, command)
    return settings


def _sms_line(settings: Settings) -> str:
    if settings.sms_provider == "esms":
        return f"SMS: eSMS.vn ({settings.esms_base_url}, brandname {settings.esms_brandname})"
    return "SMS: logging sender (one-time codes appear in this log; refused with MOTCUA_ENV=production)"


@click.group()
@click.version_option(_version(), "--version", prog_name="motcua", message="%(prog)s %(version)s")
def main() -> None:
    """Một Cửa: the one-stop shop backend."""
    logs.configure(os.environ.get("MOTCUA_LOG_LEVEL", "INFO"), os.environ.get("MOTCUA_LOG_FORMAT", "plain"))


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--workers", default=1, show_default=True, type=int)
def serve(host: str, port: int, workers: int) -> None:
    """Serve the API (granian); embedded PostgreSQL/Redis when DATABASE_URL/REDIS_URL are unset."""
    from granian import Granian
    from granian.constants import Interfaces, Loops

    from core import embedded
    from core.provinces import NAMES

    settings = _settings_to_start("serve")
    # the app itself is imported by granian's workers only: this process supervises them
    database_url = _database(settings)
    redis_url = settings.redis_url or embedded.start_redis(Path(settings.data_dir))
    applied, report = _run(_prepare(settings, database_url))
    # workers are separate processes: they find the resolved services in their environment
    os.environ["DATABASE_URL"] = database_url
    os.environ["REDIS_URL"] = redis_url
    data = Path(settings.data_dir).resolve()
    pg = f"embedded under {data / 'pg'}, stopped with serve" if settings.embedded_postgres else "DATABASE_URL"
    rd = f"embedded ({redis_url})" if settings.embedded_redis else "REDIS_URL"
    log.info("PostgreSQL: %s; migrations applied now: %d", pg, len(applied))
    log.info("Redis: %s", rd)
    log.info(
        "%s: %d offices; catalog: %d procedures, %d announced days",
        NAMES[settings.province_code],
        report.offices,
        report.procedures,
        report.calendar_days,
    )
    log.info("%s", _sms_line(settings))
    log.info("API docs: http://%s:%d/schema  ·  health: http://%s:%d/health/ready", host, port, host, port)
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
        log_dictconfig=logs.config(settings.log_level, settings.log_format),
    ).serve()


@main.command()
def worker() -> None:
    """Run the outbox dispatcher and housekeeping until SIGTERM (the batch in hand is finished)."""
    import signal

    # a SIGTERM while the heavy imports below still run must stop the worker cleanly too
    asked_to_stop: list[int] = []
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda signum, _frame: asked_to_stop.append(signum))

    from runtime import run_worker

    settings = _settings_to_start("worker")

    async def go() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        if asked_to_stop:
            stop.set()
        await run_worker(settings, stop)

    _run(go())


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

    settings = _settings()
    database_url = _database(settings)

    async def work(conn: Any) -> Any:
        return await reconcile(conn, day=day.date(), agency=agency)

    result = _run(_with_conn(settings, database_url, work))
    click.echo(msgspec.json.format(msgspec.json.encode(result), indent=2).decode())


@main.command()
def migrate() -> None:
    """Apply pending database migrations, then seal identity numbers still kept in clear."""
    from core.db import connect

    settings = _settings()
    database_url = _database(settings)

    async def go() -> list[str]:
        conn = await connect(database_url)
        try:
            return await _migrate(settings, conn)
        finally:
            await conn.close()

    applied = _run(go())
    click.echo("applied: " + (", ".join(applied) if applied else "nothing (up to date)"))


@main.command()
def seed() -> None:
    """Migrate, then load the catalog, offices and calendar (idempotent)."""
    settings = _settings()
    database_url = _database(settings)
    _, report = _run(_prepare(settings, database_url))
    click.echo(
        f"procedures: {report.procedures} ({report.procedures_changed} changed), offices: {report.offices}, "
        f"announced days: {report.calendar_days}"
    )


async def _ensure_reference_data(conn: Any, province_code: str) -> None:
    if not await conn.fetchval("SELECT EXISTS (SELECT 1 FROM offices WHERE province_code = $1)", province_code):
        from api.seed import seed_all
        from core.clock import SystemClock

        await seed_all(conn, now=SystemClock().now(), province_code=province_code)


async def _make_user(
    conn: Any, settings: Settings, phone: str, role: str, agencies: tuple[str, ...], full_name: str | None = None
) -> Any:
    from api.accounts.service import bind_agency, ensure_user, set_full_name
    from core.auth import Role
    from core.clock import SystemClock

    await _ensure_reference_data(conn, settings.province_code)
    served = "SELECT EXISTS (SELECT 1 FROM offices WHERE code = $1 AND province_code = $2)"
    unknown = [a for a in agencies if not await conn.fetchval(served, a, settings.province_code)]
    if unknown:
        raise click.ClickException(f"unknown office code(s) in the province served: {', '.join(unknown)}")
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
    from api.accounts import queries
    from api.accounts.service import principal_for
    from core.auth import issue_access_token
    from core.clock import SystemClock

    settings = _settings()
    database_url = _database(settings)
    number = _phone(phone)
    if role == "officer" and not agencies:
        raise click.BadParameter("an officer needs at least one --agency")

    async def work(conn: Any) -> str:
        user_id = await _make_user(conn, settings, number, role, agencies)
        if await conn.fetchval(queries.IS_DISABLED, user_id):
            raise click.ClickException(f"{number} is disabled (motcua officer enable --phone {number})")
        principal = await principal_for(conn, user_id)
        return issue_access_token(
            principal,
            secret=settings.jwt_secret,
            now=SystemClock().now(),
            ttl=max(settings.access_token_ttl, 3600),
        )

    click.echo(_run(_with_conn(settings, database_url, work)))


@main.group()
def catalog() -> None:
    """The procedure catalog: export it, or import a corrected one (all or nothing)."""


@catalog.command("export")
@click.argument("file", type=click.Path(dir_okay=False, writable=True, path_type=Path))
def catalog_export(file: Path) -> None:
    """Write every procedure, every language, to FILE as one JSON document ({"procedures": [...]})."""
    import msgspec

    from api.catalog.service import export_catalog

    settings = from_env()
    data = _run(_with_conn(settings, _database(settings), export_catalog))
    file.write_bytes(msgspec.json.format(msgspec.json.encode(data), indent=2) + b"\n")
    click.echo(f"{len(data.procedures)} procedures written to {file}", err=True)


@catalog.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="check and count, change nothing")
def catalog_import(file: Path, dry_run: bool) -> None:
    """Check every procedure of FILE, then apply them all in one transaction (or nothing)."""
    from api.catalog.service import Editor, import_catalog, parse_import
    from core.clock import VN_TZ, SystemClock
    from i18n.messages import field_error

    settings = from_env()
    raw = file.read_bytes()
    now = SystemClock().now()

    async def work(conn: Any) -> Any:
        kinds = {r["code"] for r in await conn.fetch("SELECT code FROM agency_kinds")}
        procedures, errors = parse_import(raw, kinds=kinds, today=now.astimezone(VN_TZ).date())
        if errors:
            return errors
        report = await import_catalog(conn, procedures, editor=Editor(role="operator"), now=now, dry_run=dry_run)
        if not dry_run and (report.added or report.changed):
            await _announce_catalog(settings)
        return report

    result = _run(_with_conn(settings, _database(settings), work))
    if isinstance(result, list):
        for field, key, params in result:
            click.echo(f"{field or 'file'}: {field_error(key, 'en', params)}", err=True)
        click.echo(f"{len(result)} error(s); nothing imported", err=True)
        raise SystemExit(1)
    suffix = " (dry run: nothing changed)" if dry_run else ""
    click.echo(f"{result.added} added, {result.changed} changed, {result.unchanged} unchanged{suffix}")


async def _announce_catalog(settings: Settings) -> None:
    """Running servers reload on the announcement (and within MOTCUA_CATALOG_CHECK_SECONDS without it)."""
    if not settings.redis_url:
        return
    from api.catalog.refresh import CHANNEL
    from core.redis import create_redis

    redis = create_redis(settings.redis_url)
    try:
        await redis.publish(CHANNEL, "import")
    except Exception as exc:  # the servers' revision check still catches up
        click.echo(f"could not announce the change on Redis ({exc}); servers reload within their check", err=True)
    finally:
        await redis.aclose()


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
    settings = _settings()
    database_url = _database(settings)
    number = _phone(phone)

    async def work(conn: Any) -> Any:
        return await _make_user(conn, settings, number, "admin" if admin else "officer", agencies, full_name)

    user_id = _run(_with_conn(settings, database_url, work))
    click.echo(f"officer {number} ({user_id}) serves: {', '.join(agencies)}")


@officer.command("list")
def officer_list() -> None:
    """Officers and admins: phone, role, active or disabled, offices, name."""
    from api.accounts.service import list_staff

    settings = _settings()
    database_url = _database(settings)
    staff = _run(_with_conn(settings, database_url, list_staff))
    for m in staff:
        status = "disabled" if m.disabled else "active"
        click.echo(f"{m.phone}\t{m.role.value}\t{status}\t{','.join(m.agencies) or '-'}\t{m.full_name or ''}")
    if not staff:
        click.echo("no officers yet (motcua officer create)", err=True)


def _set_disabled(phone: str, disabled: bool) -> None:
    from api.accounts.disabled import announce
    from api.accounts.service import set_staff_disabled
    from core import embedded
    from core.clock import SystemClock
    from core.errors import NotFoundError
    from core.redis import create_redis

    settings = _settings()
    database_url = _database(settings)
    number = _phone(phone)
    redis_url = settings.redis_url or embedded.start_redis(Path(settings.data_dir))

    async def work(conn: Any) -> tuple[int, int]:
        try:
            user_id = await set_staff_disabled(conn, phone=number, disabled=disabled, clock=SystemClock())
        except NotFoundError:
            raise click.ClickException(f"no officer or admin with phone {number}") from None
        redis = create_redis(redis_url)
        try:
            return await announce(redis, user_id, disabled=disabled)
        finally:
            await redis.aclose()

    listening, confirmed = _run(_with_conn(settings, database_url, work))
    click.echo(f"{number} {'disabled' if disabled else 'enabled'}; {confirmed} running server process(es) applied it")
    if confirmed < listening:
        click.echo(f"{listening - confirmed} process(es) did not confirm: they will within a minute", err=True)


@officer.command("disable")
@click.option("--phone", required=True)
def officer_disable(phone: str) -> None:
    """Disable an officer or admin: their tokens answer 401 at once, sign-in and refresh are refused."""
    _set_disabled(phone, True)


@officer.command("enable")
@click.option("--phone", required=True)
def officer_enable(phone: str) -> None:
    """Enable a disabled officer or admin again (they sign in anew)."""
    _set_disabled(phone, False)


@main.group()
def offices() -> None:
    """The offices of the province served (MOTCUA_PROVINCE)."""


@offices.command("list")
@click.option("--q", "query", default=None, help="part of a name or code, with or without diacritics")
def offices_list(query: str | None) -> None:
    """Print code and name of each office, tab-separated."""
    from api.agencies.service import load_directory

    settings = _settings()
    database_url = _database(settings)

    async def work(conn: Any) -> Any:
        await _ensure_reference_data(conn, settings.province_code)
        return await load_directory(conn, province_code=settings.province_code)

    directory = _run(_with_conn(settings, database_url, work))
    found = directory.search(query, None)
    for office in found:
        click.echo(f"{office.code}\t{office.names.vi}")
    if not found:
        click.echo("no office matches", err=True)


@offices.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def offices_import(file: Path) -> None:
    """Set official codes and names from a CSV (code,name,level,ward[,kind]): all rows or none."""
    from api.agencies import official, queries
    from api.agencies.service import apply_official, load_directory

    settings = _settings()
    database_url = _database(settings)
    try:
        text = file.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise click.ClickException(f"{file} is not UTF-8 text") from exc

    async def work(conn: Any) -> list[str] | list[official.Change]:
        await _ensure_reference_data(conn, settings.province_code)
        directory = await load_directory(conn, province_code=settings.province_code)
        taken = {r["code"] for r in await conn.fetch(queries.SELECT_ALL_CODES)}
        changes, errors = official.match(text, directory.offices, taken)
        if errors:
            return errors
        await apply_official(conn, changes)
        return changes

    result = _run(_with_conn(settings, database_url, work))
    if result and isinstance(result[0], str):
        for line in result:
            click.echo(f"{file}: {line}", err=True)
        click.echo(f"{len(result)} error(s); nothing imported", err=True)
        raise SystemExit(1)
    recoded = sum(1 for c in result if isinstance(c, official.Change) and c.code != c.old_code)
    click.echo(f"{len(result)} offices updated, {recoded} with a new code")
    if recoded:
        click.echo("restart serve and the workers; officers sign in again to carry the new codes", err=True)


@main.command("check")
def check_settings() -> None:
    """List settings still at a development value; exit 1 if any remain with MOTCUA_ENV=production."""
    from core.checks import development_values

    settings = _settings()
    findings = development_values(settings)
    for f in findings:
        click.echo(f"{f.check:<22} {f.setting:<36} {f.problem}")
    if not findings:
        click.echo("no development values")
        return
    if settings.production:
        click.echo(f"{len(findings)} development value(s): serve and worker refuse them in production", err=True)
        raise SystemExit(1)
    click.echo(f"{len(findings)} development value(s): fine here, refused with MOTCUA_ENV=production", err=True)


@payments.command("simulate")
@click.argument("payment_id", type=click.UUID)
@click.option("--url", default=None, help="the server (default: MOTCUA_PUBLIC_BASE_URL)")
def payments_simulate(payment_id: Any, url: str | None) -> None:
    """Send the signed bank notification a transfer would produce, so a pending VietQR payment settles."""
    import secrets
    import time

    import httpx
    import msgspec

    from core.signing import sign
    from payments import queries

    settings = _settings()
    if settings.production:
        raise click.ClickException("refused with MOTCUA_ENV=production: only a bank's notification settles a payment")
    database_url = _database(settings)

    async def work(conn: Any) -> Any:
        return await conn.fetchrow(queries.GET_PAYMENT, payment_id)

    row = _run(_with_conn(settings, database_url, work))
    if row is None:
        raise click.ClickException(f"no payment {payment_id}")
    if row["method"] != "vietqr" or row["status"] != "pending":
        raise click.ClickException(
            f"payment {payment_id} is a {row['status']} {row['method']} payment, not a pending VietQR one"
        )
    body = msgspec.json.encode(
        {
            "transaction_id": "SIM" + secrets.token_hex(6).upper(),
            "bank_bin": row["bank_bin"],
            "account_number": row["account_number"],
            "amount": row["amount"],
            "content": f"MOTCUA SIMULATED {row['reference']} thanh toan ho so",
        }
    )
    timestamp = str(int(time.time()))
    target = (url or settings.public_base_url).rstrip("/") + "/api/v1/payments/webhooks/bank"
    headers = {
        "Content-Type": "application/json",
        "X-Motcua-Timestamp": timestamp,
        "X-Motcua-Signature": sign(settings.bank_webhook_secret, timestamp, body),
    }
    try:
        answer = httpx.post(target, content=body, headers=headers, timeout=30)
    except httpx.HTTPError as exc:
        raise click.ClickException(f"{target}: {exc} (is motcua serve running there? --url)") from exc
    click.echo(f"{answer.status_code} {answer.text}")
    if answer.status_code != 200 or answer.json().get("result") != "settled":
        raise SystemExit(1)


@main.group()
def embedded() -> None:
    """The embedded PostgreSQL a laptop uses when DATABASE_URL is unset."""


@embedded.command("stop")
def embedded_stop() -> None:
    """Stop the embedded PostgreSQL under MOTCUA_DATA_DIR (normally the last command using it does)."""
    from core.embedded import stop_postgres

    settings = _settings()
    stopped = stop_postgres(Path(settings.data_dir))
    click.echo("stopped" if stopped else f"no embedded PostgreSQL runs under {settings.data_dir}")


def openapi_text() -> str:
    """The OpenAPI document the app serves, as committed in openapi/openapi.json."""
    from asgi import create_app

    # the schema needs no service: the Redis URL is only parsed, never connected to
    settings = from_env(
        {
            "MOTCUA_JWT_SECRET": "x" * 32,
            "MOTCUA_BANK_WEBHOOK_SECRET": "x",
            "MOTCUA_DATA_KEY": "A" * 43 + "=",
            "REDIS_URL": "redis://127.0.0.1:6379",
        }
    )
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
def nlu() -> None:
    """The assistant's learned understanding: train it, measure it."""


@nlu.command(context_settings={"ignore_unknown_options": True, "help_option_names": []})
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def train(args: tuple[str, ...]) -> None:
    """Build the corpus, train the models, write assistant/nlu/data/model.json.gz (needs the
    `train` dependency group: `uv run --group train motcua nlu train`; `--help` for the settings)."""
    from assistant.nlu.train import main as run

    raise SystemExit(run(list(args)))


@nlu.command()
@click.option("--write", is_flag=True, help=f"write {NLU_REPORT_PATH.relative_to(Path(__file__).parent)}")
def report(write: bool) -> None:
    """Measure the understanding on the held-out and dev sets (tests/data) and print the report."""
    from api.catalog.service import load_catalog_data
    from assistant.evaluation import report_text

    catalog = load_catalog_data()
    names = {p.slug: (p.names.vi, p.names.en) for p in catalog.procedures}
    text = report_text(Path(__file__).parent / "tests" / "data", names)
    if write:
        NLU_REPORT_PATH.write_text(text, encoding="utf-8")
        click.echo(f"wrote {NLU_REPORT_PATH}", err=True)
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
