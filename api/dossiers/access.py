"""Who may see which dossier: citizens their own, officers their offices' once the dossier reached them.
Anything else looks absent (404, the answer for a dossier that does not exist)."""

from __future__ import annotations

import uuid

import asyncpg

from api.dossiers import queries
from api.dossiers.rows import DossierRow
from core.auth import Principal, Role
from core.db import fetch_one_as
from core.errors import NotFoundError


def reached_the_office(row: DossierRow) -> bool:
    """An online dossier reaches its office when the citizen submits it: before, a draft (or a draft
    withdrawn) is the citizen's alone. A walk-in dossier is the office's work from the start.
    queries.REACHED_THE_OFFICE says the same in SQL."""
    return row.at_counter or row.submitted_at is not None


def officer_of_dossier(row: DossierRow, principal: Principal) -> bool:
    """An officer of the dossier's office (or an admin), once the dossier has reached the office."""
    return principal.role is not Role.CITIZEN and principal.serves(row.agency_code) and reached_the_office(row)


def visible_to(row: DossierRow | None, principal: Principal) -> DossierRow:
    if row is None:
        raise NotFoundError("dossier-not-found")
    if principal.role is Role.CITIZEN:
        if row.owner_id != principal.user_id:
            raise NotFoundError("dossier-not-found")
    elif not officer_of_dossier(row, principal):
        raise NotFoundError("dossier-not-found")
    return row


async def load(
    conn: asyncpg.Connection, principal: Principal, dossier_id: uuid.UUID, *, lock: bool = False
) -> DossierRow:
    """The dossier `principal` may see; `lock`: locked for the caller's transaction."""
    sql = queries.GET_DOSSIER_FOR_UPDATE if lock else queries.GET_DOSSIER
    return visible_to(await fetch_one_as(DossierRow, conn, sql, dossier_id), principal)


async def lock_any(conn: asyncpg.Connection, dossier_id: uuid.UUID) -> DossierRow:
    """The dossier locked for a caller that is no user (the one-stop system), which sees every dossier."""
    row = await fetch_one_as(DossierRow, conn, queries.GET_DOSSIER_FOR_UPDATE, dossier_id)
    if row is None:
        raise NotFoundError("dossier-not-found")
    return row
