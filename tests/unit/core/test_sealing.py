"""Sealing identity numbers: AES-GCM bound to its context, key ids, keyed lookup hashes, the data key setting."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest

from core.checks import development_values
from core.sealing import DataKey, DataKeys, SealError
from core.settings import from_env

KEY = base64.b64encode(bytes(range(32))).decode()
OTHER = base64.b64encode(bytes(range(1, 33))).decode()


def test_a_sealed_value_opens_in_its_context_only() -> None:
    keys = DataKeys.from_text(KEY)
    sealed = keys.seal("079190001234", "dossiers/a/applicant.identity_number")
    assert "079190001234" not in sealed
    assert sealed.startswith(keys.current.key_id + ":")
    assert keys.open(sealed, "dossiers/a/applicant.identity_number") == "079190001234"
    with pytest.raises(SealError):
        keys.open(sealed, "dossiers/b/applicant.identity_number")  # moved onto another row
    with pytest.raises(SealError):
        keys.open(sealed, "dossiers/a/form.partner_identity_number")  # moved into another field


def test_each_seal_is_fresh_and_an_altered_one_does_not_open() -> None:
    keys = DataKeys.from_text(KEY)
    first, second = keys.seal("079190001234", "c"), keys.seal("079190001234", "c")
    assert first != second  # a random nonce each time: equal numbers do not show as equal
    key_id, _, body = first.partition(":")
    raw = bytearray(base64.urlsafe_b64decode(body))
    raw[-1] ^= 1
    with pytest.raises(SealError):
        keys.open(f"{key_id}:{base64.urlsafe_b64encode(bytes(raw)).decode()}", "c")
    with pytest.raises(SealError):
        keys.open("not-a-sealed-value", "c")


def test_values_open_with_the_key_that_sealed_them() -> None:
    old = DataKeys.from_text(OTHER)
    sealed = old.seal("079190001234", "c")
    new = DataKeys.from_text(KEY)
    assert new.current.key_id != old.current.key_id
    with pytest.raises(SealError, match="not configured"):
        new.open(sealed, "c")
    rotated = DataKeys(new.current, {old.current.key_id: old.current})
    assert rotated.open(sealed, "c") == "079190001234"
    assert rotated.seal("x", "c").startswith(new.current.key_id + ":")


def test_lookup_hashes_are_keyed_and_stable() -> None:
    keys = DataKeys.from_text(KEY)
    assert keys.lookup_hash("079190001234") == DataKeys.from_text(KEY).lookup_hash("079190001234")
    assert keys.lookup_hash("079190001234") != keys.lookup_hash("079190001235")
    assert keys.lookup_hash("079190001234") != DataKeys.from_text(OTHER).lookup_hash("079190001234")
    assert len(keys.lookup_hash("079190001234")) == 32


def test_a_data_key_has_32_bytes() -> None:
    with pytest.raises(ValueError, match="32 bytes"):
        DataKey(b"short")
    with pytest.raises(ValueError, match="no data key"):
        DataKeys.from_text("")


def test_development_generates_one_data_key_and_keeps_it(tmp_path: Path) -> None:
    env = {"MOTCUA_JWT_SECRET": "k" * 32, "MOTCUA_DATA_DIR": str(tmp_path)}
    first = from_env(env).data_key
    assert len(base64.b64decode(first)) == 32
    assert (tmp_path / "data_key").read_text() == first
    assert (tmp_path / "data_key").stat().st_mode & 0o077 == 0
    assert from_env(env).data_key == first  # every process of this checkout opens what another sealed


def test_production_refuses_a_missing_or_malformed_data_key(tmp_path: Path) -> None:
    env = {"MOTCUA_JWT_SECRET": "k" * 32, "MOTCUA_DATA_DIR": str(tmp_path), "MOTCUA_ENV": "production"}
    missing = from_env(env)
    assert not (tmp_path / "data_key").exists()  # never generated where data must outlive the machine
    assert "MOTCUA_DATA_KEY" in [finding.setting for finding in development_values(missing)]  # refused at start
    with pytest.raises(ValueError, match="32 bytes"):
        from_env({**env, "MOTCUA_DATA_KEY": base64.b64encode(b"x" * 16).decode()})
    with pytest.raises(ValueError, match="32 bytes"):
        from_env({**env, "MOTCUA_DATA_KEY": "not base64!"})
    assert from_env({**env, "MOTCUA_DATA_KEY": KEY}).data_key == KEY
