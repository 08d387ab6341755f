import unicodedata
import uuid
from datetime import UTC, date, datetime
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.events import (
    AnyEvent,
    DossierStatusChanged,
    PaymentExpired,
    PaymentFailed,
    PaymentRefunded,
    PaymentSucceeded,
)
from i18n.text import strip_diacritics
from notifications.templates import BODY_MAX, TITLE_MAX, TYPES, Rendered, render

CODE = "000.00.12.H04-261123-0007"
NAMES = {"vi": "Đăng ký khai sinh", "en": "Birth registration"}
MISSING = {
    "vi": ["Giấy chứng sinh", "Tờ khai đăng ký khai sinh"],
    "en": ["Birth certificate", "Birth registration form"],
}
NOW = datetime(2026, 11, 23, 2, 30, tzinfo=UTC)

# (from_status, to_status, action, actor_role) for every move of the state machine that reaches a citizen
MOVES = [
    ("draft", "submitted", "submit", "citizen"),
    ("supplement_requested", "submitted", "submit", "citizen"),
    ("submitted", "received", "receive", "officer"),
    ("submitted", "supplement_requested", "request_supplement", "officer"),
    ("processing", "supplement_requested", "request_supplement", "officer"),
    ("received", "awaiting_payment", "request_payment", "system"),
    ("received", "processing", "start_processing", "officer"),
    ("awaiting_payment", "processing", "settle_payment", "system"),
    ("received", "processing", "settle_payment", "system"),
    ("processing", "result_ready", "approve", "officer"),
    ("result_ready", "returned", "return", "officer"),
    ("submitted", "rejected", "reject", "officer"),
    ("processing", "rejected", "reject", "officer"),
    ("submitted", "withdrawn", "withdraw", "citizen"),
]
PAYMENT_CLASSES = [PaymentSucceeded, PaymentFailed, PaymentExpired, PaymentRefunded]


def dossier_event(
    to_status: str = "received",
    *,
    from_status: str | None = "submitted",
    action: str = "receive",
    actor_role: str = "officer",
    code: str | None = CODE,
    **fields: Any,
) -> DossierStatusChanged:
    values: dict[str, Any] = {
        "procedure_names": NAMES,
        "appointment_date": date(2026, 11, 27),
        "fee": 200_000,
        "missing": ["birth_certificate", "declaration"],
        "missing_names": MISSING,
        "reason": "Hồ sơ không thuộc thẩm quyền giải quyết của UBND xã",
        **fields,
    }
    return DossierStatusChanged(
        event_id=uuid.uuid4(),
        occurred_at=NOW,
        dossier_id=uuid.uuid4(),
        code=code,
        owner_id=uuid.uuid4(),
        agency_code="000.00.12.H04",
        procedure_slug="birth-registration",
        from_status=from_status,
        to_status=to_status,
        action=action,
        actor_role=actor_role,
        **values,
    )


def payment_event(cls: type[Any], *, code: str | None = CODE, **fields: Any) -> AnyEvent:
    values: dict[str, Any] = {
        "procedure_names": NAMES,
        "method": "vietqr",
        "amount": 200_000,
        "reference": "MC12345678",
        **fields,
    }
    if cls is PaymentSucceeded:
        values.setdefault("settled_by", "bank")
    if cls in (PaymentFailed, PaymentRefunded):
        values.setdefault("reason", "24" if cls is PaymentFailed else "Nộp trùng hai lần")
    event: AnyEvent = cls(
        event_id=uuid.uuid4(),
        occurred_at=NOW,
        payment_id=uuid.uuid4(),
        dossier_id=uuid.uuid4(),
        dossier_code=code,
        owner_id=uuid.uuid4(),
        agency_code="000.00.12.H04",
        procedure_slug="birth-registration",
        **values,
    )
    return event


def move_event(move: tuple[str, str, str, str], **fields: Any) -> DossierStatusChanged:
    from_status, to_status, action, actor_role = move
    return dossier_event(to_status, from_status=from_status, action=action, actor_role=actor_role, **fields)


def all_events(**fields: Any) -> list[AnyEvent]:
    events: list[AnyEvent] = [move_event(m, **fields) for m in MOVES]
    return events + [payment_event(cls) for cls in PAYMENT_CLASSES]


def rendered(event: AnyEvent, locale: str) -> Rendered:
    result = render(event, locale)
    assert result is not None, f"{event!r} rendered nothing"
    return result


