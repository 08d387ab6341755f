"""Replies grounded in the catalog and the citizen's dossiers, never invented. Pure."""

from __future__ import annotations

from collections.abc import Sequence

import msgspec

from assistant.ports import DossierFacts, ProcedureFacts
from i18n.format import short_date, vnd


class Answer(msgspec.Struct, frozen=True):
    reply: str
    quick_replies: list[str]


def _t(locale: str, vi: str, en: str) -> str:
    return en if locale == "en" else vi


def _name(p: ProcedureFacts, locale: str) -> str:
    return p.names.get(locale) or p.names["vi"]


def _fee(p: ProcedureFacts, locale: str) -> str:
    amount = _t(locale, "miễn phí", "free") if p.fee == 0 else vnd(p.fee, locale)
    note = (p.fee_note or {}).get(locale)
    return f"{amount} ({note})" if note else amount


def _duration(p: ProcedureFacts, locale: str) -> str:
    if p.processing_days == 0:
        return _t(
            locale,
            "trong ngày làm việc (nộp sau 15:00 thì trả vào ngày làm việc tiếp theo)",
            "the same working day (after 15:00, the next working day)",
        )
    return _t(locale, f"{p.processing_days} ngày làm việc", f"{p.processing_days} working days")


def _where(p: ProcedureFacts, locale: str) -> str:
    agency = p.agency_names.get(locale) or p.agency_names.get("vi", "")
    place = _t(
        locale,
        f"{agency} nơi bạn cư trú" if p.commune_level else agency,
        f"the {agency} where you live" if p.commune_level else f"the {agency}",
    )
    online = _t(
        locale,
        "Có thể nộp trực tuyến toàn trình ngay trên ứng dụng."
        if p.online == "full"
        else "Có thể nộp trực tuyến trên ứng dụng, nhưng cần đến cơ quan cho một bước "
        "(xuất trình bản chính, chụp ảnh, nhận kết quả).",
        "You can do it fully online in the app."
        if p.online == "full"
        else "You can file it in the app, but one step needs a visit (originals, photo or collecting the result).",
    )
    return f"{place}. {online}"


def procedure_quick_replies(locale: str, *, skip: str = "") -> list[str]:
    options = [
        (_t(locale, "Giấy tờ cần chuẩn bị", "Documents needed"), "documents"),
        (_t(locale, "Lệ phí", "Fee"), "fee"),
        (_t(locale, "Mất bao lâu", "How long"), "duration"),
        (_t(locale, "Nộp ở đâu", "Where to file"), "location"),
        (_t(locale, "Nộp hồ sơ", "Start a dossier"), "start"),
    ]
    return [label for label, key in options if key != skip][:4]


def about_procedure(intent: str, p: ProcedureFacts, locale: str) -> Answer:
    name = _name(p, locale)
    match intent:
        case "procedure_documents":
            mandatory = [r for r in p.requirements if r.mandatory]
            optional = [r for r in p.requirements if not r.mandatory]
            kind = {True: _t(locale, "bản chính", "original"), False: _t(locale, "bản sao", "copy")}
            lines = [
                f"{i}. {r.names.get(locale) or r.names['vi']} ({kind[r.original]})" for i, r in enumerate(mandatory, 1)
            ]
            text = _t(locale, f"Để làm thủ tục {name}, bạn cần:", f"For {name}, you need:") + "\n" + "\n".join(lines)
            if optional:
                extra = ", ".join(r.names.get(locale) or r.names["vi"] for r in optional)
                text += "\n" + _t(locale, f"Nếu có: {extra}.", f"If applicable: {extra}.")
            if p.fee == 0:
                text += "\n" + _t(locale, "Lệ phí: ", "Fee: ") + _fee(p, locale) + "."
            return Answer(text, procedure_quick_replies(locale, skip="documents"))
        case "procedure_fee":
            text = _t(locale, f"Lệ phí {name}: {_fee(p, locale)}.", f"Fee for {name}: {_fee(p, locale)}.")
            if p.fee > 0:
                text += " " + _t(
                    locale,
                    "Bạn có thể thanh toán trên ứng dụng qua VietQR hoặc VNPay.",
                    "You can pay in the app by VietQR transfer or VNPay.",
                )
            return Answer(text, procedure_quick_replies(locale, skip="fee"))
        case "procedure_duration":
            text = _t(
                locale, f"Thời gian giải quyết {name}: {_duration(p, locale)}.", f"{name} takes {_duration(p, locale)}."
            )
            return Answer(text, procedure_quick_replies(locale, skip="duration"))
        case "procedure_location":
            text = _t(locale, f"{name}: nộp tại {_where(p, locale)}", f"{name}: file it at {_where(p, locale)}")
            return Answer(text, procedure_quick_replies(locale, skip="location"))
    guidance = p.guidance.get(locale) or p.guidance.get("vi", "")
    text = _t(
        locale,
        f"{name}: lệ phí {_fee(p, locale)}; thời gian {_duration(p, locale)}. {guidance}",
        f"{name}: fee {_fee(p, locale)}; takes {_duration(p, locale)}. {guidance}",
    )
    return Answer(text.strip(), procedure_quick_replies(locale))


