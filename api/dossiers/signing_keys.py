"""The keys results are signed with and the roots their signatures are checked against, from settings:
the deployment's PKCS#12 (MOTCUA_SIGNING_P12), or outside production a development CA under the data
directory that issues each office a certificate in its own name on first use."""

from __future__ import annotations

import secrets
import threading
from datetime import UTC, datetime
from pathlib import Path

from core.settings import Settings


def verification_url(public_base_url: str, code: str, key: str) -> str:
    return f"{public_base_url.rstrip('/')}/v/{code}?key={key}"


class ResultSigning:
    """The keys results are signed with and the roots a signature is checked against. `p12` signs for
    every office (a deployment's certificate); without it, `dev_dir` holds a development CA that issues
    each office a certificate in its own name on first use. (A plain class: the application context holds
    it, and the framework reads a dataclass's fields as types it must encode.)"""

    def __init__(
        self, *, p12: bytes | None = None, password: bytes = b"", roots_pem: bytes = b"", dev_dir: Path | None = None
    ) -> None:
        self.p12, self.password, self.roots_pem, self.dev_dir = p12, password, roots_pem, dev_dir
        self._lock = threading.Lock()
        self._issued: dict[str, tuple[bytes, bytes]] = {}  # development keys by office, read from disk once

    @classmethod
    def from_settings(cls, settings: Settings) -> ResultSigning | None:
        if not settings.sign_results:
            return None
        if settings.signing_p12:
            from documents.verification import chain_pem

            p12 = Path(settings.signing_p12).read_bytes()
            password = settings.signing_p12_password.encode()
            extra = Path(settings.signing_trust_roots).read_bytes() if settings.signing_trust_roots else b""
            return cls(p12=p12, password=password, roots_pem=chain_pem(p12, password) + extra)
        if settings.env == "production":
            return None  # nothing is signed until the office's certificate is configured
        return cls(dev_dir=Path(settings.data_dir) / "signing")

    def key_for(self, office_code: str, office_name: str) -> tuple[bytes, bytes]:
        """(PKCS#12, password) to sign for the office; blocking (files, key generation): call off the loop."""
        if self.p12 is not None:
            return self.p12, self.password
        assert self.dev_dir is not None
        from documents.devcerts import DevelopmentCa, development_ca, office_keys

        with self._lock:
            if office_code in self._issued:
                return self._issued[office_code]
            self.dev_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
            ca_key, ca_cert = self.dev_dir / "ca-key.pem", self.dev_dir / "ca.pem"
            if not ca_cert.exists():
                made = development_ca(datetime.now(UTC))
                ca_key.write_bytes(made.key_pem)
                ca_cert.write_bytes(made.cert_pem)
            authority = DevelopmentCa(key_pem=ca_key.read_bytes(), cert_pem=ca_cert.read_bytes())
            office_file, password_file = self.dev_dir / f"{office_code}.p12", self.dev_dir / f"{office_code}.pass"
            if not office_file.exists():
                password = secrets.token_urlsafe(16).encode()
                made_keys = office_keys(authority, office_name, datetime.now(UTC), password)
                password_file.write_bytes(password)
                office_file.write_bytes(made_keys.p12)
            self.roots_pem = authority.cert_pem
            self._issued[office_code] = (office_file.read_bytes(), password_file.read_bytes())
            return self._issued[office_code]

    def roots(self) -> bytes:
        if self.dev_dir is not None and not self.roots_pem and (self.dev_dir / "ca.pem").exists():
            self.roots_pem = (self.dev_dir / "ca.pem").read_bytes()
        return self.roots_pem
