"""The assistant's replies as a citizen reads them: amounts, dates and fees in each language."""

from __future__ import annotations

from datetime import date

from assistant.answers import about_procedure, dossier_status, payment_help
from assistant.ports import DossierFacts, ProcedureFacts, RequirementFacts


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