def has_vietnamese(text: str) -> bool:
    return strip_diacritics(unicodedata.normalize("NFC", text)) != text or "₫" in text


# ---- every event, both languages ----------------------------------------------------------------


@pytest.mark.parametrize("locale", ["vi", "en"])
def test_every_dossier_move_and_payment_renders(locale: str) -> None:
    types = set()
    for event in all_events():
        result = rendered(event, locale)
        types.add(result.type)
        assert result.title and result.body
        assert len(result.title) <= TITLE_MAX
        assert len(result.body) <= BODY_MAX
        if isinstance(event, DossierStatusChanged):
            assert result.type == f"dossier.{event.to_status}" == event.type
            assert result.category == "status"
            assert event.code is not None and event.code in result.body
        else:
            assert result.type == event.__struct_config__.tag
            assert result.category == "payment"
            assert "200.000 ₫" in result.body if locale == "vi" else "200,000 VND" in result.body
    assert types == set(TYPES)


def test_vietnamese_and_english_differ_and_each_reads_its_language() -> None:
    for event in all_events(reason="Sai thông tin", note=None):
        vi, en = rendered(event, "vi"), rendered(event, "en")
        assert vi.title != en.title and vi.body != en.body
        assert has_vietnamese(vi.title) and has_vietnamese(vi.body)
        assert vi.data == en.data


def test_the_issue_example_for_received() -> None:
    result = rendered(dossier_event("received", appointment_date=date(2026, 11, 27)), "vi")
    assert result.body == "Hồ sơ 000.00.12.H04-261123-0007 đã được tiếp nhận. Ngày hẹn trả: 27/11/2026"
    assert result.title == "Hồ sơ đã được tiếp nhận"
    assert result.type == "dossier.received"

    english = rendered(dossier_event("received", appointment_date=date(2026, 11, 27)), "en")
    assert english.body == "Dossier 000.00.12.H04-261123-0007 has been received. Result expected on November 27, 2026"


def test_received_without_an_appointment_date_says_only_received() -> None:
    result = rendered(dossier_event("received", appointment_date=None), "vi")
    assert result.body == f"Hồ sơ {CODE} đã được tiếp nhận."


def test_submitted_says_online_code_and_waiting_for_reception() -> None:
    event = dossier_event("submitted", from_status="draft", action="submit", actor_role="citizen")
    vi, en = rendered(event, "vi"), rendered(event, "en")
    assert CODE in vi.body and "trực tuyến" in vi.body and "chờ cơ quan tiếp nhận" in vi.body
    assert "Đăng ký khai sinh" in vi.body
    assert CODE in en.body and "online" in en.body and "waiting for reception" in en.body
    assert "Birth registration" in en.body


def test_resubmission_after_a_supplement_has_its_own_title() -> None:
    first = rendered(dossier_event("submitted", from_status="draft", action="submit"), "vi")
    again = rendered(dossier_event("submitted", from_status="supplement_requested", action="submit"), "vi")
    assert first.type == again.type == "dossier.submitted"
    assert first.title != again.title
    assert "bổ sung" in again.body


# ---- supplement ---------------------------------------------------------------------------------


def test_supplement_lists_the_missing_papers_in_the_device_language() -> None:
    event = dossier_event("supplement_requested", action="request_supplement", note=None)
    vi, en = rendered(event, "vi"), rendered(event, "en")
    assert vi.body == (
        f"Hồ sơ {CODE} cần bổ sung: Giấy chứng sinh, Tờ khai đăng ký khai sinh. Vui lòng bổ sung trên ứng dụng."
    )
    assert en.body == f"Dossier {CODE} needs: Birth certificate, Birth registration form. Please add them in the app."


def test_supplement_carries_the_officers_note() -> None:
    event = dossier_event("supplement_requested", action="request_supplement", note="Ảnh chụp bị mờ")
    assert "Ghi chú: Ảnh chụp bị mờ." in rendered(event, "vi").body
    assert "Note: Ảnh chụp bị mờ." in rendered(event, "en").body


def test_supplement_names_fall_back_to_vietnamese_then_to_a_generic_request() -> None:
    only_vi = dossier_event("supplement_requested", missing_names={"vi": ["Giấy chứng sinh"]}, note=None)
    assert "needs: Giấy chứng sinh." in rendered(only_vi, "en").body

    unnamed = dossier_event("supplement_requested", missing_names={}, note=None)
    assert rendered(unnamed, "vi").body == (
        f"Hồ sơ {CODE} cần bổ sung giấy tờ. Vui lòng xem chi tiết và bổ sung trên ứng dụng."
    )
    assert "needs more papers" in rendered(unnamed, "en").body


