import shutil
import subprocess
import xml.etree.ElementTree as ET

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.qr import qr_png, qr_svg
from payments.vietqr import BANKS, VietQR, build_payload, crc16_ccitt_false, parse_payload

# Reference vn-integrations.md §1.6, byte for byte.
V1 = "00020101021138570010A00000072701270006970403011300110123456780208QRIBFTTA53037045802VN63049E6F"
V2 = "00020101021138600010A00000072701300006970403011697040311012345670208QRIBFTTC53037045802VN63044F52"
V3 = (
    "00020101021238570010A00000072701270006970403011300110123456780208QRIBFTTA530370454061800005802VN"
    "62340107NPS68690819thanh toan don hang63042E2E"
)
V4 = (
    "00020101021238540010A00000072701240006970436011010175956000208QRIBFTTA530370454061800005802VN"
    "62230819thanh toan don hang630470FA"
)
V5 = "00020101021138560010A0000007270126000697041501121133666688880208QRIBFTTA54057000153037045802VN6304ED54"
V6 = (
    "00020101021238570010A00000072701270006970436011300110001234560208QRIBFTTA530370454061500005802VN"
    "62210817HS H01 2507010001630492A4"
)
V7 = "00020101021138560010A0000007270126000697041501121133666688880208QRIBFTTA53037045802VN6304F443"

CANONICAL = [
    (V1, VietQR(bank_bin="970403", account_number="0011012345678")),
    (V2, VietQR(bank_bin="970403", account_number="9704031101234567", service="QRIBFTTC")),
    (
        V3,
        VietQR(
            bank_bin="970403",
            account_number="0011012345678",
            amount=180000,
            reference="thanh toan don hang",
            bill_number="NPS6869",
        ),
    ),
    (V4, VietQR(bank_bin="970436", account_number="1017595600", amount=180000, reference="thanh toan don hang")),
    (V6, VietQR(bank_bin="970436", account_number="0011000123456", amount=150000, reference="HS H01 2507010001")),
    (V7, VietQR(bank_bin="970415", account_number="113366668888")),
]


def test_crc_check_value() -> None:
    assert crc16_ccitt_false(b"123456789") == 0x29B1
    assert crc16_ccitt_false(b"") == 0xFFFF


@pytest.mark.parametrize(("payload", "qr"), CANONICAL)
def test_reference_vectors_build_and_parse_byte_for_byte(payload: str, qr: VietQR) -> None:
    assert build_payload(qr) == payload
    assert parse_payload(payload) == qr


def test_vector_v5_parses_and_rebuilds_in_canonical_form() -> None:
    # V5 (emvqr-go) says POI 11 with an amount and puts 54 before 53: readable, but we emit 12 and ascending IDs.
    qr = parse_payload(V5)
    assert qr == VietQR(bank_bin="970415", account_number="113366668888", amount=70001)
    rebuilt = build_payload(qr)
    assert rebuilt != V5
    assert rebuilt.startswith("000201010212")
    assert "5303704540570001" in rebuilt
    assert parse_payload(rebuilt) == qr


def test_napas_pdf_example_with_bad_inner_length_is_rejected_despite_good_crc() -> None:
    body = "00020101021138570010A00000072701270006970403011200110123456780208QRIBFTTA53037045802VN6304"
    assert crc16_ccitt_false(body.encode()) == 0xF4E5
    with pytest.raises(ValueError, match="TLV"):
        parse_payload(body + "F4E5")


def test_static_qr_has_poi_11_and_no_amount_dynamic_has_12() -> None:
    static = build_payload(VietQR(bank_bin="970436", account_number="1017595600"))
    dynamic = build_payload(
        VietQR(bank_bin="970436", account_number="1017595600", amount=50000, reference="MC7K2Q9XPA")
    )
    assert static[6:12] == "010211"
    assert "54" not in static.split("5303704")[1][:2]
    assert dynamic[6:12] == "010212"
    assert "540550000" in dynamic
    assert "62140810MC7K2Q9XPA" in dynamic


@pytest.mark.parametrize(
    "qr",
    [
        VietQR(bank_bin="97043", account_number="1"),
        VietQR(bank_bin="97043A", account_number="1"),
        VietQR(bank_bin="970436", account_number=""),
        VietQR(bank_bin="970436", account_number="1" * 20),
        VietQR(bank_bin="970436", account_number="12 34"),
        VietQR(bank_bin="970436", account_number="1", amount=0),
        VietQR(bank_bin="970436", account_number="1", amount=-5),
        VietQR(bank_bin="970436", account_number="1", amount=10**13),
        VietQR(bank_bin="970436", account_number="1", reference="thanh toán"),
        VietQR(bank_bin="970436", account_number="1", reference="x" * 26),
        VietQR(bank_bin="970436", account_number="1", reference=""),
        VietQR(bank_bin="970436", account_number="1", bill_number="a\nb"),
    ],
)
def test_build_refuses_what_banks_cannot_read(qr: VietQR) -> None:
    with pytest.raises(ValueError, match="must be"):
        build_payload(qr)


