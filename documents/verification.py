"""Is this file a result as an office signed it? The signature is checked by pyHanko against the
configured trust roots: intact (the signed bytes hash to what was signed), made by a certificate
that chains to a root, and covering the whole file (nothing appended after signing)."""

from __future__ import annotations

import hashlib
import io
import logging
from datetime import datetime
from typing import Literal

import msgspec
from asn1crypto import pem
from asn1crypto import x509 as asn1_x509
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

Reason = Literal["not-a-pdf", "unsigned", "altered", "untrusted", "invalid-signature"]

log = logging.getLogger("motcua.documents")
# pyHanko logs a traceback for every signature it finds wanting; a forged upload is an answer here, not an error
for _name in ("pyhanko", "pyhanko_certvalidator"):
    logging.getLogger(_name).setLevel(logging.CRITICAL)


class Verdict(msgspec.Struct, frozen=True, kw_only=True):
    valid: bool
    sha256: str
    reason: Reason | None = None
    signed_by: str | None = None
    signed_at: datetime | None = None


def trust_roots(pem_bundle: bytes) -> list[asn1_x509.Certificate]:
    """The certificates of a PEM bundle (one or more CERTIFICATE blocks); none for an empty one."""
    if not pem_bundle.strip():
        return []
    return [asn1_x509.Certificate.load(der) for _, _, der in pem.unarmor(pem_bundle, multiple=True)]


def verify_pdf(data: bytes, roots: list[asn1_x509.Certificate]) -> Verdict:
    digest = hashlib.sha256(data).hexdigest()
    try:
        signatures = PdfFileReader(io.BytesIO(data), strict=False).embedded_signatures
    except Exception as exc:  # an upload is anything: pyHanko's reader raises many kinds on what is no PDF
        log.info("an uploaded file is not a readable PDF: %r", exc)
        return Verdict(valid=False, sha256=digest, reason="not-a-pdf")
    if not signatures:
        return Verdict(valid=False, sha256=digest, reason="unsigned")
    signature = signatures[-1]
    try:
        status = validate_pdf_signature(signature, ValidationContext(trust_roots=roots, allow_fetching=False))
    except Exception as exc:  # a signature dictionary can be malformed in as many ways
        log.info("a signature could not be validated: %r", exc)
        return Verdict(valid=False, sha256=digest, reason="invalid-signature")
    certificate = status.signing_cert
    signed_by = str(certificate.subject.native.get("common_name", certificate.subject.human_friendly))
    signed_at = status.signer_reported_dt
    if not status.intact or status.coverage is not SignatureCoverageLevel.ENTIRE_FILE:
        reason: Reason | None = "altered"
    elif not status.valid:
        reason = "invalid-signature"
    elif not status.trusted:
        reason = "untrusted"
    else:
        reason = None
    return Verdict(valid=reason is None, sha256=digest, reason=reason, signed_by=signed_by, signed_at=signed_at)


def chain_pem(p12: bytes, password: bytes) -> bytes:
    """The certificates a PKCS#12 carries besides its own (its CA chain), as PEM: the roots its
    signatures are checked against."""
    from cryptography.hazmat.primitives.serialization import Encoding, pkcs12

    _, _, chain = pkcs12.load_key_and_certificates(p12, password or None)
    return b"".join(certificate.public_bytes(Encoding.PEM) for certificate in chain)
