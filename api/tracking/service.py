"""The tracking page's data: the same key check and history as the JSON route, plus the fee, the
delivery and the papers asked for."""

from __future__ import annotations

import asyncpg
import msgspec

from api.dossiers import receipts
from api.dossiers.models import Action, Delivery
from api.dossiers.reads import Showing, procedure_of
from api.dossiers.rows import HistoryRow
from api.tracking.models import TrackingPage, next_step
from core.dossier_status import DossierStatus


def _asked_for(steps: list[HistoryRow]) -> list[str]:
    for step in reversed(steps):
        if step.action == Action.REQUEST_SUPPLEMENT.value:
            missing = step.data.get("missing", [])
            return [str(key) for key in missing] if isinstance(missing, list) else []
    return []


async def tracking_page(
    conn: asyncpg.Connection, showing: Showing, code: str, key: str | None, locale: str
) -> TrackingPage:
    row = await receipts.tracked_row(conn, code, key)
    steps = await receipts.public_history(conn, row.id)
    status = row.status
    names = {r.key: r.names.pick(locale) for r in procedure_of(showing.catalog, row.procedure_slug).requirements}
    missing = _asked_for(steps) if status is DossierStatus.SUPPLEMENT_REQUESTED else []
    return TrackingPage(
        tracking=receipts.tracking_of(showing, row, steps, locale),
        fee=row.fee,
        paid=row.paid_at is not None,
        next=next_step(status, msgspec.convert(row.delivery, Delivery).method),
        missing=[names.get(k, k) for k in missing],
    )
