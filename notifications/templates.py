"""What a citizen reads on the lock screen and in the inbox when a dossier moves or a payment settles.

Pure: an event and a locale in, a title, a body and the push's `data` out. Vietnamese reads the way
public services write to citizens; English is plain. Titles fit a lock screen (TITLE_MAX), bodies fit
a notification (BODY_MAX): what came from the event (procedure names, missing papers, notes, reasons)
is shortened to make room, never the dossier code, the date or the amount."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Final, Literal
from uuid import UUID

import msgspec

from core.events.kinds import (
    AnyEvent,
    DossierStatusChanged,
    PaymentExpired,
    PaymentFailed,
    PaymentRefunded,
    PaymentSucceeded,
)
from i18n.format import Lang, language, short_date, vnd
from i18n.messages import Plural, Text
from notifications.fitting import BODY_MAX, TITLE_MAX, Render, Slot, clip, fit, free_text, one_line

__all__ = ["BODY_MAX", "TITLE_MAX", "TYPES", "Category", "Rendered", "clip", "one_line", "render"]

Category = Literal["status", "payment", "reminder"]

TYPES: Final[tuple[str, ...]] = (
    "dossier.submitted",
    "dossier.received",
    "dossier.supplement_requested",
    "dossier.awaiting_payment",
    "dossier.processing",
    "dossier.result_ready",
    "dossier.returned",
    "dossier.rejected",
    "dossier.withdrawn",
    "payment.succeeded",
    "payment.failed",
    "payment.expired",
    "payment.refunded",
)


class Rendered(msgspec.Struct, frozen=True, kw_only=True):
    type: str
    title: str
    body: str
    data: dict[str, str]
    category: Category


# ---- texts --------------------------------------------------------------------------------------
# Body templates are str.format templates. {Ref}/{ref} name the dossier ("Hồ sơ 000.00.12.H04-…");
# {proc} is the optional " (procedure name)"; the other fields are said per template.

TITLES: Final[Mapping[str, Text]] = {
    "dossier.submitted": Text("Nộp hồ sơ trực tuyến thành công"),
    "dossier.resubmitted": Text("Đã nộp bổ sung hồ sơ"),
    "dossier.received": Text("Hồ sơ đã được tiếp nhận"),
    "dossier.supplement_requested": Text("Yêu cầu bổ sung hồ sơ"),
    "dossier.awaiting_payment": Text("Hồ sơ cần nộp phí, lệ phí"),
    "dossier.received_awaiting_payment": Text("Đã tiếp nhận, cần nộp phí, lệ phí"),
    "dossier.processing": Text("Hồ sơ đang được giải quyết"),
    "dossier.received_processing": Text("Đã tiếp nhận, đang giải quyết"),
    "dossier.result_ready": Text("Hồ sơ đã có kết quả"),
    "dossier.returned": Text("Hồ sơ đã hoàn thành"),
    "dossier.rejected": Text("Hồ sơ bị từ chối giải quyết"),
    "dossier.withdrawn": Text("Đã rút hồ sơ", ctx="push"),
    "payment.succeeded": Text("Thanh toán thành công"),
    "payment.failed": Text("Thanh toán không thành công"),
    "payment.expired": Text("Mã thanh toán đã hết hạn"),
    "payment.refunded": Text("Đã hoàn tiền"),
}

_REF = Text("Hồ sơ {code}")
_REF_NO_CODE = Text("Hồ sơ của bạn")

_SUBMITTED = Text("{Ref}{proc} đã được nộp trực tuyến thành công, đang chờ cơ quan tiếp nhận.")
_RESUBMITTED = Text("{Ref}{proc} đã được nộp bổ sung, đang chờ cơ quan tiếp nhận.")
_RECEIVED = Text("{Ref} đã được tiếp nhận.")
_RECEIVED_ON = Text("{Ref} đã được tiếp nhận. Ngày hẹn trả: {date}")
_SUPPLEMENT = Text("{Ref} cần bổ sung: {missing}.{note} Vui lòng bổ sung trên ứng dụng.")
_SUPPLEMENT_UNNAMED = Text("{Ref} cần bổ sung giấy tờ.{note} Vui lòng xem chi tiết và bổ sung trên ứng dụng.")
_NOTE = Text(" Ghi chú: ")
_MORE_PAPERS = Plural(" và {n} giấy tờ khác")  # after the papers named
_PAPERS = Plural("{n} giấy tờ")
_AWAITING_PAYMENT = Text("{Ref} cần nộp phí, lệ phí {amount}. Vui lòng thanh toán trên ứng dụng qua VietQR hoặc VNPay.")
_AWAITING_PAYMENT_UNKNOWN = Text("{Ref} cần nộp phí, lệ phí. Vui lòng thanh toán trên ứng dụng qua VietQR hoặc VNPay.")
# Right after reception the system moves a dossier on in the same transaction (fee owed: awaiting
# payment; paid before reception: processing). The citizen gets one push for both steps.
_RECEIVED_AWAITING_PAYMENT = Text(
    "{Ref} đã được tiếp nhận, cần nộp phí, lệ phí {amount}.{due} Vui lòng thanh toán trên ứng dụng qua VietQR"
    " hoặc VNPay."
)
_RECEIVED_DUE = Text(" Ngày hẹn trả: {date}.")
_RECEIVED_PROCESSING = Text("{Ref}{proc} đã được tiếp nhận và đang được giải quyết.{due}")
_PROCESSING = Text("{Ref}{proc} đang được giải quyết.")
_PROCESSING_PAID = Text("Đã nhận phí, lệ phí. {Ref}{proc} đang được giải quyết.")
_DUE = Text(" Ngày hẹn trả: {date}")
_RESULT_READY: Final[Mapping[str | None, Text]] = {
    "electronic": Text("{Ref}{proc} đã có kết quả. Bạn có thể tải kết quả điện tử trên ứng dụng."),
    "desk": Text("{Ref}{proc} đã có kết quả. Mời bạn đến Bộ phận Một cửa để nhận kết quả."),
    "post": Text("{Ref}{proc} đã có kết quả. Kết quả sẽ được gửi đến bạn qua bưu điện."),
    None: Text("{Ref}{proc} đã có kết quả. Xem chi tiết trên ứng dụng."),
}
_RETURNED = Text("{Ref}{proc} đã hoàn thành và trả kết quả. Mời bạn đánh giá mức độ hài lòng trên ứng dụng.")
_REJECTED = Text("{Ref}{proc} bị từ chối giải quyết. Lý do: {reason}")
_REJECTED_NO_REASON = Text("{Ref}{proc} bị từ chối giải quyết. Xem chi tiết trên ứng dụng.")
_WITHDRAWN = Text("{Ref}{proc} đã được rút theo yêu cầu của bạn.")
_WITHDRAWN_BY_OTHER = Text("{Ref}{proc} đã được rút.")
_PAID = Text("Bạn đã thanh toán thành công {amount} cho {ref}{proc}. Biên lai điện tử đã có trên ứng dụng.")
_FAILED = Text("Thanh toán {amount} cho {ref}{proc} không thành công{reason}. Vui lòng thử lại trên ứng dụng.")
_EXPIRED = Text("Mã thanh toán {amount} cho {ref}{proc} đã hết hạn. Vui lòng thanh toán lại trên ứng dụng.")
_REFUNDED = Text("Đã hoàn trả {amount} phí, lệ phí của {ref}{proc}. Lý do: {reason}")
_REFUNDED_NO_REASON = Text("Đã hoàn trả {amount} phí, lệ phí của {ref}{proc}.")

# VNPay's vnp_ResponseCode values a citizen can act on; the others say nothing useful to them.
_VNPAY_FAILURES: Final[Mapping[str, Text]] = {
    "09": Text("tài khoản chưa đăng ký Internet Banking"),
    "10": Text("xác thực sai quá 3 lần"),
    "11": Text("hết thời gian chờ thanh toán"),
    "12": Text("thẻ hoặc tài khoản bị khóa"),
    "13": Text("sai mã OTP"),
    "24": Text("bạn đã hủy giao dịch"),
    "51": Text("tài khoản không đủ số dư"),
    "65": Text("vượt hạn mức giao dịch trong ngày"),
    "75": Text("ngân hàng đang bảo trì"),
    "79": Text("sai mật khẩu thanh toán quá số lần quy định"),
}

_DELIVERY_METHODS: Final = frozenset({"electronic", "desk", "post"})


# ---- render -------------------------------------------------------------------------------------


def render(event: AnyEvent, locale: str) -> Rendered | None:
    """The push and inbox entry for `event` in `locale` ("en" or anything else for Vietnamese);
    None when the event tells the citizen nothing (a draft, a draft thrown away, a payment code
    replaced by the citizen's own choice of another method)."""
    lang = language(locale)
    match event:
        case DossierStatusChanged():
            return _dossier(event, lang)
        case PaymentExpired(replaced=True):
            return None
        case PaymentSucceeded() | PaymentFailed() | PaymentExpired() | PaymentRefunded():
            return _payment(event, lang)
    return None  # type: ignore[unreachable]  # an event type added after this module was written


def _dossier(event: DossierStatusChanged, lang: Lang) -> Rendered | None:
    status = event.to_status
    kind = f"dossier.{status}"
    if kind not in TYPES or (status == "withdrawn" and event.from_status in (None, "draft")):
        return None
    values = _refs(event.code, lang)
    title_key, template, slots = _dossier_text(event, lang, values)
    about = _about(kind, status, event.dossier_id, event.code, event.event_id)
    return _rendered(kind, title_key, lang, fit(template, values, slots), "status", about)


def _dossier_text(event: DossierStatusChanged, lang: Lang, values: dict[str, str]) -> tuple[str, str, dict[str, Slot]]:
    """Title key, body template and slots of a dossier's move; adds to `values` what the template names."""
    kind = f"dossier.{event.to_status}"
    proc = {"proc": Slot(_procedure(event.procedure_names, lang), optional=True)}
    # the system's own move right after reception: this push also tells the reception (see _RECEIVED_*)
    just_received = event.from_status == "received" and event.actor_role == "system"
    match event.to_status:
        case "submitted":
            resubmitted = event.from_status == "supplement_requested"
            title_key = "dossier.resubmitted" if resubmitted else kind
            return title_key, (_RESUBMITTED if resubmitted else _SUBMITTED).pick(lang), proc
        case "received":
            return kind, _received(event, lang, values), {}
        case "supplement_requested":
            template, slots = _supplement(event, lang)
            return kind, template, slots
        case "awaiting_payment" | "processing" if just_received:
            return _moved_on(event, lang, values, proc)
        case "awaiting_payment":
            values["amount"] = vnd(event.fee, lang)
            return kind, (_AWAITING_PAYMENT if event.fee > 0 else _AWAITING_PAYMENT_UNKNOWN).pick(lang), {}
        case "processing":
            return kind, _processing(event, lang, values), proc
        case "result_ready":
            return kind, _RESULT_READY[_delivery(event)].pick(lang), proc
        case "returned":
            return kind, _RETURNED.pick(lang), proc
        case "rejected":
            reason = one_line(event.reason or event.note)
            template = (_REJECTED if reason else _REJECTED_NO_REASON).pick(lang)
            return kind, template, {**proc, "reason": Slot(free_text(reason, sentence=True))}
        case _:  # withdrawn
            by_citizen = event.actor_role == "citizen"
            return kind, (_WITHDRAWN if by_citizen else _WITHDRAWN_BY_OTHER).pick(lang), proc


def _received(event: DossierStatusChanged, lang: Lang, values: dict[str, str]) -> str:
    if event.appointment_date is None:
        return _RECEIVED.pick(lang)
    values["date"] = short_date(event.appointment_date, lang)
    return _RECEIVED_ON.pick(lang)


def _supplement(event: DossierStatusChanged, lang: Lang) -> tuple[str, dict[str, Slot]]:
    names = event.missing_names.get(lang) or event.missing_names.get("vi") or []
    missing = _names(names, lang)
    template = (_SUPPLEMENT if missing(BODY_MAX) else _SUPPLEMENT_UNNAMED).pick(lang)
    return template, {
        "missing": Slot(missing),
        # the papers first: the note gets what they leave
        "note": Slot(free_text(event.note, prefix=_NOTE.pick(lang), sentence=True), optional=True),
    }


def _processing(event: DossierStatusChanged, lang: Lang, values: dict[str, str]) -> str:
    template = (_PROCESSING_PAID if event.action == "settle_payment" else _PROCESSING).pick(lang)
    if event.appointment_date is None:
        return template
    values["date"] = short_date(event.appointment_date, lang)
    return template + _DUE.pick(lang)


def _moved_on(
    event: DossierStatusChanged, lang: Lang, values: dict[str, str], slots: dict[str, Slot]
) -> tuple[str, str, dict[str, Slot]]:
    """Title key, template and slots of the one push for a reception and the system's next move."""
    due = (
        _RECEIVED_DUE.pick(lang).format(date=short_date(event.appointment_date, lang)) if event.appointment_date else ""
    )
    if event.to_status == "awaiting_payment":
        values.update(amount=vnd(event.fee, lang), due=due)
        return "dossier.received_awaiting_payment", _RECEIVED_AWAITING_PAYMENT.pick(lang), {}
    values["due"] = due
    return "dossier.received_processing", _RECEIVED_PROCESSING.pick(lang), slots


def _payment(event: PaymentSucceeded | PaymentFailed | PaymentExpired | PaymentRefunded, lang: Lang) -> Rendered:
    values = _refs(event.dossier_code, lang)
    values["amount"] = vnd(event.amount, lang)
    slots: dict[str, Slot] = {"proc": Slot(_procedure(event.procedure_names, lang), optional=True)}
    match event:
        case PaymentSucceeded():
            status, template = "succeeded", _PAID.pick(lang)
        case PaymentFailed():
            status, template = "failed", _FAILED.pick(lang)
            slots["reason"] = Slot(free_text(_failure(event.reason, lang), prefix=" (", suffix=")"), optional=True)
        case PaymentExpired():
            status, template = "expired", _EXPIRED.pick(lang)
        case PaymentRefunded():
            status = "refunded"
            reason = one_line(event.reason)
            template = (_REFUNDED if reason else _REFUNDED_NO_REASON).pick(lang)
            slots["reason"] = Slot(free_text(reason, sentence=True))
    kind = f"payment.{status}"
    about = _about(kind, status, event.dossier_id, event.dossier_code, event.event_id)
    data = {**about, "payment_id": str(event.payment_id), "amount": str(event.amount)}
    return _rendered(kind, kind, lang, fit(template, values, slots), "payment", data)


def _rendered(kind: str, title_key: str, lang: Lang, body: str, category: Category, data: dict[str, str]) -> Rendered:
    return Rendered(
        type=kind, title=clip(TITLES[title_key].pick(lang), TITLE_MAX), body=body, data=data, category=category
    )


def _about(kind: str, status: str, dossier_id: UUID, code: str | None, event_id: UUID) -> dict[str, str]:
    """The push's `data`: what the app opens when the citizen taps it."""
    return {
        "dossier_id": str(dossier_id),
        "code": code or "",
        "status": status,
        "event_id": str(event_id),
        "type": kind,
    }


def _refs(code: str | None, lang: Lang) -> dict[str, str]:
    """{Ref} opens a sentence, {ref} sits inside one."""
    code = one_line(code)
    ref = _REF.pick(lang).format(code=code) if code else _REF_NO_CODE.pick(lang)
    return {"Ref": ref, "ref": ref[0].lower() + ref[1:]}


def _procedure(names: Mapping[str, str], lang: Lang) -> Render:
    return free_text(one_line(names.get(lang)) or names.get("vi"), prefix=" (", suffix=")")


def _delivery(event: DossierStatusChanged) -> str | None:
    """How the citizen gets the result, when the event says so (a `delivery_method` string or a
    `delivery` {"method": …}); None otherwise."""
    raw: Any = getattr(event, "delivery_method", None) or getattr(event, "delivery", None)
    if isinstance(raw, Mapping):
        raw = raw.get("method")
    raw = getattr(raw, "method", raw)
    method = str(raw) if raw is not None else None
    return method if method in _DELIVERY_METHODS else None


def _failure(reason: str, lang: Lang) -> str:
    """A gateway's failure said to a person: known VNPay codes in words, other codes dropped."""
    reason = one_line(reason)
    known = _VNPAY_FAILURES.get(reason)
    if known is not None:
        return known.pick(lang)
    return "" if reason.isdigit() else reason


def _names(names: Sequence[str], lang: Lang) -> Render:
    """Papers as "A, B và 2 giấy tờ khác": as many names as fit, then how many more."""
    clean = [name for name in map(one_line, names) if name]

    def render(room: int) -> str:
        if not clean:
            return ""
        for shown in range(len(clean), 0, -1):
            text = ", ".join(clean[:shown]) + _more(len(clean) - shown, lang)
            if len(text) <= room:
                return text
        tail = _more(len(clean) - 1, lang)
        if room - len(tail) >= 8:
            return clip(clean[0], room - len(tail)) + tail
        return _count(len(clean), lang)

    return render


def _more(rest: int, lang: Lang) -> str:
    return _MORE_PAPERS.render(lang, rest) if rest > 0 else ""


def _count(total: int, lang: Lang) -> str:
    return _PAPERS.render(lang, total)
