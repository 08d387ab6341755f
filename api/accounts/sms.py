"""Sending one-time codes by SMS. Development logs the code (never the API); tests keep it."""

from __future__ import annotations

import logging
from typing import Protocol

log = logging.getLogger("motcua.sms")


class SmsSender(Protocol):
    async def send_otp(self, phone: str, code: str) -> None: ...


class LoggingSmsSender:
    async def send_otp(self, phone: str, code: str) -> None:
        log.warning("OTP for %s: %s (logging SMS sender; configure a real gateway in production)", phone, code)


class MemorySmsSender:
    """Keeps the last code per phone: what an SMS gateway's outbox would show."""

    def __init__(self) -> None:
        self.sent: dict[str, str] = {}

    async def send_otp(self, phone: str, code: str) -> None:
        self.sent[phone] = code
