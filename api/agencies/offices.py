"""The offices of a province after the 1/7/2025 reform, made from underthesea's administrative data:
its departments, and the People's Committee and the police of each of its wards, communes and
special zones. Pure: no I/O but reading that data.

Codes have the shape of Quyết định 20/2020/QĐ-TTg (``G4.G3.G2.G1``) but are this project's own until
an operator imports the official ones (`motcua offices import`):

- G1 is ``H`` and the position of the province among the 63 before the reform, alphabetically without
  diacritics, taken from the province whose name the new one kept (Thành phố Hồ Chí Minh ``H29``, as
  in its official codes; Tỉnh Bắc Ninh ``H06``; Tỉnh Cà Mau ``H12``);
- provincial offices: ``000.00.NN.G1``, NN = 01.. in the order of ``PROVINCIAL``;
- commune People's Committees: ``000.NN.MM.G1``, the units sorted by dataset key and numbered
  1.. as NN = 1 + (i // 99), MM = 1 + (i % 99);
- commune police: ``001.NN.MM.G1`` with the NN.MM of the unit's People's Committee.
"""

from __future__ import annotations

from collections import Counter

from api.agencies.addresses import NewUnit, new_units, province_rank
from api.agencies.models import Office, OfficesData, Province
from api.catalog.models import Level, Names
from i18n.text import strip_diacritics

# kind, Vietnamese name before the province name, English name after the province's
PROVINCIAL: tuple[tuple[str, str, str], ...] = (
    ("CONG-AN-TINH", "Công an", "Police"),
    ("SO-TU-PHAP", "Sở Tư pháp", "Department of Justice"),
    ("SO-TAI-CHINH", "Sở Tài chính", "Department of Finance"),
    ("SO-NOI-VU", "Sở Nội vụ", "Department of Home Affairs"),
    ("SO-XAY-DUNG", "Sở Xây dựng", "Department of Construction"),
    ("SO-NONG-NGHIEP-MOI-TRUONG", "Sở Nông nghiệp và Môi trường", "Department of Agriculture and Environment"),
    ("SO-Y-TE", "Sở Y tế", "Department of Health"),
    ("SO-GIAO-DUC-DAO-TAO", "Sở Giáo dục và Đào tạo", "Department of Education and Training"),
    ("SO-VAN-HOA-THE-THAO-DU-LICH", "Sở Văn hóa, Thể thao và Du lịch", "Department of Culture, Sports and Tourism"),
    ("BHXH", "Bảo hiểm xã hội", "Social Security"),
)
COMMUNE_KINDS: tuple[tuple[str, str, str, str], ...] = (
    # kind, code prefix, Vietnamese before the unit, English after it
    ("UBND-XA", "000", "UBND", "People's Committee"),
    ("CONG-AN-XA", "001", "Công an", "Police"),
)
UNIT_WORDS = {"phuong": ("phường", "Ward"), "xa": ("xã", "Commune"), "dac_khu": ("đặc khu", "Special Zone")}
HCMC = "79"


def _in_a_name(province: str) -> str:
    """The province as written inside an office's name: "Sở Tư pháp tỉnh Bắc Ninh", but "Thành phố
    Hồ Chí Minh" keeps its capital letter, as the city writes itself."""
    if province.startswith("Tỉnh "):
        return "tỉnh " + province[len("Tỉnh ") :]
    if province.startswith("Thành phố ") and not province.endswith("Hồ Chí Minh"):
        return "thành phố " + province[len("Thành phố ") :]
    return province


def _english(province: str) -> str:
    """ "Ho Chi Minh City", "Da Nang City", "Bac Ninh"."""
    for prefix, suffix in (("Thành phố ", " City"), ("Tỉnh ", "")):
        if province.startswith(prefix):
            return strip_diacritics(province[len(prefix) :]) + suffix
    return strip_diacritics(province)


def province_offices(province_code: str) -> OfficesData:
    units = sorted(new_units(province_code), key=lambda u: u.key)
    if not units:
        raise ValueError(f"no wards or communes of province {province_code} in the administrative data")
    name = units[0].province
    group = f"H{province_rank(province_code):02d}"
    vi_in, en = _in_a_name(name), _english(name)
    offices = [
        Office(
            code=f"000.00.{n:02d}.{group}",
            kind=kind,
            level=Level.PROVINCE,
            names=Names(vi=f"{vi} {vi_in}", en=f"{en} {en_kind}"),
        )
        for n, (kind, vi, en_kind) in enumerate(PROVINCIAL, start=1)
    ]
    bodies = {u.key: _body(u) for u in units}
    bare = Counter((u.kind, strip_diacritics(bodies[u.key])) for u in units)
    for i, unit in enumerate(units):
        number = f"{1 + i // 99:02d}.{1 + i % 99:02d}.{group}"
        word_vi, word_en = UNIT_WORDS[unit.kind]
        body = bodies[unit.key]  # "Phường Bến Thành" -> "Bến Thành"
        # English drops the diacritics, unless that would give two units one name (Thanh An, Thạnh An)
        body_en = body if bare[(unit.kind, strip_diacritics(body))] > 1 else strip_diacritics(body)
        for kind, prefix, vi, en_kind in COMMUNE_KINDS:
            offices.append(
                Office(
                    code=f"{prefix}.{number}",
                    kind=kind,
                    level=Level.COMMUNE,
                    names=Names(vi=f"{vi} {word_vi} {body}", en=f"{body_en} {word_en} {en_kind}"),
                    ward_code=unit.code,
                    ward=unit.name,
                )
            )
    return OfficesData(province=Province(code=province_code, name=name, group=group), offices=tuple(offices))


def _body(unit: NewUnit) -> str:
    return unit.name.split(" ", len(UNIT_WORDS[unit.kind][0].split()))[-1]
