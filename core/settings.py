"""Settings come from environment variables, read once at start-up and passed down."""

from __future__ import annotations

import base64
import binascii
import ipaddress
import os
import secrets
from collections.abc import Callable, Mapping
from pathlib import Path

import msgspec

from core.provinces import province_code as read_province

KEY_BYTES = 32  # of MOTCUA_DATA_KEY (AES-256)


class Settings(msgspec.Struct, frozen=True, kw_only=True):
    env: str = "development"  # "production" refuses development values (`motcua check`)
    database_url: str | None = None  # None: an embedded PostgreSQL under data_dir
    redis_url: str | None = None  # None: an embedded Redis under data_dir
    data_dir: str = ".data"
    storage_dir: str = ".data/files"
    public_base_url: str = "http://127.0.0.1:8000"
    jwt_secret: str = ""
    # 32 bytes in base64: seals identity numbers at rest (core/sealing.py); empty outside production: one is
    # generated under data_dir
    data_key: str = ""
    access_token_ttl: int = 900
    refresh_token_ttl: int = 30 * 24 * 3600
    trusted_proxies: str = ""  # comma-separated CIDRs whose X-Forwarded-For names the client
    otp_ttl: int = 300
    otp_resend_seconds: int = 60
    otp_max_attempts: int = 5  # wrong codes per code; the next try answers otp-locked until a new code
    otp_max_failures_per_phone: int = 10  # wrong codes per phone in 24 h, across codes
    otp_sends_per_phone_hour: int = 5
    otp_sends_per_phone_day: int = 10
    otp_sends_per_address_hour: int = 20
    sms_provider: str = "log"  # "log" (never in production) or "esms"
    sms_timeout_seconds: int = 5  # the whole call to the gateway, while the citizen waits
    esms_api_key: str = ""
    esms_secret_key: str = ""
    esms_brandname: str = ""
    esms_base_url: str = "https://rest.esms.vn"
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
    # a JSON body (every route but the multipart uploads): a dossier, a message or a webhook event
    # is a few KB; the decoder never sees more than this
    max_json_bytes: int = 256 * 1024
    max_dossier_bytes: int = 50 * 1024 * 1024
    # MOTCUA_PROVINCE (a name or a code) or MOTCUA_PROVINCE_CODE, read as a code; also whose People's
    # Council fees apply (api/catalog)
    province_code: str = "79"
    catalog_check_seconds: int = 30  # how often each process compares its catalog with the database's
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
    # working hours to receive an online dossier or send it back: 8 under Nghị định 45/2020/NĐ-CP; the one-stop
    # rules now rest on Nghị định 118/2025/NĐ-CP (in force 1/7/2025), whose figure is not yet confirmed here
    reception_hours: int = 8
    reception_warning_minutes: int = 60  # working minutes before that deadline when officers are warned
    # deadlines missed longer ago than this, never announced (first deploy, a worker down for days),
    # reach each office as one digest rather than one alert per dossier
    deadline_alert_days: int = 3
    hotline: str = "1900 0000"  # the one-stop shop's hotline, given when a citizen asks for a person
    # comma-separated office codes whose officers, with every admin, are alerted of hand-offs no office
    # could be chosen for (the province-wide queue)
    handoff_queue_offices: str = ""
    log_level: str = "INFO"
    # results are signed PAdES with this PKCS#12 (one certificate for the deployment); empty outside production:
    # a development CA under data_dir issues each office a certificate
    sign_results: bool = True  # False: results reach citizens as uploaded (tests of other things)
    signing_p12: str = ""
    signing_p12_password: str = ""
    signing_trust_roots: str = ""  # a PEM bundle of further roots verification accepts
    metrics_token: str = ""  # empty: /metrics answers 404 to everyone
    # `motcua worker` answers /health/live and /health/ready on this port (0: no probes); in a container
    # the host is 0.0.0.0 so that the orchestrator reaches it
    worker_probe_port: int = 0
    worker_probe_host: str = "127.0.0.1"
    # sign-in with VNeID (OpenID Connect); an empty issuer: the routes answer 404 oidc-not-configured
    oidc_issuer: str = ""
    oidc_client_id: str = ""
    oidc_client_secret: str = ""
    oidc_redirect_uri: str = ""  # empty: <public base>/api/v1/auth/oidc/callback
    app_redirect: str = "motcua://signed-in"  # where the callback hands the app its one-time ticket
    log_format: str = "plain"  # or "json": one object per line
    # secrets this process generated under data_dir because none was set (development only)
    generated: frozenset[str] = frozenset()

    @property
    def production(self) -> bool:
        return self.env.strip().lower() == "production"

    @property
    def handoff_queue_office_codes(self) -> tuple[str, ...]:
        return tuple(code for part in self.handoff_queue_offices.split(",") if (code := part.strip()))

    @property
    def trusted_proxy_networks(self) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
        """MOTCUA_TRUSTED_PROXIES parsed; a bare address is a network of one."""
        networks = []
        for part in self.trusted_proxies.split(","):
            if not part.strip():
                continue
            try:
                networks.append(ipaddress.ip_network(part.strip(), strict=False))
            except ValueError as exc:
                raise ValueError(f"MOTCUA_TRUSTED_PROXIES: {part.strip()!r} is not an address or CIDR") from exc
        return tuple(networks)

    @property
    def oidc_callback_url(self) -> str:
        return self.oidc_redirect_uri or self.public_base_url.rstrip("/") + "/api/v1/auth/oidc/callback"

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
    "otp_resend_seconds",
    "otp_max_attempts",
    "otp_max_failures_per_phone",
    "otp_sends_per_phone_hour",
    "otp_sends_per_phone_day",
    "otp_sends_per_address_hour",
    "sms_timeout_seconds",
    "track_rate_per_minute",
    "assistant_rate_per_minute_ip",
    "assistant_rate_per_minute_session",
    "assistant_rate_per_minute_user",
    "webhook_tolerance_seconds",
    "max_file_bytes",
    "max_json_bytes",
    "max_dossier_bytes",
    "payment_ttl",
    "outbox_lease_seconds",
    "reception_hours",
    "reception_warning_minutes",
    "deadline_alert_days",
    "catalog_check_seconds",
    "worker_probe_port",
}
_ENV_NAMES = {
    "database_url": "DATABASE_URL",
    "redis_url": "REDIS_URL",
}
# the names settings were read from before; the current name wins when both are set
_FORMER_ENV_NAMES = {
    "otp_resend_seconds": "MOTCUA_OTP_RESEND_AFTER",
}
_CHOICES = {
    "env": ("development", "production"),
    "sms_provider": ("log", "esms"),
}
_ESMS_CREDENTIALS = ("esms_api_key", "esms_secret_key", "esms_brandname")


