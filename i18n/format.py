"""Money and dates as people read them: 200.000 ₫ and dd/mm/yyyy in Vietnamese, 200,000 VND in English."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def vnd(amount: int, locale: str = "vi") -> str:
    grouped = f"{amount:,}"
    if locale == "en":
        return f"{grouped} VND"
    return grouped.replace(",", ".") + " ₫"


def short_date(value: date, locale: str = "vi") -> str:
    if isinstance(value, datetime):
        value = value.astimezone(VN_TZ).date()
    return value.strftime("%d/%m/%Y")


def date_time(value: datetime, locale: str = "vi") -> str:
    local = value.astimezone(VN_TZ)
    return local.strftime("%H:%M %d/%m/%Y")
