import importlib.util
import json
import time
import unicodedata
from pathlib import Path
from typing import Any

import pytest

from api.agencies.addresses import NormalizedAddress, new_units, normalize_address

HCMC = "Thành phố Hồ Chí Minh"
HANOI = "Thành phố Hà Nội"


def _mapping() -> dict[str, Any]:
    spec = importlib.util.find_spec("underthesea")
    assert spec is not None
    assert spec.submodule_search_locations
    path = Path(next(iter(spec.submodule_search_locations))) / "address" / "data" / "mapping.json"
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


@pytest.fixture(scope="module")
def mapping() -> dict[str, Any]:
    return _mapping()


# raw, status, ward, province
CASES: list[tuple[str, str, str | None, str | None]] = [
    # old three-tier addresses
    ("Phường Bến Nghé, Quận 1, TP.HCM", "resolved", "Phường Sài Gòn", HCMC),
    ("12 Nguyễn Huệ, P.Bến Nghé, Q1, TPHCM", "resolved", "Phường Sài Gòn", HCMC),
    ("45 Trần Hưng Đạo, F.1, Q.5, SG", "resolved", "Phường Chợ Quán", HCMC),
    ("45 Trần Hưng Đạo, phường 1, quận 5, Sài Gòn", "resolved", "Phường Chợ Quán", HCMC),
    ("Phường 12, quận Gò Vấp, TP. Hồ Chí Minh", "resolved", "Phường An Hội Tây", HCMC),
    ("Phường Phú Hòa, TP Thủ Dầu Một, Bình Dương", "resolved", "Phường Phú Lợi", HCMC),
    ("Huyện Côn Đảo, Bà Rịa - Vũng Tàu", "resolved", "Đặc khu Côn Đảo", HCMC),
    ("Thị trấn Củ Chi, Huyện Củ Chi, TPHCM", "resolved", "Xã Tân An Hội", HCMC),
    ("Phường Phúc Xá, Quận Ba Đình, Hà Nội", "resolved", "Phường Hồng Hà", HANOI),
    ("Phường Tràng Tiền, Quận Hoàn Kiếm, HN", "resolved", "Phường Cửa Nam", HANOI),
    ("phuong phuc xa, quan ba dinh, ha noi", "resolved", "Phường Hồng Hà", HANOI),
    ("Xã Tân Lập, Huyện Đan Phượng, Hà Nội", "resolved", "Xã Hoài Đức", HANOI),  # divided: default unit
    # new two-tier addresses
    ("12 Lê Lợi, phường Bến Thành, TP.HCM", "resolved", "Phường Bến Thành", HCMC),
    ("số 5 đường 3/2, P. Hòa Hưng, Tp Hồ Chí Minh", "resolved", "Phường Hòa Hưng", HCMC),
    ("12 le loi, phuong ben thanh, tp hcm", "resolved", "Phường Bến Thành", HCMC),
    ("12 Lê Lợi, Bến Thành, TP HCM", "resolved", "Phường Bến Thành", HCMC),
    ("Phường Sài Gòn, Thành phố Hồ Chí Minh", "resolved", "Phường Sài Gòn", HCMC),
    ("12 Lê Lợi, Phường Bến Thành, TP.HCM, Việt Nam", "resolved", "Phường Bến Thành", HCMC),
    # no commas, dashes
    ("12 Lê Lợi phường Bến Thành quận 1 TP.HCM", "resolved", "Phường Bến Thành", HCMC),
    ("12 Lê Lợi - P. Bến Thành - Q.1 - TP HCM", "resolved", "Phường Bến Thành", HCMC),
    # street names that contain unit words
    ("12 Bà Huyện Thanh Quan, Phường Xuân Hòa, Quận 3, TP.HCM", "resolved", "Phường Xuân Hòa", HCMC),
    ("12 Xa lộ Hà Nội, Phường Thủ Đức, TP.HCM", "resolved", "Phường Thủ Đức", HCMC),
    # typos
    ("Phường Bến Thàn, TP.HCM", "resolved", "Phường Bến Thành", HCMC),
    ("Tp Hồ Chí Mnh", "province_only", None, HCMC),
    # names that differ only by diacritics
    ("Xã Thạnh An, Huyện Cần Giờ, TP.HCM", "resolved", "Xã Thạnh An", HCMC),
    ("Xã Thanh An, Huyện Dầu Tiếng, Bình Dương", "resolved", "Xã Thanh An", HCMC),
    ("xa thanh an, tp hcm", "province_only", None, HCMC),
    # province only
    ("HCM", "province_only", None, HCMC),
    ("Tỉnh Bình Dương", "province_only", None, HCMC),
    ("Phường 1, TP.HCM", "province_only", None, HCMC),  # many old "Phường 1": the district is needed
    ("Q.1, TP.HCM", "province_only", None, HCMC),  # Quận 1 is now several wards
    ("Phường Sài Gòn, Hà Nội", "province_only", None, HANOI),  # never a ward of another province
    # no province: a ward or old district and ward that exist once in the country
    ("Phường Bến Nghé, Quận 1", "resolved", "Phường Sài Gòn", HCMC),
    # garbage
    ("abc", "unresolved", None, None),
    ("", "unresolved", None, None),
    ("Việt Nam", "unresolved", None, None),
]


