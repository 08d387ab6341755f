"""Devices, inbox entries and preferences as the app sees them. Pure."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

import msgspec


class Platform(StrEnum):
    ANDROID = "android"
    IOS = "ios"
    WEB = "web"


class DeviceIn(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    platform: Platform
    locale: str = "vi"


class Device(msgspec.Struct, frozen=True, kw_only=True):
    token: str
    platform: Platform
    locale: str
    updated_at: datetime


class Notification(msgspec.Struct, frozen=True, kw_only=True):
    id: uuid.UUID
    type: str
    title: str
    body: str
    data: dict[str, str]
    read_at: datetime | None
    created_at: datetime


class Inbox(msgspec.Struct, frozen=True, kw_only=True):
    items: list[Notification]
    total: int
    unread: int


class Preferences(msgspec.Struct, frozen=True, kw_only=True):
    """Which pushes reach the phone, and whether the steps a push tells go by SMS while no device is
    registered. The inbox always gets status changes and payments."""

    push_status: bool = True
    push_payment: bool = True
    push_reminder: bool = True
    sms_status: bool = True


class PreferencesIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    push_status: bool | None = None
    push_payment: bool | None = None
    push_reminder: bool | None = None
    sms_status: bool | None = None


def valid_token(token: str) -> bool:
    """FCM registration tokens are long URL-safe strings; refuse obvious junk early."""
    return 16 <= len(token) <= 4096 and all(c.isalnum() or c in "-_:." for c in token)
