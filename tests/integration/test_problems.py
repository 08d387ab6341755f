"""Status codes of the contract that no route produces on purpose: a dependency that is down."""

from __future__ import annotations

import socket

import msgspec
from litestar.testing import AsyncTestClient

from asgi import create_app
from core.clock import FixedClock
from core.settings import Settings


async def test_redis_down_is_503_with_retry_after(settings: Settings, clock: FixedClock) -> None:
    """It was a 500."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed = s.getsockname()[1]
    app = create_app(msgspec.structs.replace(settings, redis_url=f"redis://127.0.0.1:{closed}/0"), clock=clock)
    async with AsyncTestClient(app=app) as down:
        response = await down.post("/api/v1/auth/otp", json={"phone": "0912888004"})
    assert response.status_code == 503, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert int(response.headers["retry-after"]) > 0
