"""`motcua offices list|import`: the offices of the province served and their official codes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from api.commands import database_url, ensure_reference_data, run, settings_or_fail, with_connection


@click.group()
def offices() -> None:
    """The offices of the province served (MOTCUA_PROVINCE)."""


@offices.command("list")
@click.option("--q", "query", default=None, help="part of a name or code, with or without diacritics")
def offices_list(query: str | None) -> None:
    """Print code and name of each office, tab-separated."""
    from api.agencies.service import load_directory

    settings = settings_or_fail()
    url = database_url(settings)

    async def work(conn: Any) -> Any:
        await ensure_reference_data(conn, settings.province_code)
        return await load_directory(conn, province_code=settings.province_code)

    directory = run(with_connection(settings, url, work))
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

    settings = settings_or_fail()
    url = database_url(settings)
    try:
        text = file.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise click.ClickException(f"{file} is not UTF-8 text") from exc

    async def work(conn: Any) -> list[str] | list[official.Change]:
        await ensure_reference_data(conn, settings.province_code)
        directory = await load_directory(conn, province_code=settings.province_code)
        taken = {r["code"] for r in await conn.fetch(queries.SELECT_ALL_CODES)}
        changes, errors = official.match(text, directory.offices, taken)
        if errors:
            return errors
        await apply_official(conn, changes)
        return changes

    result = run(with_connection(settings, url, work))
    if result and isinstance(result[0], str):
        for line in result:
            click.echo(f"{file}: {line}", err=True)
        click.echo(f"{len(result)} error(s); nothing imported", err=True)
        raise SystemExit(1)
    recoded = sum(1 for c in result if isinstance(c, official.Change) and c.code != c.old_code)
    click.echo(f"{len(result)} offices updated, {recoded} with a new code")
    if recoded:
        click.echo("restart serve and the workers; officers sign in again to carry the new codes", err=True)
