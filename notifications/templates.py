"""What a citizen reads on the lock screen and in the inbox when a dossier moves or a payment settles.

Pure: an event and a locale in, a title, a body and the push's `data` out. Vietnamese reads the way
public services write to citizens; English is plain. Titles fit a lock screen (TITLE_MAX), bodies fit
a notification (BODY_MAX): what came from the event (procedure names, missing papers, notes, reasons)
is shortened to make room, never the dossier code, the date or the amount."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, Final, Literal, NamedTuple

import msgspec

from core.events import (
    AnyEvent,
    DossierStatusChanged,
    PaymentExpired,
    PaymentFailed,
    PaymentRefunded,
    PaymentSucceeded,
)
from i18n.format import Lang, language, short_date, vnd
from i18n.messages import Plural, Text

__all__ = ["BODY_MAX", "TITLE_MAX", "TYPES", "Category", "Rendered", "clip", "one_line", "render"]

TITLE_MAX: Final = 40
BODY_MAX: Final = 180

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
    slots: dict[str, _Slot] = {"proc": _Slot(_procedure(event.procedure_names, lang), optional=True)}
    title_key = kind
    # the system's own move right after reception: this push also tells the reception (see _RECEIVED_*)
    just_received = event.from_status == "received" and event.actor_role == "system"
    match status:
        case "submitted":
            resubmitted = event.from_status == "supplement_requested"
            title_key = "dossier.resubmitted" if resubmitted else kind
            template = (_RESUBMITTED if resubmitted else _SUBMITTED).pick(lang)
        case "received":
            slots = {}
            template = _RECEIVED.pick(lang)
            if event.appointment_date is not None:
                template = _RECEIVED_ON.pick(lang)
                values["date"] = short_date(event.appointment_date, lang)
        case "supplement_requested":
            names = event.missing_names.get(lang) or event.missing_names.get("vi") or []
            missing = _names(names, lang)
            template = (_SUPPLEMENT if missing(BODY_MAX) else _SUPPLEMENT_UNNAMED).pick(lang)
            slots = {
                "missing": _Slot(missing),
                # the papers first: the note gets what they leave
                "note": _Slot(_text(event.note, prefix=_NOTE.pick(lang), sentence=True), optional=True),
            }
        case "awaiting_payment" | "processing" if just_received:
            title_key, template, slots = _moved_on(event, lang, values, slots)
        case "awaiting_payment":
            slots = {}
            template = (_AWAITING_PAYMENT if event.fee > 0 else _AWAITING_PAYMENT_UNKNOWN).pick(lang)
            values["amount"] = vnd(event.fee, lang)
        case "processing":
            template = (_PROCESSING_PAID if event.action == "settle_payment" else _PROCESSING).pick(lang)
            if event.appointment_date is not None:
                template += _DUE.pick(lang)
                values["date"] = short_date(event.appointment_date, lang)
        case "result_ready":
            template = _RESULT_READY[_delivery(event)].pick(lang)
        case "returned":
            template = _RETURNED.pick(lang)
        case "rejected":
            reason = one_line(event.reason or event.note)
            template = (_REJECTED if reason else _REJECTED_NO_REASON).pick(lang)
            slots["reason"] = _Slot(_text(reason, sentence=True))
        case _:  # withdrawn
            by_citizen = event.actor_role == "citizen"
            template = (_WITHDRAWN if by_citizen else _WITHDRAWN_BY_OTHER).pick(lang)
    return Rendered(
        type=kind,
        title=clip(TITLES[title_key].pick(lang), TITLE_MAX),
        body=_fit(template, values, slots),
        data={
            "dossier_id": str(event.dossier_id),
            "code": event.code or "",
            "status": status,
            "event_id": str(event.event_id),
            "type": kind,
        },
        category="status",
    )


def _moved_on(
    event: DossierStatusChanged, lang: Lang, values: dict[str, str], slots: dict[str, _Slot]
) -> tuple[str, str, dict[str, _Slot]]:
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
    slots: dict[str, _Slot] = {"proc": _Slot(_procedure(event.procedure_names, lang), optional=True)}
    match event:
        case PaymentSucceeded():
            status, template = "succeeded", _PAID.pick(lang)
        case PaymentFailed():
            status, template = "failed", _FAILED.pick(lang)
            slots["reason"] = _Slot(_text(_failure(event.reason, lang), prefix=" (", suffix=")"), optional=True)
        case PaymentExpired():
            status, template = "expired", _EXPIRED.pick(lang)
        case PaymentRefunded():
            status = "refunded"
            reason = one_line(event.reason)
            template = (_REFUNDED if reason else _REFUNDED_NO_REASON).pick(lang)
            slots["reason"] = _Slot(_text(reason, sentence=True))
    kind = f"payment.{status}"
    return Rendered(
        type=kind,
        title=clip(TITLES[kind].pick(lang), TITLE_MAX),
        body=_fit(template, values, slots),
        data={
            "dossier_id": str(event.dossier_id),
            "code": event.dossier_code or "",
            "status": status,
            "event_id": str(event.event_id),
            "type": kind,
            "payment_id": str(event.payment_id),
            "amount": str(event.amount),
        },
        category="payment",
    )


def _refs(code: str | None, lang: Lang) -> dict[str, str]:
    """{Ref} opens a sentence, {ref} sits inside one."""
    code = one_line(code)
    ref = _REF.pick(lang).format(code=code) if code else _REF_NO_CODE.pick(lang)
    return {"Ref": ref, "ref": ref[0].lower() + ref[1:]}


def _procedure(names: Mapping[str, str], lang: Lang) -> Render:
    return _text(one_line(names.get(lang)) or names.get("vi"), prefix=" (", suffix=")")


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


# ---- fitting a body into BODY_MAX ---------------------------------------------------------------

Render = Callable[[int], str]
"""A variable part of a body: the best text it can be within the given number of characters."""

_TERMINAL: Final = (".", "!", "?", "…")
_ROOMY: Final = 100_000


class _Slot(NamedTuple):
    render: Render
    optional: bool = False  # gets only what the essential parts leave over


def _fit(template: str, values: Mapping[str, str], slots: Mapping[str, _Slot], limit: int = BODY_MAX) -> str:
    """Fill `template`: `values` as they are, `slots` shortened to share what is left of `limit`,
    the essential ones first."""
    chosen: dict[str, str] = dict.fromkeys(slots, "")
    budget = limit - len(template.format(**values, **chosen))
    for optional in (False, True):
        tier = {name: slot.render for name, slot in slots.items() if slot.optional is optional}
        budget -= _share(tier, budget, chosen)
    return clip(template.format(**values, **chosen), limit)


def _share(renders: Mapping[str, Render], budget: int, out: dict[str, str]) -> int:
    """Max-min fair: the shortest parts take what they need, the longest split the rest."""
    natural = {name: len(r(_ROOMY)) for name, r in renders.items()}
    used = 0
    order = sorted(renders, key=natural.__getitem__)
    for index, name in enumerate(order):
        cap = min(natural[name], max(0, budget - used) // (len(order) - index))
        text = renders[name](cap)
        text = text if len(text) <= cap else clip(text, cap)
        out[name] = text
        used += len(text)
    return used


def _text(value: str | None, *, prefix: str = "", suffix: str = "", sentence: bool = False, least: int = 6) -> Render:
    """Free text from the event with its decoration; a sentence gets its full stop. Nothing at all
    when fewer than `least` of its characters would fit."""
    core = one_line(value)
    stop = "." if sentence and core and not core.endswith(_TERMINAL) else ""

    def render(room: int) -> str:
        if not core:
            return ""
        space = room - len(prefix) - len(suffix)
        if space >= len(core) + len(stop):
            return prefix + core + stop + suffix
        if space < min(least, len(core)):
            return ""
        return prefix + clip(core, space) + suffix

    return render


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


def one_line(value: str | None) -> str:
    """One line, single spaces."""
    return " ".join(value.split()) if value else ""


def clip(text: str, limit: int) -> str:
    """At most `limit` characters, cut at a word boundary when one is near, marked with "…"."""
    if len(text) <= limit:
        return text
    if limit <= 1:
        return "…"[:limit]
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space >= max(1, len(cut) - 12):
        cut = cut[:space]
    return cut.rstrip(" ,;:.-–(") + "…"
