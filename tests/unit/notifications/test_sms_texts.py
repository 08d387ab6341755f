import re
import uuid
from datetime import UTC, date, datetime
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from core.events import DossierStatusChanged
from notifications.sms_texts import SMS_MAX, plain, sms_text

CODE = "000.00.12.H04-261123-0007"
NAMES = {"vi": "Đăng ký khai sinh", "en": "Birth registration"}
GSM_PLAIN = re.compile(r"[ -Z_a-z!-/:-@]*")  # printable ASCII without [ \ ] ^ ` { | } ~ (two septets each)


def step(
    from_status: str | None, to_status: str, action: str, actor: str = "officer", **changes: Any
) -> DossierStatusChanged:
    fields: dict[str, Any] = {
        "event_id": uuid.uuid4(),
        "occurred_at": datetime(2026, 11, 23, 2, 30, tzinfo=UTC),
        "dossier_id": uuid.uuid4(),
        "code": CODE,
        "owner_id": None,
        "agency_code": "000.00.12.H04",
        "procedure_slug": "birth-registration",
        "procedure_names": NAMES,
        "from_status": from_status,
        "to_status": to_status,
        "action": action,
        "actor_role": actor,
        "appointment_date": date(2026, 11, 25),
        "channel": "counter",
        "contact_phone": "0912345678",
    }
    fields.update(changes)
    return DossierStatusChanged(**fields)


def test_a_reception_names_the_code_and_the_appointment_date() -> None:
    assert sms_text(step("draft", "received", "receive")) == (
        f"Ho so {CODE} (Dang ky khai sinh) da duoc tiep nhan. Ngay hen tra ket qua: 25/11/2026."
    )


def test_a_reception_the_system_moves_on_from_is_told_once_with_the_next_step() -> None:
    assert sms_text(step("draft", "received", "receive", moved_on_to="awaiting_payment")) is None
    owed = sms_text(step("received", "awaiting_payment", "request_payment", "system", fee=200_000))
    assert owed == (
        f"Ho so {CODE} (Dang ky khai sinh) da duoc tiep nhan, can nop phi, le phi 200.000 dong."
        " Ngay hen tra ket qua: 25/11/2026."
    )
    paid = sms_text(step("received", "processing", "settle_payment", "system"))
    assert paid is not None and paid.startswith(f"Ho so {CODE}") and "dang duoc giai quyet" in paid


def test_only_the_steps_a_push_would_tell_go_by_sms() -> None:
    assert sms_text(step("draft", "submitted", "submit", "citizen")) is None
    assert sms_text(step("received", "processing", "start_processing")) is None
    assert sms_text(step("awaiting_payment", "processing", "settle_payment", "system")) is None
    assert sms_text(step("result_ready", "returned", "return")) is None
    assert sms_text(step("submitted", "withdrawn", "withdraw", "citizen")) is None
    assert sms_text(step("processing", "result_ready", "approve")) == (
        f"Ho so {CODE} (Dang ky khai sinh) da co ket qua. Moi ong/ba den bo phan mot cua de nhan ket qua."
    )


def test_a_long_list_of_papers_is_shortened_never_the_code() -> None:
    papers = [f"Bản sao chứng thực giấy tờ số {n} của người được đăng ký khai sinh" for n in range(6)]
    text = sms_text(
        step("submitted", "supplement_requested", "request_supplement", missing_names={"vi": papers, "en": papers})
    )
    assert text is not None and len(text) <= SMS_MAX
    assert text.startswith(f"Ho so {CODE} can bo sung: Ban sao chung thuc giay to so 0")
    assert "..." in text and text.endswith("Vui long bo sung tai bo phan mot cua hoac tren ung dung Mot Cua.")


def test_a_rejection_gives_the_reason_and_drops_the_procedure_name_when_room_runs_out() -> None:
    short = sms_text(step("processing", "rejected", "reject", reason="Hồ sơ không thuộc thẩm quyền"))
    assert short == (f"Ho so {CODE} (Dang ky khai sinh) bi tu choi giai quyet. Ly do: Ho so khong thuoc tham quyen.")
    long_reason = "Giấy tờ “không hợp lệ” – " + "thiếu chữ ký của người có thẩm quyền " * 5
    text = sms_text(step("processing", "rejected", "reject", reason=long_reason))
    assert text is not None and len(text) <= SMS_MAX and "(Dang ky khai sinh)" not in text
    assert 'Ly do: Giay to "khong hop le" - thieu chu ky' in text and text.endswith("...")


@given(
    reason=st.text(max_size=400),
    note=st.text(max_size=200),
    names=st.lists(st.text(max_size=80), max_size=8),
    procedure=st.text(max_size=200),
    to=st.sampled_from(["received", "supplement_requested", "result_ready", "rejected"]),
)
def test_every_sms_is_one_part_of_plain_gsm_characters(
    reason: str, note: str, names: list[str], procedure: str, to: str
) -> None:
    text = sms_text(
        step(
            "submitted",
            to,
            "act",
            reason=reason,
            note=note,
            missing_names={"vi": names, "en": names},
            procedure_names={"vi": procedure, "en": procedure},
        )
    )
    assert text is not None
    assert 0 < len(text) <= SMS_MAX
    assert GSM_PLAIN.fullmatch(text), text
    assert CODE in text


def test_plain_keeps_what_a_gsm_phone_shows_and_folds_the_rest() -> None:
    assert plain("Đăng ký  khai\nsinh — 200.000 ₫ {x} [y] ~ ^ | \\ `z` 日本") == (
        "Dang ky khai sinh - 200.000 d (x) (y) - / / 'z'"
    )
