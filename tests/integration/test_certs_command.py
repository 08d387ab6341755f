"""`motcua certs dev` makes a development CA and an office certificate that say what they are, and a
deployment configured with them signs results that verify against that CA."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import msgspec

from api.dossiers.signing_keys import ResultSigning
from core.settings import Settings
from documents.paper import Paper
from documents.signing import SigningKey, sign_result
from documents.verification import trust_roots, verify_pdf
from tests.integration.commands import motcua


def test_development_certificates_say_so_and_sign_what_verifies(settings: Settings, tmp_path: Path) -> None:
    out = tmp_path / "certs"
    made = motcua(settings, "certs", "dev", "--office", "UBND phường Bến Thành", "--out", str(out))
    assert made.returncode == 0, made.stderr
    assert "FOR DEVELOPMENT ONLY" in made.stdout
    configured = msgspec.structs.replace(
        settings,
        sign_results=True,
        signing_p12=str(out / "office.p12"),
        signing_p12_password=(out / "office.pass").read_text(),
        signing_trust_roots=str(out / "ca.pem"),
    )
    signing = ResultSigning.from_settings(configured)
    assert signing is not None
    p12, password = signing.key_for("any office", "any name")  # the deployment's certificate signs for all
    paper = Paper(title="Kết quả", subject="thử", created=datetime(2026, 12, 1, tzinfo=UTC))
    paper.line("Kết quả", "thử")
    signed = sign_result(
        paper.bytes(),
        SigningKey(p12=p12, password=password),
        verify_url="https://x/v/1",
        reason="thử",
        now=datetime.now(UTC),
    )
    verdict = verify_pdf(signed.pdf, trust_roots(signing.roots()))
    assert verdict.valid, verdict.reason
    assert verdict.signed_by == "UBND phường Bến Thành"
