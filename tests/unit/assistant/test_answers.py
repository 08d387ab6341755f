"""The assistant's replies as a citizen reads them: amounts, dates and fees in each language."""

from __future__ import annotations

from datetime import date

import msgspec

from assistant.answers import about_procedure, ask_which_question, dossier_status, payment_help
from assistant.ports import DossierFacts, FeeFacts, ProcedureFacts, RequirementFacts


def dossier(**changes: object) -> DossierFacts:
    values: dict[str, object] = {
        "code": "000.00.01.H29-261123-0012",
        "procedure_names": {"vi": "Cấp hộ chiếu phổ thông", "en": "Ordinary passport issuance"},
        "status": "awaiting_payment",
        "status_labels": {"vi": "Chờ thanh toán phí, lệ phí", "en": "Awaiting fee payment"},
        "appointment_date": date(2026, 12, 3),
        "fee": 200000,
        "paid": False,
    }
    values.update(changes)
    return DossierFacts(**values)  # type: ignore[arg-type]


def procedure(fee: int, fee_note: dict[str, str] | None = None) -> ProcedureFacts:
    return ProcedureFacts(
        slug="passport-issuance",
        names={"vi": "Cấp hộ chiếu phổ thông", "en": "Ordinary passport issuance"},
        keywords=(),
        agency_names={"vi": "Công an Thành phố Hồ Chí Minh", "en": "Ho Chi Minh City Police"},
        commune_level=False,
        online="full",
        fee=fee,
        fee_note=fee_note,
        processing_days=8,
        requirements=(
            RequirementFacts(names={"vi": "Tờ khai TK01", "en": "Form TK01"}, mandatory=True, original=True),
        ),
        guidance={"vi": "", "en": ""},
    )


def test_appointment_dates_read_dd_mm_yyyy_in_vietnamese_and_written_out_in_english() -> None:
    vi = dossier_status([dossier()], "vi").reply
    en = dossier_status([dossier()], "en").reply
    assert "hẹn trả 03/12/2026" in vi
    assert "due December 3, 2026" in en and "03/12/2026" not in en


def test_amounts_owed_in_each_language() -> None:
    assert "000.00.01.H29-261123-0012 — 200.000 ₫" in payment_help([dossier()], "vi").reply
    assert "000.00.01.H29-261123-0012 — 200,000 VND" in payment_help([dossier()], "en").reply


def test_fee_amount_in_each_language() -> None:
    assert "200.000 ₫" in about_procedure("procedure_fee", procedure(200000), "vi").reply
    assert "200,000 VND" in about_procedure("procedure_fee", procedure(200000), "en").reply


BIRTH_NOTE = {
    "vi": "Miễn lệ phí khi đăng ký đúng hạn (trong 60 ngày kể từ ngày sinh). Đăng ký quá hạn thu lệ phí theo Nghị"
    " quyết HĐND tỉnh.",
    "en": "Free when registered on time (within 60 days of birth). Late registration is charged a fee set by the"
    " provincial People's Council.",
}
PASSPORT_NOTE = {
    "vi": "200.000 đồng khi cấp mới hoặc cấp đổi; 400.000 đồng khi cấp lại do bị mất hoặc hư hỏng (Thông tư"
    " 25/2021/TT-BTC)",
    "en": "200,000 VND for a new passport or an exchange; 400,000 VND for a replacement after loss or damage"
    " (Circular 25/2021/TT-BTC)",
}


def test_a_free_procedure_says_so_once_and_plainly() -> None:
    free = procedure(0)
    assert about_procedure("procedure_fee", free, "vi").reply == (
        "Thủ tục cấp hộ chiếu phổ thông được miễn lệ phí, bạn không phải nộp khoản nào."
    )
    assert about_procedure("procedure_fee", free, "en").reply == (
        "Ordinary passport issuance is free of charge: there is nothing to pay."
    )
    for locale in ("vi", "en"):
        reply = about_procedure("procedure_info", free, locale).reply
        assert "lệ phí miễn phí" not in reply and "fee free" not in reply
    assert about_procedure("procedure_info", free, "vi").reply.startswith("Cấp hộ chiếu phổ thông: miễn lệ phí;")
    assert about_procedure("procedure_info", free, "en").reply.startswith("Ordinary passport issuance: free of charge;")


