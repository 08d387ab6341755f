"""Settings of sign-in and the SMS gateway: which ones a server refuses to start with."""

from __future__ import annotations

import pytest

from core.checks import development_values
from core.settings import Settings, from_env, start_refusals

SECRET = {"MOTCUA_JWT_SECRET": "k" * 32}
ESMS = {
    "MOTCUA_SMS_PROVIDER": "esms",
    "MOTCUA_ESMS_API_KEY": "key",
    "MOTCUA_ESMS_SECRET_KEY": "secret",
    "MOTCUA_ESMS_BRANDNAME": "MOTCUA",
}


def test_the_defaults_are_a_developers_machine() -> None:
    settings = from_env(SECRET)
    assert (settings.env, settings.sms_provider, settings.esms_base_url) == (
        "development",
        "log",
        "https://rest.esms.vn",
    )
    assert settings.otp_resend_seconds == 60
    assert (settings.otp_sends_per_phone_hour, settings.otp_sends_per_phone_day) == (5, 10)
    assert settings.otp_sends_per_address_hour == 20
    assert (settings.otp_max_attempts, settings.otp_max_failures_per_phone) == (5, 10)
    assert start_refusals(settings) == []  # the logging sender is fine outside production


def test_production_refuses_the_logging_sender() -> None:
    settings = from_env({**SECRET, "MOTCUA_ENV": "production"})
    assert "MOTCUA_SMS_PROVIDER" in [finding.setting for finding in development_values(settings)]


def test_production_with_esms_starts() -> None:
    settings = from_env({**SECRET, **ESMS, "MOTCUA_ENV": "Production"})
    assert settings.production
    assert start_refusals(settings) == []
    assert "MOTCUA_SMS_PROVIDER" not in [finding.setting for finding in development_values(settings)]


def test_esms_needs_its_credentials_everywhere() -> None:
    settings = from_env({**SECRET, **ESMS, "MOTCUA_ESMS_SECRET_KEY": "", "MOTCUA_ESMS_BRANDNAME": " "})
    assert start_refusals(settings) == ["MOTCUA_SMS_PROVIDER=esms needs MOTCUA_ESMS_SECRET_KEY, MOTCUA_ESMS_BRANDNAME"]


@pytest.mark.parametrize(("name", "value"), [("MOTCUA_ENV", "prod"), ("MOTCUA_SMS_PROVIDER", "twilio")])
def test_an_unknown_choice_is_refused(name: str, value: str) -> None:
    with pytest.raises(ValueError, match=name):
        from_env({**SECRET, name: value})


def test_the_resend_wait_is_read_under_its_former_name_too() -> None:
    assert from_env({**SECRET, "MOTCUA_OTP_RESEND_AFTER": "90"}).otp_resend_seconds == 90
    both = {**SECRET, "MOTCUA_OTP_RESEND_AFTER": "90", "MOTCUA_OTP_RESEND_SECONDS": "30"}
    assert from_env(both).otp_resend_seconds == 30


def test_a_typo_in_trusted_proxies_fails_at_start() -> None:
    with pytest.raises(ValueError, match="MOTCUA_TRUSTED_PROXIES"):
        from_env({**SECRET, "MOTCUA_TRUSTED_PROXIES": "10.0.0.0/8, 10.0.0.300"})
    assert from_env({**SECRET, "MOTCUA_TRUSTED_PROXIES": "10.0.0.0/8"}).trusted_proxies == "10.0.0.0/8"


def test_settings_built_in_code_keep_working() -> None:
    assert Settings().sms_timeout_seconds > 0
