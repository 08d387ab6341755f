"""What the province's one-stop system sends us: events on its webhook, signed as it signs them."""

from __future__ import annotations

import json
from typing import Any

from core.clock import FixedClock
from tests.integration.conftest import ONESTOP_SECRET
from tests.integration.helpers import signed_request

ONESTOP_URL = "/api/v1/integrations/one-stop/events"


def onestop_signed(
    body: dict[str, Any], clock: FixedClock, *, secret: str = ONESTOP_SECRET, age: int = 0
) -> dict[str, Any]:
    """The event `body` as the client's keyword arguments, signed `age` seconds ago."""
    return signed_request(json.dumps(body, ensure_ascii=False).encode(), clock, secret, age)