def _with_crc(body: str) -> str:
    return body + f"{crc16_ccitt_false(body.encode()):04X}"


@pytest.mark.parametrize(
    ("payload", "error"),
    [
        (V1[:-4] + "9e6f", "uppercase hex"),
        (V1 + "00", "end with 6304"),  # trailing data after the CRC
        (V1[:-8], "end with 6304"),  # no CRC at all
        ("", "end with 6304"),
        (V1.replace("VN", "VÑ"), "ASCII"),
        (V1[:-4] + "9E6E", "CRC mismatch"),
        (_with_crc("000201010211530370458" + "02VN6304"), "no NAPAS merchant account"),  # no 38
        (_with_crc(V1[:-8].replace("A000000727", "A000000728") + "6304"), "NAPAS GUID"),
        (_with_crc(V1[:-8].replace("5303704", "5303840") + "6304"), "VND"),  # USD
        (_with_crc(V1[:-8].replace("QRIBFTTA", "QRCASHXX") + "6304"), "service code"),
        (_with_crc(V1[:-8] + "6304ABCD" + "6304"), "must be last"),  # a CRC object that is not last
        (_with_crc("000202" + V1[6:-8] + "6304"), "start with 000201"),  # payload format must be 01
        (_with_crc(V1[:-8] + "5405x" + "6304"), "runs past the end"),  # truncated TLV
        (_with_crc(V1[:-8] + "54a0" + "6304"), "malformed TLV"),  # non-decimal length
        (_with_crc(V1[:-8] + "5802VN" + "6304"), "duplicate TLV 58"),
    ],
)
def test_parse_refuses_bad_tlv_or_crc(payload: str, error: str) -> None:
    with pytest.raises(ValueError, match=error):
        parse_payload(payload)


_printable_ascii = st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E), min_size=1, max_size=25)
vietqrs = st.builds(
    VietQR,
    bank_bin=st.one_of(st.sampled_from(sorted(BANKS)), st.from_regex(r"[0-9]{6}", fullmatch=True)),
    account_number=st.from_regex(r"[0-9A-Za-z]{1,19}", fullmatch=True),
    amount=st.one_of(st.none(), st.integers(min_value=1, max_value=10**13 - 1)),
    reference=st.one_of(st.none(), _printable_ascii),
    bill_number=st.one_of(st.none(), _printable_ascii),
    service=st.sampled_from(["QRIBFTTA", "QRIBFTTC"]),
)


@given(vietqrs)
def test_parse_inverts_build(qr: VietQR) -> None:
    payload = build_payload(qr)
    assert parse_payload(payload) == qr
    assert build_payload(parse_payload(payload)) == payload


@given(vietqrs, st.data())
def test_any_single_character_corruption_is_refused(qr: VietQR, data: st.DataObject) -> None:
    payload = build_payload(qr)
    index = data.draw(st.integers(min_value=0, max_value=len(payload) - 1))
    replacement = data.draw(st.characters(codec="utf-8").filter(lambda ch: ch != payload[index]))
    corrupted = payload[:index] + replacement + payload[index + 1 :]
    with pytest.raises(ValueError, match=r"CRC|6304|ASCII"):
        parse_payload(corrupted)


def test_banks_come_from_the_napas_acquirer_list() -> None:
    assert len(BANKS) == 35
    assert all(len(bin_) == 6 and bin_.isdigit() for bin_ in BANKS)
    assert len(set(BANKS.values())) == len(BANKS)
    assert BANKS["970436"] == "Vietcombank"
    assert BANKS["970415"] == "VietinBank"
    assert BANKS["970405"] == "Agribank"
    assert BANKS["970422"] == "MB Bank"
    with pytest.raises(TypeError):
        BANKS["970499"] = "x"  # type: ignore[index]


@pytest.mark.skipif(shutil.which("zbarimg") is None, reason="zbarimg (Debian zbar-tools) is not installed")
@pytest.mark.parametrize("payload", [V3, V6, build_payload(VietQR("970418", "12345678901234567", 1, "MC7K2Q9XPA"))])
def test_png_reads_back_with_zbar(payload: str) -> None:
    png = qr_png(payload)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    result = subprocess.run(
        ["zbarimg", "--quiet", "--raw", "-"], input=png, capture_output=True, check=True, timeout=30
    )
    assert result.stdout.decode().removesuffix("\n") == payload


def test_svg_is_a_standalone_svg_document_with_a_path() -> None:
    svg = qr_svg(V4)
    root = ET.fromstring(svg)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    paths = root.findall("{http://www.w3.org/2000/svg}path")
    assert len(paths) == 1
    assert paths[0].get("d")
