"""Examples of the catalog: the birth registration as a citizen reads it, and the seed's passport
procedure as `motcua catalog export` writes it and an administrator sends it back."""

from __future__ import annotations

from typing import Any

import msgspec

from api.catalog.service import load_catalog_data

_BIRTH_SUMMARY = {
    "slug": "birth-registration",
    "name": "Đăng ký khai sinh",
    "names": {"vi": "Đăng ký khai sinh", "en": "Birth registration"},
    "agency": {"code": "UBND-XA", "name": "Ủy ban nhân dân cấp xã"},
    "online": "full",
    "fee": 0,
    "processing_days": 0,
}
_FILE_TYPES = ["application/pdf", "image/jpeg", "image/png", "image/heic"]
_ONE_STOP_SOURCE = {
    "title": "Nghị định 118/2025/NĐ-CP về thực hiện thủ tục hành chính theo cơ chế một cửa, một cửa liên thông"
    " (Báo Lao Động)",
    "url": "https://news.laodong.vn/thoi-su/pham-vi-tiep-nhan-thu-tuc-hanh-chinh-tai-bo-phan-mot-cua-tu-172025-1528301.ldo",
    "checked_on": "2026-12-06",
}
# a procedure as `motcua catalog export` and the data file hold it (every language), the seed's passport
_PASSPORT_DOCUMENT = msgspec.json.decode(
    msgspec.json.encode(next(p for p in load_catalog_data().procedures if p.slug == "passport-issuance"))
)
_PASSPORT_DETAIL = {
    "slug": "passport-issuance",
    "name": _PASSPORT_DOCUMENT["names"]["vi"],
    "names": _PASSPORT_DOCUMENT["names"],
    "agency": {"code": "CONG-AN-TINH", "name": "Công an tỉnh"},
    "online": _PASSPORT_DOCUMENT["online"],
    "fee": 200000,
    "processing_days": _PASSPORT_DOCUMENT["processing_days"],
    "on": "2026-12-07",
    "national_code": None,
    "version": 3,
    "verified_on": _PASSPORT_DOCUMENT["verified_on"],
    "sources": _PASSPORT_DOCUMENT["sources"],
    "fees": [
        {**line, "case": line["cases"]["vi"]}
        for line in _PASSPORT_DOCUMENT["fees"]
        if line["from"] <= "2026-12-07" and (line["to"] is None or line["to"] >= "2026-12-07")
    ],
    "fee_scope": "national",
    "fee_confirmed": True,
    "unconfirmed": _PASSPORT_DOCUMENT["unconfirmed"]["vi"],
    "fee_note": _PASSPORT_DOCUMENT["fee_note"]["vi"],
    "result": _PASSPORT_DOCUMENT["result"],
    "requirements": [
        {**r, "name": r["names"]["vi"], "note": r["note"]["vi"] if r.get("note") else None}
        for r in _PASSPORT_DOCUMENT["requirements"]
    ],
    "form_fields": [
        {
            "key": f["key"],
            "label": f["labels"]["vi"],
            "type": f["type"],
            "required": f["required"],
            "options": f["options"],
        }
        for f in _PASSPORT_DOCUMENT["form_fields"]
    ],
    "legal_basis": _PASSPORT_DOCUMENT["legal_basis"],
    "guidance": _PASSPORT_DOCUMENT["guidance"]["vi"],
}

