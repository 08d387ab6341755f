"""The receipt and appointment slip (Giấy tiếp nhận hồ sơ và hẹn trả kết quả, Mẫu số 01 of Thông tư
01/2018/TT-VPCP): what the office received, when, and when the result is due; with the lookup key and
the QR of the tracking page, as provinces print it today."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

import msgspec

from documents.paper import Paper
from i18n.format import date_time, language, short_date, vnd
from i18n.messages import Plural, Text

Delivery = Literal["desk", "post", "electronic"]


class PaperReceived(msgspec.Struct, frozen=True, kw_only=True):
    name: str
    form: str  # bản chính, bản sao, bản chụp... as the catalog names it
    original_seen: bool = False


class ReceiptSlip(msgspec.Struct, frozen=True, kw_only=True):
    office: str
    place: str  # where the slip is dated (the office's ward or province); may be empty
    code: str
    applicant_name: str
    applicant_address: str
    applicant_phone: str
    procedure: str
    papers: tuple[PaperReceived, ...]
    processing_days: int | None
    received_at: datetime
    appointment_date: date | None
    delivery: Delivery
    fee: int | None
    lookup_key: str
    tracking_url: str


TITLE = Text("Giấy tiếp nhận hồ sơ và hẹn trả kết quả")
CODE = Text("Mã hồ sơ: {code}")
FROM = Text("Tiếp nhận hồ sơ của:")
ADDRESS = Text("Địa chỉ:")
PHONE = Text("Số điện thoại:")
REQUEST = Text("Nội dung yêu cầu giải quyết:")
PAPERS = Text("1. Thành phần hồ sơ nộp gồm:")
NO = Text("TT")
PAPER = Text("Tên giấy tờ")
FORM = Text("Hình thức", ctx="paper form")
NOTE = Text("Ghi chú")
SEEN = Text("Đã đối chiếu bản chính")
SETS = Text("2. Số lượng hồ sơ:")
ONE_SET = Text("01 bộ")
DAYS = Text("3. Thời gian giải quyết hồ sơ theo quy định:")
N_DAYS = Plural("{n} ngày làm việc")
RECEIVED = Text("4. Thời gian nhận hồ sơ:")
APPOINTMENT = Text("5. Thời gian trả kết quả giải quyết hồ sơ:")
NOT_SET = Text("sẽ được thông báo khi hồ sơ được xử lý")
DELIVERY = Text("6. Đăng ký nhận kết quả tại:")
DELIVERIES: dict[Delivery, Text] = {
    "desk": Text("Bộ phận tiếp nhận và trả kết quả"),
    "post": Text("Qua dịch vụ bưu chính công ích"),
    "electronic": Text("Bản điện tử trên ứng dụng Một Cửa"),
}
FEE = Text("7. Phí, lệ phí:")
NO_FEE = Text("Không thu phí")
KEY = Text("Mã tra cứu:")
TRACK = Text("Quét mã để theo dõi hồ sơ")
APPLICANT = Text("Người nộp hồ sơ")
OFFICER = Text("Người tiếp nhận hồ sơ")
SIGN = Text("(Ký và ghi rõ họ tên)")


def render_slip(slip: ReceiptSlip, locale: str = "vi") -> bytes:
    lang = language(locale)
    paper = Paper.issued(
        title=TITLE.pick(lang),
        number=CODE.render(lang, code=slip.code),
        subject=slip.code,
        office=slip.office,
        place=slip.place,
        at=slip.received_at,
        locale=lang,
    )
    paper.line(FROM.pick(lang), slip.applicant_name, bold_value=True)
    paper.line(ADDRESS.pick(lang), slip.applicant_address)
    paper.line(PHONE.pick(lang), slip.applicant_phone)
    paper.line(REQUEST.pick(lang), slip.procedure, bold_value=True)
    paper.line(PAPERS.pick(lang))
    rows = [(str(i), p.name, p.form, SEEN.pick(lang) if p.original_seen else "") for i, p in enumerate(slip.papers, 1)]
    paper.table((NO.pick(lang), PAPER.pick(lang), FORM.pick(lang), NOTE.pick(lang)), rows, (11, 87, 30, 44))
    paper.line(SETS.pick(lang), ONE_SET.pick(lang))
    if slip.processing_days is not None:
        paper.line(DAYS.pick(lang), N_DAYS.render(lang, slip.processing_days))
    paper.line(RECEIVED.pick(lang), date_time(slip.received_at, lang))
    due = short_date(slip.appointment_date, lang) if slip.appointment_date else NOT_SET.pick(lang)
    paper.line(APPOINTMENT.pick(lang), due, bold_value=True)
    paper.line(DELIVERY.pick(lang), DELIVERIES[slip.delivery].pick(lang))
    paper.line(FEE.pick(lang), vnd(slip.fee, lang) if slip.fee else NO_FEE.pick(lang))
    paper.line(KEY.pick(lang), slip.lookup_key, bold_value=True)
    paper.qr(slip.tracking_url, TRACK.pick(lang))
    paper.signatures(APPLICANT.pick(lang), OFFICER.pick(lang), SIGN.pick(lang))
    return paper.bytes()
