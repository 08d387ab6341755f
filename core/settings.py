"""Settings come from environment variables, read once at start-up and passed down."""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from pathlib import Path

import msgspec


class Settings(msgspec.Struct, frozen=True, kw_only=True):
    database_url: str | None = None  # None: an embedded PostgreSQL under data_dir
    redis_url: str | None = None  # None: an embedded Redis under data_dir
    data_dir: str = ".data"
    storage_dir: str = ".data/files"
    public_base_url: str = "http://127.0.0.1:8000"
    jwt_secret: str = ""
    access_token_ttl: int = 900
    refresh_token_ttl: int = 30 * 24 * 3600
    otp_ttl: int = 300
    otp_resend_after: int = 60
    otp_max_attempts: int = 5
    rate_limits: bool = True
    track_rate_per_minute: int = 30
    # anonymous assistant messages; phones behind a carrier's NAT share an address, so it is looser
    assistant_rate_per_minute_ip: int = 60
    assistant_rate_per_minute_session: int = 20
    # a signed-in caller is one person: a citizen typing fast sends a few a minute, a script hundreds
    assistant_rate_per_minute_user: int = 30
    inprocess_worker: bool = True
    outbox_lease_seconds: int = 15  # a claimed outbox row is a dead worker's this long after its last renewal
    onestop_webhook_secret: str = ""
    bank_webhook_secret: str = ""
    webhook_tolerance_seconds: int = 300
    payment_ttl: int = 1800
    collection_bank_bin: str = "970436"
    collection_account_number: str = "0011000123456"
    collection_account_name: str = "KHO BAC NHA NUOC TP HO CHI MINH"
    vnpay_tmn_code: str = ""
    vnpay_hash_secret: str = ""
    vnpay_pay_url: str = "https://sandbox.vnpayment.vn/paymentv2/vpcpay.html"
    vnpay_api_url: str = "https://sandbox.vnpayment.vn/merchant_webapi/api/transaction"
    vnpay_return_url: str = ""  # empty: <public base>/api/v1/payments/vnpay/return
    firebase_credentials: str = ""  # a service-account JSON path, or "anonymous" for a local FCM stand-in
    firebase_project_id: str = ""
    fcm_base_url: str = ""  # empty: Google's FCM endpoint
    max_file_bytes: int = 10 * 1024 * 1024
    max_dossier_bytes: int = 50 * 1024 * 1024
    province_code: str = "79"
    default_commune_office: str = ""  # empty: the first commune office of the province
    same_day_cutoff: str = "15:00"
    messenger_verify_token: str = ""  # empty: the webhook verification GET is refused
    messenger_app_secret: str = ""  # empty: every Messenger event is refused (401)
    messenger_page_token: str = ""
    graph_api_base: str = "https://graph.facebook.com/v21.0"
    zalo_app_id: str = ""
    zalo_oa_secret: str = ""  # the OA Secret Key of the webhook settings (signs events); empty: events refused
    zalo_app_secret: str = ""  # the app's secret_key (refreshes OA tokens)
    zalo_access_token: str = ""  # the first token pair; later pairs are kept in the database
    zalo_refresh_token: str = ""
    zalo_api_base: str = "https://openapi.zalo.me"
    zalo_oauth_base: str = "https://oauth.zaloapp.com"
    working_hours: str = "07:30-11:30,13:30-17:00"  # office hours of working days, for hour-counted deadlines
    reception_hours: int = 8  # working hours to receive an online dossier or send it back (Nghị định 45/2020)
    reception_warning_minutes: int = 60  # working minutes before that deadline when officers are warned
    # deadlines missed longer ago than this, never announced (first deploy, a worker down for days),
    # reach each office as one digest rather than one alert per dossier
    deadline_alert_days: int = 3
    hotline: str = "1900 0000"  # the one-stop shop's hotline, given when a citizen asks for a person
    # comma-separated office codes whose officers, with every admin, are alerted of hand-offs no office
    # could be chosen for (the province-wide queue)
    handoff_queue_offices: str = ""
    log_level: str = "INFO"

    @property
    def handoff_queue_office_codes(self) -> tuple[str, ...]:
        return tuple(code for part in self.handoff_queue_offices.split(",") if (code := part.strip()))

    @property
    def embedded_postgres(self) -> bool:
        return self.database_url is None

    @property
    def embedded_redis(self) -> bool:
        return self.redis_url is None


def _bool(value: str) -> bool:
    return value.strip().lower() not in {"0", "false", "no", "off", ""}


_INT_FIELDS = {
    "access_token_ttl",
    "refresh_token_ttl",
    "otp_ttl",
    "otp_resend_after",
    "otp_max_attempts",
    "track_rate_per_minute",
    "assistant_rate_per_minute_ip",
    "assistant_rate_per_minute_session",
    "assistant_rate_per_minute_user",
    "webhook_tolerance_seconds",
    "max_file_bytes",
    "max_dossier_bytes",
    "payment_ttl",
    "outbox_lease_seconds",
    "reception_hours",
    "reception_warning_minutes",
    "deadline_alert_days",
}
_ENV_NAMES = {
    "database_url": "DATABASE_URL",
    "redis_url": "REDIS_URL",
}


def env_name(field: str) -> str:
    return _ENV_NAMES.get(field, "MOTCUA_" + field.upper())


def from_env(environ: Mapping[str, str] | None = None) -> Settings:
    """Build Settings from the environment; unknown values keep their defaults."""
    env = os.environ if environ is None else environ
    values: dict[str, object] = {}
    for field in Settings.__struct_fields__:
        raw = env.get(env_name(field))
        if raw is None or raw == "":
            continue
        if field in _INT_FIELDS:
            values[field] = int(raw)
        elif field in {"rate_limits", "inprocess_worker"}:
            values[field] = _bool(raw)
        else:
            values[field] = raw
    if "storage_dir" not in values and "data_dir" in values:
        values["storage_dir"] = str(Path(str(values["data_dir"])) / "files")
    settings = Settings(**values)  # type: ignore[arg-type]
    if settings.jwt_secret and len(settings.jwt_secret.encode()) < 32:
        raise ValueError("MOTCUA_JWT_SECRET must be at least 32 bytes (RFC 7518 §3.2)")
    if not settings.jwt_secret:
        settings = msgspec.structs.replace(settings, jwt_secret=_local_secret(Path(settings.data_dir)))
    return settings


def _local_secret(data_dir: Path) -> str:
    """Without MOTCUA_JWT_SECRET, every process on this checkout shares one random secret on disk,
    so `motcua token` mints tokens that `motcua serve` accepts."""
    path = data_dir / "jwt_secret"
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        data_dir.mkdir(parents=True, exist_ok=True)
        secret = secrets.token_urlsafe(48)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secret)
        return secret
    except OSError:
        return secrets.token_urlsafe(48)