CATALOG: dict[str, dict[str, Any]] = {
    "listProcedures": {"200": {"items": [_BIRTH_SUMMARY], "total": 1}},
    "getProcedure": {
        "200": {
            **_BIRTH_SUMMARY,
            "on": "2026-12-06",
            "national_code": None,
            "version": 2,
            "verified_on": None,
            "sources": [_ONE_STOP_SOURCE],
            "fees": [
                {
                    "amount": 0,
                    "case": "Đăng ký đúng hạn",
                    "cases": {"vi": "Đăng ký đúng hạn", "en": "Registration on time"},
                    "from": "2016-01-01",
                    "to": None,
                    "basis": "Luật Hộ tịch 2014, Điều 11",
                }
            ],
            "fee_scope": "national",
            "fee_confirmed": False,
            "unconfirmed": "Miễn lệ phí khi đăng ký đúng hạn và thời hạn giải quyết chưa đối chiếu được với văn bản gốc"
            " hoặc nguồn tin chính thống; lệ phí đăng ký quá hạn do HĐND cấp tỉnh quyết định.",
            "fee_note": "Miễn lệ phí khi đăng ký đúng hạn (trong 60 ngày kể từ ngày sinh). Đăng ký quá hạn thu lệ phí"
            " theo Nghị quyết HĐND tỉnh.",
            "result": "electronic",
            "requirements": [
                {
                    "key": "declaration-form",
                    "name": "Tờ khai đăng ký khai sinh",
                    "names": {"vi": "Tờ khai đăng ký khai sinh", "en": "Birth registration declaration form"},
                    "mandatory": True,
                    "original": True,
                    "file_types": _FILE_TYPES,
                    "note": "Điền theo mẫu; khi nộp trực tuyến, tờ khai được điền ngay trên cổng dịch vụ công.",
                },
                {
                    "key": "birth-certificate",
                    "name": "Giấy chứng sinh",
                    "names": {"vi": "Giấy chứng sinh", "en": "Birth certificate from the hospital"},
                    "mandatory": True,
                    "original": True,
                    "file_types": _FILE_TYPES,
                    "note": None,
                },
            ],
            "form_fields": [
                {
                    "key": "child_full_name",
                    "label": "Họ, chữ đệm, tên của trẻ",
                    "type": "text",
                    "required": True,
                    "options": [],
                },
                {
                    "key": "child_sex",
                    "label": "Giới tính",
                    "type": "select",
                    "required": True,
                    "options": ["nam", "nu"],
                },
                {
                    "key": "child_date_of_birth",
                    "label": "Ngày, tháng, năm sinh của trẻ",
                    "type": "date",
                    "required": True,
                    "options": [],
                },
            ],
            "legal_basis": ["Luật Hộ tịch 2014", "Nghị định 123/2015/NĐ-CP"],
            "guidance": "Nộp tại UBND cấp xã nơi cư trú của cha hoặc mẹ, hoặc trực tuyến trên Cổng Dịch vụ công quốc"
            " gia / VNeID.",
        }
    },
    "listProcedureVersions": {
        "200": {
            "items": [
                {
                    "version": 3,
                    "changed_at": "2026-12-07T09:12:00+07:00",
                    "changed_by": {"id": "6f1c2d3e-4b5a-4c7d-8e9f-0a1b2c3d4e5f", "role": "admin"},
                    "fields": ["fees"],
                },
                {
                    "version": 2,
                    "changed_at": "2026-12-06T08:00:00+07:00",
                    "changed_by": {"id": None, "role": "system"},
                    "fields": ["fees", "legal_basis", "sources", "verified_on", "unconfirmed"],
                },
            ],
            "total": 2,
        }
    },
    "replaceProcedure": {"request": _PASSPORT_DOCUMENT, "200": _PASSPORT_DETAIL},
    "addProcedure": {"request": _PASSPORT_DOCUMENT, "201": {**_PASSPORT_DETAIL, "version": 1}},
    "listAgencies": {
        "200": {
            "items": [
                {
                    "code": "000.01.14.H29",
                    "name": "UBND phường Bến Thành",
                    "names": {"vi": "UBND phường Bến Thành", "en": "Ben Thanh Ward People's Committee"},
                    "kind": "UBND-XA",
                    "level": "commune",
                    "ward": "Phường Bến Thành",
                },
                {
                    "code": "001.01.14.H29",
                    "name": "Công an phường Bến Thành",
                    "names": {"vi": "Công an phường Bến Thành", "en": "Ben Thanh Ward Police"},
                    "kind": "CONG-AN-XA",
                    "level": "commune",
                    "ward": "Phường Bến Thành",
                },
            ],
            "total": 2,
        }
    },
}
