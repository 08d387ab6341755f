"""The working-day calendar behind appointment dates (ngày hẹn trả kết quả). Pure: no I/O.

Working days are Monday to Friday minus the public holidays of Bộ luật Lao động 2019 (Điều 112)
as computed by the ``holidays`` library, corrected by announced overrides (the yearly Tết block,
swapped days, a Saturday that becomes a working day). Overrides always win, both ways.

The library's answers for the years of ``data/holidays_vn.json`` are kept there, written by
:func:`write_holiday_table` and checked against the library by a test: importing the library loads
every country it knows (300 modules, 17 MB in each process that computes a deadline), so it is
imported only for a year outside the table. The files read are those two (:func:`load_default_overrides`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime, time, timedelta
from functools import cache
from importlib.resources import files
from pathlib import Path

import msgspec

from core.clock import VN_TZ

__all__ = (
    "DEFAULT_WORKING_HOURS",
    "CalendarOverride",
    "WorkCalendar",
    "computed_holidays",
    "load_default_overrides",
    "parse_working_hours",
    "write_holiday_table",
)

_ONE_DAY = timedelta(days=1)
HOLIDAY_TABLE = "holidays_vn.json"
HOLIDAY_TABLE_YEARS = range(2015, 2051)
_SATURDAY = 5

WorkingHours = tuple[tuple[time, time], ...]
# office hours of the public sector (40-hour week, Quyết định 188/1999/QĐ-TTg), as provinces set them
DEFAULT_WORKING_HOURS: WorkingHours = ((time(7, 30), time(11, 30)), (time(13, 30), time(17, 0)))


def parse_working_hours(text: str) -> WorkingHours:
    """``"07:30-11:30,13:30-17:00"`` as ordered, non-overlapping (start, end) pairs.

    Raises ``ValueError`` for anything else (an empty list, a window ending before it starts,
    windows out of order or overlapping)."""
    windows: list[tuple[time, time]] = []
    for part in text.split(","):
        start, sep, end = part.strip().partition("-")
        if not sep:
            raise ValueError(f"working hours window {part.strip()!r} is not HH:MM-HH:MM")
        window = (time.fromisoformat(start.strip()), time.fromisoformat(end.strip()))
        if window[0] >= window[1] or (windows and window[0] < windows[-1][1]):
            raise ValueError(f"working hours window {part.strip()!r} is empty, out of order or overlapping")
        windows.append(window)
    if not windows:
        raise ValueError("no working hours")
    return tuple(windows)


class CalendarOverride(msgspec.Struct, frozen=True):
    """An announced exception to the computed calendar.

    ``working=False`` makes a day a day off (e.g. the Tết block); ``working=True`` makes it a working
    day (e.g. a Saturday swapped with a Monday off). ``reason`` is Vietnamese and is what
    :meth:`WorkCalendar.holiday_name` returns for a day made off; ``source`` names the legal document.
    """

    day: date
    working: bool
    reason: str
    source: str


class WorkCalendar:
    """Working days for the Vietnamese public sector.

    Args:
        overrides: announced exceptions; when several name the same day the last one wins, so pass
            database rows after :func:`load_default_overrides`.
        years: years to compute eagerly; any other year is computed on first use and cached.
    """

    __slots__ = ("_holidays", "_overrides", "hours")

    def __init__(
        self,
        overrides: Iterable[CalendarOverride] = (),
        *,
        years: range | None = None,
        hours: WorkingHours = DEFAULT_WORKING_HOURS,
    ) -> None:
        self.hours = hours
        self._overrides: dict[date, CalendarOverride] = {o.day: o for o in overrides}
        self._holidays: dict[int, Mapping[date, str]] = {}
        for year in years or ():
            self._holidays_of(year)

    def _holidays_of(self, year: int) -> Mapping[date, str]:
        found = self._holidays.get(year)
        if found is None:
            found = _holiday_table().get(year)
            if found is None:
                found = computed_holidays(year)
            self._holidays[year] = found
        return found

    def is_working_day(self, d: date) -> bool:
        """Whether ``d`` counts towards a deadline: an override, else Mon–Fri and not a holiday."""
        override = self._overrides.get(d)
        if override is not None:
            return override.working
        return d.weekday() < _SATURDAY and d not in self._holidays_of(d.year)

    def holiday_name(self, d: date) -> str | None:
        """The Vietnamese name of the holiday on ``d``, or ``None``.

        A day made off by an override answers its ``reason``; a day made working by one answers
        ``None``. A holiday falling on a weekend still has its name (its compensatory day is separate).
        Ordinary weekends answer ``None``.
        """
        override = self._overrides.get(d)
        if override is not None:
            return None if override.working else override.reason
        return self._holidays_of(d.year).get(d)

    def next_working_day(self, d: date) -> date:
        """The first working day strictly after ``d``."""
        d += _ONE_DAY
        while not self.is_working_day(d):
            d += _ONE_DAY
        return d

    def add_working_days(self, start: date, n: int) -> date:
        """The ``n``-th working day strictly after ``start``.

        ``n == 0`` answers ``start`` itself when it is a working day, else the next working day, so
        the result is always a working day. Raises ``ValueError`` for a negative ``n``.
        """
        if n < 0:
            raise ValueError("n must not be negative")
        if n == 0:
            return start if self.is_working_day(start) else self.next_working_day(start)
        day = start
        for _ in range(n):
            day = self.next_working_day(day)
        return day

    def appointment_date(self, received_at: datetime, working_days: int, *, cutoff: time = time(15, 0)) -> date:
        """The day the result is due for a complete dossier received at ``received_at``.

        Rules:
        - ``received_at`` must be timezone-aware (any zone); it is read in Asia/Ho_Chi_Minh.
        - The effective receipt day is the local day of receipt, or the next working day when the
          dossier arrives on a non-working day or at/after ``cutoff`` (local wall-clock time, 15:00).
        - ``working_days == 0`` (same-day procedures): the effective receipt day itself.
        - ``working_days > 0``: the ``working_days``-th working day after the effective receipt day
          (Bộ luật Dân sự 2015, Điều 147: a period counted in days starts the day after the event).

        Raises ``ValueError`` for a naive ``received_at`` or a negative ``working_days``.
        """
        if received_at.tzinfo is None or received_at.utcoffset() is None:
            raise ValueError("received_at must be timezone-aware")
        if working_days < 0:
            raise ValueError("working_days must not be negative")
        local = received_at.astimezone(VN_TZ)
        day = local.date()
        if not self.is_working_day(day) or local.time() >= cutoff.replace(tzinfo=None):
            day = self.next_working_day(day)
        return self.add_working_days(day, working_days)

    def add_working_time(self, start: datetime, duration: timedelta) -> datetime:
        """The moment ``duration`` of office time after ``start`` (Nghị định 45/2020: 8 working hours
        to receive an online dossier or ask for what is missing).

        Only the working-hours windows of working days count; a start outside them counts from the
        next window. When the time runs out exactly at the end of a window, that end is the answer
        (not the start of the next one). ``start`` must be timezone-aware; the answer is in
        Asia/Ho_Chi_Minh. Raises ``ValueError`` for a naive ``start`` or a negative ``duration``.
        """
        if start.tzinfo is None or start.utcoffset() is None:
            raise ValueError("start must be timezone-aware")
        if duration < timedelta(0):
            raise ValueError("duration must not be negative")
        local = start.astimezone(VN_TZ)
        day, left = local.date(), duration
        moment = local.replace(tzinfo=None)
        while True:
            if self.is_working_day(day):
                for opens, closes in self.hours:
                    begin = max(moment, datetime.combine(day, opens))
                    end = datetime.combine(day, closes)
                    if begin > end:
                        continue
                    if begin + left <= end:
                        return (begin + left).replace(tzinfo=VN_TZ)
                    left -= end - begin
            day = self.next_working_day(day)
            moment = datetime.combine(day, time.min)


@cache
def load_default_overrides() -> tuple[CalendarOverride, ...]:
    """The announced overrides shipped in ``api/dossiers/data/calendar_overrides.json``."""
    raw = (files("api.dossiers") / "data" / "calendar_overrides.json").read_bytes()
    return msgspec.json.decode(raw, type=tuple[CalendarOverride, ...])


def computed_holidays(year: int) -> dict[date, str]:
    """The public holidays of ``year`` as the ``holidays`` library computes them, named in Vietnamese."""
    import holidays

    return {day: str(name) for day, name in holidays.country_holidays("VN", years=year, language="vi").items()}


@cache
def _holiday_table() -> dict[int, dict[date, str]]:
    raw = (files("api.dossiers") / "data" / HOLIDAY_TABLE).read_bytes()
    return msgspec.json.decode(raw, type=dict[int, dict[date, str]])


def write_holiday_table() -> None:
    """Write ``data/holidays_vn.json`` from the library (after an upgrade of ``holidays``, when the
    test that compares them says so): ``uv run python -c "from api.dossiers.workdays import
    write_holiday_table; write_holiday_table()"``."""
    table = {year: computed_holidays(year) for year in HOLIDAY_TABLE_YEARS}
    path = Path(str(files("api.dossiers") / "data" / HOLIDAY_TABLE))
    path.write_bytes(msgspec.json.format(msgspec.json.encode(table), indent=1) + b"\n")
