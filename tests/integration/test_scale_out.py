"""Scale-out: two `motcua serve` processes and one `motcua worker`, as separate processes on one
database and Redis, carry the dossier story between them. A citizen connected to the live stream of
server A files there; an officer acts on server B; the worker (the only process that can push) sends
the push to FCM and the live update reaches the citizen through A; both servers tell the same story.
Nothing here shares memory: whatever works, works through PostgreSQL, Redis and the file store."""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from core.clock import FixedClock, SystemClock
from core.settings import Settings
from tests.integration.clusters import MotcuaProcess, free_port
from tests.integration.commands import environment
from tests.integration.conftest import PROJECT, TokenFactory, bearer
from tests.integration.factories import submitted_dossier
from tests.integration.standins.fcm import FcmStandin

START_SECONDS = 45.0  # three interpreters importing the app at once on a small machine
STORY_SECONDS = 20.0  # from the officer's move to the push and the live update
DEVICE = "fcm-scale-out-" + "d" * 40


@dataclass(frozen=True)
class Deployment:
    a: str  # base URLs of the two API processes
    b: str
    processes: tuple[MotcuaProcess, ...]

    def logs(self) -> str:
        return "\n".join(f"--- motcua {' '.join(p.args)}\n{p.output()[-3000:]}" for p in self.processes)


async def _ready(process: MotcuaProcess, url: str, deadline: float) -> None:
    async with httpx.AsyncClient(base_url=url, timeout=1) as http:
        while time.monotonic() < deadline:
            if not process.running():
                raise RuntimeError(f"motcua {' '.join(process.args)} exited:\n{process.output()[-3000:]}")
            with contextlib.suppress(httpx.HTTPError):
                if (await http.get("/health/ready")).status_code == 200:
                    return
            await asyncio.sleep(0.2)
    raise RuntimeError(f"motcua {' '.join(process.args)} not ready in {START_SECONDS} s:\n{process.output()[-3000:]}")


@pytest.fixture
async def deployment(settings: Settings, fcm: FcmStandin, tmp_path: Path) -> AsyncIterator[Deployment]:
    """Both API processes without an in-process worker (and without FCM: they cannot push), and one
    worker pointed at the FCM stand-in; every one stopped and reaped, whatever happens."""
    common = {"MOTCUA_DATA_KEY": settings.data_key, "MOTCUA_STORAGE_DIR": str(tmp_path / "files")}
    api = environment(settings, **common, MOTCUA_INPROCESS_WORKER="false")
    pushing = environment(
        settings,
        **common,
        MOTCUA_FIREBASE_CREDENTIALS="anonymous",
        MOTCUA_FIREBASE_PROJECT_ID=PROJECT,
        MOTCUA_FCM_BASE_URL=fcm.url,
    )
    processes: list[MotcuaProcess] = []
    try:
        processes.append(MotcuaProcess(["worker"], pushing, tmp_path / "worker.log").start())
        urls: list[str] = []
        for name in ("a", "b"):
            port = free_port()
            processes.append(MotcuaProcess(["serve", "--port", str(port)], api, tmp_path / f"{name}.log").start())
            urls.append(f"http://127.0.0.1:{port}")
        deadline = time.monotonic() + START_SECONDS
        await asyncio.gather(*(_ready(p, u, deadline) for p, u in zip(processes[1:], urls, strict=True)))
        yield Deployment(urls[0], urls[1], tuple(processes))
    finally:
        for process in reversed(processes):
            process.stop()  # SIGTERM to its process group, SIGKILL after 30 s; waited for either way


async def _listen(stream: httpx.Response, events: asyncio.Queue[tuple[str, str]]) -> None:
    """Server-Sent Events off `stream` into `events` as (event, data) pairs."""
    name, data = "", list[str]()
    async for line in stream.aiter_lines():
        if line == "":
            if name or data:
                await events.put((name or "message", "\n".join(data)))
            name, data = "", []
        elif line.startswith("event:"):
            name = line.removeprefix("event:").strip()
        elif line.startswith("data:"):
            data.append(line.removeprefix("data:").removeprefix(" "))


async def _next_notification(events: asyncio.Queue[tuple[str, str]], kind: str, dossier_id: str) -> dict[str, Any]:
    while True:
        name, data = await events.get()
        if name == "notification":
            payload: dict[str, Any] = json.loads(data)
            if payload["type"] == kind and payload["data"]["dossier_id"] == dossier_id:
                return payload


