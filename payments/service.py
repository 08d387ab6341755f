"""A payment's own use cases: opening it, showing it to those who may see it, and expiring it.

Settling lives apart: payments/settlement.py (shared), bank_notifications.py, vnpay_ipn.py, refunds.py."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TypeVar

import asyncpg

from core.auth import Principal, Role
from core.clock import Clock
from core.db import acquire, fetch_all_as, fetch_one_as
from core.errors import ConflictError, NotFoundError
from core.events import EventBus, PaymentEvent, PaymentExpired
from core.settings import Settings
from payments import queries, vietqr, vnpay
from payments.models import PAYABLE_DOSSIER_STATUSES, Method, Payment, VietQRInfo, VNPayInfo
from payments.ports import Dossiers, PayableDossier
from payments.references import new_reference
from payments.rows import AccountRow, PaymentRow


@dataclass
class PaymentsContext:
    """What the payment use cases work with; the composition root (asgi.py) builds it."""

    settings: Settings
    pool: asyncpg.Pool
    clock: Clock
    bus: EventBus
    dossiers: Dossiers


# ---- shaping --------------------------------------------------------------------------------


def to_payment(row: PaymentRow) -> Payment:
    qr = None
    if row.method is Method.VIETQR:
        transfer = vietqr.VietQR(
            bank_bin=row.bank_bin, account_number=row.account_number, amount=row.amount, reference=row.reference
        )
        qr = VietQRInfo(
            payload=vietqr.build_payload(transfer),
            bank_bin=row.bank_bin,
            bank_name=vietqr.BANKS.get(row.bank_bin, row.bank_bin),
            account_number=row.account_number,
            account_name=row.account_name,
            qr_png_url=f"/api/v1/payments/{row.id}/qr.png",
            qr_svg_url=f"/api/v1/payments/{row.id}/qr.svg",
        )
    return Payment(
        id=row.id,
        dossier_id=row.dossier_id,
        method=row.method,
        status=row.status,
        amount=row.amount,
        currency=row.currency,
        reference=row.reference,
        expires_at=row.expires_at,
        settled_at=row.settled_at,
        refunded_at=row.refunded_at,
        vietqr=qr,
        vnpay=VNPayInfo(pay_url=row.pay_url) if row.method is Method.VNPAY and row.pay_url else None,
    )


PaymentEventT = TypeVar("PaymentEventT", bound=PaymentEvent)


def payment_event(
    kind: type[PaymentEventT], row: PaymentRow, dossier: PayableDossier | None, now: datetime, **extra: str | bool
) -> PaymentEventT:
    """An event of `kind` about the payment `row` of `dossier`; `extra` are the fields of that kind alone."""
    return kind(
        event_id=uuid.uuid4(),
        occurred_at=now,
        payment_id=row.id,
        dossier_id=row.dossier_id,
        dossier_code=dossier.code if dossier else None,
        owner_id=row.owner_id,
        agency_code=row.agency_code,
        procedure_slug=dossier.procedure_slug if dossier else "",
        procedure_names=dossier.procedure_names if dossier else {},
        method=row.method.value,
        amount=row.amount,
        reference=row.reference,
        **extra,  # type: ignore[arg-type]  # the fields of `kind` alone; mypy reads them against every field
    )


# ---- opening a payment ----------------------------------------------------------------------


async def _account(conn: asyncpg.Connection, settings: Settings, agency_code: str) -> AccountRow:
    account = await fetch_one_as(AccountRow, conn, queries.GET_ACCOUNT, agency_code)
    if account is not None:
        return account
    return AccountRow(
        bank_bin=settings.collection_bank_bin,
        account_number=settings.collection_account_number,
        account_name=settings.collection_account_name,
    )


def _vnpay_url(
    pctx: PaymentsContext, reference: str, amount: int, dossier: PayableDossier, ip: str, now: datetime
) -> str:
    s = pctx.settings
    return vnpay.payment_url(
        base_url=s.vnpay_pay_url,
        tmn_code=s.vnpay_tmn_code,
        secret=s.vnpay_hash_secret,
        txn_ref=reference,
        amount=amount,
        order_info=f"Thanh toan le phi ho so {dossier.code or dossier.id}",
        ip_addr=ip,
        return_url=s.vnpay_return_url or f"{s.public_base_url.rstrip('/')}/api/v1/payments/vnpay/return",
        created_at=now,
        expire_at=now + timedelta(seconds=s.payment_ttl),
    )


async def _payable(
    conn: asyncpg.Connection, pctx: PaymentsContext, principal: Principal, dossier_id: uuid.UUID
) -> PayableDossier:
    """The dossier if the caller may see it and its fee is due now."""
    dossier = await pctx.dossiers.visible(conn, dossier_id, principal)
    if dossier is None:
        raise NotFoundError("dossier-not-found")
    if await conn.fetchval(queries.DOSSIER_PAID, dossier_id):
        raise ConflictError("payment-already-settled")
    if dossier.fee <= 0 or dossier.status not in PAYABLE_DOSSIER_STATUSES:
        raise ConflictError("payment-not-due")
    return dossier


async def _insert(
    conn: asyncpg.Connection,
    pctx: PaymentsContext,
    dossier: PayableDossier,
    method: Method,
    client_ip: str,
    now: datetime,
) -> PaymentRow:
    account = await _account(conn, pctx.settings, dossier.agency_code)
    reference = new_reference()
    pay_url = _vnpay_url(pctx, reference, dossier.fee, dossier, client_ip, now) if method is Method.VNPAY else None
    row = await fetch_one_as(
        PaymentRow,
        conn,
        queries.INSERT_PAYMENT,
        uuid.uuid4(),
        dossier.id,
        method.value,
        dossier.fee,
        reference,
        dossier.agency_code,
        account.bank_bin,
        account.account_number,
        account.account_name,
        dossier.payer_name,
        dossier.owner_id,
        now + timedelta(seconds=pctx.settings.payment_ttl),
        pay_url,
        now,
    )
    assert row is not None  # INSERT ... RETURNING
    return row


async def open_payment(
    conn: asyncpg.Connection,
    pctx: PaymentsContext,
    principal: Principal,
    dossier_id: uuid.UUID,
    method: Method,
    *,
    client_ip: str,
) -> tuple[Payment, bool]:
    """The dossier's open payment for `method`, or a new one; True when it was created."""
    now = pctx.clock.now()
    async with conn.transaction():
        dossier = await _payable(conn, pctx, principal, dossier_id)
        current = await fetch_one_as(PaymentRow, conn, queries.GET_OPEN_PAYMENT_FOR_UPDATE, dossier_id)
        if current is not None:
            if current.method is method and current.expires_at > now:
                return to_payment(current), False
            await conn.execute(queries.MARK_EXPIRED, current.id, now)
            await pctx.bus.publish(conn, payment_event(PaymentExpired, current, dossier, now, replaced=True))
        row = await _insert(conn, pctx, dossier, method, client_ip, now)
    return to_payment(row), True


async def visible_payment(conn: asyncpg.Connection, principal: Principal, payment_id: uuid.UUID) -> PaymentRow:
    """The payment if the caller may see it: its payer, or an officer of its office."""
    row = await fetch_one_as(PaymentRow, conn, queries.GET_PAYMENT, payment_id)
    if row is None:
        raise NotFoundError("payment-not-found")
    if principal.role is Role.CITIZEN:
        if row.owner_id != principal.user_id:
            raise NotFoundError("payment-not-found")
    elif not principal.serves(row.agency_code):
        raise NotFoundError("payment-not-found")
    return row


# ---- expiring -------------------------------------------------------------------------------


async def expire_due(pctx: PaymentsContext, *, batch: int = 500) -> int:
    """Expire pending payments past their time (run by the worker); returns how many."""
    now = pctx.clock.now()
    async with acquire(pctx.pool) as conn, conn.transaction():
        rows = await fetch_all_as(PaymentRow, conn, queries.EXPIRE_DUE, now, batch)
        for row in rows:
            dossier = await pctx.dossiers.get(conn, row.dossier_id)
            await pctx.bus.publish(conn, payment_event(PaymentExpired, row, dossier, now))
    return len(rows)
