import uuid
from datetime import datetime

from core.clock import VN_TZ
from core.events import HandoffOpened
from notifications.handoff_alerts import alert
from notifications.templates import BODY_MAX, TITLE_MAX


def opened(message: str, *, agency: str | None, channel: str = "zalo", procedure: bool = True) -> HandoffOpened:
    return HandoffOpened(
        event_id=uuid.uuid4(),
        occurred_at=datetime(2026, 11, 23, 9, 0, tzinfo=VN_TZ),
        handoff_id=uuid.uuid4(),
        session_id="zalo:ZUSER-7",
        channel=channel,
        agency_code=agency,
        procedure_slug="passport-issuance" if procedure else None,
        procedure_names={"vi": "Cấp hộ chiếu phổ thông", "en": "Ordinary passport issuance"} if procedure else {},
        message=message,
    )


def test_the_officer_reads_the_channel_the_procedure_and_the_citizens_words() -> None:
    event = opened("cho em   gặp\ncán bộ", agency="000.00.01.H29")
    vi, en = alert(event, "vi"), alert(event, "en-GB")
    assert vi.title == "Công dân cần gặp cán bộ"
    assert vi.body == "Qua Zalo, về Cấp hộ chiếu phổ thông: “cho em gặp cán bộ”"
    assert en.body == "Via Zalo, about Ordinary passport issuance: “cho em gặp cán bộ”"
    assert vi.data == {
        "type": "handoff.opened",
        "handoff_id": str(event.handoff_id),
        "channel": "zalo",
        "session_id": "zalo:ZUSER-7",
        "agency": "000.00.01.H29",
        "procedure": "passport-issuance",
        "event_id": str(event.event_id),
    }


def test_the_province_queue_says_so_and_long_words_are_clipped() -> None:
    event = opened("em cần hỏi " * 60, agency=None, channel="app", procedure=False)
    for locale in ("vi", "en"):
        shown = alert(event, locale)
        assert len(shown.title) <= TITLE_MAX and len(shown.body) <= BODY_MAX
        assert shown.body.endswith("…”") and shown.data["agency"] == "" and shown.data["procedure"] == ""
        assert all(isinstance(v, str) for v in shown.data.values())
    assert alert(event, "en").title == "Officer wanted (province queue)"
    assert alert(event, "vi").body.startswith("Qua ứng dụng: “em cần hỏi")
