"""Payment use cases. Money and the dossier move in one transaction; a payment settles once."""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import asyncpg

from core.auth import Principal, Role
from core.clock import Clock
from core.db import acquire
from core.errors import ConflictError, NotFoundError
from core.events import EventBus, PaymentExpired, PaymentFailed, PaymentSucceeded
from core.settings import Settings
from payments import queries, vietqr, vnpay
from payments.models import (
    PAYABLE_DOSSIER_STATUSES,
    BankNotification,
    ExceptionReason,
    Method,
    OpenPayment,
    Payment,
    PaymentStatus,
    VietQRInfo,
    VNPayInfo,
    judge,
)
from payments.ports import Dossiers, PayableDossier
from payments.receipts import issue_receipt
from payments.references import find_reference, new_reference

log = logging.getLogger("motcua.payments")


@dataclass
class PaymentsContext:
    settings: Settings
    pool: asyncpg.Pool
    clock: Clock
    bus: EventBus
    dossiers: Dossiers


# ---- shaping --------------------------------------------------------------------------------


def to_payment(row: Any) -> Payment:
    method = Method(row["method"])
    qr = None
    if method is Method.VIETQR:
        payload = vietqr.build_payload(
            vietqr.VietQR(
                bank_bin=row["bank_bin"],
                account_number=row["account_number"],
                amount=row["amount"],
                reference=row["reference"],
            )
        )
        qr = VietQRInfo(
            payload=payload,
            bank_bin=row["bank_bin"],
            bank_name=vietqr.BANKS.get(row["bank_bin"], row["bank_bin"]),
            account_number=row["account_number"],
            account_name=row["account_name"],
            qr_png_url=f"/api/v1/payments/{row['id']}/qr.png",
            qr_svg_url=f"/api/v1/payments/{row['id']}/qr.svg",
        )
    return Payment(
        id=row["id"],
        dossier_id=row["dossier_id"],
        method=method,
        status=PaymentStatus(row["status"]),
        amount=row["amount"],
        currency=row["currency"],
        reference=row["reference"],
        expires_at=row["expires_at"],
        settled_at=row["settled_at"],
        refunded_at=row["refunded_at"],
        vietqr=qr,
        vnpay=VNPayInfo(pay_url=row["pay_url"]) if method is Method.VNPAY and row["pay_url"] else None,
    )


def event_fields(row: Any, dossier: PayableDossier | None, now: datetime) -> dict[str, Any]:
    return {
        "event_id": uuid.uuid4(),
        "occurred_at": now,
        "payment_id": row["id"],
        "dossier_id": row["dossier_id"],
        "dossier_code": dossier.code if dossier else None,
        "owner_id": row["owner_id"],
        "agency_code": row["agency_code"],
        "procedure_slug": dossier.procedure_slug if dossier else "",
        "procedure_names": dossier.procedure_names if dossier else {},
        "method": row["method"],
        "amount": row["amount"],
        "reference": row["reference"],
    }


# ---- opening a payment ----------------------------------------------------------------------


async def _account(conn: asyncpg.Connection, settings: Settings, agency_code: str) -> tuple[str, str, str]:
    row = await conn.fetchrow(queries.GET_ACCOUNT, agency_code)
    if row is not None:
        return row["bank_bin"], row["account_number"], row["account_name"]
    return settings.collection_bank_bin, settings.collection_account_number, settings.collection_account_name


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
        dossier = await pctx.dossiers.visible(conn, dossier_id, principal)
        if dossier is None:
            raise NotFoundError("dossier-not-found")
        if await conn.fetchval(queries.DOSSIER_PAID, dossier_id):
            raise ConflictError("payment-already-settled")
        if dossier.fee <= 0 or dossier.status not in PAYABLE_DOSSIER_STATUSES:
            raise ConflictError("payment-not-due")
        current = await conn.fetchrow(queries.GET_OPEN_PAYMENT_FOR_UPDATE, dossier_id)
        if current is not None:
            if current["method"] == method.value and current["expires_at"] > now:
                return to_payment(current), False
            await conn.execute(queries.MARK_EXPIRED, current["id"], now)
            await pctx.bus.publish(conn, PaymentExpired(**event_fields(current, dossier, now), replaced=True))
        bank_bin, account_number, account_name = await _account(conn, pctx.settings, dossier.agency_code)
        reference = new_reference()
        pay_url = _vnpay_url(pctx, reference, dossier.fee, dossier, client_ip, now) if method is Method.VNPAY else None
        row = await conn.fetchrow(
            queries.INSERT_PAYMENT,
            uuid.uuid4(),
            dossier_id,
            method.value,
            dossier.fee,
            reference,
            dossier.agency_code,
            bank_bin,
            account_number,
            account_name,
            dossier.payer_name,
            dossier.owner_id,
            now + timedelta(seconds=pctx.settings.payment_ttl),
            pay_url,
            now,
        )
    return to_payment(row), True


