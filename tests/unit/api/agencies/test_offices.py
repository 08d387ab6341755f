"""The offices a province is seeded with, made from the administrative data."""

import re

import pytest

from api.agencies.addresses import new_units, normalize_address
from api.agencies.offices import PROVINCIAL, province_offices
from api.catalog.models import Level
from core.provinces import PROVINCES

HCMC = "Thành phố Hồ Chí Minh"


def test_ho_chi_minh_city_keeps_the_codes_and_names_it_had() -> None:
    data = province_offices("79")
    assert (data.province.code, data.province.name, data.province.group) == ("79", HCMC, "H29")
    by_code = {o.code: o for o in data.offices}
    assert len(by_code) == len(data.offices) == 10 + 2 * 168
    assert by_code["000.01.14.H29"].names.vi == "UBND phường Bến Thành"
    assert by_code["000.01.14.H29"].names.en == "Ben Thanh Ward People's Committee"
    assert by_code["001.01.14.H29"].names.vi == "Công an phường Bến Thành"
    assert by_code["000.01.73.H29"].names.vi == "UBND phường Sài Gòn"
    assert by_code["000.00.01.H29"].names.vi == "Công an Thành phố Hồ Chí Minh"
    assert by_code["000.00.01.H29"].names.en == "Ho Chi Minh City Police"
    assert by_code["000.00.10.H29"].names.vi == "Bảo hiểm xã hội Thành phố Hồ Chí Minh"
    # two communes whose names differ only by diacritics keep them in English
    assert {o.names.en for o in data.offices if o.ward in {"Xã Thanh An", "Xã Thạnh An"} and o.kind == "UBND-XA"} == {
        "Thanh An Commune People's Committee",
        "Thạnh An Commune People's Committee",
    }


@pytest.mark.parametrize(
    ("code", "name", "group", "units", "ward", "office"),
    [
        ("24", "Tỉnh Bắc Ninh", "H06", 99, "Phường Bắc Giang", "UBND phường Bắc Giang"),
        ("96", "Tỉnh Cà Mau", "H12", 64, "Phường Bạc Liêu", "UBND phường Bạc Liêu"),
        ("80", "Tỉnh Tây Ninh", "H54", 96, "Phường Long An", "UBND phường Long An"),
    ],
)
def test_the_provinces_the_articles_describe(
    code: str, name: str, group: str, units: int, ward: str, office: str
) -> None:
    data = province_offices(code)
    assert (data.province.name, data.province.group) == (name, group)
    communes = [o for o in data.offices if o.level is Level.COMMUNE]
    assert len(communes) == 2 * len(new_units(code)) == 2 * units
    assert {o.ward_code for o in communes} == {u.code for u in new_units(code)}
    assert office in {o.names.vi for o in communes if o.ward == ward}
    departments = {o.kind: o for o in data.offices if o.level is Level.PROVINCE}
    assert list(departments) == [kind for kind, _, _ in PROVINCIAL]
    short = name.removeprefix("Tỉnh ")
    assert departments["SO-TU-PHAP"].names.vi == f"Sở Tư pháp tỉnh {short}"
    assert all(re.fullmatch(rf"00[01]\.[0-9]{{2}}\.[0-9]{{2}}\.{group}", o.code) for o in data.offices)


def test_every_province_has_distinct_codes_and_its_own_group() -> None:
    groups = set()
    for code, name in PROVINCES:
        data = province_offices(code)
        assert data.province.name == name
        assert len({o.code for o in data.offices}) == len(data.offices)
        groups.add(data.province.group)
    assert len(groups) == 34


@pytest.mark.parametrize(
    ("province", "raw", "ward_code"),
    [
        ("24", "phường Trần Phú, thành phố Bắc Giang, tỉnh Bắc Giang", "24:phuongbacgiang"),
        ("24", "12 Hoàng Văn Thụ, phường Bắc Giang, Bắc Ninh", "24:phuongbacgiang"),
        ("96", "Phường 1, thành phố Bạc Liêu, tỉnh Bạc Liêu", "96:phuongbaclieu"),
        ("96", "Xã Vĩnh Hậu, Huyện Hòa Bình, Tỉnh Bạc Liêu", "96:xavinhhau"),
        ("80", "Phường 1, thành phố Tân An, tỉnh Long An", "80:phuonglongan"),
    ],
)
def test_old_addresses_reach_the_new_ward_of_the_province_served(
    province: str, raw: str, ward_code: str | None
) -> None:
    assert normalize_address(raw, province).ward_code == ward_code
    assert normalize_address(raw).ward_code == ward_code  # the whole country's data reads it alike


def test_a_named_old_district_is_not_traded_for_another_with_a_ward_of_that_name() -> None:
    """The data lacks Phường 2 of Thành phố Tân An; Thị xã Kiến Tường has one."""
    got = normalize_address("Phường 2, thành phố Tân An, tỉnh Long An")
    assert (got.status, got.province, got.ward) == ("province_only", "Tỉnh Tây Ninh", None)
    kien_tuong = normalize_address("Phường 2, thị xã Kiến Tường, tỉnh Long An")
    assert (kien_tuong.status, kien_tuong.ward) == ("resolved", "Phường Kiến Tường")


def test_a_province_served_knows_only_its_own_wards() -> None:
    hanoi = normalize_address("Phường Phúc Xá, Quận Ba Đình, Hà Nội", "24")
    assert (hanoi.status, hanoi.province, hanoi.ward_code) == ("province_only", "Thành phố Hà Nội", None)
    no_province = normalize_address("12 Lê Lợi, phường Bến Thành", "24")
    assert no_province.status == "unresolved"
    assert normalize_address("12 Lê Lợi, phường Bến Thành", "79").ward_code == "79:phuongbenthanh"


def test_unit_names_read_the_same_in_a_province_and_in_the_whole_country() -> None:
    country = {u.code: u.name for u in new_units(None)}
    for code, _ in PROVINCES:
        assert {u.code: u.name for u in new_units(code)} == {
            c: n for c, n in country.items() if c.startswith(code + ":")
        }