@pytest.mark.parametrize(("raw", "status", "ward", "province"), CASES)
def test_an_address_normalizes_to_its_ward_and_province(
    raw: str, status: str, ward: str | None, province: str | None
) -> None:
    got = normalize_address(raw)
    assert (got.status, got.ward, got.province) == (status, ward, province)
    assert got.raw == raw
    if status == "unresolved":
        assert got == NormalizedAddress(raw, None, None, None, None, "unresolved")
    else:
        assert got.normalized is not None
        assert got.normalized.endswith(province or "")
    if status == "resolved":
        assert got.ward_code in {u.code for u in new_units()}
        assert got.normalized is not None
        assert got.normalized.endswith(f"{ward}, {province}")
    else:
        assert got.ward_code is None


@pytest.mark.parametrize(
    ("raw", "normalized"),
    [
        ("12 Lê Lợi, phường Bến Thành, TP.HCM", "12 Lê Lợi, Phường Bến Thành, Thành phố Hồ Chí Minh"),
        ("số 5 đường 3/2, P. Hòa Hưng, Tp Hồ Chí Minh", "số 5 đường 3/2, Phường Hòa Hưng, Thành phố Hồ Chí Minh"),
        ("12 le loi, phuong ben thanh, tp hcm", "12 le loi, Phường Bến Thành, Thành phố Hồ Chí Minh"),
        ("12 Nguyễn Huệ,  P. Bến Nghé , Q.1, TPHCM", "12 Nguyễn Huệ, Phường Sài Gòn, Thành phố Hồ Chí Minh"),
        ("12 Lê Lợi - P. Bến Thành - Q.1 - TP HCM", "12 Lê Lợi, Phường Bến Thành, Thành phố Hồ Chí Minh"),
        ("Phường Phúc Xá, Quận Ba Đình, Hà Nội", "Phường Hồng Hà, Thành phố Hà Nội"),
        ("HCM", "Thành phố Hồ Chí Minh"),
        # province only: the other parts are kept as typed
        ("Thủ Dầu Một, Bình Dương", "Thủ Dầu Một, Thành phố Hồ Chí Minh"),
        ("12 Lê Lợi, Q.1, TP.HCM", "12 Lê Lợi, Q.1, Thành phố Hồ Chí Minh"),
    ],
)
def test_normalized_text(raw: str, normalized: str) -> None:
    assert normalize_address(raw).normalized == normalized


def test_merged_province_old_name() -> None:
    got = normalize_address("Thủ Dầu Một, Bình Dương")
    assert got.province == HCMC
    assert got.status in {"province_only", "resolved"}


def test_ward_codes() -> None:
    assert normalize_address("12 Lê Lợi, P. Bến Thành, TP.HCM").ward_code == "79:phuongbenthanh"
    plain = normalize_address("Xã Thanh An, Huyện Dầu Tiếng, Bình Dương")
    dotted = normalize_address("Xã Thạnh An, Huyện Cần Giờ, TP.HCM")
    assert plain.ward_code != dotted.ward_code


def test_decomposed_and_uppercase_input() -> None:
    raw = unicodedata.normalize("NFD", "PHƯỜNG BẾN THÀNH, TP.HCM")
    got = normalize_address(raw)
    assert (got.status, got.ward) == ("resolved", "Phường Bến Thành")


def test_agrees_with_convert_address_on_hcmc(mapping: dict[str, Any]) -> None:
    from underthesea import convert_address

    rows = [r for r in mapping["ward_mapping"] if r["new_province_key"] == "thanhphohochiminh" and r["old_ward"]]
    compared = 0
    for r in rows:
        raw = f"{r['old_ward']}, {r['old_district']}, {r['old_province']}"
        theirs = convert_address(raw).new.ward
        if theirs:  # "" for the units whose name the data lost (Xã Thanh An, Xã Thạnh An)
            assert normalize_address(raw).ward == theirs, raw
            compared += 1
    assert compared > 450


def test_every_new_unit_resolves_to_itself() -> None:
    for unit in new_units():
        got = normalize_address(f"1 Đường Số 1, {unit.name}, {unit.province}")
        assert got.ward_code == unit.code, unit


def test_the_new_units_are_3321_wards_communes_and_special_zones_in_34_provinces(mapping: dict[str, Any]) -> None:
    units = new_units()
    assert len(units) == 3321
    assert len({u.code for u in units}) == len(units)
    assert len({u.province_code for u in units}) == 34
    assert len(new_units("79")) == 168
    assert all(u.name and u.name.split()[0] in {"Phường", "Xã", "Đặc"} for u in units)


def test_an_address_normalizes_in_under_5_ms_on_average() -> None:
    normalize_address("warm up")
    raws = [c[0] for c in CASES]
    start = time.perf_counter()
    for _ in range(10):
        for raw in raws:
            normalize_address(raw)
    mean = (time.perf_counter() - start) / (10 * len(raws))
    assert mean < 0.005
