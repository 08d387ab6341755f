"""Replies grounded in the catalog and the citizen's dossiers, never invented. Pure."""

from __future__ import annotations

from collections.abc import Sequence

import msgspec

from assistant.nlu.normalize import normalize
from assistant.ports import DossierFacts, FeeFacts, ProcedureFacts
from i18n.format import short_date, vnd
from i18n.messages import Plural, Text


class Answer(msgspec.Struct, frozen=True):
    reply: str
    quick_replies: list[str]


def _name(p: ProcedureFacts, locale: str) -> str:
    return p.names.get(locale) or p.names["vi"]


def _mid_sentence(text: str) -> str:
    """A catalog text (a procedure's name, a fee note) inside a sentence: lower-case start, unless
    it opens with an acronym or a name (VNeID, HĐND)."""
    return text[0].lower() + text[1:] if text[1:2].islower() else text


def _fee_note(p: ProcedureFacts, locale: str) -> str | None:
    note = ((p.fee_note or {}).get(locale) or "").strip()
    if not note:
        return None
    note = _mid_sentence(note)
    return note if note[-1] in ".!?" else note + "."


def _fee(p: ProcedureFacts, locale: str) -> str:
    """What the fee is today, said once: free, or the amount with the catalog's detail after it; until when
    it holds when a reduction ends; the other cases in force today; and a word when it is not confirmed."""
    name, note = _mid_sentence(_name(p, locale)), _fee_note(p, locale)
    until = short_date(p.fee_until, locale) if p.fee_until else None
    if p.fee == 0:
        if until:
            text = Text("Thủ tục {name} được miễn lệ phí đến hết ngày {until}.").render(locale, name=name, until=until)
            text = text[0].upper() + text[1:]
            if note:
                text += " " + Text("Cụ thể: {note}").render(locale, note=note)
        elif note:  # "free when registered on time…": the condition is the answer
            text = Text("Về lệ phí thủ tục {name}: {note}").render(locale, name=name, note=note)
        else:
            text = Text("Thủ tục {name} được miễn lệ phí, bạn không phải nộp khoản nào.").render(locale, name=name)
            text = text[0].upper() + text[1:]  # English opens with the name
    else:
        amount = vnd(p.fee, locale)
        if until:
            text = Text("Lệ phí thủ tục {name} là {amount}, áp dụng đến hết ngày {until}.").render(
                locale, name=name, amount=amount, until=until
            )
        else:
            text = Text("Lệ phí thủ tục {name} là {amount}.").render(locale, name=name, amount=amount)
        if note:
            text += " " + Text("Cụ thể: {note}").render(locale, note=note)
    for other in p.other_fees:
        text += " " + _other_fee(other, locale)
    if not p.fee_confirmed:
        text += " " + Text(
            "Mức thu do Hội đồng nhân dân tỉnh quyết định và chưa được xác nhận cho tỉnh, thành phố của bạn; "
            "bạn vui lòng hỏi lại bộ phận một cửa."
        ).pick(locale)
    return text


def _other_fee(f: FeeFacts, locale: str) -> str:
    """ "miễn phí đến 28/02/2027 nếu …", "Cấp lại: 35.000 ₫ (đến hết ngày 31/12/2026)." """
    case = f.cases.get(locale) or f.cases["vi"]
    until = short_date(f.until, locale) if f.until else None
    if f.amount == 0:
        if until:
            text = Text("Miễn phí đến hết ngày {until} nếu {case}.").render(
                locale, until=until, case=_mid_sentence(case)
            )
        else:
            text = Text("Miễn phí nếu {case}.").render(locale, case=_mid_sentence(case))
        return text
    amount = vnd(f.amount, locale)
    if until:
        return Text("{case}: {amount} (đến hết ngày {until}).").render(locale, case=case, amount=amount, until=until)
    return Text("{case}: {amount}.").render(locale, case=case, amount=amount)


def _fee_in_brief(p: ProcedureFacts, locale: str) -> str:
    if p.fee == 0:
        return Text("miễn lệ phí").pick(locale)
    return Text("lệ phí {amount}").render(locale, amount=vnd(p.fee, locale))


