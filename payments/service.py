"""Payment use cases. Money and the dossier move in one transaction; a payment settles once."""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol

import asyncpg

from core.auth import Principal, Role
from core.clock import Clock
from core.db import acquire
from core.errors import ConflictError, NotFoundError
from core.events import Event, EventBus, PaymentExpired, PaymentFailed, PaymentSucceeded
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
    booked_amount,
    judge,
)
from payments.ports import Dossiers, PayableDossier
from payments.receipts import issue_receipts
from payments.references import find_reference, new_reference

log = logging.getLogger("motcua.payments")


class BankQueue(Protocol):
    """payments.bank_queue.BankNotificationQueue, seen from the context that holds it."""

    async def submit(self, note: BankNotification) -> str: ...

    async def drain(self) -> None: ...


@dataclass
class PaymentsContext:
    settings: Settings
    pool: asyncpg.Pool
    clock: Clock
    bus: EventBus
    dossiers: Dossiers
    # what the bank webhook hands its notifications to; set by the composition root (asgi.py)
    bank_queue: BankQueue = field(init=False)


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


@dataclass(frozen=True)
class _ToSettle:
    payment: Any  # its row as read, with `claimed_version` when a bank notification settles it
    dossier: PayableDossier | None
    settled_by: str
    bank_transaction: str | None = None


async def _settle_many(
    conn: asyncpg.Connection, pctx: PaymentsContext, items: list[_ToSettle], now: datetime
) -> dict[uuid.UUID, Any]:
    """Settle payments of dossiers the caller has locked (Dossiers.lock_many), one per dossier: the settled
    rows by payment id; a payment missing from them was no longer pending, or another payment paid its
    dossier. The caller issues the receipts as its last statement: the receipt counter rows are per-office
    hot spots."""
    if not items:
        return {}
    columns: list[list[Any]] = [[] for _ in range(7)]
    for item in items:
        to, from_ = _settlement_accounts(item.payment)
        claimed = item.payment["claimed_version"] if item.bank_transaction is not None else None
        values = (
            item.payment["id"],
            item.payment["dossier_id"],
            item.settled_by,
            to,
            from_,
            claimed,
            item.bank_transaction,
        )
        for column, value in zip(columns, values, strict=True):
            column.append(value)
    settled = {row["id"]: row for row in await conn.fetch(queries.SETTLE_MANY, *columns, now)}
    events: list[Event] = []
    for item in items:
        row = settled.get(item.payment["id"])
        if row is None:
            continue
        if item.bank_transaction is not None and not row["noted"]:  # never settle without its notification marked
            raise RuntimeError(f"bank notification {item.bank_transaction} was not marked as settling {row['id']}")
        events.append(PaymentSucceeded(**event_fields(row, item.dossier, now), settled_by=item.settled_by))
    await pctx.bus.publish_many(conn, events)
    return settled


@dataclass(frozen=True)
class _Unmatched:
    """Money we hold but could not match: booked to a suspense account for an officer to resolve."""

    source: str
    source_id: str
    payment_id: uuid.UUID | None
    reason: ExceptionReason
    amount: int
    account: str


async def _store_exceptions(conn: asyncpg.Connection, items: list[_Unmatched], now: datetime) -> None:
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


def _open_facts(row: Any, now: datetime) -> OpenPayment:
    return OpenPayment(
        status=PaymentStatus(row["status"]),
        amount=row["amount"],
        expired=row["expires_at"] <= now,
        bank_bin=row["bank_bin"],
        account_number=row["account_number"],
        dossier_paid=row["dossier_paid"],
    )


def _bank_reason(payment: Any | None, note: BankNotification, now: datetime) -> ExceptionReason | None:
    facts = _open_facts(payment, now) if payment is not None else None
    return judge(facts, amount=note.amount, bank_bin=note.bank_bin, account_number=note.account_number)


async def receive_bank_notification(conn: asyncpg.Connection, pctx: PaymentsContext, note: BankNotification) -> str:
    """settled | duplicate | exception; idempotent by the bank's transaction id."""
    return (await receive_bank_notifications(conn, pctx, [note]))[0]


