from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from api.dossiers.workdays import (
    HOLIDAY_TABLE_YEARS,
    CalendarOverride,
    WorkCalendar,
    _holiday_table,
    computed_holidays,
    load_default_overrides,
)
from core.clock import VN_TZ

CAL = WorkCalendar(load_default_overrides())
# the properties below draw years outside the holiday table too: the library they are computed by is
# imported here, once, rather than inside one example's time limit
computed_holidays(2000)

days = st.dates(min_value=date(2000, 1, 1), max_value=date(2098, 12, 31))
aware_datetimes = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2098, 12, 31), timezones=st.timezones()
)


def at(y: int, m: int, d: int, hh: int, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=VN_TZ)


# --- the 2026 calendar --------------------------------------------------------------------------

DAYS_OFF_2026 = [
    date(2026, 1, 1),
    *(date(2026, 2, d) for d in range(16, 21)),
    date(2026, 4, 27),
    date(2026, 4, 30),
    date(2026, 5, 1),
    date(2026, 8, 31),
    date(2026, 9, 1),
    date(2026, 9, 2),
    date(2026, 11, 24),
]


def test_2026_weekdays_off_are_exactly_the_announced_holidays() -> None:
    day, weekdays_off, saturdays_working = date(2026, 1, 1), [], []
    while day.year == 2026:
        if day.weekday() < 5 and not CAL.is_working_day(day):
            weekdays_off.append(day)
        if day.weekday() >= 5 and CAL.is_working_day(day):
            saturdays_working.append(day)
        day += timedelta(days=1)
    assert weekdays_off == DAYS_OFF_2026
    assert saturdays_working == [date(2026, 8, 22)]


def test_tet_2026_is_a_nine_day_break() -> None:
    assert CAL.is_working_day(date(2026, 2, 13))
    assert not any(CAL.is_working_day(date(2026, 2, d)) for d in range(14, 23))
    assert CAL.is_working_day(date(2026, 2, 23))
    assert CAL.next_working_day(date(2026, 2, 13)) == date(2026, 2, 23)


def test_saturday_22_august_2026_is_a_working_day() -> None:
    assert CAL.is_working_day(date(2026, 8, 22))
    assert CAL.holiday_name(date(2026, 8, 22)) is None
    assert CAL.next_working_day(date(2026, 8, 21)) == date(2026, 8, 22)
    assert CAL.next_working_day(date(2026, 8, 22)) == date(2026, 8, 24)


def test_quoc_khanh_2026_runs_from_saturday_29_august_to_wednesday_2_september() -> None:
    assert not any(CAL.is_working_day(date(2026, 8, 29) + timedelta(days=i)) for i in range(5))
    assert CAL.next_working_day(date(2026, 8, 28)) == date(2026, 9, 3)


def test_vietnam_culture_day_24_november_2026_is_off() -> None:
    assert not CAL.is_working_day(date(2026, 11, 24))
    assert CAL.holiday_name(date(2026, 11, 24)) == "Ngày Văn hóa Việt Nam"


def test_hung_kings_day_on_a_sunday_gives_monday_off() -> None:
    assert not CAL.is_working_day(date(2026, 4, 27))
    assert CAL.holiday_name(date(2026, 4, 26)) == "Ngày Giỗ Tổ Hùng Vương"
    assert CAL.next_working_day(date(2026, 4, 24)) == date(2026, 4, 28)


def test_without_overrides_the_library_still_knows_2026_but_not_the_swapped_saturday() -> None:
    bare = WorkCalendar()
    assert not bare.is_working_day(date(2026, 2, 16))
    assert not bare.is_working_day(date(2026, 8, 31))
    assert not bare.is_working_day(date(2026, 8, 22))


def test_holiday_name_comes_from_the_override_then_the_library() -> None:
    assert CAL.holiday_name(date(2026, 2, 17)) == "Nghỉ Tết Nguyên đán Bính Ngọ (mùng 1 tháng Giêng)"
    assert CAL.holiday_name(date(2027, 4, 16)) == "Ngày Giỗ Tổ Hùng Vương"
    assert CAL.holiday_name(date(2026, 3, 7)) is None  # an ordinary Saturday
    assert CAL.holiday_name(date(2026, 3, 9)) is None  # an ordinary Monday


