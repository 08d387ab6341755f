"""Settings still at a development value: what `motcua check` lists, and what `serve` and `worker`
refuse to start with when MOTCUA_ENV=production.

A check is a function of the settings that names what is wrong, or returns None; add one to
CHECKS. Checks of settings another part of the system may not have read `getattr` with a value
that passes, so a check never fails for a setting that does not exist."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from core.settings import Settings, env_name

_DEFAULTS = Settings()


@dataclass(frozen=True)
class Finding:
    check: str  # a short name: "jwt-secret"
    setting: str  # the environment variable to set: "MOTCUA_JWT_SECRET"
    problem: str  # what happens with the value in use


Check = Callable[[Settings], Finding | None]


def _finding(check: str, field: str, problem: str) -> Finding:
    return Finding(check, env_name(field), problem)


def sms_sender(s: Settings) -> Finding | None:
    if getattr(s, "sms_provider", "log") == "log":
        return _finding("sms-sender", "sms_provider", "one-time sign-in codes are written to the log, not sent by SMS")
    return None


def jwt_secret(s: Settings) -> Finding | None:
    if "jwt_secret" in s.generated:
        return _finding("jwt-secret", "jwt_secret", f"tokens are signed with a secret generated in {s.data_dir}")
    return None


def bank_webhook_secret(s: Settings) -> Finding | None:
    if not s.bank_webhook_secret or "bank_webhook_secret" in s.generated:
        return _finding(
            "bank-webhook-secret",
            "bank_webhook_secret",
            "the collecting bank's notifications are checked against a secret it does not have",
        )
    return None


def onestop_webhook_secret(s: Settings) -> Finding | None:
    if not s.onestop_webhook_secret:
        return _finding("onestop-webhook-secret", "onestop_webhook_secret", "the one-stop system's events are refused")
    return None


def signing_certificate(s: Settings) -> Finding | None:
    if not s.signing_p12:
        return _finding("signing-certificate", "signing_p12", "results are signed with a locally generated certificate")
    return None


def oidc_provider(s: Settings) -> Finding | None:
    issuer = getattr(s, "oidc_issuer", "")
    if issuer and not issuer.startswith("https://"):
        return _finding("oidc-provider", "oidc_issuer", f"sign-in with VNeID trusts {issuer} over plain HTTP")
    if issuer and not (s.oidc_client_id and s.oidc_client_secret):
        return _finding("oidc-provider", "oidc_client_secret", "sign-in with VNeID has no client credentials")
    return None


def data_key(s: Settings) -> Finding | None:
    if "data_key" in s.generated:
        return _finding("data-key", "data_key", f"identity numbers are encrypted with a key generated in {s.data_dir}")
    if not s.data_key:
        # a key generated on one machine seals what no other machine (nor a restored backup) can open
        return _finding("data-key", "data_key", "no key to seal identity numbers with (32 bytes in base64)")
    return None


def sample_bank_account(s: Settings) -> Finding | None:
    if s.collection_account_number == _DEFAULTS.collection_account_number:
        return _finding(
            "sample-bank-account",
            "collection_account_number",
            "VietQR codes of offices without their own account name a sample treasury account",
        )
    return None


def placeholder_hotline(s: Settings) -> Finding | None:
    if s.hotline == _DEFAULTS.hotline:
        return _finding("placeholder-hotline", "hotline", f"citizens are told to call the placeholder {s.hotline}")
    return None


def public_base_url(s: Settings) -> Finding | None:
    host = urlsplit(s.public_base_url).hostname or ""
    if host in {"127.0.0.1", "localhost", "::1", "0.0.0.0"}:  # noqa: S104 (a value we refuse, not a bind)
        return _finding(
            "public-base-url", "public_base_url", f"receipts and QR codes point at {s.public_base_url}, this machine"
        )
    return None


def push_sender(s: Settings) -> Finding | None:
    if s.firebase_credentials in {"", "anonymous"}:
        return _finding("push-sender", "firebase_credentials", "pushes go to the log (or a local stand-in), not to FCM")
    return None


def vnpay_sandbox(s: Settings) -> Finding | None:
    if s.vnpay_tmn_code and "sandbox" in s.vnpay_pay_url:
        return _finding("vnpay-sandbox", "vnpay_pay_url", "card payers are sent to VNPay's sandbox")
    return None


def embedded_database(s: Settings) -> Finding | None:
    if s.embedded_postgres:
        return _finding("embedded-database", "database_url", f"data lives in an embedded PostgreSQL under {s.data_dir}")
    return None


def embedded_redis(s: Settings) -> Finding | None:
    if s.embedded_redis:
        return _finding("embedded-redis", "redis_url", "an embedded Redis, which other hosts cannot share")
    return None


def rate_limits(s: Settings) -> Finding | None:
    if not s.rate_limits:
        return _finding("rate-limits-off", "rate_limits", "every rate limit is off (load tests only)")
    return None


CHECKS: tuple[Check, ...] = (
    sms_sender,
    jwt_secret,
    bank_webhook_secret,
    onestop_webhook_secret,
    signing_certificate,
    oidc_provider,
    data_key,
    sample_bank_account,
    placeholder_hotline,
    public_base_url,
    push_sender,
    vnpay_sandbox,
    embedded_database,
    embedded_redis,
    rate_limits,
)


def development_values(settings: Settings, checks: tuple[Check, ...] = CHECKS) -> list[Finding]:
    return [finding for check in checks if (finding := check(settings)) is not None]
