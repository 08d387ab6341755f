from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from api.dossiers.identity import (
    PROVINCE_CODES,
    birth_century_consistent,
    birth_year_consistent,
    is_identity_field,
    mask_document_number,
    mask_identity,
    mask_name,
    validate_identity_number,
)


def test_there_are_63_province_codes() -> None:
    assert len(PROVINCE_CODES) == 63
    assert PROVINCE_CODES["001"] == "Hà Nội"
    assert PROVINCE_CODES["079"] == "Thành phố Hồ Chí Minh"
    assert PROVINCE_CODES["096"] == "Cà Mau"
    assert all(len(c) == 3 and c.isdigit() and c.startswith("0") for c in PROVINCE_CODES)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("079123456734", "079123456734"),
        (" 0791 2345 6734 ", "079123456734"),
        ("001099000001", "001099000001"),
    ],
)
def test_validate_identity_number(raw: str, expected: str) -> None:
    assert validate_identity_number(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "079123456",
        "0791234567340",
        "07912345673a",
        "000123456789",
        "003123456789",
        "097123456789",
        "123456789012",
        "07912345-734",
        "０79123456734",
    ],
)
def test_validate_identity_number_rejects(raw: str) -> None:
    with pytest.raises(ValueError):  # noqa: PT011
        validate_identity_number(raw)


def test_mask_identity() -> None:
    assert mask_identity("079123456734") == "0791******34"
    with pytest.raises(ValueError):  # noqa: PT011
        mask_identity("12345")


@pytest.mark.parametrize(
    ("number", "born", "consistent"),
    [
        ("001090000001", date(1990, 5, 1), True),  # 0: male, 1900s
        ("001190000001", date(1990, 5, 1), True),  # 1: female, 1900s
        ("001205000001", date(2005, 5, 1), True),  # 2: male, 2000s
        ("001305000001", date(2005, 5, 1), True),  # 3: female, 2000s
        ("001400000001", date(2100, 1, 1), True),  # 4: male, 2100s
        ("001090000001", date(2005, 5, 1), False),
        ("001205000001", date(1990, 5, 1), False),
        ("001590000001", date(1990, 5, 1), False),
    ],
)
def test_birth_century_consistent(number: str, born: date, consistent: bool) -> None:
    assert birth_century_consistent(number, born) is consistent


def test_birth_year_consistent_also_checks_the_year_digits() -> None:
    assert birth_year_consistent("079090000001", date(1990, 1, 1))
    assert birth_century_consistent("079091000001", date(1990, 1, 1))
    assert not birth_year_consistent("079091000001", date(1990, 1, 1))


@given(
    st.sampled_from(sorted(PROVINCE_CODES)),
    st.integers(min_value=0, max_value=1),
    st.dates(min_value=date(1900, 1, 1), max_value=date(2099, 12, 31)),
    st.text(alphabet="0123456789", min_size=6, max_size=6),
)
def test_a_well_formed_number_is_consistent_with_its_birth_date(
    province: str, sex: int, born: date, serial: str
) -> None:
    century_digit = (born.year // 100 - 19) * 2 + sex
    number = f"{province}{century_digit}{born.year % 100:02d}{serial}"
    assert validate_identity_number(number) == number
    assert birth_century_consistent(number, born)
    assert birth_year_consistent(number, born)
    masked = mask_identity(number)
    assert masked == number[:4] + "******" + number[-2:]


@pytest.mark.parametrize(
    ("name", "masked"),
    [
        ("Nguyễn Thị Lan", "N*** T** Lan"),
        ("  Trần   Văn  An ", "T*** V** An"),
        ("Lê Na", "L* Na"),
        ("Lan", "Lan"),
        ("Tôn Nữ Thị Minh Khai", "T** N* T** M*** Khai"),
        ("Nguye\u0302\u0303n Thị Lan", "N*** T** Lan"),  # decomposed Unicode
    ],
)
def test_mask_name(name: str, masked: str) -> None:
    assert mask_name(name) == masked


def test_mask_name_rejects_blank() -> None:
    with pytest.raises(ValueError, match="blank"):
        mask_name("   ")


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("079190001234", "0791******34"),
        ("0791 9000 1234", "0791******34"),
        ("C1234567", "******67"),
        ("B12", "***"),
        ("", ""),
    ],
)
def test_document_numbers_of_other_people_are_masked(value: str, masked: str) -> None:
    assert mask_document_number(value) == masked


def test_identity_fields_are_named_by_the_catalog() -> None:
    assert is_identity_field("partner_identity_number")
    assert is_identity_field("passport_number") and is_identity_field("old_passport_number")
    assert not is_identity_field("registration_number") and not is_identity_field("partner_full_name")