def test_many_missing_papers_are_cut_to_the_first_ones_and_a_count() -> None:
    long_one = "Bản sao có chứng thực giấy tờ chứng minh nơi cư trú của người đi đăng ký khai sinh cho trẻ em"
    long_two = "Văn bản ủy quyền có công chứng hoặc chứng thực trong trường hợp ủy quyền thực hiện việc đăng ký"
    event = dossier_event(
        "supplement_requested",
        missing_names={"vi": ["Giấy chứng sinh", "Tờ khai", long_one, long_two]},
        note=None,
    )
    body = rendered(event, "vi").body
    assert "cần bổ sung: Giấy chứng sinh, Tờ khai và 2 giấy tờ khác." in body
    assert len(body) <= BODY_MAX

    english = rendered(
        dossier_event("supplement_requested", missing_names={"en": ["Form", *(["x" * 70] * 3)]}, note=None), "en"
    )
    assert "and 3 other papers." in english.body or "and 2 other papers." in english.body


# ---- fees and payments --------------------------------------------------------------------------


def test_awaiting_payment_says_how_much_and_how_to_pay() -> None:
    # the system's request_payment step right after reception is what the citizen sees as "awaiting payment"
    event = dossier_event("awaiting_payment", from_status="received", action="request_payment", actor_role="system")
    vi, en = rendered(event, "vi"), rendered(event, "en")
    assert vi.type == "dossier.awaiting_payment"
    assert "200.000 ₫" in vi.body and "ứng dụng" in vi.body
    assert "200,000 VND" in en.body and "in the app" in en.body
    assert "₫" not in en.body


def test_processing_after_the_fee_is_settled_says_so() -> None:
    paid = rendered(dossier_event("processing", from_status="awaiting_payment", action="settle_payment"), "en")
    started = rendered(dossier_event("processing", from_status="received", action="start_processing"), "en")
    assert paid.body.startswith("The fee was received.")
    assert not started.body.startswith("The fee")
    assert "November 27, 2026" in paid.body and "November 27, 2026" in started.body


def test_reception_and_the_systems_next_move_are_told_in_one_push() -> None:
    # received and moved on in one transaction: the received event is not pushed, this one says both
    fee = dossier_event("awaiting_payment", from_status="received", action="request_payment", actor_role="system")
    vi, en = rendered(fee, "vi"), rendered(fee, "en")
    assert vi.body.startswith(
        f"Hồ sơ {CODE} đã được tiếp nhận, cần nộp phí, lệ phí 200.000 ₫. Ngày hẹn trả: 27/11/2026."
    )
    assert (en.title, vi.title) == ("Dossier received, fee due", "Đã tiếp nhận, cần nộp phí, lệ phí")
    assert "200,000 VND" in en.body and "Result expected on November 27, 2026." in en.body
    paid = dossier_event("processing", from_status="received", action="settle_payment", actor_role="system")
    assert rendered(paid, "vi").body == (
        f"Hồ sơ {CODE} (Đăng ký khai sinh) đã được tiếp nhận và đang được giải quyết. Ngày hẹn trả: 27/11/2026."
    )
    assert rendered(paid, "en").title == "Dossier received, being processed"
    undated = dossier_event(
        "awaiting_payment", from_status="received", action="request_payment", actor_role="system", appointment_date=None
    )
    assert "Ngày hẹn trả" not in rendered(undated, "vi").body


def test_payment_bodies() -> None:
    paid = rendered(payment_event(PaymentSucceeded), "vi")
    assert paid.body.startswith("Bạn đã thanh toán thành công 200.000 ₫ cho hồ sơ 000.00.12.H04-261123-0007")
    assert rendered(payment_event(PaymentSucceeded), "en").body.startswith("You paid 200,000 VND for dossier")

    cancelled = rendered(payment_event(PaymentFailed, reason="24"), "vi")
    assert "(bạn đã hủy giao dịch)" in cancelled.body
    assert "(you cancelled it)" in rendered(payment_event(PaymentFailed, reason="24"), "en").body
    unknown_code = rendered(payment_event(PaymentFailed, reason="99"), "en")
    assert "99" not in unknown_code.body and "failed. Please try again in the app." in unknown_code.body

    expired = rendered(payment_event(PaymentExpired), "en")
    assert "expired" in expired.body and "pay again in the app" in expired.body

    refunded = rendered(payment_event(PaymentRefunded, reason="Nộp trùng hai lần"), "vi")
    assert "200.000 ₫" in refunded.body and refunded.body.endswith("Lý do: Nộp trùng hai lần.")
    assert (
        "Reason: Nộp trùng hai lần." in rendered(payment_event(PaymentRefunded, reason="Nộp trùng hai lần"), "en").body
    )


