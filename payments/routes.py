"""Payment routes: open a payment, show it and its QR, and the bank and VNPay notifications."""

from __future__ import annotations

import ipaddress
import uuid
from collections.abc import Callable
from typing import Any

import asyncpg
from litestar import Request, Response, get, post
from litestar.datastructures import State
from litestar.di import NamedDependency, Provide
from litestar.handlers import HTTPRouteHandler
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import FromPath, FromQuery, JSONBody
from litestar.types import ControllerRouterHandler

from core import qr
from core.errors import DomainError, NotFoundError
from core.guards import public, signed_by_peer, signed_in
from core.injected import Caller, Conn, Locale
from core.openapi import problems, query_strings, signed_body
from core.pages import html_page
from core.ratelimit import client_address
from core.signing import decode_signed
from payments import pages, receipts, service, vnpay
from payments.bank_queue import BankNotificationQueue
from payments.models import BankNotification, BankResult, EReceipt, Payment, PaymentCreate
from payments.vnpay_ipn import receive_vnpay_ipn

Payments = NamedDependency[service.PaymentsContext]
VNPAY_QUERY = query_strings(
    {
        "vnp_TmnCode": "Merchant code",
        "vnp_Amount": "Amount in VND times 100",
        "vnp_TxnRef": "Our payment reference",
        "vnp_ResponseCode": "00 when paid",
        "vnp_TransactionStatus": "00 when paid",
        "vnp_TransactionNo": "VNPay's transaction number",
        "vnp_BankCode": "Payer's bank",
        "vnp_PayDate": "yyyyMMddHHmmss, Asia/Ho_Chi_Minh",
        "vnp_OrderInfo": "Order description",
        "vnp_SecureHash": "HMAC-SHA512 of the other vnp_ parameters, sorted, with the merchant secret",
    }
)


def _client_ip(request: Request[Any, Any, Any]) -> str:
    """The payer's address as VNPay wants it (an IP literal; test clients and proxies may give other text)."""
    try:
        return str(ipaddress.ip_address(client_address(request)))
    except ValueError:
        return "127.0.0.1"


@post(
    "/api/v1/dossiers/{dossier_id:uuid}/payments",
    guards=[signed_in],
    status_code=201,
    operation_id="openPayment",
    responses={
        200: ResponseSpec(Payment, description="The payment already open with this method, returned again"),
        **problems(404, 409, 422),
    },
    summary="Pay the dossier's fee by VietQR transfer or VNPay (the open payment is returned again)",
    tags=["payments"],
)
async def open_payment(
    dossier_id: FromPath[uuid.UUID],
    data: JSONBody[PaymentCreate],
    request: Request[Any, Any, Any],
    payments: Payments,
    conn: Conn,
    caller: Caller,
) -> Response[Payment]:
    payment, created = await service.open_payment(
        conn, payments, caller, dossier_id, data.method, client_ip=_client_ip(request)
    )
    return Response(payment, status_code=201 if created else 200)


@get(
    "/api/v1/payments/{payment_id:uuid}",
    guards=[signed_in],
    operation_id="getPayment",
    responses=problems(404),
    summary="One payment",
    tags=["payments"],
)
async def get_payment(payment_id: FromPath[uuid.UUID], conn: Conn, caller: Caller) -> Payment:
    return service.to_payment(await service.visible_payment(conn, caller, payment_id))


def _vietqr_image(
    extension: str, media_type: str, draw: Callable[[str], bytes], *, operation_id: str, summary: str
) -> HTTPRouteHandler:
    """The route of a VietQR payment's transfer image in one format."""

    @get(
        f"/api/v1/payments/{{payment_id:uuid}}/qr.{extension}",
        guards=[signed_in],
        operation_id=operation_id,
        responses=problems(404),
        summary=summary,
        tags=["payments"],
        media_type=media_type,
    )
    async def vietqr_image(payment_id: FromPath[uuid.UUID], conn: Conn, caller: Caller) -> Response[bytes]:
        payment = service.to_payment(await service.visible_payment(conn, caller, payment_id))
        if payment.vietqr is None:
            raise DomainError("not-found", status=404)
        return Response(draw(payment.vietqr.payload), media_type=media_type)

    return vietqr_image


qr_png = _vietqr_image(
    "png",
    "image/png",
    qr.qr_png,
    operation_id="getPaymentQrPng",
    summary="VietQR image any Vietnamese banking app can scan",
)
qr_svg = _vietqr_image("svg", "image/svg+xml", qr.qr_svg, operation_id="getPaymentQrSvg", summary="VietQR image as SVG")


def _bank_queue(state: State) -> BankNotificationQueue:
    """The process's queue of bank notifications, put on the app's state by the composition root."""
    queue: BankNotificationQueue = state.bank_queue
    return queue


@post(
    "/api/v1/payments/webhooks/bank",
    guards=[signed_by_peer],
    status_code=200,
    operation_id="receiveBankNotification",
    responses=problems(422),
    summary="Credit notification from the collecting bank (signed)",
    tags=["payments", "webhooks"],
    opt=signed_body(BankNotification),
    dependencies={"bank_queue": Provide(_bank_queue, sync_to_thread=False)},
)
async def bank_webhook(
    request: Request[Any, Any, Any], payments: Payments, bank_queue: NamedDependency[BankNotificationQueue]
) -> BankResult:
    note = decode_signed(
        await request.body(),
        request.headers,
        secret=payments.settings.bank_webhook_secret,
        now=payments.clock.now().timestamp(),
        tolerance=payments.settings.webhook_tolerance_seconds,
        type=BankNotification,
    )
    # settled with the notifications of concurrent requests, on a connection of the queue's: forged
    # requests never take one from the pool, and the busiest route spends its round trips on many at once
    return BankResult(result=await bank_queue.submit(note))


