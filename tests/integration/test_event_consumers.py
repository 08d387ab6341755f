"""Every kind of event that can be written to the outbox has a consumer in the runtime the worker runs:
an event without one would wait in the outbox for ever."""

from __future__ import annotations

from typing import get_args

from api.accounts.sms import MemorySmsSender
from core.clock import FixedClock
from core.events import Event, OutboxEvent
from core.settings import Settings
from runtime import close_runtime, consumers_of, start_runtime

APPLICATION = {"api", "assistant", "core", "notifications", "payments"}


def _kinds_of(base: type[Event]) -> set[type[Event]]:
    """The kinds of event the application defines under `base`: the leaves of its class tree (the others,
    like the fields every payment event shares, are never published themselves; tests define their own)."""
    subclasses = [sub for sub in base.__subclasses__() if sub.__module__.split(".")[0] in APPLICATION]
    if not subclasses:
        return {base}
    return set().union(*(_kinds_of(sub) for sub in subclasses))


def test_every_kind_of_event_is_one_the_outbox_can_read_back() -> None:
    assert _kinds_of(Event) == set(get_args(OutboxEvent))


async def test_every_kind_of_event_has_a_consumer(settings: Settings, clock: FixedClock, sms: MemorySmsSender) -> None:
    runtime = await start_runtime(settings, clock=clock, sms=sms, pool_size=2)
    try:
        consumed = consumers_of(runtime).kinds()
    finally:
        await close_runtime(runtime)
    assert {kind.__name__ for kind in _kinds_of(Event) - consumed} == set()