def test_a_conditional_exemption_leads_with_the_condition() -> None:
    """ "Free when registered on time" is the answer; "free (free when…)" said it twice in brackets."""
    birth = procedure(0, BIRTH_NOTE)
    assert about_procedure("procedure_fee", birth, "vi").reply == (
        "Về lệ phí thủ tục cấp hộ chiếu phổ thông: miễn lệ phí khi đăng ký đúng hạn (trong 60 ngày kể từ ngày"
        " sinh). Đăng ký quá hạn thu lệ phí theo Nghị quyết HĐND tỉnh."
    )
    english = about_procedure("procedure_fee", birth, "en").reply
    assert english.startswith("About the fee for ordinary passport issuance: free when registered on time")
    documents = about_procedure("procedure_documents", birth, "vi").reply
    assert documents.endswith(
        "Về lệ phí thủ tục cấp hộ chiếu phổ thông: miễn lệ phí khi đăng ký đúng hạn (trong"
        " 60 ngày kể từ ngày sinh). Đăng ký quá hạn thu lệ phí theo Nghị quyết HĐND tỉnh."
    )


def test_a_fee_gives_the_amount_then_the_detail_then_how_to_pay() -> None:
    passport = procedure(200000, PASSPORT_NOTE)
    assert about_procedure("procedure_fee", passport, "vi").reply == (
        "Lệ phí thủ tục cấp hộ chiếu phổ thông là 200.000 ₫. Cụ thể: 200.000 đồng khi cấp mới hoặc cấp đổi;"
        " 400.000 đồng khi cấp lại do bị mất hoặc hư hỏng (Thông tư 25/2021/TT-BTC)."
        " Bạn có thể thanh toán trên ứng dụng qua VietQR hoặc VNPay."
    )
    assert about_procedure("procedure_fee", passport, "en").reply == (
        "The fee for ordinary passport issuance is 200,000 VND. In detail: 200,000 VND for a new passport or an"
        " exchange; 400,000 VND for a replacement after loss or damage (Circular 25/2021/TT-BTC)."
        " You can pay in the app by VietQR transfer or VNPay."
    )
    # the note no longer hangs in brackets after the amount, with its own brackets inside
    assert all("₫ (" not in about_procedure(i, passport, "vi").reply for i in ("procedure_fee", "procedure_info"))
    assert about_procedure("procedure_info", passport, "vi").reply.startswith(
        "Cấp hộ chiếu phổ thông: lệ phí 200.000 ₫; thời gian giải quyết 8 ngày làm việc."
    )


def test_today_s_fee_says_until_when_a_reduction_holds_and_the_other_cases_in_force() -> None:
    card = msgspec.structs.replace(
        procedure(25000),
        fee_until=date(2026, 12, 31),
        other_fees=(
            FeeFacts(amount=35000, cases={"vi": "Cấp lại", "en": "Re-issue"}, until=date(2026, 12, 31)),
            FeeFacts(
                amount=0,
                cases={"vi": "Có tài khoản định danh điện tử mức 2", "en": "a level-2 electronic identity holder"},
                until=date(2027, 2, 28),
            ),
        ),
    )
    assert about_procedure("procedure_fee", card, "vi").reply == (
        "Lệ phí thủ tục cấp hộ chiếu phổ thông là 25.000 ₫, áp dụng đến hết ngày 31/12/2026."
        " Cấp lại: 35.000 ₫ (đến hết ngày 31/12/2026)."
        " Miễn phí đến hết ngày 28/02/2027 nếu có tài khoản định danh điện tử mức 2."
        " Bạn có thể thanh toán trên ứng dụng qua VietQR hoặc VNPay."
    )
    assert about_procedure("procedure_fee", card, "en").reply == (
        "The fee for ordinary passport issuance is 25,000 VND, until December 31, 2026."
        " Re-issue: 35,000 VND (until December 31, 2026)."
        " Free until February 28, 2027 for a level-2 electronic identity holder."
        " You can pay in the app by VietQR transfer or VNPay."
    )