def test_overrides_win_both_ways_and_the_last_one_wins() -> None:
    cal = WorkCalendar(
        [
            CalendarOverride(day=date(2026, 3, 9), working=False, reason="Bão", source="Công điện"),
            CalendarOverride(day=date(2026, 3, 7), working=True, reason="Làm bù", source="Thông báo"),
            CalendarOverride(day=date(2026, 5, 1), working=True, reason="a", source="b"),
            CalendarOverride(day=date(2026, 5, 1), working=False, reason="Nghỉ", source="c"),
        ],
        years=range(2026, 2027),
    )
    assert not cal.is_working_day(date(2026, 3, 9))
    assert cal.holiday_name(date(2026, 3, 9)) == "Bão"
    assert cal.is_working_day(date(2026, 3, 7))
    assert not cal.is_working_day(date(2026, 5, 1))
    assert cal.holiday_name(date(2026, 5, 1)) == "Nghỉ"


def test_default_overrides_are_well_formed() -> None:
    overrides = load_default_overrides()
    assert len({o.day for o in overrides}) == len(overrides)
    assert all(o.reason and o.source for o in overrides)
    assert all(o.day.weekday() == 5 for o in overrides if o.working)
    by_day = {o.day: o for o in overrides}
    assert by_day[date(2026, 8, 22)].working
    assert not any(by_day[date(2026, 2, d)].working for d in range(16, 21))
    assert not by_day[date(2026, 4, 27)].working
    assert not by_day[date(2026, 8, 31)].working


# --- add_working_days ------------------------------------------------------------------------------


def test_add_working_days_skips_weekends() -> None:
    friday = date(2026, 3, 6)
    assert CAL.add_working_days(friday, 1) == date(2026, 3, 9)
    assert CAL.add_working_days(friday, 5) == date(2026, 3, 13)
    assert CAL.add_working_days(friday, 0) == friday
    assert CAL.add_working_days(date(2026, 3, 7), 0) == date(2026, 3, 9)


def test_add_working_days_rejects_negative() -> None:
    with pytest.raises(ValueError, match="negative"):
        CAL.add_working_days(date(2026, 3, 6), -1)


@given(days, st.integers(min_value=0, max_value=60))
def test_add_working_days_lands_on_a_working_day(start: date, n: int) -> None:
    result = CAL.add_working_days(start, n)
    assert CAL.is_working_day(result)
    assert result >= start
    if n > 0:
        assert result > start


@given(days, st.integers(min_value=1, max_value=60))
def test_add_working_days_is_strictly_increasing_in_n(start: date, n: int) -> None:
    assert CAL.add_working_days(start, n) < CAL.add_working_days(start, n + 1)
    assert CAL.add_working_days(start, 0) < CAL.add_working_days(start, 1) or not CAL.is_working_day(start)


@given(days, st.integers(min_value=1, max_value=60))
def test_add_working_days_counts_exactly_n_working_days(start: date, n: int) -> None:
    result = CAL.add_working_days(start, n)
    between = [start + timedelta(days=i) for i in range(1, (result - start).days + 1)]
    assert sum(CAL.is_working_day(d) for d in between) == n


# --- appointment_date ------------------------------------------------------------------------------


def test_monday_morning_with_3_days_is_due_thursday() -> None:
    assert CAL.appointment_date(at(2026, 3, 9, 10), 3) == date(2026, 3, 12)


def test_same_day_procedure_before_the_cutoff_is_due_the_same_day() -> None:
    assert CAL.appointment_date(at(2026, 3, 9, 14, 59), 0) == date(2026, 3, 9)


