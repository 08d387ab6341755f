"""A hand-off as officers see it."""

from __future__ import annotations

import uuid
from datetime import datetime

import msgspec

from api.catalog.views import AgencyRef


class Handoff(msgspec.Struct, frozen=True, kw_only=True):
    id: uuid.UUID
    session_id: str
    channel: str
    message: str
    procedure: str | None
    phone: str | None
    agency: AgencyRef | None  # None: the province-wide queue
    status: str
    created_at: datetime
    closed_at: datetime | None