def _duration(p: ProcedureFacts, locale: str) -> str:
    if p.processing_days == 0:
        return Text("trong ngày làm việc (nộp sau 15:00 thì trả vào ngày làm việc tiếp theo)").pick(locale)
    return Plural("{n} ngày làm việc").render(locale, p.processing_days)


def _online(p: ProcedureFacts, locale: str) -> str:
    if p.online == "full":
        text = (
            Text("Có thể nộp trực tuyến toàn trình trên ứng dụng này, Cổng Dịch vụ công quốc gia hoặc ứng dụng VNeID.")
            if p.vneid
            else Text("Có thể nộp trực tuyến toàn trình trên ứng dụng này hoặc Cổng Dịch vụ công quốc gia.")
        )
    else:
        text = (
            Text(
                "Có thể nộp trực tuyến trên ứng dụng này, Cổng Dịch vụ công quốc gia hoặc ứng dụng VNeID, nhưng "
                "cần đến cơ quan cho một bước (xuất trình bản chính, chụp ảnh, nhận kết quả)."
            )
            if p.vneid
            else Text(
                "Có thể nộp trực tuyến trên ứng dụng này hoặc Cổng Dịch vụ công quốc gia, nhưng cần đến cơ quan cho "
                "một bước (xuất trình bản chính, chụp ảnh, nhận kết quả)."
            )
        )
    return text.pick(locale)


def _result(p: ProcedureFacts, locale: str) -> str:
    if not p.by_post:
        return Text("Kết quả nhận trực tiếp tại nơi nộp.").pick(locale)
    if p.result == "electronic":
        return Text(
            "Kết quả là bản điện tử, tải ngay trong ứng dụng; cần bản giấy thì chọn nhận qua bưu điện khi nộp."
        ).pick(locale)
    return Text("Kết quả có thể gửi qua bưu điện về địa chỉ bạn chọn khi nộp, hoặc nhận tại nơi nộp.").pick(locale)


def where_to_file(p: ProcedureFacts, locale: str, office: dict[str, str] | None = None) -> str:
    """The office (the citizen's own when known), where one may file when living away, the online
    channels, and how the result comes."""
    name = _name(p, locale)
    if office:
        place = office.get(locale) or office.get("vi", "")
        if p.commune_level:
            place = Text("{office} (theo địa chỉ trong hồ sơ gần nhất của bạn)").render(locale, office=place)
    else:
        agency = p.agency_names.get(locale) or p.agency_names.get("vi", "")
        # i18n: where to file: a provincial office named alone, English puts an article before it
        office_text = Text("{agency}", ctx="place")
        place = (Text("{agency} nơi bạn cư trú") if p.commune_level else office_text).render(locale, agency=agency)
    parts = [Text("{name}: nộp tại {place}.").render(locale, name=name, place=place)]
    rule = ((p.where or {}).get(locale) or "").strip()
    if rule:
        parts.append(Text("Nơi được nộp: {rule}.").render(locale, rule=rule))
    parts += [_online(p, locale), _result(p, locale)]
    return " ".join(parts)


_QUESTION_LABELS: dict[str, Text] = {
    "procedure_documents": Text("Giấy tờ cần chuẩn bị"),
    "procedure_fee": Text("Lệ phí"),
    "procedure_duration": Text("Mất bao lâu"),
    "procedure_location": Text("Nộp ở đâu"),
}


def quick_reply_intents() -> dict[str, str]:
    """The quick replies that ask a question, in every language, folded as messages are, with the
    intent each asks: a citizen who taps one is understood exactly."""
    asked = [*_QUESTION_LABELS.items(), ("dossier_status", Text("Hồ sơ của tôi"))]
    return {normalize(label.pick(locale)).folded: intent for intent, label in asked for locale in ("vi", "en")}