@pytest.mark.parametrize("hh_mm", [(15, 0), (15, 30), (23, 59)])
def test_at_or_after_the_15h_cutoff_counting_starts_next_working_day(hh_mm: tuple[int, int]) -> None:
    assert CAL.appointment_date(at(2026, 3, 9, *hh_mm), 0) == date(2026, 3, 10)
    assert CAL.appointment_date(at(2026, 3, 9, *hh_mm), 3) == date(2026, 3, 13)


def test_cutoff_is_configurable() -> None:
    assert CAL.appointment_date(at(2026, 3, 9, 16, 0), 0, cutoff=time(17, 0)) == date(2026, 3, 9)
    assert CAL.appointment_date(at(2026, 3, 9, 11, 0), 0, cutoff=time(11, 0)) == date(2026, 3, 10)


def test_received_on_a_weekend_counts_from_monday() -> None:
    saturday = at(2026, 3, 7, 9)
    assert CAL.appointment_date(saturday, 0) == date(2026, 3, 9)
    assert CAL.appointment_date(saturday, 1) == date(2026, 3, 10)
    assert CAL.appointment_date(at(2026, 3, 8, 23, 59), 0) == date(2026, 3, 9)


def test_received_friday_evening_before_tet_2026() -> None:
    assert CAL.appointment_date(at(2026, 2, 13, 16), 1) == date(2026, 2, 24)
    assert CAL.appointment_date(at(2026, 2, 13, 16), 0) == date(2026, 2, 23)
    assert CAL.appointment_date(at(2026, 2, 13, 10), 1) == date(2026, 2, 23)


def test_received_at_is_read_in_vietnam_time() -> None:
    # 07:30 UTC is 14:30 in Hà Nội (before the cutoff); 08:00 UTC is 15:00 (at the cutoff).
    assert CAL.appointment_date(datetime(2026, 3, 9, 7, 30, tzinfo=UTC), 0) == date(2026, 3, 9)
    assert CAL.appointment_date(datetime(2026, 3, 9, 8, 0, tzinfo=UTC), 0) == date(2026, 3, 10)
    # Sunday 20:00 UTC is already Monday 03:00 in Hà Nội.
    assert CAL.appointment_date(datetime(2026, 3, 8, 20, 0, tzinfo=UTC), 0) == date(2026, 3, 9)
    paris = datetime(2026, 3, 9, 9, 0, tzinfo=ZoneInfo("Europe/Paris"))  # 15:00 in Hà Nội
    assert CAL.appointment_date(paris, 0) == date(2026, 3, 10)


def test_appointment_date_rejects_naive_datetimes_and_negative_days() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        CAL.appointment_date(datetime(2026, 3, 9, 10), 1)
    with pytest.raises(ValueError, match="negative"):
        CAL.appointment_date(at(2026, 3, 9, 10), -1)


@given(aware_datetimes, st.integers(min_value=0, max_value=40))
def test_appointment_is_a_working_day_never_before_receipt(received_at: datetime, n: int) -> None:
    due = CAL.appointment_date(received_at, n)
    assert CAL.is_working_day(due)
    assert due >= received_at.astimezone(VN_TZ).date()
    assert due > received_at.astimezone(VN_TZ).date() or n == 0


@given(aware_datetimes, st.integers(min_value=0, max_value=40))
def test_one_more_working_day_moves_the_appointment_later(received_at: datetime, n: int) -> None:
    assert CAL.appointment_date(received_at, n) < CAL.appointment_date(received_at, n + 1)


def test_the_holiday_table_is_what_the_library_computes_for_each_of_its_years() -> None:
    """After an upgrade of `holidays` that changes a year: `write_holiday_table()` (its docstring)."""
    table = _holiday_table()
    assert sorted(table) == list(HOLIDAY_TABLE_YEARS)
    assert {year: computed_holidays(year) for year in HOLIDAY_TABLE_YEARS} == table


def test_a_year_outside_the_table_is_computed_by_the_library() -> None:
    year = HOLIDAY_TABLE_YEARS.stop + 3
    assert year not in _holiday_table()
    assert WorkCalendar().holiday_name(date(year, 9, 2)) == computed_holidays(year)[date(year, 9, 2)]
