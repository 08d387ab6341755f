"""Personal data sealed at rest: AES-256-GCM under the data key (MOTCUA_DATA_KEY), and a keyed hash to
find a sealed value again without opening every row.

A sealed value is the text `<key id>:<base64url of nonce + ciphertext + tag>`. The key id names the key
that sealed it, so a new key can be introduced later: values are opened with the key they name and
sealed with the current one. The caller's context (which row, which field) is the associated data: a
sealed value copied onto another row, or into another field, does not open.

Lookup hashes are HMAC-SHA256 under a key derived from the current data key (HKDF), so a dump holds
neither the numbers nor anything that can be checked against a guessed number without the key. A new
data key means new hashes: re-sealing rows recomputes them."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
from collections.abc import Mapping

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from core.settings import KEY_BYTES, decode_data_key

_NONCE_BYTES = 12  # 96-bit random nonces: fine for far more than 2^32 seals under one key (NIST SP 800-38D)


class SealError(Exception):
    """A sealed value that does not open: another row's, altered, or sealed under a key not configured."""


def _derive(key: bytes, purpose: bytes, length: int) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=length, salt=None, info=b"motcua " + purpose).derive(key)


class DataKey:
    """One data key: its AEAD, its id and the key of its lookup hashes."""

    def __init__(self, raw: bytes) -> None:
        if len(raw) != KEY_BYTES:
            raise ValueError(f"a data key has {KEY_BYTES} bytes")
        self.key_id = _derive(raw, b"key id", 4).hex()
        self.aead = AESGCM(raw)
        self.lookup_key = _derive(raw, b"lookup hash", 32)


class DataKeys:
    """The current key (seals, hashes) and any older ones still needed to open what they sealed."""

    def __init__(self, current: DataKey, older: Mapping[str, DataKey] | None = None) -> None:
        self.current = current
        self._by_id = {**(older or {}), current.key_id: current}

    @classmethod
    def from_text(cls, text: str) -> DataKeys:
        if not text:
            raise ValueError("no data key: set MOTCUA_DATA_KEY (32 bytes in base64)")
        return cls(DataKey(decode_data_key(text)))

    def seal(self, value: str, context: str) -> str:
        nonce = os.urandom(_NONCE_BYTES)
        sealed = self.current.aead.encrypt(nonce, value.encode(), context.encode())
        return f"{self.current.key_id}:{base64.urlsafe_b64encode(nonce + sealed).decode()}"

    def open(self, sealed: str, context: str) -> str:
        key_id, _, body = sealed.partition(":")
        key = self._by_id.get(key_id)
        if key is None:
            raise SealError(f"sealed under key {key_id!r}, which is not configured")
        try:
            raw = base64.urlsafe_b64decode(body)
            return key.aead.decrypt(raw[:_NONCE_BYTES], raw[_NONCE_BYTES:], context.encode()).decode()
        except (InvalidTag, binascii.Error, ValueError) as exc:
            raise SealError("sealed value does not open in this context") from exc

    def lookup_hash(self, value: str) -> bytes:
        return hmac.new(self.current.lookup_key, value.encode(), hashlib.sha256).digest()