def procedure_quick_replies(locale: str, *, skip: str = "") -> list[str]:
    options = [
        (Text("Giấy tờ cần chuẩn bị"), "documents"),
        (Text("Lệ phí"), "fee"),
        (Text("Mất bao lâu"), "duration"),
        (Text("Nộp ở đâu"), "location"),
        (Text("Nộp hồ sơ"), "start"),
    ]
    return [label.pick(locale) for label, key in options if key != skip][:4]


def about_procedure(intent: str, p: ProcedureFacts, locale: str, office: dict[str, str] | None = None) -> Answer:
    name = _name(p, locale)
    match intent:
        case "procedure_documents":
            mandatory = [r for r in p.requirements if r.mandatory]
            optional = [r for r in p.requirements if not r.mandatory]
            kind = {True: Text("bản chính").pick(locale), False: Text("bản sao").pick(locale)}
            lines = [
                f"{i}. {r.names.get(locale) or r.names['vi']} ({kind[r.original]})" for i, r in enumerate(mandatory, 1)
            ]
            text = Text("Để làm thủ tục {name}, bạn cần:").render(locale, name=name)
            text += "\n" + "\n".join(lines)
            if optional:
                extra = ", ".join(r.names.get(locale) or r.names["vi"] for r in optional)
                text += "\n" + Text("Nếu có: {extra}.").render(locale, extra=extra)
            if p.fee == 0:
                text += "\n" + _fee(p, locale)
            return Answer(text, procedure_quick_replies(locale, skip="documents"))
        case "procedure_fee":
            text = _fee(p, locale)
            if p.fee > 0:
                text += " " + Text("Bạn có thể thanh toán trên ứng dụng qua VietQR hoặc VNPay.").pick(locale)
            return Answer(text, procedure_quick_replies(locale, skip="fee"))
        case "procedure_duration":
            text = Text("Thời gian giải quyết {name}: {duration}.").render(
                locale, name=name, duration=_duration(p, locale)
            )
            return Answer(text, procedure_quick_replies(locale, skip="duration"))
        case "procedure_location":
            return Answer(where_to_file(p, locale, office), procedure_quick_replies(locale, skip="location"))
    guidance = p.guidance.get(locale) or p.guidance.get("vi", "")
    text = Text("{name}: {fee}; thời gian giải quyết {duration}. {guidance}").render(
        locale, name=name, fee=_fee_in_brief(p, locale), duration=_duration(p, locale), guidance=guidance
    )
    return Answer(text.strip(), procedure_quick_replies(locale))


def ask_which_question(intents: Sequence[str], p: ProcedureFacts, locale: str) -> Answer:
    """Two questions were read alike: ask which one, the quick replies being their labels."""
    labels = [_QUESTION_LABELS[i].pick(locale) for i in intents if i in _QUESTION_LABELS]
    text = Text("Về thủ tục {name}, bạn muốn hỏi điều nào?").render(locale, name=_mid_sentence(_name(p, locale)))
    return Answer(text, labels)


def with_others(answer: Answer, others: Sequence[ProcedureFacts], locale: str) -> Answer:
    """An answer about the likeliest of procedures asked about, the others offered as quick replies first."""
    text = answer.reply + "\n" + Text("Nếu bạn hỏi thủ tục khác, hãy chọn bên dưới.").pick(locale)
    return Answer(text, [_name(p, locale) for p in others] + answer.quick_replies)


def ask_which_procedure(candidates: Sequence[ProcedureFacts], locale: str, popular: Sequence[ProcedureFacts]) -> Answer:
    if candidates:
        names = [_name(p, locale) for p in candidates]
        return Answer(Text("Bạn muốn hỏi về thủ tục nào?").pick(locale), names)
    return Answer(
        Text("Bạn muốn hỏi về thủ tục nào? Ví dụ:").pick(locale),
        [_name(p, locale) for p in popular[:4]],
    )


def _dossier_line(d: DossierFacts, locale: str) -> str:
    label = d.status_labels.get(locale) or d.status
    name = d.procedure_names.get(locale) or d.procedure_names.get("vi", "")
    code = d.code or Text("(chưa nộp)").pick(locale)  # outside the f-string, where extraction sees it
    line = f"{code} — {name}: {label}"
    if d.appointment_date:
        line += Text(", hẹn trả {date}").render(locale, date=short_date(d.appointment_date, locale))
    return line