def test_payment_without_a_dossier_code_names_your_dossier() -> None:
    result = rendered(payment_event(PaymentSucceeded, code=None, procedure_names={}), "en")
    assert "for your dossier." in result.body
    assert result.data["code"] == ""


# ---- resolution ---------------------------------------------------------------------------------


def test_rejected_carries_the_reason() -> None:
    event = dossier_event("rejected", action="reject", reason="Người yêu cầu không cư trú tại xã")
    assert rendered(event, "vi").body.endswith("bị từ chối giải quyết. Lý do: Người yêu cầu không cư trú tại xã.")
    assert rendered(event, "en").body.endswith("was rejected. Reason: Người yêu cầu không cư trú tại xã.")


def test_result_ready_without_delivery_points_to_the_app() -> None:
    event = dossier_event("result_ready", from_status="processing", action="approve")
    assert rendered(event, "vi").body.endswith("đã có kết quả. Xem chi tiết trên ứng dụng.")
    assert rendered(event, "en").body.endswith("has its result. See the details in the app.")


class _WithDelivery(DossierStatusChanged, frozen=True, kw_only=True, tag="test.with_delivery"):
    delivery_method: str | None = None


@pytest.mark.parametrize(
    ("method", "vi_part", "en_part"),
    [
        ("electronic", "tải kết quả điện tử trên ứng dụng", "Download the electronic result in the app"),
        ("desk", "Bộ phận Một cửa", "collect it at the one-stop desk"),
        ("post", "qua bưu điện", "by post"),
    ],
)
def test_result_ready_says_how_to_get_the_result_when_the_event_carries_it(
    method: str, vi_part: str, en_part: str
) -> None:
    base = dossier_event("result_ready", from_status="processing", action="approve")
    event = _WithDelivery(**{f: getattr(base, f) for f in base.__struct_fields__}, delivery_method=method)
    assert vi_part in rendered(event, "vi").body
    assert en_part in rendered(event, "en").body


def test_returned_invites_a_rating() -> None:
    event = dossier_event("returned", from_status="result_ready", action="return")
    assert "đánh giá mức độ hài lòng" in rendered(event, "vi").body
    assert "rate the service" in rendered(event, "en").body


# ---- what renders nothing, and locales ----------------------------------------------------------


def test_events_that_tell_the_citizen_nothing_render_none() -> None:
    assert render(dossier_event("draft", from_status=None, action="create", code=None), "vi") is None
    assert render(dossier_event("withdrawn", from_status="draft", action="withdraw", code=None), "vi") is None
    assert render(dossier_event("archived", action="archive"), "vi") is None
    assert render(dossier_event("withdrawn", from_status="submitted", action="withdraw"), "vi") is not None


def test_locale_tags_and_unknown_locales() -> None:
    event = dossier_event("received")
    assert rendered(event, "en-US").body == rendered(event, "en").body
    assert rendered(event, "fr").body == rendered(event, "vi").body


def test_procedure_name_falls_back_to_vietnamese() -> None:
    event = dossier_event("returned", from_status="result_ready", procedure_names={"vi": "Đăng ký kết hôn"})
    assert "(Đăng ký kết hôn)" in rendered(event, "en").body


# ---- data ---------------------------------------------------------------------------------------


def test_data_values_are_strings_with_the_contract_keys() -> None:
    for event in all_events():
        result = rendered(event, "vi")
        assert all(isinstance(k, str) and isinstance(v, str) for k, v in result.data.items())
        assert {"dossier_id", "code", "status", "event_id", "type"} <= result.data.keys()
        assert result.data["event_id"] == str(event.event_id)
        assert result.data["dossier_id"] == str(event.dossier_id)
        assert result.data["type"] == result.type
        assert result.data["code"] == CODE
        if isinstance(event, DossierStatusChanged):
            assert result.data["status"] == event.to_status
            assert result.data.keys() == {"dossier_id", "code", "status", "event_id", "type"}
        else:
            assert result.data["payment_id"] == str(event.payment_id)
            assert result.data["amount"] == "200000"
            assert result.data["status"] == result.type.removeprefix("payment.")


