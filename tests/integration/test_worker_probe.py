"""`motcua worker` with a probe port: alive from its start, even while the database is away; ready once
PostgreSQL and Redis answer."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import httpx

from core.settings import Settings
from tests.integration.clusters import MotcuaProcess, free_port
from tests.integration.commands import environment

START_SECONDS = 45.0


async def _answer(url: str, deadline: float) -> httpx.Response:
    async with httpx.AsyncClient() as client:
        while True:
            try:
                return await client.get(url, timeout=5)
            except httpx.TransportError:
                if time.monotonic() > deadline:
                    raise
                await asyncio.sleep(0.2)


async def test_a_worker_is_alive_and_ready_on_its_probe_port(settings: Settings, tmp_path: Path) -> None:
    port = free_port()
    env = environment(settings, MOTCUA_WORKER_PROBE_PORT=str(port), MOTCUA_DATA_KEY=settings.data_key)
    worker = MotcuaProcess(["worker"], env, tmp_path / "worker.log").start()
    try:
        deadline = time.monotonic() + START_SECONDS
        assert (await _answer(f"http://127.0.0.1:{port}/health/live", deadline)).status_code == 200
        while (ready := await _answer(f"http://127.0.0.1:{port}/health/ready", deadline)).status_code != 200:
            assert time.monotonic() < deadline, ready.text
            await asyncio.sleep(0.2)
        assert ready.json() == {"status": "ok", "checks": {"postgres": "ok", "redis": "ok"}}
    finally:
        code = worker.stop()
    assert code == 0, worker.output()  # SIGTERM: a clean stop, probes closed with it


async def test_a_worker_waiting_for_its_database_is_alive_but_not_ready(settings: Settings, tmp_path: Path) -> None:
    port = free_port()
    nowhere = f"postgresql://postgres@127.0.0.1:{free_port()}/motcua"
    env = environment(settings, MOTCUA_WORKER_PROBE_PORT=str(port), DATABASE_URL=nowhere)
    worker = MotcuaProcess(["worker"], env, tmp_path / "worker.log").start()
    try:
        deadline = time.monotonic() + START_SECONDS
        assert (await _answer(f"http://127.0.0.1:{port}/health/live", deadline)).status_code == 200
        ready = await _answer(f"http://127.0.0.1:{port}/health/ready", deadline)
        assert ready.status_code == 503 and ready.json()["status"] == "unavailable"
        assert worker.running()
    finally:
        worker.stop()
