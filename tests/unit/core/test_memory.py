"""What start-up leaves is set aside from the collector, and handed back when the app stops."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from core.memory import settle_heap, thaw_heap


@pytest.fixture(autouse=True)
def _thawed() -> Iterator[None]:
    gc.unfreeze()
    yield
    gc.unfreeze()


def test_settling_freezes_what_lives_so_a_full_collection_walks_only_newer_objects() -> None:
    kept = [[i] for i in range(1000)]
    settle_heap()
    assert gc.get_freeze_count() >= len(kept)
    assert not any(obj is kept for obj in gc.get_objects(generation=2))  # no longer in the oldest generation


def test_thawing_hands_the_frozen_objects_back_to_the_collector() -> None:
    settle_heap()
    thaw_heap()
    assert gc.get_freeze_count() == 0
