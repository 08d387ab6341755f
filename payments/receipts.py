"""Electronic fee receipts (biên lai điện tử): issued when a payment settles, verifiable by anyone
holding the receipt's link."""

from __future__ import annotations

import asyncio
import hmac
import secrets
import uuid
from collections.abc import Sequence
from datetime import datetime

import asyncpg

from core.clock import VN_TZ
from core.db import fetch_all_as, fetch_one_as, json_text
from core.errors import NotFoundError
from core.settings import Settings
from payments import queries
from payments.models import EReceipt, Method
from payments.ports import PayableDossier
from payments.rows import IssuedReceiptRow, PaymentRow, ReceiptRow, VerifiedReceiptRow
from payments.words import vnd_in_words, vnd_in_words_en


async def issue_receipt(
    conn: asyncpg.Connection, payment: PaymentRow, dossier: PayableDossier | None, now: datetime
) -> str:
    """Number the receipt of a payment settling in this transaction; returns its number."""
    return (await issue_receipts(conn, [(payment, dossier)], now))[payment.id]


async def issue_receipts(
    conn: asyncpg.Connection, settled: Sequence[tuple[PaymentRow, PayableDossier | None]], now: datetime
) -> dict[uuid.UUID, str]:
    """Number the receipts of payments settling in this transaction, in their order within each office's
    series; returns the numbers by payment id."""
    if not settled:
        return {}
    rows = await fetch_all_as(
        IssuedReceiptRow,
        conn,
        queries.ISSUE_RECEIPTS,
        [p.id for p, _ in settled],
        [secrets.token_urlsafe(9) for _ in settled],
        [json_text(d.agency_names if d else {}) for _, d in settled],
        [p.agency_code for p, _ in settled],
        [p.payer_name for p, _ in settled],
        [json_text(d.procedure_names if d else {}) for _, d in settled],
        [d.code if d else None for _, d in settled],
        [p.amount for p, _ in settled],
        now.astimezone(VN_TZ).year,
        [p.method.value for p, _ in settled],
        now,
    )
    return {row.payment_id: row.number for row in rows}


def verify_url(settings: Settings, row: ReceiptRow) -> str:
    return f"{settings.public_base_url.rstrip('/')}/r/{row.number}?k={row.verify_key}"


def shape(settings: Settings, row: ReceiptRow, locale: str) -> EReceipt:
    names = row.procedure_names
    agency_names = row.agency_names
    amount = row.amount
    return EReceipt(
        number=row.number,
        amount=amount,
        amount_in_words=vnd_in_words_en(amount) if locale == "en" else vnd_in_words(amount),
        currency="VND",
        payer=row.payer_name,
        procedure=names.get(locale) or names.get("vi", ""),
        dossier_code=row.dossier_code,
        agency=agency_names.get(locale) or agency_names.get("vi") or row.agency_code,
        method=row.method,
        paid_at=row.paid_at,
        verify_url=verify_url(settings, row),
        qr_png_url=f"/api/v1/payments/{row.payment_id}/receipt.png",
    )


async def receipt_of(conn: asyncpg.Connection, payment_id: uuid.UUID) -> ReceiptRow:
    row = await fetch_one_as(ReceiptRow, conn, queries.GET_RECEIPT, payment_id)
    if row is None:
        raise NotFoundError("not-found")
    return row


async def verified_receipt(conn: asyncpg.Connection, number: str, key: str | None) -> VerifiedReceiptRow:
    """The receipt if the key printed with it matches; a wrong key looks like an unknown number."""
    row = await fetch_one_as(VerifiedReceiptRow, conn, queries.GET_RECEIPT_BY_NUMBER, number)
    expected = row.verify_key if row is not None else "-" * 12
    if not hmac.compare_digest((key or "").encode(), expected.encode()) or row is None:
        raise NotFoundError("not-found")
    return row


METHOD_NAMES = {Method.VIETQR: "VietQR", Method.VNPAY: "VNPay"}


async def receipt_pdf(receipt: EReceipt, locale: str) -> bytes:
    """The receipt set on an A4 page (documents/ereceipt.py), off the event loop."""
    from documents.ereceipt import EReceiptPaper, render_ereceipt  # fpdf loads on the first paper asked

    paper = EReceiptPaper(
        number=receipt.number,
        office=receipt.agency,
        place="",
        payer=receipt.payer,
        fee_name=receipt.procedure,
        dossier_code=receipt.dossier_code,
        amount=receipt.amount,
        amount_in_words=receipt.amount_in_words,
        method=METHOD_NAMES.get(receipt.method, receipt.method.value),
        paid_at=receipt.paid_at,
        verify_url=receipt.verify_url,
    )
    return await asyncio.to_thread(render_ereceipt, paper, locale)
