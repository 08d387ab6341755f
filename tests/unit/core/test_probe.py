"""The worker's probe port speaks enough HTTP for an orchestrator: liveness from the loop itself,
readiness as the checks say, nothing else."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import httpx
import pytest

from core.probe import open_probes
from core.readiness import Readiness

UP = Readiness("ok", {"postgres": "ok", "redis": "ok"})
DOWN = Readiness("unavailable", {"postgres": "down: ConnectionRefusedError", "redis": "ok"})


@pytest.fixture
async def probes() -> AsyncIterator[tuple[str, list[Readiness]]]:
    state = [UP]

    async def ready() -> Readiness:
        return state[0]

    server = await open_probes("127.0.0.1", 0, ready)
    port = server.sockets[0].getsockname()[1]
    yield f"http://127.0.0.1:{port}", state
    server.close()
    await server.wait_closed()


async def test_live_and_ready_answer_as_the_checks_say(probes: tuple[str, list[Readiness]]) -> None:
    url, state = probes
    async with httpx.AsyncClient(base_url=url) as client:
        live = await client.get("/health/live")
        assert (live.status_code, live.json()) == (200, {"status": "ok"})
        assert (await client.get("/health/ready")).json() == {"status": "ok", "checks": UP.checks}
        state[0] = DOWN
        down = await client.get("/health/ready?verbose=1")
        assert (down.status_code, down.json()["checks"]["postgres"]) == (503, "down: ConnectionRefusedError")
        assert (await client.get("/health/live")).status_code == 200  # alive while the database is away
        head = await client.head("/health/live")
        assert (head.status_code, head.content) == (200, b"")


async def test_anything_else_is_refused(probes: tuple[str, list[Readiness]]) -> None:
    url, _ = probes
    async with httpx.AsyncClient(base_url=url) as client:
        assert (await client.get("/metrics")).status_code == 404
        assert (await client.post("/health/live")).status_code == 405


async def test_a_request_that_never_ends_its_head_is_dropped_not_served(probes: tuple[str, list[Readiness]]) -> None:
    url, _ = probes
    port = int(url.rsplit(":", 1)[1])
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(b"GET /health/live HTTP/1.1\r\n" + b"X-Pad: " + b"a" * 10_000 + b"\r\n\r\n")
    await writer.drain()
    assert await asyncio.wait_for(reader.read(), timeout=5) == b""  # closed without an answer
    writer.close()
