"""Giving money back: refunds of settled payments, and officers' decisions on unmatched money."""

from __future__ import annotations

import uuid
from datetime import datetime

import asyncpg

from core.audit import AuditActor, AuditEntry, record
from core.auth import Principal, Role
from core.db import fetch_one_as, fetch_page_as
from core.errors import ConflictError, ForbiddenError, NotFoundError, ValidationError
from core.events import PaymentRefunded, PaymentSucceeded
from payments import queries
from payments.models import Method, PaymentExceptionOut, ResolveAction, ResolveIn
from payments.receipts import issue_receipt
from payments.rows import ExceptionRow, PaymentRow
from payments.service import PaymentsContext, payment_event
from payments.settlement import book


def _reason(text: str | None) -> str:
    reason = (text or "").strip()
    if not reason:
        raise ValidationError([("reason", "required", {})])
    return reason[:500]


async def refund_payment(
    conn: asyncpg.Connection, pctx: PaymentsContext, officer: Principal, payment_id: uuid.UUID, reason: str | None
) -> PaymentRow:
    """The whole amount back to the payer; ledger reversed in the same transaction."""
    text = _reason(reason)
    now = pctx.clock.now()
    async with conn.transaction():
        row = await fetch_one_as(PaymentRow, conn, queries.GET_PAYMENT_FOR_UPDATE, payment_id)
        if row is None or not officer.serves(row.agency_code):
            raise NotFoundError("payment-not-found")
        refunded = await fetch_one_as(PaymentRow, conn, queries.REFUND, payment_id, now, text)
        if refunded is None:
            raise ConflictError("payment-not-refundable")
        amount = refunded.amount
        await book(
            conn,
            payment_id=payment_id,
            exception_id=None,
            to=f"fees:{refunded.agency_code}",
            from_=_paid_from(refunded),
            amount=amount,
            kind="refund",
            now=now,
        )
        dossier = await pctx.dossiers.get(conn, refunded.dossier_id)
        await pctx.bus.publish(conn, payment_event(PaymentRefunded, refunded, dossier, now, reason=text))
        detail = {"payment_id": str(payment_id), "amount": amount}
        await record(conn, AuditEntry(refunded.dossier_id, AuditActor.of(officer), "refund", now, detail))
    return refunded


def _paid_from(row: PaymentRow) -> str:
    if row.method is Method.VNPAY:
        return "vnpay"
    return f"bank:{row.bank_bin}:{row.account_number}"


async def list_exceptions(
    conn: asyncpg.Connection, officer: Principal, *, status: str | None, limit: int, offset: int
) -> tuple[list[PaymentExceptionOut], int]:
    # money matched to no payment belongs to no office yet: only administrators see it
    offices = None if officer.role is Role.ADMIN else list(officer.agencies)
    return await fetch_page_as(PaymentExceptionOut, conn, queries.LIST_EXCEPTIONS, offices, status, limit, offset)


async def _open_exception(conn: asyncpg.Connection, officer: Principal, exception_id: uuid.UUID) -> ExceptionRow:
    """The exception, locked, if this officer may resolve it and it is still open."""
    row = await fetch_one_as(ExceptionRow, conn, queries.GET_EXCEPTION_FOR_UPDATE, exception_id)
    if row is None:
        raise NotFoundError("not-found")
    if row.agency_code is None and officer.role is not Role.ADMIN:
        raise ForbiddenError()
    if row.agency_code is not None and not officer.serves(row.agency_code):
        raise NotFoundError("not-found")
    if row.status != "open":
        raise ConflictError("conflict")
    return row


async def _refund_unmatched(conn: asyncpg.Connection, row: ExceptionRow, now: datetime) -> None:
    """The money goes back where it came from."""
    paid_from = await conn.fetchval(queries.LEDGER_ACCOUNT_OF_EXCEPTION, row.id)
    await book(
        conn,
        payment_id=row.payment_id,
        exception_id=row.id,
        to="suspense",
        from_=paid_from,
        amount=row.amount,
        kind="refund",
        now=now,
    )


async def _accept_unmatched(conn: asyncpg.Connection, pctx: PaymentsContext, row: ExceptionRow, now: datetime) -> None:
    """The money pays the payment it names, late or short as it may be."""
    if row.payment_id is None or row.dossier_id is None:
        raise ConflictError("conflict")
    dossier = await pctx.dossiers.lock(conn, row.dossier_id)  # as every settlement does, first
    settled_by = f"{row.source}:{row.source_id}"
    try:
        async with conn.transaction():  # the dossier may have been paid by another payment
            settled = await fetch_one_as(PaymentRow, conn, queries.ACCEPT_PAYMENT, row.payment_id, now, settled_by)
    except asyncpg.UniqueViolationError:
        settled = None
    if settled is None:
        raise ConflictError("payment-already-settled")
    await book(
        conn,
        payment_id=row.payment_id,
        exception_id=row.id,
        to="suspense",
        from_=f"fees:{settled.agency_code}",
        amount=row.amount,
        kind="accept",
        now=now,
    )
    await issue_receipt(conn, settled, dossier, now)
    await pctx.bus.publish(conn, payment_event(PaymentSucceeded, settled, dossier, now, settled_by=settled_by))


async def resolve_exception(
    conn: asyncpg.Connection, pctx: PaymentsContext, officer: Principal, exception_id: uuid.UUID, body: ResolveIn
) -> None:
    """Refund the unmatched money, or accept it as paying its payment (e.g. a late or short transfer
    the office agrees to); either way the suspense account is cleared."""
    now = pctx.clock.now()
    async with conn.transaction():
        row = await _open_exception(conn, officer, exception_id)
        if body.action is ResolveAction.REFUND:
            await _refund_unmatched(conn, row, now)
            status = "refunded"
        else:
            await _accept_unmatched(conn, pctx, row, now)
            status = "accepted"
        note = (body.note or "").strip() or None
        await conn.execute(queries.RESOLVE_EXCEPTION, exception_id, status, note, officer.user_id, now)
        if row.dossier_id is not None:  # money matched to no dossier is on no dossier's trail
            detail = {"exception_id": str(exception_id), "resolution": status, "amount": row.amount}
            await record(conn, AuditEntry(row.dossier_id, AuditActor.of(officer), "resolve_payment", now, detail))
