"""The `motcua` command: the second composition root beside asgi.py."""

from __future__ import annotations

import asyncio
import json
import logging
import os
from pathlib import Path
from typing import Any

import click

from api.accounts.commands import officer, token
from api.agencies.commands import offices
from api.catalog.commands import catalog
from api.commands import (
    database_url,
    migrate_database,
    prepare,
    prepare_apart,
    run,
    settings_or_fail,
    with_connection,
)
from api.dossiers.commands import certs
from core import logs
from core.memory import settle_heap
from core.settings import Settings, from_env, start_refusals

OPENAPI_PATH = Path(__file__).parent / "openapi" / "openapi.json"
log = logging.getLogger("motcua")
NLU_REPORT_PATH = Path(__file__).parent / "assistant" / "nlu" / "REPORT.md"


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
# the version is read when asked (importlib.metadata is a tenth of a second of every command's start)
@click.version_option(None, "--version", package_name="motcua", prog_name="motcua", message="%(prog)s %(version)s")
def main() -> None:
    """Một Cửa: the one-stop shop backend."""
    logs.configure(os.environ.get("MOTCUA_LOG_LEVEL", "INFO"), os.environ.get("MOTCUA_LOG_FORMAT", "plain"))


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--workers", default=1, show_default=True, type=int)
def serve(host: str, port: int, workers: int) -> None:
    """Serve the API (granian); embedded PostgreSQL/Redis when DATABASE_URL/REDIS_URL are unset."""
    from core import embedded, supervisor
    from core.provinces import NAMES

    settings = _settings_to_start("serve")
    # the app itself is imported by granian's workers only: this process supervises them
    url = database_url(settings)
    redis_url = settings.redis_url or embedded.start_redis(Path(settings.data_dir))
    prepared = prepare_apart(settings, url)
    # workers are separate processes: they find the resolved services in their environment
    os.environ["DATABASE_URL"] = url
    os.environ["REDIS_URL"] = redis_url
    data = Path(settings.data_dir).resolve()
    pg = f"embedded under {data / 'pg'}, stopped with serve" if settings.embedded_postgres else "DATABASE_URL"
    rd = f"embedded ({redis_url})" if settings.embedded_redis else "REDIS_URL"
    log.info("PostgreSQL: %s; migrations applied now: %d", pg, len(prepared.applied))
    if prepared.as_before:
        log.info("migrated and seeded by this same code before: neither done again (`motcua seed` seeds anyway)")
    log.info("Redis: %s", rd)
    log.info(
        "%s: %d offices; catalog: %d procedures, %d announced days",
        NAMES[settings.province_code],
        prepared.offices,
        prepared.procedures,
        prepared.calendar_days,
    )
    log.info("%s", _sms_line(settings))
    log.info("API docs: http://%s:%d/schema  ·  health: http://%s:%d/health/ready", host, port, host, port)
    log_config = logs.config(settings.log_level, settings.log_format)
    if settings.embedded_postgres or settings.embedded_redis:  # stopped by this process's exit
        settle_heap()  # before granian forks the worker, which inherits this process's heap
        supervisor.serve(host, port, workers, log_config)
    else:
        supervisor.become(host, port, workers, log_config)


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

    run(go())


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

    settings = settings_or_fail()
    url = database_url(settings)

    async def work(conn: Any) -> Any:
        return await reconcile(conn, day=day.date(), agency=agency)

    result = run(with_connection(settings, url, work))
    click.echo(msgspec.json.format(msgspec.json.encode(result), indent=2).decode())


@main.command()
def migrate() -> None:
    """Apply pending database migrations, then seal identity numbers still kept in clear."""
    from core.db import connect

    settings = settings_or_fail()
    url = database_url(settings)

    async def go() -> list[str]:
        conn = await connect(url)
        try:
            return await migrate_database(settings, conn)
        finally:
            await conn.close()

    applied = run(go())
    click.echo("applied: " + (", ".join(applied) if applied else "nothing (up to date)"))


@main.command()
def seed() -> None:
    """Migrate, then load the catalog, offices and calendar (idempotent)."""
    settings = settings_or_fail()
    url = database_url(settings)
    _, report = run(prepare(settings, url))
    click.echo(
        f"procedures: {report.procedures} ({report.procedures_changed} changed), offices: {report.offices}, "
        f"announced days: {report.calendar_days}"
    )


@main.command("check")
def checksettings_or_fail() -> None:
    """List settings still at a development value; exit 1 if any remain with MOTCUA_ENV=production."""
    from core.checks import development_values

    settings = settings_or_fail()
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

    settings = settings_or_fail()
    if settings.production:
        raise click.ClickException("refused with MOTCUA_ENV=production: only a bank's notification settles a payment")
    database = database_url(settings)

    async def work(conn: Any) -> Any:
        return await conn.fetchrow(queries.GET_PAYMENT, payment_id)

    row = run(with_connection(settings, database, work))
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

    settings = settings_or_fail()
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
    """Build the corpus, train the models, write assistant/nlu/data/model.npz (needs the
    `train` dependency group: `uv run --group train motcua nlu train`; `--help` for the settings)."""
    from assistant.nlu.train import main as run

    raise SystemExit(run(list(args)))


@nlu.command()
@click.option("--write", is_flag=True, help=f"write {NLU_REPORT_PATH.relative_to(Path(__file__).parent)}")
def report(write: bool) -> None:
    """Measure the understanding on the held-out and dev sets (tests/data) and print the report."""
    from api.catalog.service import load_catalog_data, names_and_papers
    from assistant.evaluation import report_text

    text = report_text(Path(__file__).parent / "tests" / "data", *names_and_papers(load_catalog_data()))
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


for command in (token, officer, catalog, offices, certs):
    main.add_command(command)

if __name__ == "__main__":
    main()
