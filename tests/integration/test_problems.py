"""Status codes of the contract that no route produces on purpose: a dependency that is down."""

from __future__ import annotations

import socket

import msgspec
from httpx import Response
from litestar.testing import AsyncTestClient

from asgi import create_app
from core.clock import FixedClock
from core.settings import Settings
from tests.integration.clusters import PrivateRedis
from tests.integration.conftest import TokenFactory, bearer
from tests.integration.helpers import birth_registration


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


async def test_redis_down_answers_503_for_what_needs_it_keeps_the_rest_and_comes_back_alone(
    settings: Settings, clock: FixedClock, make_token: TokenFactory
) -> None:
    """Redis stops under a running app: the catalog and dossiers keep serving (PostgreSQL); what needs
    Redis (sign-in codes, the assistant's conversations and its rate limits, the public tracking
    lookup's rate limit) answers a clean 503 with Retry-After, never a 500; readiness says so. Redis
    restarts and all of it answers again without restarting the app."""
    citizen = await make_token("0912888005")
    with PrivateRedis() as redis:
        app = create_app(msgspec.structs.replace(settings, redis_url=redis.url), clock=clock)
        async with AsyncTestClient(app=app) as client:

            async def needs_redis() -> list[Response]:
                return [
                    await client.post("/api/v1/auth/otp", json={"phone": "0912888006"}),
                    await client.post("/api/v1/assistant/messages", json={"text": "làm khai sinh cần gì"}),
                    await client.post(
                        "/api/v1/assistant/messages", json={"text": "lệ phí bao nhiêu"}, headers=bearer(citizen)
                    ),
                    await client.get("/api/v1/track/000.00.01.H29-261123-0001", params={"key": "ABCDEFGH"}),
                ]

            up = [r.status_code for r in await needs_redis()]
            assert up == [202, 200, 200, 404]
            redis.stop()
            try:
                for response in await needs_redis():
                    assert response.status_code == 503, response.text
                    assert response.headers["content-type"].startswith("application/problem+json")
                    assert int(response.headers["retry-after"]) > 0
                ready = await client.get("/health/ready")
                assert ready.status_code == 503 and ready.json()["checks"]["redis"].startswith("down")
                assert (await client.get("/api/v1/procedures", params={"q": "khai sinh"})).status_code == 200
                created = await client.post("/api/v1/dossiers", json=birth_registration(), headers=bearer(citizen))
                assert created.status_code == 201, created.text
                assert (await client.get("/api/v1/dossiers", headers=bearer(citizen))).json()["total"] == 1
            finally:
                redis.start()
            assert [r.status_code for r in await needs_redis()] == up
            assert (await client.get("/health/ready")).status_code == 200
