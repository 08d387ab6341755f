"""Giving money back: refunds of settled payments, and officers' decisions on unmatched money."""

from __future__ import annotations

import uuid
from typing import Any

import asyncpg

from core.audit import AuditActor, AuditEntry, record
from core.auth import Principal, Role
from core.errors import ConflictError, ForbiddenError, NotFoundError, ValidationError
from core.events import PaymentRefunded, PaymentSucceeded
from payments import queries
from payments.models import PaymentExceptionOut, ResolveAction, ResolveIn
from payments.receipts import issue_receipt
from payments.service import PaymentsContext, book, event_fields


def _reason(text: str | None) -> str:
    reason = (text or "").strip()
    if not reason:
        raise ValidationError([("reason", "required", {})])
    return reason[:500]


async def refund_payment(
    conn: asyncpg.Connection, pctx: PaymentsContext, officer: Principal, payment_id: uuid.UUID, reason: str | None
) -> Any:
    """The whole amount back to the payer; ledger reversed in the same transaction."""
    text = _reason(reason)
    now = pctx.clock.now()
    async with conn.transaction():
        row = await conn.fetchrow(queries.GET_PAYMENT_FOR_UPDATE, payment_id)
        if row is None or not officer.serves(row["agency_code"]):
            raise NotFoundError("payment-not-found")
        refunded = await conn.fetchrow(queries.REFUND, payment_id, now, text)
        if refunded is None:
            raise ConflictError("payment-not-refundable")
        amount = refunded["amount"]
        await book(
            conn,
            payment_id=payment_id,
            exception_id=None,
            to=f"fees:{refunded['agency_code']}",
            from_=_paid_from(refunded),
            amount=amount,
            kind="refund",
            now=now,
        )
        dossier = await pctx.dossiers.get(conn, refunded["dossier_id"])
        await pctx.bus.publish(conn, PaymentRefunded(**event_fields(refunded, dossier, now), reason=text))
        await record(
            conn,
            AuditEntry(
                refunded["dossier_id"],
                AuditActor.of(officer),
                "refund",
                now,
                {"payment_id": str(payment_id), "amount": amount},
            ),
        )
    return refunded


def _paid_from(row: Any) -> str:
    if row["method"] == "vnpay":
        return "vnpay"
    return f"bank:{row['bank_bin']}:{row['account_number']}"


def _exception_out(row: Any) -> PaymentExceptionOut:
    return PaymentExceptionOut(
        id=row["id"],
        source=row["source"],
        source_id=row["source_id"],
        payment_id=row["payment_id"],
        reference=row["reference"],
        dossier_id=row["dossier_id"],
        agency=row["agency_code"],
        reason=row["reason"],
        amount=row["amount"],
        status=row["status"],
        note=row["note"],
        created_at=row["created_at"],
        resolved_at=row["resolved_at"],
    )


async def list_exceptions(
    conn: asyncpg.Connection, officer: Principal, *, status: str | None, limit: int, offset: int
) -> tuple[list[PaymentExceptionOut], int]:
    # money matched to no payment belongs to no office yet: only administrators see it
    offices = None if officer.role is Role.ADMIN else list(officer.agencies)
    rows = await conn.fetch(queries.LIST_EXCEPTIONS, offices, status, limit, offset)
    return [_exception_out(r) for r in rows], (rows[0]["total"] if rows else 0)


async def resolve_exception(
    conn: asyncpg.Connection, pctx: PaymentsContext, officer: Principal, exception_id: uuid.UUID, body: ResolveIn
) -> None:
    """Refund the unmatched money, or accept it as paying its payment (e.g. a late or short transfer
    the office agrees to); either way the suspense account is cleared."""
    now = pctx.clock.now()
    async with conn.transaction():
        row = await conn.fetchrow(queries.GET_EXCEPTION_FOR_UPDATE, exception_id)
        if row is None:
            raise NotFoundError("not-found")
        if row["agency_code"] is None and officer.role is not Role.ADMIN:
            raise ForbiddenError()
        if row["agency_code"] is not None and not officer.serves(row["agency_code"]):
            raise NotFoundError("not-found")
        if row["status"] != "open":
            raise ConflictError("conflict")
        amount = row["amount"]
        if body.action is ResolveAction.REFUND:
            paid_from = await conn.fetchval(queries.LEDGER_ACCOUNT_OF_EXCEPTION, exception_id)
            await book(
                conn,
                payment_id=row["payment_id"],
                exception_id=exception_id,
                to="suspense",
                from_=paid_from,
                amount=amount,
                kind="refund",
                now=now,
            )
            status = "refunded"
        else:
            if row["payment_id"] is None:
                raise ConflictError("conflict")
            dossier = await pctx.dossiers.lock(conn, row["dossier_id"])  # as every settlement does, first
            try:
                async with conn.transaction():  # the dossier may have been paid by another payment
                    settled = await conn.fetchrow(
                        queries.ACCEPT_PAYMENT, row["payment_id"], now, f"{row['source']}:{row['source_id']}"
                    )
            except asyncpg.UniqueViolationError:
                settled = None
            if settled is None:
                raise ConflictError("payment-already-settled")
            await book(
                conn,
                payment_id=row["payment_id"],
                exception_id=exception_id,
                to="suspense",
                from_=f"fees:{settled['agency_code']}",
                amount=amount,
                kind="accept",
                now=now,
            )
            await issue_receipt(conn, settled, dossier, now)
            await pctx.bus.publish(
                conn, PaymentSucceeded(**event_fields(settled, dossier, now), settled_by=settled["settled_by"])
            )
            status = "accepted"
        await conn.execute(
            queries.RESOLVE_EXCEPTION, exception_id, status, (body.note or "").strip() or None, officer.user_id, now
        )
        if row["dossier_id"] is not None:  # money matched to no dossier is on no dossier's trail
            detail = {"exception_id": str(exception_id), "resolution": status, "amount": amount}
            await record(conn, AuditEntry(row["dossier_id"], AuditActor.of(officer), "resolve_payment", now, detail))
