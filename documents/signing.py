"""Signing a result as its office: a PAdES approval signature over the whole file (pyHanko), the
office's name in the certificate, and a visible stamp on the first page with the QR of the page where
anyone can verify it."""

from __future__ import annotations

import io
import tempfile
from datetime import datetime
from pathlib import Path

import msgspec
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers
from pyhanko.stamp import StaticStampStyle

from documents.stamp import stamp_pdf

FIELD = "KetQuaGiaiQuyet"
# bottom left of the first page, in PDF points; a result's own text rarely reaches that low
STAMP_BOX = (36, 24, 336, 112)


class SigningKey(msgspec.Struct, frozen=True):
    p12: bytes
    password: bytes


class Signed(msgspec.Struct, frozen=True):
    pdf: bytes
    signed_by: str
    signed_at: datetime


def _signer(key: SigningKey) -> signers.SimpleSigner:
    signer: signers.SimpleSigner | None = signers.SimpleSigner.load_pkcs12_data(
        key.p12, other_certs=[], passphrase=key.password or None
    )
    if signer is None or signer.signing_cert is None:
        raise ValueError("the PKCS#12 file could not be read with this password")
    return signer


def _name_of(signer: signers.SimpleSigner) -> str:
    """The common name of the certificate: who a verifier will say signed."""
    subject = signer.signing_cert.subject  # type: ignore[union-attr]  # _signer refused a signer without one
    return str(subject.native.get("common_name", subject.human_friendly))


def signer_name(key: SigningKey) -> str:
    return _name_of(_signer(key))


def sign_result(pdf: bytes, key: SigningKey, *, verify_url: str, reason: str, now: datetime) -> Signed:
    """`pdf` signed by the office holding `key`. CPU-bound (tens of ms): call it off the event loop."""
    signer = _signer(key)
    name = _name_of(signer)
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    fields.append_signature_field(writer, fields.SigFieldSpec(sig_field_name=FIELD, on_page=0, box=STAMP_BOX))
    metadata = signers.PdfSignatureMetadata(
        field_name=FIELD,
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
        name=name,
        reason=reason,
        location="Việt Nam",
    )
    x1, y1, x2, y2 = STAMP_BOX
    appearance = stamp_pdf(signed_by=name, signed_at=now, verify_url=verify_url, width_pt=x2 - x1, height_pt=y2 - y1)
    out = io.BytesIO()
    # pyHanko imports an appearance page from a file by name
    with tempfile.TemporaryDirectory() as folder:
        page = Path(folder) / "stamp.pdf"
        page.write_bytes(appearance)
        style = StaticStampStyle.from_pdf_file(str(page), border_width=0)
        signers.PdfSigner(metadata, signer=signer, stamp_style=style).sign_pdf(writer, output=out)
    return Signed(pdf=out.getvalue(), signed_by=name, signed_at=now)
