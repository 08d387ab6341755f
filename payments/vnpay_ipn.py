"""VNPay's instant payment notification (IPN): settles a card payment at most once, answered with VNPay's
codes (the rules are payments.vnpay.decide_ipn)."""

from __future__ import annotations

from datetime import datetime

import asyncpg

from core.db import fetch_one_as
from core.events import PaymentFailed
from payments import queries, vnpay
from payments.models import ExceptionReason, Method, PaymentStatus
from payments.ports import PayableDossier
from payments.receipts import issue_receipts
from payments.rows import PaymentRow, SettledRow
from payments.service import PaymentsContext, payment_event
from payments.settlement import ToSettle, Unmatched, settle_many, store_exceptions


async def _locked_payment(
    conn: asyncpg.Connection, pctx: PaymentsContext, reference: str
) -> tuple[PaymentRow | None, PayableDossier | None]:
    """The payment of `reference` and its dossier, the dossier locked before its payment, as every
    settlement does."""
    row = await fetch_one_as(PaymentRow, conn, queries.GET_PAYMENT_BY_REFERENCE, reference)
    if row is None:
        return None, None
    dossier = await pctx.dossiers.lock(conn, row.dossier_id)
    return await fetch_one_as(PaymentRow, conn, queries.GET_PAYMENT_BY_REFERENCE_FOR_UPDATE, reference), dossier


def _decide(params: dict[str, str], secret: str, payment: PaymentRow | None) -> vnpay.IpnDecision:
    if payment is None or payment.method is not Method.VNPAY:
        return vnpay.decide_ipn(params, secret=secret, expected_amount=None, payment_status=None)
    return vnpay.decide_ipn(params, secret=secret, expected_amount=payment.amount, payment_status=payment.status.value)


async def _settle(
    conn: asyncpg.Connection,
    pctx: PaymentsContext,
    payment: PaymentRow,
    dossier: PayableDossier | None,
    transaction_no: str,
    now: datetime,
) -> SettledRow | None:
    settled = (await settle_many(conn, pctx, [ToSettle(payment, dossier, f"vnpay:{transaction_no}")], now)).get(
        payment.id
    )
    if settled is None:
        # VNPay took the money but the dossier is already paid: keep it visible for a refund
        unmatched = Unmatched(
            source="vnpay",
            source_id=transaction_no,
            payment_id=payment.id,
            reason=ExceptionReason.DOSSIER_ALREADY_PAID,
            amount=payment.amount,
            account="vnpay",
        )
        await store_exceptions(conn, [unmatched], now)
    return settled


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
        payment, dossier = await _locked_payment(conn, pctx, reference)
        decision = _decide(params, secret, payment)
        settled = None
        if decision.settle and payment is not None:
            settled = await _settle(conn, pctx, payment, dossier, transaction_no, now)
        elif decision.failed and payment is not None and payment.status is PaymentStatus.PENDING:
            await conn.execute(queries.MARK_FAILED, payment.id, now)
            reason = params.get("vnp_ResponseCode", "")
            await pctx.bus.publish(conn, payment_event(PaymentFailed, payment, dossier, now, reason=reason))
        payment_id = payment.id if payment is not None else None
        await conn.execute(queries.SET_VNPAY_RESULT, transaction_no, decision.rsp_code, payment_id)
        if settled is not None:
            await issue_receipts(conn, [(settled, dossier)], now)
    return decision
