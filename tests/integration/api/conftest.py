"""A stand-in FCM and the real firebase-admin sender pointed at it, for tests that follow pushes."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest

from notifications.senders import FirebaseSender
from tests.integration.standins.fcm import FcmStandin

PROJECT = "motcua-api-test"


@pytest.fixture
def fcm() -> Iterator[FcmStandin]:
    with FcmStandin(PROJECT) as standin:
        yield standin


@pytest.fixture
async def sender(fcm: FcmStandin) -> AsyncIterator[FirebaseSender]:
    sender = FirebaseSender(credentials="anonymous", project_id=PROJECT, base_url=fcm.url, timeout=10)
    yield sender
    await sender.aclose()