async def test_filed_on_one_server_acted_on_another_pushed_by_the_worker_and_live_on_the_first(
    deployment: Deployment, make_token: TokenFactory, clock: FixedClock, fcm: FcmStandin
) -> None:
    clock.set(SystemClock().now())  # the servers check tokens against the wall clock
    citizen = await make_token("0912960001")
    events: asyncio.Queue[tuple[str, str]] = asyncio.Queue()
    async with (
        httpx.AsyncClient(base_url=deployment.a, timeout=15) as a,
        httpx.AsyncClient(base_url=deployment.b, timeout=15) as b,
        httpx.AsyncClient(base_url=deployment.a, timeout=httpx.Timeout(15, read=None)) as live,
        live.stream("GET", "/api/v1/notifications/stream", headers=bearer(citizen)) as stream,
    ):
        assert stream.status_code == 200 and stream.headers["content-type"].startswith("text/event-stream")
        listener = asyncio.create_task(_listen(stream, events))
        try:
            async with asyncio.timeout(10):
                assert (await events.get())[0] == "ready"  # A is subscribed on Redis from here on

            device = await b.put(
                f"/api/v1/devices/{DEVICE}", json={"platform": "android", "locale": "vi"}, headers=bearer(citizen)
            )
            assert device.status_code == 200, device.text
            dossier = await submitted_dossier(a, citizen)
            assert dossier["status"] == "submitted", dossier
            dossier_id = str(dossier["id"])

            officer = await make_token("0900960001", "officer", (dossier["agency"]["code"],))
            moved = await b.post(
                f"/api/v1/officer/dossiers/{dossier_id}/actions", json={"action": "receive"}, headers=bearer(officer)
            )
            assert moved.status_code == 200, moved.text
            assert moved.json()["status"] == "received"

            deadline = asyncio.get_running_loop().time() + STORY_SECONDS
            try:
                async with asyncio.timeout_at(deadline):
                    live_update = await _next_notification(events, "dossier.received", dossier_id)
            except TimeoutError:
                pytest.fail(f"no live update on A within {STORY_SECONDS} s:\n{deployment.logs()}")
            try:
                async with asyncio.timeout_at(deadline):
                    while not {"dossier.submitted", "dossier.received"} <= _pushed(fcm, dossier_id).keys():
                        await asyncio.sleep(0.05)
            except TimeoutError:
                pushed = dict(_pushed(fcm, dossier_id))
                pytest.fail(
                    f"pushes within {STORY_SECONDS} s: {pushed}, FCM answered {fcm.requests[-2:]}\n{deployment.logs()}"
                )
        finally:
            listener.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await listener

        assert live_update["data"]["code"] == dossier["code"] and live_update["data"]["status"] == "received"
        assert _pushed(fcm, dossier_id) == Counter({"dossier.submitted": 1, "dossier.received": 1})
        push = next(m for m in fcm.messages if m["data"]["type"] == "dossier.received")
        assert push["token"] == DEVICE and push["data"]["event_id"] == live_update["data"]["event_id"]
        assert "đã được tiếp nhận" in push["notification"]["body"]

        seen: list[tuple[Any, Any]] = []
        for server in (a, b):
            read = await server.get(f"/api/v1/dossiers/{dossier_id}", headers=bearer(citizen))
            history = await server.get(f"/api/v1/dossiers/{dossier_id}/history", headers=bearer(citizen))
            assert read.status_code == 200 and history.status_code == 200
            seen.append((read.json(), history.json()))
    assert seen[0] == seen[1]
    found, history = seen[0]
    assert found["status"] == "received"
    assert [(h["from_status"], h["to_status"], h["action"]) for h in history["items"]] == [
        (None, "draft", "create"),
        ("draft", "submitted", "submit"),
        ("submitted", "received", "receive"),
    ]
    logs = deployment.logs()
    assert "Traceback" not in logs, logs
    assert all(process.running() for process in deployment.processes), logs


def _pushed(fcm: FcmStandin, dossier_id: str) -> Counter[str]:
    """The kinds of push the stand-in accepted for `dossier_id`, counted."""
    return Counter(m["data"]["type"] for m in fcm.messages if m["data"]["dossier_id"] == dossier_id)
