import uuid
from datetime import date, datetime

import msgspec

from core.clock import VN_TZ
from core.events import DeadlineApproaching, DeadlineBacklog
from notifications.officer_alerts import alert, digest
from notifications.templates import BODY_MAX, TITLE_MAX


def approaching(deadline: str, due_at: datetime) -> DeadlineApproaching:
    return DeadlineApproaching(
        event_id=uuid.uuid4(),
        occurred_at=datetime(2026, 11, 23, 16, 20, tzinfo=VN_TZ),
        dossier_id=uuid.uuid4(),
        code="000.01.14.H29-261120-0001",
        agency_code="000.01.14.H29",
        procedure_slug="birth-registration",
        procedure_names={"vi": "Đăng ký khai sinh", "en": "Birth registration"},
        status="submitted" if deadline == "reception" else "processing",
        deadline="reception" if deadline == "reception" else "processing",
        due_at=due_at,
    )


def test_reception_names_the_hour_and_processing_the_day_in_each_language() -> None:
    reception = approaching("reception", datetime(2026, 11, 25, 7, 45, tzinfo=VN_TZ))
    vi, en = alert(reception, "vi"), alert(reception, "en-US")
    assert "07:45 25/11/2026" in vi.body and "tiếp nhận" in vi.body and "Đăng ký khai sinh" in vi.body
    assert en.title == "Reception deadline near" and "Birth registration" in en.body
    processing = alert(approaching("processing", datetime(2026, 11, 23, 17, 0, tzinfo=VN_TZ)), "vi")
    assert "23/11/2026" in processing.body and "17:00" not in processing.body
    for shown in (vi, en, processing):
        assert len(shown.title) <= TITLE_MAX and len(shown.body) <= BODY_MAX
        assert shown.data["type"] == "dossier.deadline_approaching"
        assert all(isinstance(v, str) for v in shown.data.values())  # FCM data values are strings


def test_a_backlog_digest_counts_the_office_s_dossiers_and_names_the_oldest_deadline() -> None:
    backlog = DeadlineBacklog(
        event_id=uuid.uuid4(),
        occurred_at=datetime(2026, 11, 23, 10, 0, tzinfo=VN_TZ),
        agency_code="000.01.14.H29",
        deadline="processing",
        dossiers=183,
        oldest_due=date(2026, 3, 2),
    )
    vi, en = digest(backlog, "vi"), digest(backlog, "en")
    assert "183 hồ sơ" in vi.body and "02/03/2026" in vi.body
    assert "183" in en.body and "March 2, 2026" in en.body and en.title != vi.title
    reception = digest(msgspec.structs.replace(backlog, deadline="reception"), "vi")
    assert "tiếp nhận" in reception.title and "tiếp nhận" in reception.body
    for shown in (vi, en, reception):
        assert len(shown.title) <= TITLE_MAX and len(shown.body) <= BODY_MAX
        assert shown.data["type"] == "dossier.deadline_backlog" and shown.data["dossiers"] == "183"
        assert all(isinstance(v, str) for v in shown.data.values())