def dossier_status(dossiers: Sequence[DossierFacts], locale: str, *, by_code: bool = False) -> Answer:
    if not dossiers:
        return Answer(Text("Bạn chưa có hồ sơ nào đang giải quyết.").pick(locale), [Text("Nộp hồ sơ").pick(locale)])
    head = (Text("Tình trạng hồ sơ:") if by_code else Text("Hồ sơ của bạn:")).pick(locale)
    return Answer(head + "\n" + "\n".join(_dossier_line(d, locale) for d in dossiers[:5]), [])


def dossier_key_needed(locale: str, *, can_sign_in: bool) -> Answer:
    """For a dossier code the caller may not be told about (or that does not exist: the same words)."""
    if can_sign_in:
        text = Text(
            "Để bảo vệ thông tin hồ sơ, tôi chỉ cho biết tình trạng khi bạn đăng nhập bằng tài khoản đã nộp "
            "hồ sơ, hoặc khi bạn gửi mã hồ sơ kèm mã tra cứu 8 ký tự in trên giấy tiếp nhận."
        ).pick(locale)
        return Answer(text, [Text("Đăng nhập").pick(locale)])
    text = Text(
        "Để bảo vệ thông tin hồ sơ, vui lòng gửi mã hồ sơ kèm mã tra cứu 8 ký tự in trên giấy tiếp nhận, "
        "ví dụ: 000.00.12.H04-261123-0007 7KQ2MX9P."
    ).pick(locale)
    return Answer(text, [])


def payment_help(unpaid: Sequence[DossierFacts] | None, locale: str, procedure: ProcedureFacts | None = None) -> Answer:
    text = Text(
        'Bạn thanh toán lệ phí ngay trên ứng dụng: chọn hồ sơ, bấm "Thanh toán", rồi quét mã VietQR bằng ứng '
        "dụng ngân hàng bất kỳ hoặc chọn VNPay. Hồ sơ được cập nhật ngay khi ngân hàng báo đã nhận tiền."
    ).pick(locale)
    if procedure is not None:
        text += " " + _fee(procedure, locale)
    if unpaid:
        lines = [f"{d.code} — {vnd(d.fee, locale)}" for d in unpaid[:5]]
        head = Text("Hồ sơ đang chờ thanh toán:").pick(locale)
        text += "\n" + head + "\n" + "\n".join(lines)
    return Answer(text, [Text("Hồ sơ của tôi").pick(locale)])


def small_talk(intent: str, locale: str, hotline: str) -> Answer:
    suggestions = [
        Text("Làm giấy khai sinh").pick(locale),
        Text("Cấp hộ chiếu").pick(locale),
        Text("Hồ sơ của tôi").pick(locale),
    ]
    match intent:
        case "greeting":
            text = Text(
                "Xin chào! Tôi là trợ lý Một Cửa. Tôi có thể cho bạn biết cần giấy tờ gì, lệ phí, thời gian, "
                "nơi nộp và tình trạng hồ sơ."
            ).pick(locale)
        case "thanks":
            text = Text("Rất vui được giúp bạn!").pick(locale)
        case "goodbye":
            text = Text("Chào bạn, chúc bạn một ngày tốt lành!").pick(locale)
        case "human_handoff":
            text = Text(
                "Tôi đã chuyển yêu cầu của bạn tới cán bộ bộ phận một cửa; cán bộ sẽ liên hệ trong giờ hành chính. "
                "Cần gấp, bạn gọi đường dây nóng {hotline}."
            ).render(locale, hotline=hotline)
            return Answer(text, [])
        case _:
            text = Text("Xin lỗi, tôi chỉ hỗ trợ các thủ tục hành chính và hồ sơ của bạn. Bạn có thể hỏi, ví dụ:").pick(
                locale
            )
    return Answer(text, suggestions)
