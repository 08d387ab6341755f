"""Money and dates as people read them: 200.000 ₫ and dd/mm/yyyy in Vietnamese, 200,000 VND and
"November 23, 2026" in English; times always on the clock of Asia/Ho_Chi_Minh, where the offices are."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from babel.dates import format_date, format_time

from core.clock import VN_TZ

_NARROW_NBSP = "\u202f"  # CLDR puts it before AM/PM; a plain no-break space shows in every font


Lang = Literal["vi", "en"]


def language(locale: str) -> Lang:
    """The language text in `locale` is written in: "en", "en-US", "en_GB" read English, anything else Vietnamese."""
    return "en" if locale[:2].lower() == "en" else "vi"


def _english(locale: str) -> bool:
    return language(locale) == "en"


def vnd(amount: int, locale: str = "vi") -> str:
    grouped = f"{amount:,}"
    if _english(locale):
        return f"{grouped} VND"
    return grouped.replace(",", ".") + " ₫"


def _local_day(value: date) -> date:
    return value.astimezone(VN_TZ).date() if isinstance(value, datetime) else value


def short_date(value: date, locale: str = "vi") -> str:
    """23/11/2026 in Vietnamese, November 23, 2026 in English; a moment counts by its Vietnamese day."""
    day = _local_day(value)
    if _english(locale):
        return format_date(day, "long", locale="en")
    return day.strftime("%d/%m/%Y")


def date_time(value: datetime, locale: str = "vi") -> str:
    """09:05 01/06/2026 in Vietnamese, 9:05 AM, June 1, 2026 in English, in Vietnam's time."""
    local = value.astimezone(VN_TZ)
    if _english(locale):
        clock = format_time(local, "short", locale="en").replace(_NARROW_NBSP, "\u00a0")
        return f"{clock}, {format_date(local.date(), 'long', locale='en')}"
    return local.strftime("%H:%M %d/%m/%Y")
