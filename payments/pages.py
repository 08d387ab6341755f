"""Small server-rendered pages people open from a QR code or a payment gateway redirect."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from html import escape

from i18n.format import date_time
from i18n.html import money, page, switch_query
from i18n.messages import page_text
from i18n.text import mask_name
from payments.models import EReceipt


def _verdict(good: bool, role: str, text_html: str) -> str:
    """The answer in words, with a mark for the eye only (colour and mark are never all it says)."""
    css, mark = ("ok", "✓") if good else ("bad", "✗")
    return f"<p class='notice {css}' role='{role}'><span aria-hidden='true'>{mark}</span> {text_html}</p>"


def receipt_valid(
    receipt: EReceipt, locale: str, *, key: str, hotline: str, refunded_at: datetime | None = None
) -> str:
    """The receipt as anyone holding its QR sees it: the payer's name is masked like on the tracking page,
    and a refunded payment's receipt says it is void."""
    payer = mask_name(receipt.payer) if receipt.payer.strip() else "—"
    rows = [  # (text key, value as HTML)
        ("receipt-number", escape(receipt.number)),
        ("receipt-amount", money(receipt.amount, locale)),
        ("receipt-words", escape(receipt.amount_in_words)),
        ("receipt-payer", escape(payer)),
        ("receipt-procedure", escape(receipt.procedure)),
        ("receipt-dossier", escape(receipt.dossier_code or "—")),
        ("receipt-agency", escape(receipt.agency)),
        ("receipt-method", page_text(f"method-{receipt.method.value}", locale)),
        ("receipt-paid", date_time(receipt.paid_at, locale)),
    ]
    items = "".join(f"<dt>{page_text(k, locale)}</dt><dd>{v}</dd>" for k, v in rows)
    if refunded_at is None:
        verdict = _verdict(True, "status", page_text("receipt-valid", locale))
    else:
        void = page_text("receipt-refunded", locale, at=date_time(refunded_at, locale))
        verdict = _verdict(False, "status", escape(void))
    body = (
        verdict + f"<section class='card' aria-label='{page_text('receipt-title', locale)}'><dl>{items}</dl></section>"
    )
    return page(
        locale, page_text("receipt-title", locale), body, switch=switch_query({"k": key}, locale), hotline=hotline
    )


def receipt_unknown(locale: str, *, hotline: str) -> str:
    """The same bytes for a wrong check code and an unknown number: nothing of the request is echoed."""
    body = _verdict(False, "alert", page_text("receipt-unknown-detail", locale))
    return page(locale, page_text("receipt-unknown", locale), body, switch=switch_query({}, locale), hotline=hotline)


def vnpay_outcome(outcome: str, locale: str, params: Mapping[str, str]) -> str:
    body = _verdict(outcome == "success", "status", page_text(f"vnpay-{outcome}", locale))
    return page(locale, page_text("vnpay-title", locale), body, switch=switch_query(params, locale))