async def receive_bank_notifications(
    conn: asyncpg.Connection, pctx: PaymentsContext, notes: list[BankNotification]
) -> list[str]:
    """The answer to each notification (settled | duplicate | exception), all decided in one transaction
    with set-based statements; idempotent by the bank's transaction id (the same id twice in `notes`: the
    second is a duplicate). Either all of them are stored or, on an error, none."""
    now = pctx.clock.now()
    first: dict[str, BankNotification] = {}
    for note in notes:
        first.setdefault(note.transaction_id, note)
    unique = list(first.values())
    for note in unique:
        if booked_amount(note.amount) != note.amount:  # the figure is kept here only
            log.warning(
                "bank notification %s names %s VND, out of range: booked as 0", note.transaction_id, note.amount
            )
    answers: dict[str, str] = {}
    async with conn.transaction():
        claimed = await conn.fetch(
            queries.CLAIM_BANK_NOTIFICATIONS,
            [n.transaction_id for n in unique],
            [n.bank_bin for n in unique],
            [n.account_number for n in unique],
            [booked_amount(n.amount) for n in unique],
            [n.content for n in unique],
            [n.transacted_at for n in unique],
            [find_reference(n.content) for n in unique],
            now,
        )
        by_id = {row["transaction_id"]: row for row in claimed}
        settling: list[tuple[BankNotification, Any]] = []
        judged_later: list[tuple[BankNotification, Any]] = []  # a second one for a dossier of this batch
        unmatched: list[tuple[BankNotification, Any, ExceptionReason]] = []
        dossiers_settling: set[uuid.UUID] = set()
        for note in unique:
            row = by_id.get(note.transaction_id)
            if row is None:
                answers[note.transaction_id] = "duplicate"
                continue
            payment = row if row["id"] is not None else None
            reason = _bank_reason(payment, note, now)
            if reason is not None:
                unmatched.append((note, payment, reason))
            elif row["dossier_id"] in dossiers_settling:
                judged_later.append((note, row))
            else:
                dossiers_settling.add(row["dossier_id"])
                settling.append((note, row))
        dossiers = await pctx.dossiers.lock_many(conn, sorted(dossiers_settling)) if settling else {}
        to_settle = [
            _ToSettle(row, dossiers.get(row["dossier_id"]), f"bank:{n.transaction_id}", n.transaction_id)
            for n, row in settling
        ]
        settled = await _settle_many(conn, pctx, to_settle, now)
        for note, row in [*settling, *judged_later]:
            if row["id"] in settled and settled[row["id"]]["transaction_id"] == note.transaction_id:
                answers[note.transaction_id] = "settled"
                continue
            # settled, expired or paid otherwise since it was read: judge it as it is now
            reason = _bank_reason(await conn.fetchrow(queries.GET_PAYMENT_FACTS, row["id"]), note, now)
            unmatched.append((note, row, reason or ExceptionReason.DOSSIER_ALREADY_PAID))
        await _store_exceptions(
            conn,
            [
                _Unmatched(
                    source="bank",
                    source_id=note.transaction_id,
                    payment_id=payment["id"] if payment is not None else None,
                    reason=reason,
                    amount=booked_amount(note.amount),
                    account=f"bank:{note.bank_bin}:{note.account_number.strip()}",
                )
                for note, payment, reason in unmatched
            ],
            now,
        )
        for note, _, _ in unmatched:
            answers[note.transaction_id] = "exception"
        await issue_receipts(
            conn, [(settled[i.payment["id"]], i.dossier) for i in to_settle if i.payment["id"] in settled], now
        )
    # the first of an id takes its answer; a repeat within `notes` is a duplicate of it
    return [answers.pop(note.transaction_id, "duplicate") for note in notes]


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
        row = await conn.fetchrow(queries.GET_PAYMENT_BY_REFERENCE, reference)
        dossier = None
        if row is not None:
            # the dossier is locked before its payment, as every settlement does
            dossier = await pctx.dossiers.lock(conn, row["dossier_id"])
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
            settled = (await _settle_many(conn, pctx, [_ToSettle(row, dossier, f"vnpay:{transaction_no}")], now)).get(
                row["id"]
            )
            if settled is None:
                # VNPay took the money but the dossier is already paid: keep it visible for a refund
                unmatched = _Unmatched(
                    source="vnpay",
                    source_id=transaction_no,
                    payment_id=payment_id,
                    reason=ExceptionReason.DOSSIER_ALREADY_PAID,
                    amount=row["amount"],
                    account="vnpay",
                )
                await _store_exceptions(conn, [unmatched], now)
        elif decision.failed and row is not None and row["status"] == PaymentStatus.PENDING.value:
            await conn.execute(queries.MARK_FAILED, row["id"], now)
            await pctx.bus.publish(
                conn,
                PaymentFailed(**event_fields(row, dossier, now), reason=params.get("vnp_ResponseCode", "")),
            )
        await conn.execute(queries.SET_VNPAY_RESULT, transaction_no, decision.rsp_code, payment_id)
        if settled is not None:
            await issue_receipts(conn, [(settled, dossier)], now)
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
