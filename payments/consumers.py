"""Outbox consumers of payment events that reach outside: VNPay refunds."""

from __future__ import annotations

from datetime import datetime

from core.clock import VN_TZ
from core.db import acquire, fetch_one_as
from core.events import Consumer, Event, PaymentRefunded, PermanentFailure, RetryLater
from payments import queries
from payments.rows import SettlingVNPayRow
from payments.service import PaymentsContext
from payments.vnpay_api import VNPayApi, VNPayApiError

_DONE = {"00", "94"}  # accepted now, or an earlier try of this same request was


def vnpay_refunds(pctx: PaymentsContext, api: VNPayApi) -> Consumer:
    """Ask VNPay to return the money of a refunded card payment. The request id is the event's, so a
    retry after a lost answer is recognised by VNPay as the same request."""

    async def consume(event: Event) -> None:
        if not isinstance(event, PaymentRefunded) or event.method != "vnpay":
            return
        async with acquire(pctx.pool) as conn:
            row = await fetch_one_as(SettlingVNPayRow, conn, queries.GET_SETTLING_VNPAY, event.payment_id)
        if row is None:
            raise PermanentFailure("no VNPay transaction settled this payment")
        params = row.params
        try:
            paid_at = datetime.strptime(params["vnp_PayDate"], "%Y%m%d%H%M%S").replace(tzinfo=VN_TZ)
        except (KeyError, ValueError) as exc:
            raise PermanentFailure(f"VNPay notification lacks a usable vnp_PayDate: {exc}") from exc
        try:
            result = await api.refund(
                request_id=event.event_id.hex[:32],
                txn_ref=event.reference,
                amount=event.amount,
                full=True,
                transaction_date=paid_at,
                created_by="motcua",
                created_at=pctx.clock.now(),
                ip_addr="127.0.0.1",
                order_info=f"Hoan le phi {event.reference}",
                transaction_no=row.transaction_no,
            )
        except VNPayApiError as exc:
            raise RetryLater(str(exc)) from exc
        if result.response_code not in _DONE:
            raise PermanentFailure(f"VNPay refused the refund: {result.response_code} {result.message}")

    return consume