@get(
    "/api/v1/payments/vnpay/ipn",
    guards=[signed_by_peer],
    operation_id="receiveVnpayIpn",
    responses=problems(),
    summary="VNPay instant payment notification; answers VNPay's RspCode",
    tags=["payments", "webhooks"],
    opt=VNPAY_QUERY,
)
async def vnpay_ipn(request: Request[Any, Any, Any], payments: Payments, conn: Conn) -> dict[str, str]:
    params = {k: v for k, v in request.query_params.items() if isinstance(v, str)}
    try:
        decision = await receive_vnpay_ipn(conn, payments, params)
    except (asyncpg.PostgresError, OSError):
        return {"RspCode": "99", "Message": "Unknown error"}
    return {"RspCode": decision.rsp_code, "Message": decision.message}


@get(
    "/api/v1/payments/{payment_id:uuid}/receipt",
    guards=[signed_in],
    operation_id="getPaymentReceipt",
    responses=problems(404),
    summary="The electronic receipt (biên lai điện tử) of a settled payment",
    tags=["payments"],
)
async def get_receipt(
    payment_id: FromPath[uuid.UUID], payments: Payments, conn: Conn, caller: Caller, locale: Locale
) -> EReceipt:
    await service.visible_payment(conn, caller, payment_id)
    return receipts.shape(payments.settings, await receipts.receipt_of(conn, payment_id), locale)


@get(
    "/api/v1/payments/{payment_id:uuid}/receipt.pdf",
    guards=[signed_in],
    operation_id="getPaymentReceiptPdf",
    responses=problems(404),
    summary="The electronic receipt as an A4 PDF: amount in figures and in words, payer, fee, dossier, verification QR",
    tags=["payments"],
    media_type="application/pdf",
)
async def receipt_pdf(
    payment_id: FromPath[uuid.UUID], payments: Payments, conn: Conn, caller: Caller, locale: Locale
) -> Response[bytes]:
    await service.visible_payment(conn, caller, payment_id)
    pdf = await receipts.receipt_pdf(
        receipts.shape(payments.settings, await receipts.receipt_of(conn, payment_id), locale), locale
    )
    headers = {"Cache-Control": "private", "Content-Disposition": f'inline; filename="bien-lai-{payment_id}.pdf"'}
    return Response(pdf, media_type="application/pdf", headers=headers)


@get(
    "/api/v1/payments/{payment_id:uuid}/receipt.png",
    guards=[signed_in],
    operation_id="getPaymentReceiptQr",
    responses=problems(404),
    summary="QR code of the receipt's verification link",
    tags=["payments"],
    media_type="image/png",
)
async def receipt_qr(
    payment_id: FromPath[uuid.UUID], payments: Payments, conn: Conn, caller: Caller
) -> Response[bytes]:
    await service.visible_payment(conn, caller, payment_id)
    row = await receipts.receipt_of(conn, payment_id)
    return Response(qr.qr_png(receipts.verify_url(payments.settings, row)), media_type="image/png")


@get(
    "/r/{number:str}",
    guards=[public],
    operation_id="verifyReceiptPage",
    responses=problems(pages=(404,)),
    summary="Public page verifying an electronic receipt (the receipt QR opens it)",
    tags=["payments"],
    media_type="text/html",
)
async def verify_receipt_page(
    number: FromPath[str], payments: Payments, conn: Conn, locale: Locale, k: FromQuery[str | None] = None
) -> Response[str]:
    try:
        row = await receipts.verified_receipt(conn, number, k)
    except NotFoundError:
        return html_page(pages.receipt_unknown(locale, hotline=payments.settings.hotline), 404)
    receipt = receipts.shape(payments.settings, row, locale)
    page = pages.receipt_valid(
        receipt, locale, key=k or "", hotline=payments.settings.hotline, refunded_at=row.refunded_at
    )
    return html_page(page)


@get(
    "/api/v1/payments/vnpay/return",
    guards=[public],
    operation_id="vnpayReturnPage",
    responses=problems(pages=(400,)),
    summary="Where VNPay sends the payer back; shows the outcome and never settles",
    tags=["payments"],
    opt=VNPAY_QUERY,
    media_type="text/html",
)
async def vnpay_return(request: Request[Any, Any, Any], payments: Payments, locale: Locale) -> Response[str]:
    params = {k: v for k, v in request.query_params.items() if isinstance(v, str)}
    if not vnpay.verify(params, payments.settings.vnpay_hash_secret):
        return html_page(pages.vnpay_outcome("invalid", locale, params), 400)
    ok = params.get("vnp_ResponseCode") == "00" and params.get("vnp_TransactionStatus", "00") == "00"
    return html_page(pages.vnpay_outcome("success" if ok else "failure", locale, params))


# what this package serves, handed to the app whole by asgi.py
ROUTES: list[ControllerRouterHandler] = [
    open_payment,
    get_payment,
    qr_png,
    qr_svg,
    bank_webhook,
    vnpay_ipn,
    vnpay_return,
    get_receipt,
    receipt_pdf,
    receipt_qr,
    verify_receipt_page,
]
