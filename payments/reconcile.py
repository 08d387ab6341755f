"""Reconciliation: what settled, what the bank and VNPay reported, and what still needs an officer."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import asyncpg

from core.clock import VN_TZ
from core.db import fetch_all_as, fetch_one_as
from payments import queries
from payments.models import Movement, ReceivedItem, Reconciliation
from payments.rows import DayTotalsRow


async def reconcile(conn: asyncpg.Connection, *, day: date, agency: str | None) -> Reconciliation:
    start = datetime.combine(day, time.min, VN_TZ)
    end = start + timedelta(days=1)
    totals = await fetch_one_as(DayTotalsRow, conn, queries.RECONCILE, start, end, agency)
    assert totals is not None  # aggregates: always one row
    received = await fetch_all_as(ReceivedItem, conn, queries.RECONCILE_RECEIVED, start, end, agency)
    settled = Movement(count=totals.settled_count, amount=totals.settled_amount)
    matched = [r for r in received if r.result == "settled"]
    return Reconciliation(
        date=day,
        agency=agency,
        settled=settled,
        received=Movement(count=len(received), amount=sum(r.amount for r in received)),
        refunded=Movement(count=totals.refunded_count, amount=totals.refunded_amount),
        unmatched=[r for r in received if r.result != "settled"],
        open_exceptions=await conn.fetchval(queries.OPEN_EXCEPTIONS_COUNT, agency),
        pending_payments=totals.pending_count,
        # balanced when every notification that settled something accounts for exactly what settled
        balanced=sum(r.amount for r in matched) == settled.amount and len(matched) == settled.count,
    )
