"""Citizen identity numbers (số định danh cá nhân / CCCD / căn cước) and masking. Pure.

A 12-digit number (Nghị định 137/2015/NĐ-CP, Thông tư 07/2016/TT-BCA, now Thông tư 59/2021/TT-BCA):
digits 1–3 the province where the birth was registered, digit 4 century and sex, digits 5–6 the last
two digits of the birth year, digits 7–12 a random number. Province codes are the 63 pre-2025 codes;
the 34 provinces formed on 1/7/2025 kept one of their members' codes, so the set still covers them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from types import MappingProxyType

from i18n.text import mask_name

__all__ = (
    "PROVINCE_CODES",
    "birth_century_consistent",
    "birth_year_consistent",
    "is_identity_field",
    "mask_document_number",
    "mask_identity",
    "mask_name",
    "validate_identity_number",
)

PROVINCE_CODES: Mapping[str, str] = MappingProxyType(
    {
        "001": "Hà Nội",
        "002": "Hà Giang",
        "004": "Cao Bằng",
        "006": "Bắc Kạn",
        "008": "Tuyên Quang",
        "010": "Lào Cai",
        "011": "Điện Biên",
        "012": "Lai Châu",
        "014": "Sơn La",
        "015": "Yên Bái",
        "017": "Hòa Bình",
        "019": "Thái Nguyên",
        "020": "Lạng Sơn",
        "022": "Quảng Ninh",
        "024": "Bắc Giang",
        "025": "Phú Thọ",
        "026": "Vĩnh Phúc",
        "027": "Bắc Ninh",
        "030": "Hải Dương",
        "031": "Hải Phòng",
        "033": "Hưng Yên",
        "034": "Thái Bình",
        "035": "Hà Nam",
        "036": "Nam Định",
        "037": "Ninh Bình",
        "038": "Thanh Hóa",
        "040": "Nghệ An",
        "042": "Hà Tĩnh",
        "044": "Quảng Bình",
        "045": "Quảng Trị",
        "046": "Thừa Thiên Huế",
        "048": "Đà Nẵng",
        "049": "Quảng Nam",
        "051": "Quảng Ngãi",
        "052": "Bình Định",
        "054": "Phú Yên",
        "056": "Khánh Hòa",
        "058": "Ninh Thuận",
        "060": "Bình Thuận",
        "062": "Kon Tum",
        "064": "Gia Lai",
        "066": "Đắk Lắk",
        "067": "Đắk Nông",
        "068": "Lâm Đồng",
        "070": "Bình Phước",
        "072": "Tây Ninh",
        "074": "Bình Dương",
        "075": "Đồng Nai",
        "077": "Bà Rịa – Vũng Tàu",
        "079": "Thành phố Hồ Chí Minh",
        "080": "Long An",
        "082": "Tiền Giang",
        "083": "Bến Tre",
        "084": "Trà Vinh",
        "086": "Vĩnh Long",
        "087": "Đồng Tháp",
        "089": "An Giang",
        "091": "Kiên Giang",
        "092": "Cần Thơ",
        "093": "Hậu Giang",
        "094": "Sóc Trăng",
        "095": "Bạc Liêu",
        "096": "Cà Mau",
    }
)
"""Province-of-birth-registration code (first 3 digits) → province name before the 2025 mergers."""

_TWELVE_DIGITS = re.compile(r"[0-9]{12}")
_WHITESPACE = re.compile(r"\s+")


def validate_identity_number(raw: str) -> str:
    """The 12 digits of a citizen identity number, whitespace removed.

    Raises ``ValueError`` unless there are exactly 12 ASCII digits whose first three are a province
    code of :data:`PROVINCE_CODES` (the fourth, century and sex, may be any digit 0–9).
    """
    number = _WHITESPACE.sub("", raw)
    if not _TWELVE_DIGITS.fullmatch(number):
        raise ValueError("an identity number has exactly 12 digits")
    if number[:3] not in PROVINCE_CODES:
        raise ValueError("unknown province code in identity number")
    return number


def mask_identity(n: str) -> str:
    """``079123456734`` → ``0791******34``: the first 4 and last 2 digits. Validates first."""
    number = validate_identity_number(n)
    return f"{number[:4]}{'*' * 6}{number[-2:]}"


def is_identity_field(key: str) -> bool:
    """Form fields holding another person's identity or passport number, as the catalog names them
    (`partner_identity_number`, `deceased_identity_number`, `passport_number`, ...)."""
    return key.endswith(("identity_number", "passport_number"))


def mask_document_number(value: str) -> str:
    """An identity number as :func:`mask_identity` shows it; any other (a passport number) keeps only its
    last two characters, and a value too short to hide anything in shows none."""
    try:
        return mask_identity(value)
    except ValueError:
        compact = _WHITESPACE.sub("", value)
        if len(compact) <= 4:
            return "*" * len(compact)
        return "*" * (len(compact) - 2) + compact[-2:]


def _century(number: str) -> int:
    """The first year of the birth century encoded by digit 4: 0/1 → 1900, 2/3 → 2000, ..., 8/9 → 2300."""
    return 1900 + int(number[3]) // 2 * 100


def birth_century_consistent(n: str, date_of_birth: date) -> bool:
    """Whether digit 4 (0/1 → 1900s, 2/3 → 2000s, 4/5 → 2100s, ...) matches the birth year's century.

    Raises ``ValueError`` when ``n`` is not a valid identity number.
    """
    number = validate_identity_number(n)
    return _century(number) == date_of_birth.year // 100 * 100


def birth_year_consistent(n: str, date_of_birth: date) -> bool:
    """Stricter: digit 4 gives the century and digits 5–6 the last two digits of the birth year.

    Raises ``ValueError`` when ``n`` is not a valid identity number.
    """
    number = validate_identity_number(n)
    return _century(number) + int(number[4:6]) == date_of_birth.year
