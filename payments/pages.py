"""Small server-rendered pages people open from a QR code or a payment gateway redirect."""

from __future__ import annotations

from html import escape

from i18n.format import date_time, vnd
from payments.models import EReceipt

_TEXT = {
    "vi": {
        "receipt": "Biên lai điện tử",
        "valid": "Biên lai hợp lệ, do hệ thống Một Cửa phát hành.",
        "unknown": "Không tìm thấy biên lai với số và mã kiểm tra này.",
        "number": "Số biên lai",
        "amount": "Số tiền",
        "words": "Bằng chữ",
        "payer": "Người nộp",
        "procedure": "Nội dung",
        "dossier": "Mã hồ sơ",
        "agency": "Đơn vị thu",
        "paid": "Thời gian nộp",
        "vnpay": "Kết quả thanh toán",
        "success": "Thanh toán thành công. Hồ sơ sẽ được cập nhật trong giây lát; bạn có thể quay lại ứng dụng.",
        "failure": "Thanh toán chưa thành công. Bạn có thể thử lại trong ứng dụng.",
        "invalid": "Dữ liệu trả về không hợp lệ.",
    },
    "en": {
        "receipt": "Electronic receipt",
        "valid": "This receipt is genuine, issued by Một Cửa.",
        "unknown": "No receipt matches this number and check code.",
        "number": "Receipt number",
        "amount": "Amount",
        "words": "In words",
        "payer": "Payer",
        "procedure": "For",
        "dossier": "Dossier code",
        "agency": "Collected by",
        "paid": "Paid at",
        "vnpay": "Payment result",
        "success": "Payment succeeded. Your dossier will be updated in a moment; you can go back to the app.",
        "failure": "The payment did not go through. You can try again in the app.",
        "invalid": "The data returned is not valid.",
    },
}


def _page(locale: str, title: str, body: str) -> str:
    return f"""<!doctype html>
<html lang="{locale}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)} · Một Cửa</title>
<style>
body{{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;background:#f6f7f9;
color:#1a1a1a;line-height:1.5}}
main{{max-width:40rem;margin:0 auto;padding:1rem}} h1{{font-size:1.4rem}}
dl{{background:#fff;border-radius:.5rem;padding:1rem}} dt{{font-weight:600;color:#444}} dd{{margin:0 0 .75rem}}
.ok{{color:#0a6b2d;font-weight:600}} .bad{{color:#a4161a;font-weight:600}}
</style></head><body><main><h1>{escape(title)}</h1>{body}</main></body></html>"""


def receipt_valid(receipt: EReceipt, locale: str) -> str:
    t = _TEXT[locale]
    rows = [
        (t["number"], receipt.number),
        (t["amount"], vnd(receipt.amount, locale)),
        (t["words"], receipt.amount_in_words),
        (t["payer"], receipt.payer),
        (t["procedure"], receipt.procedure),
        (t["dossier"], receipt.dossier_code or "—"),
        (t["agency"], receipt.agency),
        (t["paid"], date_time(receipt.paid_at, locale)),
    ]
    items = "".join(f"<dt>{escape(k)}</dt><dd>{escape(v)}</dd>" for k, v in rows)
    return _page(locale, t["receipt"], f"<p class='ok' role='status'>{t['valid']}</p><dl>{items}</dl>")


def receipt_unknown(locale: str) -> str:
    t = _TEXT[locale]
    return _page(locale, t["receipt"], f"<p class='bad' role='alert'>{t['unknown']}</p>")


def vnpay_outcome(outcome: str, locale: str) -> str:
    t = _TEXT[locale]
    css = "ok" if outcome == "success" else "bad"
    return _page(locale, t["vnpay"], f"<p class='{css}' role='status'>{t[outcome]}</p>")
