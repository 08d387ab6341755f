"""`motcua catalog export|import`: the procedure catalog as one JSON document, all or nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from api.commands import database_url, run, with_connection
from core.settings import Settings, from_env


@click.group()
def catalog() -> None:
    """The procedure catalog: export it, or import a corrected one (all or nothing)."""


@catalog.command("export")
@click.argument("file", type=click.Path(dir_okay=False, writable=True, path_type=Path))
def catalog_export(file: Path) -> None:
    """Write every procedure, every language, to FILE as one JSON document ({"procedures": [...]})."""
    import msgspec

    from api.catalog.service import export_catalog

    settings = from_env()
    data = run(with_connection(settings, database_url(settings), export_catalog))
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
            await announce_catalog(settings)
        return report

    result = run(with_connection(settings, database_url(settings), work))
    if isinstance(result, list):
        for field, key, params in result:
            click.echo(f"{field or 'file'}: {field_error(key, 'en', params)}", err=True)
        click.echo(f"{len(result)} error(s); nothing imported", err=True)
        raise SystemExit(1)
    suffix = " (dry run: nothing changed)" if dry_run else ""
    click.echo(f"{result.added} added, {result.changed} changed, {result.unchanged} unchanged{suffix}")


async def announce_catalog(settings: Settings) -> None:
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