def test_received_data_matches_the_contract_example() -> None:
    event = dossier_event("received")
    assert rendered(event, "en").data == {
        "dossier_id": str(event.dossier_id),
        "code": CODE,
        "status": "received",
        "event_id": str(event.event_id),
        "type": "dossier.received",
    }


# ---- English reads English ----------------------------------------------------------------------


def test_english_has_no_vietnamese_outside_what_the_event_brought() -> None:
    from_event = [*NAMES.values(), *MISSING["vi"], *MISSING["en"], "Hồ sơ không thuộc thẩm quyền", "Nộp trùng hai lần"]
    for event in all_events(reason="Hồ sơ không thuộc thẩm quyền", note="Nộp trùng hai lần"):
        result = rendered(event, "en")
        body = result.body
        for text in from_event:
            body = body.replace(text, "")
        assert not has_vietnamese(result.title), result.title
        assert not has_vietnamese(body), body


# ---- long inputs (hypothesis) -------------------------------------------------------------------

words = st.text(alphabet="aăâbcdđeêghiklmnoôơpqrstuưvxyáàảãạếềểễệ ĐĂÂ\n\t,.", min_size=1, max_size=40)
long_text = st.lists(words, min_size=1, max_size=30).map(" ".join)
ascii_text = st.text(alphabet="abcdefghijklmnopqrstuvwxyz ABC,.'-", min_size=1, max_size=300).filter(str.strip)
moves = st.sampled_from(MOVES)


@settings(max_examples=150, deadline=None)
@given(
    move=moves,
    proc=long_text,
    missing=st.lists(long_text, max_size=25),
    reason=long_text,
    note=st.none() | long_text,
    amount=st.integers(min_value=0, max_value=10**12),
    locale=st.sampled_from(["vi", "en"]),
)
def test_titles_and_bodies_fit_whatever_the_event_carries(
    move: tuple[str, str, str, str],
    proc: str,
    missing: list[str],
    reason: str,
    note: str | None,
    amount: int,
    locale: str,
) -> None:
    names = {"vi": proc, "en": proc}
    events: list[AnyEvent] = [
        move_event(
            move,
            procedure_names=names,
            missing_names={"vi": missing, "en": missing},
            reason=reason,
            note=note,
            fee=amount,
        )
    ]
    events += [payment_event(cls, procedure_names=names, amount=amount) for cls in (PaymentSucceeded, PaymentExpired)]
    events += [payment_event(cls, procedure_names=names, amount=amount, reason=reason) for cls in (PaymentFailed,)]
    events += [payment_event(PaymentRefunded, procedure_names=names, amount=amount, reason=reason)]
    for event in events:
        result = rendered(event, locale)
        assert 0 < len(result.title) <= TITLE_MAX
        assert 0 < len(result.body) <= BODY_MAX
        assert "\n" not in result.body and "  " not in result.body
        assert all(isinstance(v, str) for v in result.data.values())
        code = event.code if isinstance(event, DossierStatusChanged) else event.dossier_code
        assert code is not None and code in result.body


@settings(max_examples=150, deadline=None)
@given(
    move=moves,
    proc=ascii_text,
    missing=st.lists(ascii_text, max_size=12),
    reason=ascii_text,
    note=st.none() | ascii_text,
)
def test_english_output_is_english_when_the_event_is(
    move: tuple[str, str, str, str], proc: str, missing: list[str], reason: str, note: str | None
) -> None:
    names = {"vi": "Đăng ký khai sinh", "en": proc}
    events: list[AnyEvent] = [
        move_event(move, procedure_names=names, missing_names={"en": missing}, reason=reason, note=note),
        payment_event(PaymentSucceeded, procedure_names=names),
        payment_event(PaymentFailed, procedure_names=names, reason=reason),
        payment_event(PaymentExpired, procedure_names=names),
        payment_event(PaymentRefunded, procedure_names=names, reason=reason),
    ]
    for event in events:
        result = rendered(event, "en")
        assert not has_vietnamese(result.title + result.body), result


def test_a_payment_code_the_citizen_replaced_tells_them_nothing() -> None:
    assert render(payment_event(PaymentExpired, replaced=True), "vi") is None
    assert render(payment_event(PaymentExpired), "vi") is not None
