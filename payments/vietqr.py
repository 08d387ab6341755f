"""VietQR: NAPAS 247 bank transfers encoded as an EMVCo merchant-presented QR (TLV text + CRC-16).

Pure: the payload is built and read here; core.qr draws its image.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from types import MappingProxyType
from typing import Literal

import msgspec

NAPAS_GUID = "A000000727"
ServiceCode = Literal["QRIBFTTA", "QRIBFTTC"]
_SERVICES: frozenset[str] = frozenset({"QRIBFTTA", "QRIBFTTC"})

_BIN = re.compile(r"[0-9]{6}")
_CONSUMER_ID = re.compile(r"[0-9A-Za-z]{1,19}")
_AMOUNT = re.compile(r"[1-9][0-9]{0,12}")
# 62.xx sub-fields are "var. up to 25" in EMVCo; printable ASCII keeps LEN a character count.
_ADDITIONAL = re.compile(r"[ -~]{1,25}")
_CRC_TAIL = re.compile(r"6304[0-9A-F]{4}")


class VietQR(msgspec.Struct, frozen=True):
    """One transfer target. amount None = static QR (payer types the amount)."""

    bank_bin: str  # NAPAS acquirer BIN, 38.01.00
    account_number: str  # 38.01.01: account (QRIBFTTA) or card number (QRIBFTTC)
    amount: int | None = None  # 54, whole VND
    reference: str | None = None  # 62.08 purpose of transaction, the memo banks show
    bill_number: str | None = None  # 62.01, carried by the NAPAS dynamic example
    service: ServiceCode = "QRIBFTTA"  # 38.02


BANKS: Mapping[str, str] = MappingProxyType(
    {
        "970436": "Vietcombank",
        "970415": "VietinBank",
        "970418": "BIDV",
        "970405": "Agribank",
        "970407": "Techcombank",
        "970422": "MB Bank",
        "970416": "ACB",
        "970432": "VPBank",
        "970423": "TPBank",
        "970403": "Sacombank",
        "970437": "HDBank",
        "970443": "SHB",
        "970431": "Eximbank",
        "970441": "VIB",
        "970448": "OCB",
        "970426": "MSB",
        "970440": "SeABank",
        "970449": "LPBank",
        "970428": "Nam A Bank",
        "970419": "NCB",
        "970429": "SCB",
        "970425": "ABBANK",
        "970409": "Bac A Bank",
        "970438": "BaoViet Bank",
        "970452": "Kienlongbank",
        "970412": "PVcomBank",
        "970454": "Viet Capital Bank",
        "970427": "VietABank",
        "970433": "VietBank",
        "970400": "Saigonbank",
        "970430": "PGBank",
        "970424": "Shinhan Bank VN",
        "970457": "Woori VN",
        "970446": "Co-opBank",
        "970414": "MBV",
    }
)


def _crc_table() -> tuple[int, ...]:
    table = []
    for byte in range(256):
        crc = byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else crc << 1
        table.append(crc & 0xFFFF)
    return tuple(table)


_CRC_TABLE = _crc_table()


def crc16_ccitt_false(data: bytes) -> int:
    """CRC-16/CCITT-FALSE: poly 0x1021, init 0xFFFF, no reflection, no final xor."""
    crc = 0xFFFF
    for byte in data:
        crc = ((crc << 8) & 0xFFFF) ^ _CRC_TABLE[(crc >> 8) ^ byte]
    return crc


def _tlv(tag: str, value: str) -> str:
    if len(value) > 99:
        raise ValueError(f"value of {tag} is longer than 99 characters")
    return f"{tag}{len(value):02d}{value}"


def _validate(qr: VietQR) -> None:
    if not _BIN.fullmatch(qr.bank_bin):
        raise ValueError("bank_bin must be 6 digits")
    if not _CONSUMER_ID.fullmatch(qr.account_number):
        raise ValueError("account_number must be 1 to 19 letters or digits")
    if qr.amount is not None and not _AMOUNT.fullmatch(str(qr.amount)):
        raise ValueError("amount must be a positive whole number of VND, at most 13 digits")
    for name, text in (("reference", qr.reference), ("bill_number", qr.bill_number)):
        if text is not None and not _ADDITIONAL.fullmatch(text):
            raise ValueError(f"{name} must be 1 to 25 printable ASCII characters (strip diacritics first)")
    if qr.service not in _SERVICES:
        raise ValueError(f"unsupported service code {qr.service!r}")


def build_payload(qr: VietQR) -> str:
    """EMVCo TLV in ascending ID order, CRC last; 01 is 12 (dynamic) exactly when an amount is set."""
    _validate(qr)
    beneficiary = _tlv("00", qr.bank_bin) + _tlv("01", qr.account_number)
    merchant = _tlv("00", NAPAS_GUID) + _tlv("01", beneficiary) + _tlv("02", qr.service)
    parts = [_tlv("00", "01"), _tlv("01", "11" if qr.amount is None else "12"), _tlv("38", merchant), _tlv("53", "704")]
    if qr.amount is not None:
        parts.append(_tlv("54", str(qr.amount)))
    parts.append(_tlv("58", "VN"))
    additional = ""
    if qr.bill_number is not None:
        additional += _tlv("01", qr.bill_number)
    if qr.reference is not None:
        additional += _tlv("08", qr.reference)
    if additional:
        parts.append(_tlv("62", additional))
    body = "".join(parts) + "6304"
    return body + f"{crc16_ccitt_false(body.encode('ascii')):04X}"


def _read_tlv(text: str) -> dict[str, str]:
    fields: dict[str, str] = {}
    pos = 0
    while pos < len(text):
        header = text[pos : pos + 4]
        if len(header) < 4 or not header.isdigit():
            raise ValueError(f"malformed TLV header at offset {pos}")
        tag, length = header[:2], int(header[2:])
        value = text[pos + 4 : pos + 4 + length]
        if len(value) != length:
            raise ValueError(f"TLV {tag} runs past the end")
        if tag in fields:
            raise ValueError(f"duplicate TLV {tag}")
        fields[tag] = value
        pos += 4 + length
    return fields


def parse_payload(payload: str) -> VietQR:
    """Read a NAPAS account/card transfer QR. Strict on CRC and TLV; unknown objects are ignored
    (EMVCo readers must skip them) and root order beyond 00-first/63-last is not enforced, because
    real issuers emit 54 before 53."""
    if not payload.isascii():
        raise ValueError("payload must be ASCII")
    if len(payload) < 8 or not _CRC_TAIL.fullmatch(payload[-8:]):
        raise ValueError("payload must end with 6304 and 4 uppercase hex digits")
    if f"{crc16_ccitt_false(payload[:-4].encode('ascii')):04X}" != payload[-4:]:
        raise ValueError("CRC mismatch")
    if not payload.startswith("000201"):
        raise ValueError("payload must start with 000201")
    # Parse up to the CRC object: 63 must be last, so nothing may follow it.
    root = _read_tlv(payload[:-8])
    if "63" in root:
        raise ValueError("CRC object must be last")
    if root.get("53") != "704" or root.get("58") != "VN":
        raise ValueError("not a VND payment in Vietnam (53=704, 58=VN)")
    if "38" not in root:
        raise ValueError("no NAPAS merchant account information (38)")
    merchant = _read_tlv(root["38"])
    if merchant.get("00") != NAPAS_GUID:
        raise ValueError("38.00 is not the NAPAS GUID")
    beneficiary = _read_tlv(merchant.get("01", ""))
    service = merchant.get("02")
    if service not in _SERVICES:
        raise ValueError(f"unsupported service code {service!r}")
    amount = root.get("54")
    if amount is not None and not _AMOUNT.fullmatch(amount):
        raise ValueError("amount (54) must be a positive whole number")
    additional = _read_tlv(root.get("62", ""))
    qr = VietQR(
        bank_bin=beneficiary.get("00", ""),
        account_number=beneficiary.get("01", ""),
        amount=None if amount is None else int(amount),
        reference=additional.get("08"),
        bill_number=additional.get("01"),
        service="QRIBFTTC" if service == "QRIBFTTC" else "QRIBFTTA",
    )
    _validate(qr)
    return qr
