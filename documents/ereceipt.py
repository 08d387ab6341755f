"""The electronic fee receipt (biên lai thu phí, lệ phí điện tử) of a settled payment, as a PDF: the
amount in figures and in words, the payer, the fee, the dossier and the QR of the page where anyone
holding the receipt can check it."""

from __future__ import annotations

from datetime import datetime

import msgspec

from documents.paper import Paper
from i18n.format import date_time, language, vnd
from i18n.messages import Text


class EReceiptPaper(msgspec.Struct, frozen=True, kw_only=True):
    number: str
    office: str
    place: str
    payer: str
    fee_name: str  # the procedure the fee is for
    dossier_code: str | None
    amount: int
    amount_in_words: str
    method: str  # "VietQR", "VNPay"
    paid_at: datetime
    verify_url: str


TITLE = Text("Biên lai thu phí, lệ phí")
SUBTITLE = Text("(Bản thể hiện của biên lai điện tử)")
NUMBER = Text("Số: {number}")
PAYER = Text("Người nộp:")
FOR = Text("Nộp cho thủ tục:")
DOSSIER = Text("Mã hồ sơ:")
AMOUNT = Text("Số tiền:")
IN_WORDS = Text("Bằng chữ:")
METHOD = Text("Hình thức thanh toán:")
PAID_AT = Text("Thời gian thanh toán:")
CHECK = Text("Quét mã để kiểm tra biên lai")
ELECTRONIC = Text("Biên lai điện tử, không cần chữ ký, đóng dấu")


def render_ereceipt(receipt: EReceiptPaper, locale: str = "vi") -> bytes:
    lang = language(locale)
    paper = Paper.issued(
        title=TITLE.pick(lang),
        number=NUMBER.render(lang, number=receipt.number),
        subject=receipt.number,
        office=receipt.office,
        place=receipt.place,
        at=receipt.paid_at,
        locale=lang,
    )
    paper.note(SUBTITLE.pick(lang))
    paper.line(PAYER.pick(lang), receipt.payer, bold_value=True)
    paper.line(FOR.pick(lang), receipt.fee_name)
    if receipt.dossier_code:
        paper.line(DOSSIER.pick(lang), receipt.dossier_code)
    paper.line(AMOUNT.pick(lang), vnd(receipt.amount, lang), bold_value=True)
    paper.line(IN_WORDS.pick(lang), receipt.amount_in_words)
    paper.line(METHOD.pick(lang), receipt.method)
    paper.line(PAID_AT.pick(lang), date_time(receipt.paid_at, lang))
    paper.qr(receipt.verify_url, CHECK.pick(lang))
    paper.note(ELECTRONIC.pick(lang))
    return paper.bytes()
