"""A started app has its start-up heap frozen out of the collector's walks; stopped, it hands it back."""

from __future__ import annotations

import gc

from litestar.testing import AsyncTestClient

from asgi import create_app
from core.clock import FixedClock
from core.settings import Settings


async def test_a_started_app_freezes_its_heap_and_thaws_it_when_stopped(settings: Settings, clock: FixedClock) -> None:
    gc.unfreeze()
    async with AsyncTestClient(app=create_app(settings, clock=clock)) as client:
        assert (await client.get("/health/live")).status_code == 200
        assert gc.get_freeze_count() > 10_000  # the app, its catalog and the assistant's model at least
    assert gc.get_freeze_count() == 0