async def visible_payment(conn: asyncpg.Connection, principal: Principal, payment_id: uuid.UUID) -> Any:
    """The payment row if the caller may see it: its payer, or an officer of its office."""
    row = await conn.fetchrow(queries.GET_PAYMENT, payment_id)
    if row is None:
        raise NotFoundError("payment-not-found")
    if principal.role is Role.CITIZEN:
        if row["owner_id"] != principal.user_id:
            raise NotFoundError("payment-not-found")
    elif not principal.serves(row["agency_code"]):
        raise NotFoundError("payment-not-found")
    return row


# ---- settling -------------------------------------------------------------------------------


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


def _settlement_accounts(row: Any) -> tuple[str, str]:
    """The ledger accounts of a settlement: the collecting bank account receives, the office's fees give."""
    return f"bank:{row['bank_bin']}:{row['account_number']}", f"fees:{row['agency_code']}"


async def _settle(
    conn: asyncpg.Connection,
    pctx: PaymentsContext,
    row: Any,
    dossier: PayableDossier | None,
    settled_by: str,
    now: datetime,
    *,
    bank_transaction: str | None = None,
) -> Any | None:
    """Settle a payment of a dossier the caller has locked (Dossiers.lock): the settled row, or None when
    the payment is no longer pending or another payment paid the dossier. The caller issues the receipt as
    its last statement: the receipt counter row is a per-office hot spot."""
    to, from_ = _settlement_accounts(row)
    if bank_transaction is None:
        settled = await conn.fetchrow(queries.SETTLE, row["id"], now, settled_by, to, from_)
    else:
        settled = await conn.fetchrow(queries.SETTLE_BY_BANK, row["id"], now, settled_by, to, from_, bank_transaction)
    if settled is None:
        return None
    await pctx.bus.publish(conn, PaymentSucceeded(**event_fields(settled, dossier, now), settled_by=settled_by))
    return settled


async def _exception(
    conn: asyncpg.Connection,
    *,
    source: str,
    source_id: str,
    payment_id: uuid.UUID | None,
    reason: ExceptionReason,
    amount: int,
    account: str,
    now: datetime,
) -> None:
    """Money we hold but could not match: booked to a suspense account for an officer to resolve."""
    await conn.execute(
        queries.INSERT_EXCEPTION,
        uuid.uuid4(),
        source,
        source_id,
        payment_id,
        reason.value,
        amount,
        now,
        account,
        "suspense",
    )
    log.warning("payment exception %s from %s %s (%s VND)", reason.value, source, source_id, amount)


def _open_facts(row: Any, now: datetime) -> OpenPayment:
    return OpenPayment(
        status=PaymentStatus(row["status"]),
        amount=row["amount"],
        expired=row["expires_at"] <= now,
        bank_bin=row["bank_bin"],
        account_number=row["account_number"],
        dossier_paid=row["dossier_paid"],
    )


async def receive_bank_notification(conn: asyncpg.Connection, pctx: PaymentsContext, note: BankNotification) -> str:
    """settled | duplicate | exception; idempotent by the bank's transaction id."""
    now = pctx.clock.now()
    reference = find_reference(note.content)
    async with conn.transaction():
        claimed = await conn.fetchrow(
            queries.CLAIM_BANK_NOTIFICATION,
            note.transaction_id,
            note.bank_bin,
            note.account_number,
            note.amount,
            note.content,
            note.transacted_at,
            reference,
            now,
        )
        if claimed is None:
            return "duplicate"
        row = claimed if claimed["id"] is not None else None

        def reason_for(payment: Any) -> ExceptionReason | None:
            facts = _open_facts(payment, now) if payment is not None else None
            return judge(facts, amount=note.amount, bank_bin=note.bank_bin, account_number=note.account_number)

        reason = reason_for(row)
        settled = dossier = None
        if reason is None and row is not None:
            dossier = await pctx.dossiers.lock(conn, row["dossier_id"])
            by = f"bank:{note.transaction_id}"
            settled = await _settle(conn, pctx, row, dossier, by, now, bank_transaction=note.transaction_id)
            if settled is None:  # settled, expired or paid otherwise since it was read: judge it as it is now
                reason = reason_for(await conn.fetchrow(queries.GET_PAYMENT_FACTS, row["id"]))
                reason = reason or ExceptionReason.DOSSIER_ALREADY_PAID
        if reason is not None:
            await _exception(
                conn,
                source="bank",
                source_id=note.transaction_id,
                payment_id=row["id"] if row is not None else None,
                reason=reason,
                amount=note.amount,
                account=f"bank:{note.bank_bin}:{note.account_number.strip()}",
                now=now,
            )
            return "exception"
        await issue_receipt(conn, settled, dossier, now)
    return "settled"


