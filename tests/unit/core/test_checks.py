"""What `motcua check` calls a development value."""

from pathlib import Path

import msgspec

from core.checks import CHECKS, Finding, development_values
from core.settings import Settings, from_env

PRODUCTION = {
    "MOTCUA_ENV": "production",
    "MOTCUA_DATA_KEY": "A" * 43 + "=",
    "DATABASE_URL": "postgresql://motcua@db.example.vn/motcua",
    "REDIS_URL": "redis://cache.example.vn:6379/0",
    "MOTCUA_JWT_SECRET": "s" * 48,
    "MOTCUA_BANK_WEBHOOK_SECRET": "bank-secret",
    "MOTCUA_ONESTOP_WEBHOOK_SECRET": "onestop-secret",
    "MOTCUA_COLLECTION_ACCOUNT_NUMBER": "0071001234567",
    "MOTCUA_COLLECTION_ACCOUNT_NAME": "KHO BAC NHA NUOC TINH BAC NINH",
    "MOTCUA_HOTLINE": "0222 3822 123",
    "MOTCUA_PUBLIC_BASE_URL": "https://dichvucong.bacninh.example.vn",
    "MOTCUA_FIREBASE_CREDENTIALS": "/etc/motcua/firebase.json",
    "MOTCUA_SMS_PROVIDER": "esms",
    "MOTCUA_SIGNING_P12": "/etc/motcua/office.p12",
}


def _names(findings: list[Finding]) -> list[str]:
    return [f.check for f in findings]


def test_a_laptop_s_settings_are_all_development_values(tmp_path: Path) -> None:
    settings = from_env({"MOTCUA_DATA_DIR": str(tmp_path)})
    assert settings.generated == {"jwt_secret", "bank_webhook_secret", "data_key"}
    assert _names(development_values(settings)) == [
        "sms-sender",
        "jwt-secret",
        "bank-webhook-secret",
        "onestop-webhook-secret",
        "signing-certificate",
        "data-key",
        "sample-bank-account",
        "placeholder-hotline",
        "public-base-url",
        "push-sender",
        "embedded-database",
        "embedded-redis",
    ]
    assert not settings.production


def test_production_settings_pass(tmp_path: Path) -> None:
    settings = from_env({**PRODUCTION, "MOTCUA_DATA_DIR": str(tmp_path)})
    assert settings.production
    # the SMS sender is another part's setting: with it in Settings, "esms" passes; without, the
    # logging sender is all there is
    expected = [] if hasattr(settings, "sms_provider") else ["sms-sender"]
    assert _names(development_values(settings)) == expected


def test_each_check_names_the_setting_to_change(tmp_path: Path) -> None:
    settings = from_env({**PRODUCTION, "MOTCUA_DATA_DIR": str(tmp_path)})
    changed = {
        "jwt-secret": {"MOTCUA_JWT_SECRET": ""},
        "bank-webhook-secret": {"MOTCUA_BANK_WEBHOOK_SECRET": ""},
        "onestop-webhook-secret": {"MOTCUA_ONESTOP_WEBHOOK_SECRET": ""},
        "sample-bank-account": {"MOTCUA_COLLECTION_ACCOUNT_NUMBER": ""},
        "placeholder-hotline": {"MOTCUA_HOTLINE": ""},
        "public-base-url": {"MOTCUA_PUBLIC_BASE_URL": "http://localhost:8000"},
        "push-sender": {"MOTCUA_FIREBASE_CREDENTIALS": "anonymous"},
        "vnpay-sandbox": {"MOTCUA_VNPAY_TMN_CODE": "MOTCUA01", "MOTCUA_VNPAY_HASH_SECRET": "x"},
        "embedded-database": {"DATABASE_URL": ""},
        "embedded-redis": {"REDIS_URL": ""},
        "rate-limits-off": {"MOTCUA_RATE_LIMITS": "off"},
        "oidc-provider": {"MOTCUA_OIDC_ISSUER": "http://vneid.example", "MOTCUA_OIDC_CLIENT_ID": "app"},
    }
    for name, env in changed.items():
        found = [f for f in development_values(from_env({**PRODUCTION, **env, "MOTCUA_DATA_DIR": str(tmp_path)}))]
        assert name in _names(found), name
        finding = next(f for f in found if f.check == name)
        assert finding.setting.startswith(("MOTCUA_", "DATABASE_URL", "REDIS_URL"))
    assert len(changed) + 3 == len(CHECKS)  # + the SMS sender, the signing certificate, the data key
    assert development_values(settings, ()) == []


def test_settings_another_part_adds_are_checked_once_they_exist() -> None:
    class WithSigning(Settings, frozen=True, kw_only=True):
        signing_p12: str = ""
        data_key: str = ""

    bare = msgspec.convert(msgspec.to_builtins(Settings()), WithSigning)
    assert {"signing-certificate", "data-key"} <= set(_names(development_values(bare)))
    signed = msgspec.structs.replace(bare, signing_p12="/etc/motcua/office.p12", data_key="k")
    assert not {"signing-certificate", "data-key"} & set(_names(development_values(signed)))


def test_vneid_needs_tls_and_its_client_credentials_once_set(tmp_path: Path) -> None:
    def findings(**env: str) -> list[str]:
        return _names(development_values(from_env({**PRODUCTION, **env, "MOTCUA_DATA_DIR": str(tmp_path)})))

    assert "oidc-provider" not in findings()  # not set up: phone sign-in only
    assert "oidc-provider" in findings(MOTCUA_OIDC_ISSUER="https://vneid.example")  # no credentials
    complete = {"MOTCUA_OIDC_CLIENT_ID": "app", "MOTCUA_OIDC_CLIENT_SECRET": "s"}
    assert "oidc-provider" in findings(MOTCUA_OIDC_ISSUER="http://vneid.example", **complete)
    assert "oidc-provider" not in findings(MOTCUA_OIDC_ISSUER="https://vneid.example", **complete)
