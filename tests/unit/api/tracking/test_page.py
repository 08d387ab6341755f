"""The tracking page as HTML: every stored value escaped, the right next step, both languages complete."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from api.catalog.views import AgencyRef
from api.dossiers.models import DeliveryMethod
from api.dossiers.views import Ref, TrackHistoryItem, Tracking
from api.tracking import page
from api.tracking.models import NextStep, TrackingPage, next_step
from core.clock import VN_TZ
from core.dossier_status import DossierStatus
from i18n.html import switch_query
from i18n.messages import PAGE_TEXTS

EVIL = "<script>alert(1)</script>"


def _view(status: DossierStatus = DossierStatus.SUPPLEMENT_REQUESTED, **changes: object) -> TrackingPage:
    at = datetime(2026, 11, 23, 9, 30, tzinfo=VN_TZ)
    tracking = Tracking(
        code="000.00.12.H04-261123-0007",
        procedure=Ref(slug="p", name=f"Thủ tục {EVIL}"),
        agency=AgencyRef(code="a", name=f"UBND {EVIL}"),
        status=status,
        status_label=f"Nhãn {EVIL}",
        appointment_date=date(2026, 12, 4),
        applicant_name=f"N*** {EVIL}",
        history=[TrackHistoryItem(status=DossierStatus.SUBMITTED, status_label=EVIL, at=at)],
    )
    values: dict[str, object] = {
        "tracking": tracking,
        "fee": 200000,
        "paid": False,
        "next": next_step(status, DeliveryMethod.DESK),
        "missing": [f"Giấy {EVIL}"],
    }
    values.update(changes)
    return TrackingPage(**values)  # type: ignore[arg-type]


def test_every_stored_value_is_escaped() -> None:
    html = page.tracking(_view(), "vi", switch=switch_query({"key": '"><b>'}, "vi"), hotline="1900 0000")
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert '"><b>' not in html
    assert "04/12/2026" in html and "09:30 23/11/2026" in html


def test_the_fee_to_pay_is_in_the_next_step_in_both_languages() -> None:
    view = _view(DossierStatus.AWAITING_PAYMENT)
    # the amount never wraps between the number and its currency
    assert 'Nộp lệ phí <span class="nowrap">200.000 ₫</span>' in page.tracking(view, "vi", switch="?", hotline="1")
    assert 'Pay the fee of <span class="nowrap">200,000 VND</span>' in page.tracking(
        view, "en", switch="?", hotline="1"
    )
    assert "of UBND &lt;script&gt;" in page.tracking(view, "en", switch="?", hotline="1")


@pytest.mark.parametrize(
    ("status", "delivery", "step"),
    [
        (DossierStatus.SUBMITTED, DeliveryMethod.DESK, NextStep.SUBMITTED),
        (DossierStatus.PROCESSING, DeliveryMethod.DESK, NextStep.IN_PROGRESS),
        (DossierStatus.AWAITING_PAYMENT, DeliveryMethod.POST, NextStep.PAY),
        (DossierStatus.SUPPLEMENT_REQUESTED, DeliveryMethod.DESK, NextStep.SUPPLEMENT),
        (DossierStatus.RESULT_READY, DeliveryMethod.DESK, NextStep.COLLECT_DESK),
        (DossierStatus.RESULT_READY, DeliveryMethod.POST, NextStep.COLLECT_POST),
        (DossierStatus.RESULT_READY, DeliveryMethod.ELECTRONIC, NextStep.COLLECT_ELECTRONIC),
        (DossierStatus.RETURNED, DeliveryMethod.DESK, NextStep.RETURNED),
        (DossierStatus.REJECTED, DeliveryMethod.DESK, NextStep.REJECTED),
    ],
)
def test_next_step_by_status(status: DossierStatus, delivery: DeliveryMethod, step: NextStep) -> None:
    assert next_step(status, delivery) is step


def test_every_next_step_has_both_languages() -> None:
    for step in NextStep:
        text = PAGE_TEXTS[step.value]
        assert text.vi and text.en and text.vi != text.en


def test_the_not_found_page_echoes_nothing_of_the_request() -> None:
    html = page.not_found("vi", hotline="1")
    assert 'href="?lang=en"' in html and "key=" not in html and 'value=""' not in html
    assert 'lang="en"' in page.not_found("en", hotline="1")


def test_switch_keeps_the_query_but_the_language() -> None:
    assert switch_query({"key": "AB CD", "lang": "vi", "code": None}, "vi") == "?key=AB+CD&lang=en"


def test_english_page_writes_dates_out_on_vietnam_time() -> None:
    """The appointment reads "December 4, 2026" and the history time is the office's clock, not UTC."""
    html = page.tracking(_view(), "en", switch="?", hotline="1")
    assert "December 4, 2026" in html and "04/12/2026" not in html
    assert "9:30\u00a0AM, November 23, 2026" in html
    assert "<time datetime='2026-11-23T09:30:00+07:00'>" in html