async def receive_vnpay_ipn(
    conn: asyncpg.Connection, pctx: PaymentsContext, params: dict[str, str]
) -> vnpay.IpnDecision:
    """VNPay's instant payment notification, answered with VNPay's codes; settles at most once."""
    secret = pctx.settings.vnpay_hash_secret
    if not vnpay.verify(params, secret):
        return vnpay.decide_ipn(params, secret=secret, expected_amount=None, payment_status=None)
    now = pctx.clock.now()
    reference = params.get("vnp_TxnRef", "")
    transaction_no = params.get("vnp_TransactionNo") or f"{reference}:{params.get('vnp_PayDate', '')}"
    async with conn.transaction():
        claimed = await conn.fetchval(queries.CLAIM_VNPAY_NOTIFICATION, transaction_no, reference, params, now)
        if claimed is None:  # VNPay retries until it reads our answer: repeat it
            code = (
                await conn.fetchval(queries.GET_VNPAY_NOTIFICATION, transaction_no) or vnpay.ALREADY_CONFIRMED.rsp_code
            )
            return vnpay.decide_ipn(params, secret=secret, expected_amount=None, payment_status=None, replay=code)
        # the dossier is locked before its payment, as every settlement does
        row = await conn.fetchrow(queries.GET_PAYMENT_BY_REFERENCE, reference)
        dossier = await pctx.dossiers.lock(conn, row["dossier_id"]) if row is not None else None
        if row is not None:
            row = await conn.fetchrow(queries.GET_PAYMENT_BY_REFERENCE_FOR_UPDATE, reference)
        if row is None or row["method"] != Method.VNPAY.value:
            decision = vnpay.decide_ipn(params, secret=secret, expected_amount=None, payment_status=None)
        else:
            decision = vnpay.decide_ipn(
                params, secret=secret, expected_amount=row["amount"], payment_status=row["status"]
            )
        payment_id = row["id"] if row is not None else None
        settled = None
        if decision.settle and row is not None:
            settled = await _settle(conn, pctx, row, dossier, f"vnpay:{transaction_no}", now)
            if settled is None:
                # VNPay took the money but the dossier is already paid: keep it visible for a refund
                await _exception(
                    conn,
                    source="vnpay",
                    source_id=transaction_no,
                    payment_id=payment_id,
                    reason=ExceptionReason.DOSSIER_ALREADY_PAID,
                    amount=row["amount"],
                    account="vnpay",
                    now=now,
                )
        elif decision.failed and row is not None and row["status"] == PaymentStatus.PENDING.value:
            await conn.execute(queries.MARK_FAILED, row["id"], now)
            await pctx.bus.publish(
                conn,
                PaymentFailed(**event_fields(row, dossier, now), reason=params.get("vnp_ResponseCode", "")),
            )
        await conn.execute(queries.SET_VNPAY_RESULT, transaction_no, decision.rsp_code, payment_id)
        if settled is not None:
            await issue_receipt(conn, settled, dossier, now)
    return decision


async def expire_due(pctx: PaymentsContext, *, batch: int = 500) -> int:
    """Expire pending payments past their time (run by the worker); returns how many."""
    now = pctx.clock.now()
    async with acquire(pctx.pool) as conn, conn.transaction():
        rows = await conn.fetch(queries.EXPIRE_DUE, now, batch)
        for row in rows:
            dossier = await pctx.dossiers.get(conn, row["dossier_id"])
            await pctx.bus.publish(conn, PaymentExpired(**event_fields(row, dossier, now)))
    return len(rows)