def ask_which_procedure(candidates: Sequence[ProcedureFacts], locale: str, popular: Sequence[ProcedureFacts]) -> Answer:
    if candidates:
        names = [_name(p, locale) for p in candidates]
        return Answer(_t(locale, "Bạn muốn hỏi về thủ tục nào?", "Which procedure do you mean?"), names)
    return Answer(
        _t(locale, "Bạn muốn hỏi về thủ tục nào? Ví dụ:", "Which procedure is it about? For example:"),
        [_name(p, locale) for p in popular[:4]],
    )


def _dossier_line(d: DossierFacts, locale: str) -> str:
    label = d.status_labels.get(locale) or d.status
    name = d.procedure_names.get(locale) or d.procedure_names.get("vi", "")
    line = f"{d.code or _t(locale, '(chưa nộp)', '(not submitted)')} — {name}: {label}"
    if d.appointment_date:
        line += _t(locale, f", hẹn trả {short_date(d.appointment_date)}", f", due {short_date(d.appointment_date)}")
    return line


def dossier_status(dossiers: Sequence[DossierFacts] | None, locale: str, *, by_code: bool = False) -> Answer:
    if dossiers is None:
        return Answer(
            _t(
                locale,
                "Vui lòng đăng nhập để xem hồ sơ của bạn, hoặc gửi mã hồ sơ in trên giấy tiếp nhận.",
                "Please sign in to see your dossiers, or send the dossier code printed on your receipt.",
            ),
            [_t(locale, "Đăng nhập", "Sign in")],
        )
    if not dossiers:
        text = (
            _t(locale, "Không tìm thấy hồ sơ với mã này.", "No dossier has this code.")
            if by_code
            else _t(locale, "Bạn chưa có hồ sơ nào đang giải quyết.", "You have no dossier in progress.")
        )
        return Answer(text, [_t(locale, "Nộp hồ sơ", "Start a dossier")])
    head = (
        _t(locale, "Tình trạng hồ sơ:", "Dossier status:")
        if by_code
        else _t(locale, "Hồ sơ của bạn:", "Your dossiers:")
    )
    return Answer(head + "\n" + "\n".join(_dossier_line(d, locale) for d in dossiers[:5]), [])


def payment_help(unpaid: Sequence[DossierFacts] | None, locale: str) -> Answer:
    text = _t(
        locale,
        'Bạn thanh toán lệ phí ngay trên ứng dụng: chọn hồ sơ, bấm "Thanh toán", rồi quét mã VietQR bằng ứng '
        "dụng ngân hàng bất kỳ hoặc chọn VNPay. Hồ sơ được cập nhật ngay khi ngân hàng báo đã nhận tiền.",
        'Pay the fee in the app: open the dossier, tap "Pay", then scan the VietQR code with any banking app '
        "or choose VNPay. The dossier updates as soon as the bank confirms.",
    )
    if unpaid:
        lines = [f"{d.code} — {vnd(d.fee, locale)}" for d in unpaid[:5]]
        text += "\n" + _t(locale, "Hồ sơ đang chờ thanh toán:", "Dossiers awaiting payment:") + "\n" + "\n".join(lines)
    return Answer(text, [_t(locale, "Hồ sơ của tôi", "My dossiers")])


def small_talk(intent: str, locale: str, hotline: str) -> Answer:
    suggestions = [
        _t(locale, "Làm giấy khai sinh", "Birth registration"),
        _t(locale, "Cấp hộ chiếu", "Passport"),
        _t(locale, "Hồ sơ của tôi", "My dossiers"),
    ]
    match intent:
        case "greeting":
            text = _t(
                locale,
                "Xin chào! Tôi là trợ lý Một Cửa. Tôi có thể cho bạn biết cần giấy tờ gì, lệ phí, thời gian, "
                "nơi nộp và tình trạng hồ sơ.",
                "Hello! I'm the Một Cửa assistant. I can tell you what papers you need, fees, timing, where to "
                "file and where your dossier stands.",
            )
        case "thanks":
            text = _t(locale, "Rất vui được giúp bạn!", "Glad to help!")
        case "goodbye":
            text = _t(locale, "Chào bạn, chúc bạn một ngày tốt lành!", "Goodbye, have a good day!")
        case "human_handoff":
            text = _t(
                locale,
                f"Tôi đã chuyển yêu cầu của bạn tới cán bộ bộ phận một cửa; cán bộ sẽ liên hệ trong giờ hành chính. "
                f"Cần gấp, bạn gọi đường dây nóng {hotline}.",
                f"I've passed your request to an officer of the one-stop desk, who will reply during office hours. "
                f"If it's urgent, call the hotline {hotline}.",
            )
            return Answer(text, [])
        case _:
            text = _t(
                locale,
                "Xin lỗi, tôi chỉ hỗ trợ các thủ tục hành chính và hồ sơ của bạn. Bạn có thể hỏi, ví dụ:",
                "Sorry, I can only help with administrative procedures and your dossiers. You could ask, e.g.:",
            )
    return Answer(text, suggestions)
