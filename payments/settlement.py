"""Settling and booking, shared by every way money arrives (bank notifications, VNPay, an officer's
decision): the ledger's double entry, the one conditional change that settles a payment, and the
exceptions that keep money we could not match in view of an officer."""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import datetime

import asyncpg

from core.db import fetch_all_as
from core.events import Event, PaymentSucceeded
from payments import queries
from payments.models import ExceptionReason
from payments.ports import PayableDossier
from payments.rows import PaymentRow, RowVersion, SettledRow
from payments.service import PaymentsContext, payment_event

log = logging.getLogger("motcua.payments")


async def book(
    conn: asyncpg.Connection,
    *,
    payment_id: uuid.UUID | None,
    exception_id: uuid.UUID | None,
    to: str,
    from_: str,
    amount: int,
    kind: str,
    now: datetime,
) -> None:
    """Double entry: `amount` moves from one ledger account to another, the two rows summing to zero."""
    await conn.execute(queries.INSERT_LEDGER_PAIR, payment_id, exception_id, to, from_, amount, kind, now)


def _settlement_accounts(payment: PaymentRow) -> tuple[str, str]:
    """The ledger accounts of a settlement: the collecting bank account receives, the office's fees give."""
    return f"bank:{payment.bank_bin}:{payment.account_number}", f"fees:{payment.agency_code}"


@dataclass(frozen=True)
class ToSettle:
    payment: PaymentRow
    dossier: PayableDossier | None
    settled_by: str
    bank_transaction: str | None = None  # the bank notification settling it, claimed in this transaction
    claimed_version: RowVersion | None = None  # that notification's row version, as its claim wrote it


async def settle_many(
    conn: asyncpg.Connection, pctx: PaymentsContext, items: list[ToSettle], now: datetime
) -> dict[uuid.UUID, SettledRow]:
    """Settle payments of dossiers the caller has locked (Dossiers.lock_many), one per dossier: the settled
    rows by payment id; a payment missing from them was no longer pending, or another payment paid its
    dossier. The caller issues the receipts as its last statement: the receipt counter rows are per-office
    hot spots."""
    if not items:
        return {}
    columns: list[list[object]] = [[] for _ in range(7)]
    for item in items:
        to, from_ = _settlement_accounts(item.payment)
        values = (
            item.payment.id,
            item.payment.dossier_id,
            item.settled_by,
            to,
            from_,
            item.claimed_version,
            item.bank_transaction,
        )
        for column, value in zip(columns, values, strict=True):
            column.append(value)
    settled = {row.id: row for row in await fetch_all_as(SettledRow, conn, queries.SETTLE_MANY, *columns, now)}
    events: list[Event] = []
    for item in items:
        row = settled.get(item.payment.id)
        if row is None:
            continue
        if item.bank_transaction is not None and not row.noted:  # never settle without its notification marked
            raise RuntimeError(f"bank notification {item.bank_transaction} was not marked as settling {row.id}")
        events.append(payment_event(PaymentSucceeded, row, item.dossier, now, settled_by=item.settled_by))
    await pctx.bus.publish_many(conn, events)
    return settled


@dataclass(frozen=True)
class Unmatched:
    """Money we hold but could not match: booked to a suspense account for an officer to resolve."""

    source: str
    source_id: str
    payment_id: uuid.UUID | None
    reason: ExceptionReason
    amount: int
    account: str


async def store_exceptions(conn: asyncpg.Connection, items: list[Unmatched], now: datetime) -> None:
    if not items:
        return
    await conn.execute(
        queries.INSERT_EXCEPTIONS,
        [uuid.uuid4() for _ in items],
        [e.source for e in items],
        [e.source_id for e in items],
        [e.payment_id for e in items],
        [e.reason.value for e in items],
        [e.amount for e in items],
        [e.account for e in items],
        now,
    )
    for e in items:
        log.warning("payment exception %s from %s %s (%s VND)", e.reason.value, e.source, e.source_id, e.amount)
