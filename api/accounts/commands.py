"""`motcua token` and `motcua officer …`: accounts made and managed by an operator."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from api.commands import database_url, ensure_reference_data, run, settings_or_fail, with_connection
from core.settings import Settings


async def _make_user(
    conn: Any, settings: Settings, phone: str, role: str, agencies: tuple[str, ...], full_name: str | None = None
) -> Any:
    from api.accounts.service import bind_agency, ensure_user, set_full_name
    from core.auth import Role
    from core.clock import SystemClock

    await ensure_reference_data(conn, settings.province_code)
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


@click.command()
@click.option("--phone", required=True)
@click.option("--role", type=click.Choice(["citizen", "officer", "admin"]), default="citizen", show_default=True)
@click.option("--agency", "agencies", multiple=True, help="office code (officers; repeatable)")
def token(phone: str, role: str, agencies: tuple[str, ...]) -> None:
    """Create the user if needed and print only an access token."""
    from api.accounts import queries
    from api.accounts.service import principal_for
    from core.auth import issue_access_token
    from core.clock import SystemClock

    settings = settings_or_fail()
    url = database_url(settings)
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

    click.echo(run(with_connection(settings, url, work)))


@click.group()
def officer() -> None:
    """Manage officer accounts."""


@officer.command("create")
@click.option("--phone", required=True)
@click.option("--agency", "agencies", multiple=True, required=True, help="office code (repeatable)")
@click.option("--name", "full_name", help="the officer's full name, shown in dossier histories")
@click.option("--admin", is_flag=True, help="an administrator of every office")
def officer_create(phone: str, agencies: tuple[str, ...], full_name: str | None, admin: bool) -> None:
    """Create (or update) an officer bound to offices."""
    settings = settings_or_fail()
    url = database_url(settings)
    number = _phone(phone)

    async def work(conn: Any) -> Any:
        return await _make_user(conn, settings, number, "admin" if admin else "officer", agencies, full_name)

    user_id = run(with_connection(settings, url, work))
    click.echo(f"officer {number} ({user_id}) serves: {', '.join(agencies)}")


@officer.command("list")
def officer_list() -> None:
    """Officers and admins: phone, role, active or disabled, offices, name."""
    from api.accounts.service import list_staff

    settings = settings_or_fail()
    url = database_url(settings)
    staff = run(with_connection(settings, url, list_staff))
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

    settings = settings_or_fail()
    url = database_url(settings)
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

    listening, confirmed = run(with_connection(settings, url, work))
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
