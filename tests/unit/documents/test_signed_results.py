"""A result signed by its office validates with pyHanko as intact and covering the whole file, shows
the office as signer and the QR of its verification page; any change, an unsigned file or a signature
from another authority is not valid, and says why."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from documents.devcerts import DEVELOPMENT_MARK, DevelopmentKeys, development_keys
from documents.signing import Signed, SigningKey, sign_result
from documents.slip import ReceiptSlip, render_slip
from documents.verification import trust_roots, verify_pdf

VERIFY_URL = "https://motcua.example.vn/v/000.00.12.H29-261207-0042?key=K7Q2"
REASON = "Kết quả giải quyết thủ tục hành chính"
NOW = datetime(2026, 12, 7, 2, 30, tzinfo=UTC)


@pytest.fixture(scope="module")
def signed(office_keys: DevelopmentKeys, slip: ReceiptSlip) -> Signed:
    key = SigningKey(office_keys.p12, office_keys.password)
    return sign_result(render_slip(slip), key, verify_url=VERIFY_URL, reason=REASON, now=NOW)


def test_pyhanko_finds_the_signature_intact_trusted_and_over_the_whole_file(
    signed: Signed, office_keys: DevelopmentKeys
) -> None:
    (signature,) = PdfFileReader(io.BytesIO(signed.pdf)).embedded_signatures
    status = validate_pdf_signature(signature, ValidationContext(trust_roots=trust_roots(office_keys.ca_pem)))
    assert status.intact and status.valid and status.trusted
    assert status.coverage is SignatureCoverageLevel.ENTIRE_FILE
    assert signature.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"  # PAdES
    assert status.signing_cert.subject.native["common_name"] == "UBND phường Bến Thành"
    assert signature.sig_object["/Reason"] == REASON


def test_the_signature_is_an_approval_not_a_certification(signed: Signed) -> None:
    (signature,) = PdfFileReader(io.BytesIO(signed.pdf)).embedded_signatures
    assert signature.sig_object.get("/Reference") is None  # no DocMDP transform: nothing is locked for later signers


def test_the_first_page_carries_the_qr_of_the_verification_page_beside_the_papers_own(
    signed: Signed, slip: ReceiptSlip, qr_on_first_page: Callable[[bytes], set[str]]
) -> None:
    assert qr_on_first_page(signed.pdf) == {VERIFY_URL, slip.tracking_url}


def test_verification_says_valid_and_who_signed(signed: Signed, office_keys: DevelopmentKeys) -> None:
    verdict = verify_pdf(signed.pdf, trust_roots(office_keys.ca_pem))
    assert verdict.valid
    assert verdict.reason is None
    assert verdict.signed_by == "UBND phường Bến Thành"
    assert verdict.signed_at is not None


def test_a_changed_byte_is_altered(signed: Signed, office_keys: DevelopmentKeys) -> None:
    changed = bytearray(signed.pdf)
    at = signed.pdf.index(b"/Producer") + 12
    changed[at] ^= 0x01
    verdict = verify_pdf(bytes(changed), trust_roots(office_keys.ca_pem))
    assert (verdict.valid, verdict.reason) == (False, "altered")


def test_a_revision_appended_after_signing_is_altered(signed: Signed, office_keys: DevelopmentKeys) -> None:
    writer = IncrementalPdfFileWriter(io.BytesIO(signed.pdf))
    writer.root["/Lang"] = generic.TextStringObject("en")
    writer.update_root()  # type: ignore[no-untyped-call]
    out = io.BytesIO()
    writer.write(out)  # type: ignore[no-untyped-call]
    verdict = verify_pdf(out.getvalue(), trust_roots(office_keys.ca_pem))
    assert (verdict.valid, verdict.reason) == (False, "altered")


def test_an_unsigned_file_and_a_file_that_is_no_pdf_are_not_valid(
    slip: ReceiptSlip, office_keys: DevelopmentKeys
) -> None:
    roots = trust_roots(office_keys.ca_pem)
    assert verify_pdf(render_slip(slip), roots).reason == "unsigned"
    assert verify_pdf(b"%PDF-1.7 but nothing else", roots).reason == "not-a-pdf"
    assert verify_pdf("Kết quả".encode(), roots).reason == "not-a-pdf"
    png = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010800000000")
    assert verify_pdf(png, roots).reason == "not-a-pdf"  # once a 500: the reader raised what was not caught


def test_with_no_trust_roots_yet_a_signature_is_untrusted(signed: Signed) -> None:
    assert verify_pdf(signed.pdf, trust_roots(b"")).reason == "untrusted"  # once a 500: an empty bundle


def test_a_signature_from_an_authority_not_trusted_here_is_untrusted(signed: Signed) -> None:
    elsewhere = development_keys("UBND phường Bến Thành", NOW, b"x")
    verdict = verify_pdf(signed.pdf, trust_roots(elsewhere.ca_pem))
    assert (verdict.valid, verdict.reason) == (False, "untrusted")


def test_development_certificates_say_so_in_their_subject(office_keys: DevelopmentKeys, signed: Signed) -> None:
    (signature,) = PdfFileReader(io.BytesIO(signed.pdf)).embedded_signatures
    assert signature.signer_cert.subject.native["organizational_unit_name"] == DEVELOPMENT_MARK