def test_a_free_period_that_ends_and_an_unconfirmed_provincial_rate_are_said() -> None:
    waived = msgspec.structs.replace(procedure(0), fee_until=date(2027, 2, 28))
    assert about_procedure("procedure_fee", waived, "vi").reply == (
        "Thủ tục cấp hộ chiếu phổ thông được miễn lệ phí đến hết ngày 28/02/2027."
    )
    unconfirmed = msgspec.structs.replace(procedure(15000), fee_confirmed=False)
    assert "chưa được xác nhận cho tỉnh, thành phố của bạn" in about_procedure("procedure_fee", unconfirmed, "vi").reply
    assert "not confirmed for your province" in about_procedure("procedure_fee", unconfirmed, "en").reply


def birth(**changes: object) -> ProcedureFacts:
    values: dict[str, object] = {
        "slug": "birth-registration",
        "names": {"vi": "Đăng ký khai sinh", "en": "Birth registration"},
        "keywords": (),
        "agency_names": {"vi": "Ủy ban nhân dân cấp xã", "en": "Commune People's Committee"},
        "commune_level": True,
        "online": "full",
        "fee": 0,
        "fee_note": None,
        "processing_days": 0,
        "requirements": (),
        "guidance": {"vi": "", "en": ""},
        "agency": "UBND-XA",
        "result": "electronic",
        "where": {
            "vi": "UBND cấp xã nơi cư trú của cha hoặc mẹ (thường trú hoặc tạm trú)",
            "en": "the commune People's Committee where the father or the mother lives",
        },
        "vneid": True,
    }
    values.update(changes)
    return ProcedureFacts(**values)  # type: ignore[arg-type]


def test_where_to_file_names_the_office_the_residence_rule_the_channels_and_the_result() -> None:
    vi = about_procedure("procedure_location", birth(), "vi").reply
    assert vi == (
        "Đăng ký khai sinh: nộp tại Ủy ban nhân dân cấp xã nơi bạn cư trú."
        " Nơi được nộp: UBND cấp xã nơi cư trú của cha hoặc mẹ (thường trú hoặc tạm trú)."
        " Có thể nộp trực tuyến toàn trình trên ứng dụng này, Cổng Dịch vụ công quốc gia hoặc ứng dụng VNeID."
        " Kết quả là bản điện tử, tải ngay trong ứng dụng; cần bản giấy thì chọn nhận qua bưu điện khi nộp."
    )
    en = about_procedure("procedure_location", birth(), "en").reply
    assert "Where you may file: the commune People's Committee where the father or the mother lives." in en
    assert "in this app, on the National Public Service Portal or in the VNeID app" in en


def test_where_to_file_names_the_citizens_own_office_when_known() -> None:
    office = {"vi": "UBND phường Bến Thành", "en": "Ben Thanh Ward People's Committee"}
    reply = about_procedure("procedure_location", birth(), "vi", office).reply
    assert reply.startswith("Đăng ký khai sinh: nộp tại UBND phường Bến Thành (theo địa chỉ trong hồ sơ gần nhất")


def test_a_partly_online_procedure_on_paper_says_so_and_one_received_in_person_too() -> None:
    paper = about_procedure("procedure_location", birth(online="partial", vneid=False, result="paper"), "vi").reply
    assert "hoặc Cổng Dịch vụ công quốc gia, nhưng cần đến cơ quan cho một bước" in paper
    assert "VNeID" not in paper and "gửi qua bưu điện về địa chỉ bạn chọn" in paper
    in_person = about_procedure("procedure_location", birth(by_post=False, result="paper"), "en").reply
    assert in_person.endswith("The result is collected in person where you filed.")


def test_paying_for_a_named_procedure_also_gives_its_fee() -> None:
    reply = payment_help(None, "vi", procedure(200000)).reply
    assert reply.startswith("Bạn thanh toán lệ phí ngay trên ứng dụng")
    assert reply.endswith("Lệ phí thủ tục cấp hộ chiếu phổ thông là 200.000 ₫.")


def test_two_questions_read_alike_are_asked_about() -> None:
    answer = ask_which_question(["procedure_fee", "procedure_duration"], procedure(200000), "vi")
    assert answer.reply == "Về thủ tục cấp hộ chiếu phổ thông, bạn muốn hỏi điều nào?"
    assert answer.quick_replies == ["Lệ phí", "Mất bao lâu"]
