"""How often the assistant names the right procedure, on messages its matcher never reads.
The bar only goes up: raise it as matching improves."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import msgspec
import pytest
from litestar.testing import AsyncTestClient

from asgi import create_app
from core.clock import FixedClock
from core.settings import Settings
from tests.integration.conftest import TokenFactory, bearer

BAR = 1.0  # measured 93.8% on 2026-11-23 (hand-tuned matcher), 100% on 2026-12-06 (learned models)
DATA = Path(__file__).parent / "data" / "procedure_eval.tsv"


@pytest.fixture
async def unlimited(settings: Settings, clock: FixedClock) -> AsyncIterator[AsyncTestClient[Any]]:
    """An evaluation sends more turns a minute than any caller may: rate limits off, as for load tests."""
    async with AsyncTestClient(app=create_app(msgspec.structs.replace(settings, rate_limits=False), clock=clock)) as c:
        yield c


async def test_procedure_matching_accuracy(unlimited: AsyncTestClient[Any], make_token: TokenFactory) -> None:
    client = unlimited
    headers = bearer(await make_token("0912900078"))
    cases = [line.split("\t") for line in DATA.read_text(encoding="utf-8").splitlines() if line.strip()]
    misses = []
    for text, slug in cases:
        answer = (await client.post("/api/v1/assistant/messages", json={"text": text}, headers=headers)).json()
        got = (answer.get("procedure") or {}).get("slug")
        if got != slug:
            misses.append((text, slug, got, answer["intent"]))
    accuracy = 1 - len(misses) / len(cases)
    print(f"\nprocedure matching: {accuracy:.1%} of {len(cases)}")
    for miss in misses:
        print("  miss:", miss)
    assert len({slug for _, slug in cases}) == 40
    assert accuracy >= BAR, misses