def env_name(field: str) -> str:
    return _ENV_NAMES.get(field, "MOTCUA_" + field.upper())


_NOT_FROM_ENV = {"generated"}
# set neither: every process on this checkout shares one random value kept under data_dir, so `motcua
# token` mints tokens `motcua serve` accepts and `motcua payments simulate` signs what it verifies
_LOCAL_SECRETS = ("jwt_secret", "bank_webhook_secret")


_BOOL_FIELDS = {"rate_limits", "inprocess_worker", "sign_results"}


def _value(field: str, raw: str) -> object:
    """One setting as read from its variable: a number, a switch, one of its choices, or the text."""
    if field in _INT_FIELDS:
        return int(raw)
    if field in _BOOL_FIELDS:
        return _bool(raw)
    if field in _CHOICES:
        chosen = raw.strip().lower()
        if chosen not in _CHOICES[field]:
            raise ValueError(f"{env_name(field)} must be one of {', '.join(_CHOICES[field])}, not {raw!r}")
        return chosen
    return raw


def _values(env: Mapping[str, str]) -> dict[str, object]:
    values: dict[str, object] = {}
    province = env.get("MOTCUA_PROVINCE") or env.get("MOTCUA_PROVINCE_CODE")
    if province:
        values["province_code"] = read_province(province)
    for field in Settings.__struct_fields__:
        if field in _NOT_FROM_ENV or field == "province_code":
            continue
        raw = env.get(env_name(field)) or env.get(_FORMER_ENV_NAMES.get(field, ""))
        if raw:
            values[field] = _value(field, raw)
    if "storage_dir" not in values and "data_dir" in values:
        values["storage_dir"] = str(Path(str(values["data_dir"])) / "files")
    return values


def from_env(environ: Mapping[str, str] | None = None) -> Settings:
    """Build Settings from the environment; unknown values keep their defaults."""
    settings = Settings(**_values(os.environ if environ is None else environ))  # type: ignore[arg-type]
    if settings.jwt_secret and len(settings.jwt_secret.encode()) < 32:
        raise ValueError("MOTCUA_JWT_SECRET must be at least 32 bytes (RFC 7518 §3.2)")
    generated = {
        name: _local_secret(Path(settings.data_dir), name, lambda: secrets.token_urlsafe(48))
        for name in _LOCAL_SECRETS
        if not getattr(settings, name)
    }
    if settings.data_key:
        decode_data_key(settings.data_key)
    elif not settings.production:  # production must be given one: core/checks.py refuses to start without
        generated["data_key"] = _local_secret(Path(settings.data_dir), "data_key", new_data_key, durable=True)
    if generated:
        settings = msgspec.structs.replace(settings, generated=frozenset(generated), **generated)
    settings.trusted_proxy_networks  # noqa: B018 (a typo in a CIDR fails here, at start, not per request)
    return settings


def _local_secret(data_dir: Path, name: str, make: Callable[[], str], *, durable: bool = False) -> str:
    """Without the setting, every process on this checkout shares one random secret on disk, so `motcua
    token` mints tokens that `motcua serve` accepts and every process opens what another sealed. A
    durable secret (one that data depends on) is never replaced by a throwaway one when the disk fails."""
    path = data_dir / name
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        data_dir.mkdir(parents=True, exist_ok=True)
        secret = make()
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process started at the same moment wrote it first
            return path.read_text().strip()
        with os.fdopen(fd, "w") as f:
            f.write(secret)
        return secret
    except OSError:
        if durable:
            raise
        return make()


def start_refusals(settings: Settings) -> list[str]:
    """What keeps `motcua serve` or `motcua worker` from working in any mode, each said for an operator
    (development values are core/checks.py's, refused only in production)."""
    found = []
    if settings.sms_provider == "esms":
        missing = [env_name(field) for field in _ESMS_CREDENTIALS if not getattr(settings, field).strip()]
        if missing:
            found.append(f"MOTCUA_SMS_PROVIDER=esms needs {', '.join(missing)}")
    return found


def decode_data_key(text: str) -> bytes:
    """The 32 bytes of a base64 data key; ValueError for anything else."""
    try:
        raw = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ValueError("MOTCUA_DATA_KEY must be 32 bytes in base64") from exc
    if len(raw) != KEY_BYTES:
        raise ValueError(f"MOTCUA_DATA_KEY must be {KEY_BYTES} bytes in base64, not {len(raw)}")
    return raw


def new_data_key() -> str:
    return base64.b64encode(os.urandom(KEY_BYTES)).decode()
