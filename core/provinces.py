"""The 34 provinces since 1 July 2025 (Nghị quyết 202/2025/QH15), to read MOTCUA_PROVINCE at start-up
without loading the administrative data; tests/unit/core/test_provinces.py keeps it equal to that data."""

from __future__ import annotations

import re
import unicodedata

PROVINCES: tuple[tuple[str, str], ...] = (
    ("01", "Thành phố Hà Nội"),
    ("04", "Tỉnh Cao Bằng"),
    ("08", "Tỉnh Tuyên Quang"),
    ("11", "Tỉnh Điện Biên"),
    ("12", "Tỉnh Lai Châu"),
    ("14", "Tỉnh Sơn La"),
    ("15", "Tỉnh Lào Cai"),
    ("19", "Tỉnh Thái Nguyên"),
    ("20", "Tỉnh Lạng Sơn"),
    ("22", "Tỉnh Quảng Ninh"),
    ("24", "Tỉnh Bắc Ninh"),
    ("25", "Tỉnh Phú Thọ"),
    ("31", "Thành phố Hải Phòng"),
    ("33", "Tỉnh Hưng Yên"),
    ("37", "Tỉnh Ninh Bình"),
    ("38", "Tỉnh Thanh Hóa"),
    ("40", "Tỉnh Nghệ An"),
    ("42", "Tỉnh Hà Tĩnh"),
    ("44", "Tỉnh Quảng Trị"),
    ("46", "Thành phố Huế"),
    ("48", "Thành phố Đà Nẵng"),
    ("51", "Tỉnh Quảng Ngãi"),
    ("52", "Tỉnh Gia Lai"),
    ("56", "Tỉnh Khánh Hòa"),
    ("66", "Tỉnh Đắk Lắk"),
    ("68", "Tỉnh Lâm Đồng"),
    ("75", "Tỉnh Đồng Nai"),
    ("79", "Thành phố Hồ Chí Minh"),
    ("80", "Tỉnh Tây Ninh"),
    ("82", "Tỉnh Đồng Tháp"),
    ("86", "Tỉnh Vĩnh Long"),
    ("91", "Tỉnh An Giang"),
    ("92", "Thành phố Cần Thơ"),
    ("96", "Tỉnh Cà Mau"),
)
NAMES = dict(PROVINCES)

_PREFIX = re.compile(r"^(?:tinh|thanh pho|tp)\s+")


def _fold(text: str) -> str:
    bare = "".join(c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn")
    words = re.sub(r"[^a-z0-9]+", " ", bare.replace("đ", "d").replace("Đ", "D").lower()).split()
    return " ".join(words)


_BY_NAME = {_PREFIX.sub("", _fold(name)): code for code, name in PROVINCES}


def province_code(text: str) -> str:
    """The code of a province named as an operator writes it: "Bắc Ninh", "Tỉnh Bắc Ninh", "bac ninh",
    "TP Hồ Chí Minh" or "24"; ValueError naming the choices otherwise."""
    folded = _fold(text)
    if folded.isdigit() and folded.zfill(2) in NAMES:
        return folded.zfill(2)
    code = _BY_NAME.get(_PREFIX.sub("", folded))
    if code is None:
        choices = ", ".join(name.split(" ", 1)[1] if name.startswith("Tỉnh") else name for _, name in PROVINCES)
        raise ValueError(f"MOTCUA_PROVINCE={text!r} is not one of the 34 provinces since 1 July 2025: {choices}")
    return code
