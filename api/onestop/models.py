"""What the province's one-stop system sends us. Pure."""

from __future__ import annotations

from datetime import datetime

import msgspec


class OneStopActor(msgspec.Struct, frozen=True, kw_only=True):
    id: str | None = None
    name: str | None = None
    agency: str | None = None


class OneStopEvent(msgspec.Struct, frozen=True, kw_only=True):
    event_id: str
    dossier_code: str
    action: str
    occurred_at: datetime
    note: str | None = None
    reason: str | None = None
    missing: list[str] | None = None
    actor: OneStopActor | None = None
