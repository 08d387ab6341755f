"""Deadlines counted in office hours (the 8 working hours to receive an online dossier)."""

from datetime import UTC, datetime, time, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from api.dossiers.workdays import (
    DEFAULT_WORKING_HOURS,
    CalendarOverride,
    WorkCalendar,
    load_default_overrides,
    parse_working_hours,
)
from core.clock import VN_TZ

CAL = WorkCalendar(load_default_overrides())
EIGHT = timedelta(hours=8)


def at(y: int, m: int, d: int, hh: int, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=VN_TZ)


def test_within_one_day_the_lunch_break_does_not_count() -> None:
    # Mon 23/11/2026 07:30: 4 h to 11:30, then 13:30 + 3.5 h = 17:00, half an hour left for Wed
    # (Tue 24/11 is Ngày Văn hóa Việt Nam)
    assert CAL.add_working_time(at(2026, 11, 23, 9), timedelta(hours=2)) == at(2026, 11, 23, 11)
    assert CAL.add_working_time(at(2026, 11, 23, 10), timedelta(hours=2)) == at(2026, 11, 23, 14)
    assert CAL.add_working_time(at(2026, 11, 23, 12), timedelta(hours=1)) == at(2026, 11, 23, 14, 30)


def test_eight_hours_cross_a_weekend_and_a_holiday() -> None:
    # Fri 20/11/2026 16:45: 15 min on Friday, Sat and Sun off, Mon 23/11 7.5 h,
    # Tue 24/11 off (Ngày Văn hóa Việt Nam), the last 15 min on Wed 25/11
    assert not CAL.is_working_day(at(2026, 11, 24, 9).date())
    assert CAL.add_working_time(at(2026, 11, 20, 16, 45), EIGHT) == at(2026, 11, 25, 7, 45)
    # Wed 29/4/2026 14:00: 3 h on Wednesday, 30/4 and 1/5 are holidays, then the weekend;
    # Mon 4/5 07:30-11:30 and 13:30-14:30
    assert CAL.add_working_time(at(2026, 4, 29, 14), EIGHT) == at(2026, 5, 4, 14, 30)


def test_outside_office_hours_the_count_starts_at_the_next_opening() -> None:
    # submitted on Saturday night (UTC input): Monday 07:30-11:30 and 13:30-17:00, then Wednesday
    saturday_night = datetime(2026, 11, 21, 15, 0, tzinfo=UTC)  # 22:00 in Vietnam
    assert CAL.add_working_time(saturday_night, EIGHT) == at(2026, 11, 25, 8)  # Tue 24/11 is off
    assert CAL.add_working_time(saturday_night, timedelta(hours=7, minutes=30)) == at(2026, 11, 23, 17)
    assert CAL.add_working_time(at(2026, 11, 23, 18), timedelta(0)) == at(2026, 11, 25, 7, 30)


def test_time_running_out_at_a_closing_stays_at_the_closing() -> None:
    assert CAL.add_working_time(at(2026, 11, 23, 7, 30), timedelta(hours=4)) == at(2026, 11, 23, 11, 30)
    assert CAL.add_working_time(at(2026, 11, 23, 13, 30), timedelta(hours=3, minutes=30)) == at(2026, 11, 23, 17)


def test_an_announced_working_saturday_counts_and_other_hours_are_a_setting() -> None:
    saturday = CalendarOverride(at(2026, 11, 21, 0).date(), True, "Làm bù", "test")
    cal = WorkCalendar([*load_default_overrides(), saturday], hours=parse_working_hours("08:00-12:00"))
    assert cal.add_working_time(at(2026, 11, 20, 11), EIGHT) == at(2026, 11, 23, 11)  # Fri 1 h, Sat 4 h, Mon 3 h


def test_working_hours_setting_is_checked() -> None:
    assert parse_working_hours("07:30-11:30, 13:30-17:00") == DEFAULT_WORKING_HOURS
    for bad in ("", "7:30", "11:30-07:30", "13:00-17:00,08:00-12:00", "08:00-12:00,11:00-17:00"):
        with pytest.raises(ValueError, match=r"working hours|Invalid isoformat"):
            parse_working_hours(bad)
    with pytest.raises(ValueError, match="timezone-aware"):
        CAL.add_working_time(datetime(2026, 11, 23, 9), EIGHT)
    with pytest.raises(ValueError, match="negative"):
        CAL.add_working_time(at(2026, 11, 23, 9), timedelta(hours=-1))


starts = st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2027, 12, 31), timezones=st.just(VN_TZ))
spans = st.integers(min_value=0, max_value=40 * 60).map(lambda m: timedelta(minutes=m))


def _in_office(moment: datetime) -> bool:
    local = moment.astimezone(VN_TZ)
    return CAL.is_working_day(local.date()) and any(
        opens <= local.time() <= closes for opens, closes in DEFAULT_WORKING_HOURS
    )


@given(starts, spans, spans)
def test_due_is_in_office_hours_never_early_and_spans_add_up(start: datetime, a: timedelta, b: timedelta) -> None:
    due = CAL.add_working_time(start, a + b)
    assert due >= start and _in_office(due)
    assert CAL.add_working_time(CAL.add_working_time(start, a), b) == due
    assert time(7, 30) <= due.astimezone(VN_TZ).time() <= time(17, 0)
