"""Text messages to citizens' phones: eSMS.vn's gateway in production, the log on a developer's
machine, memory in tests. Every sender takes any text (`send`) and sign-in codes (`send_otp`)."""

from __future__ import annotations

import asyncio
import logging
import uuid
from typing import TYPE_CHECKING, Any, Protocol

from api.accounts.models import otp_text
from core.settings import Settings
from i18n.text import strip_diacritics

if TYPE_CHECKING:  # imported by the gateway's sender when one is made: the logging sender needs no HTTP
    import httpx

log = logging.getLogger("motcua.sms")

ESMS_SEND_PATH = "/MainService.svc/json/SendMultipleMessage_V4_post_json/"
ESMS_ACCEPTED = "100"
ESMS_CUSTOMER_CARE = "2"  # SmsType of a brandname message to one customer (sign-in codes, status news)


class SmsNotSent(Exception):
    """The gateway did not take the message (refused it, failed, or did not answer in time).
    Its text never carries the phone number or the message."""


class SmsSender(Protocol):
    async def send(self, phone: str, text: str) -> None:
        """Send `text` to `phone` (national form); raises SmsNotSent when it did not leave."""
        ...

    async def send_otp(self, phone: str, code: str) -> None: ...

    async def aclose(self) -> None: ...


def mask_for_log(phone: str) -> str:
    """``0912345678`` → ``09******78``: enough to tell two test phones apart, not to call one."""
    if len(phone) <= 4:
        return "*" * len(phone)
    return phone[:2] + "*" * (len(phone) - 4) + phone[-2:]


class LoggingSmsSender:
    """A developer's gateway: the message goes to the log, the phone masked. Refused in production."""

    def __init__(self, *, otp_minutes: int = 5) -> None:
        self._otp_minutes = otp_minutes

    async def send(self, phone: str, text: str) -> None:
        log.warning("SMS to %s (logging SMS sender, never in production): %s", mask_for_log(phone), text)

    async def send_otp(self, phone: str, code: str) -> None:
        await self.send(phone, otp_text(code, self._otp_minutes))

    async def aclose(self) -> None:
        return None


class MemorySmsSender:
    """Keeps what was sent: what an SMS gateway's outbox would show."""

    def __init__(self) -> None:
        self.sent: dict[str, str] = {}  # the last sign-in code per phone
        self.messages: list[tuple[str, str]] = []  # (phone, text), codes included, oldest first

    async def send(self, phone: str, text: str) -> None:
        self.messages.append((phone, text))

    async def send_otp(self, phone: str, code: str) -> None:
        self.sent[phone] = code
        await self.send(phone, otp_text(code))

    async def aclose(self) -> None:
        return None


class EsmsSender:
    """eSMS.vn's JSON API (SendMultipleMessage_V4_post_json), one brandname message per call.

    CodeResult "100" means eSMS took the message; anything else, an HTTP error, an answer that is
    not eSMS's JSON or no answer within `timeout` seconds raises SmsNotSent. Nothing it logs names
    the phone or the text (a sign-in code is a password)."""

    def __init__(
        self,
        *,
        base_url: str,
        api_key: str,
        secret_key: str,
        brandname: str,
        timeout: float,
        otp_minutes: int = 5,
        http: httpx.AsyncClient | None = None,
    ) -> None:
        self._url = base_url.rstrip("/") + ESMS_SEND_PATH
        self._api_key = api_key
        self._secret_key = secret_key
        self._brandname = brandname
        self._timeout = timeout
        self._otp_minutes = otp_minutes
        import httpx

        self._owns_http = http is None
        self._http = http or httpx.AsyncClient(timeout=httpx.Timeout(timeout))

    async def send(self, phone: str, text: str) -> None:
        request_id = uuid.uuid4().hex
        body = {
            "ApiKey": self._api_key,
            "SecretKey": self._secret_key,
            "Phone": phone,
            # IsUnicode "0": carriers mangle diacritics in a non-Unicode message, so none are sent
            "Content": strip_diacritics(text),
            "Brandname": self._brandname,
            "SmsType": ESMS_CUSTOMER_CARE,
            "IsUnicode": "0",
            "Sandbox": "0",
            "RequestId": request_id,
        }
        import httpx

        try:
            async with asyncio.timeout(self._timeout):  # httpx's timeout is per read; this bounds the call
                response = await self._http.post(self._url, json=body)
        except (TimeoutError, httpx.HTTPError) as exc:
            log.warning("eSMS request %s failed: %s", request_id, type(exc).__name__)
            raise SmsNotSent(f"eSMS request {request_id}: {type(exc).__name__}") from None
        code = _code_result(response)
        if code != ESMS_ACCEPTED:
            log.warning("eSMS request %s refused: HTTP %s, CodeResult %s", request_id, response.status_code, code)
            raise SmsNotSent(f"eSMS request {request_id}: HTTP {response.status_code}, CodeResult {code}")

    async def send_otp(self, phone: str, code: str) -> None:
        await self.send(phone, otp_text(code, self._otp_minutes))

    async def aclose(self) -> None:
        if self._owns_http:
            await self._http.aclose()


def _code_result(response: httpx.Response) -> str | None:
    if not response.is_success:
        return None
    try:
        answer: Any = response.json()
    except ValueError:
        return None
    code = answer.get("CodeResult") if isinstance(answer, dict) else None
    return str(code) if isinstance(code, str | int) else None


def sms_sender_from_settings(settings: Settings) -> SmsSender:
    """The sender MOTCUA_SMS_PROVIDER names. The logging one is refused in production, wherever the
    process was started from (`motcua serve` says so before; this holds for any other server)."""
    otp_minutes = max(settings.otp_ttl // 60, 1)
    if settings.sms_provider == "esms":
        return EsmsSender(
            base_url=settings.esms_base_url,
            api_key=settings.esms_api_key,
            secret_key=settings.esms_secret_key,
            brandname=settings.esms_brandname,
            timeout=settings.sms_timeout_seconds,
            otp_minutes=otp_minutes,
        )
    if settings.production:
        raise RuntimeError("MOTCUA_SMS_PROVIDER=log is refused with MOTCUA_ENV=production")
    return LoggingSmsSender(otp_minutes=otp_minutes)
