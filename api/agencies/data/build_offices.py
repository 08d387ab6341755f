"""Write offices.json: the offices of Thành phố Hồ Chí Minh after the 1/7/2025 reform.

    uv run python api/agencies/data/build_offices.py

One People's Committee and one commune police office per new ward/commune/special zone of province
79 (168 units in underthesea's mapping data, read through ``api.agencies.addresses.new_units``), and
one office per provincial department. Codes follow the shape of Quyết định 20/2020/QĐ-TTg
(``G4.G3.G2.H29``) but are this project's own, not the official codes:

- provincial offices: ``000.00.NN.H29``, NN = 01.. in the order of ``PROVINCIAL``;
- commune People's Committees: ``000.NN.MM.H29``, the units sorted by dataset key and numbered
  1.. as NN = 1 + (i // 99), MM = 1 + (i % 99);
- commune police: ``001.NN.MM.H29`` with the NN.MM of the unit's People's Committee.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import msgspec

from api.agencies.addresses import NewUnit, new_units
from api.agencies.models import OfficesData
from i18n.text import strip_diacritics

PROVINCE_CODE = "79"
PROVINCE_GROUP = "H29"
OUT = Path(__file__).with_name("offices.json")

# kind, Vietnamese name before the province name, English name after "Ho Chi Minh City"
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
UNIT_WORDS = {"phuong": ("phường", "Ward"), "xa": ("xã", "Commune"), "dac_khu": ("đặc khu", "Special Zone")}


def office(code: str, kind: str, level: str, vi: str, en: str, unit: NewUnit | None = None) -> dict[str, Any]:
    return {
        "code": code,
        "kind": kind,
        "level": level,
        "names": {"vi": vi, "en": en},
        "ward_code": unit.code if unit else None,
        "ward": unit.name if unit else None,
    }


def build() -> dict[str, Any]:
    units = sorted(new_units(PROVINCE_CODE), key=lambda u: u.key)
    if not units:
        raise SystemExit(f"no units for province {PROVINCE_CODE} in underthesea's data")
    province = units[0].province
    city_en = "Ho Chi Minh City"
    offices = [
        office(f"000.00.{n:02d}.{PROVINCE_GROUP}", kind, "province", f"{vi} {province}", f"{city_en} {en}")
        for n, (kind, vi, en) in enumerate(PROVINCIAL, start=1)
    ]
    bodies = {u.key: u.name.split(" ", len(UNIT_WORDS[u.kind][0].split()))[-1] for u in units}
    bare = Counter((u.kind, strip_diacritics(bodies[u.key])) for u in units)
    for i, unit in enumerate(units):
        group = f"{1 + i // 99:02d}.{1 + i % 99:02d}.{PROVINCE_GROUP}"
        word_vi, word_en = UNIT_WORDS[unit.kind]
        body = bodies[unit.key]  # "Phường Bến Thành" -> "Bến Thành"
        # English drops the diacritics, unless that would give two units one name (Thanh An, Thạnh An)
        body_en = body if bare[(unit.kind, strip_diacritics(body))] > 1 else strip_diacritics(body)
        offices.append(
            office(
                f"000.{group}",
                "UBND-XA",
                "commune",
                f"UBND {word_vi} {body}",
                f"{body_en} {word_en} People's Committee",
                unit,
            )
        )
        offices.append(
            office(
                f"001.{group}",
                "CONG-AN-XA",
                "commune",
                f"Công an {word_vi} {body}",
                f"{body_en} {word_en} Police",
                unit,
            )
        )
    return {
        "province": {"code": PROVINCE_CODE, "name": province, "group": PROVINCE_GROUP},
        "source": "underthesea/address/data/mapping.json (vietnamadminunits 1.0.4, effective 2025-07-01); "
        "codes are this project's, in the shape of QĐ 20/2020/QĐ-TTg, not official codes",
        "offices": offices,
    }


def main() -> None:
    data = build()
    msgspec.convert(data, OfficesData)  # the shape the service loads
    OUT.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {len(data['offices'])} offices to {OUT}")


if __name__ == "__main__":
    main()
