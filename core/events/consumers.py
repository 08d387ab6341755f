"""Consumers: what the worker does with each committed event, and how they say it failed."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Protocol, runtime_checkable

from core.events.kinds import Event, topic_of

Consumer = Callable[[Event], Awaitable[None]]
# what became of one event in a consumer's hands. None: done; RetryLater, PermanentFailure or any other
# error otherwise
ConsumerResult = BaseException | None


@runtime_checkable
class BatchConsumer(Protocol):
    """A consumer that can also settle many events at once (one query for a whole claimed batch instead
    of one per event). It stays a plain Consumer for callers that hand it one event."""

    async def __call__(self, event: Event) -> None: ...

    async def batch(self, events: Sequence[Event]) -> list[ConsumerResult]:
        """One result per event, in order; raising fails (retries) every event of the call."""
        ...


class RetryLater(Exception):
    def __init__(self, reason: str, *, after: float | None = None) -> None:
        super().__init__(reason)
        self.after = after


class PermanentFailure(Exception):
    pass


def backoff(attempt: int, *, base: float = 2.0, cap: float = 900.0, rand: Callable[[], float] = random.random) -> float:
    """Seconds before try `attempt + 1`: exponential with full jitter, at least one second."""
    ceiling: float = min(cap, base * 2.0 ** max(attempt - 1, 0))
    return float(max(1.0, ceiling * rand()))


async def results_of(consumer: Consumer, events: Sequence[Event]) -> list[ConsumerResult]:
    """What became of each event in `consumer`'s hands, never raising but for cancellation."""
    if not events:
        return []
    if isinstance(consumer, BatchConsumer):
        try:
            results: list[Any] = list(await consumer.batch(events))
        except Exception as exc:
            results = [exc] * len(events)
    else:
        results = list(await asyncio.gather(*(consumer(e) for e in events), return_exceptions=True))
    for result in results:
        if isinstance(result, BaseException) and not isinstance(result, Exception):
            raise result  # cancellation and interpreter exits are not results
    return [result if isinstance(result, BaseException) else None for result in results]


class _AllOf:
    """Consumers of one topic run in order; an event one of them fails is not given to the next."""

    def __init__(self, consumers: Sequence[Consumer]) -> None:
        self._consumers = consumers

    async def __call__(self, event: Event) -> None:
        for consumer in self._consumers:
            await consumer(event)

    async def batch(self, events: Sequence[Event]) -> list[ConsumerResult]:
        results: list[ConsumerResult] = [None] * len(events)
        for consumer in self._consumers:
            still = [i for i, result in enumerate(results) if result is None]
            for index, result in zip(still, await results_of(consumer, [events[i] for i in still]), strict=True):
                results[index] = result
        return results


def all_of(*consumers: Consumer) -> Consumer:
    """Several consumers of one topic. A retry re-runs them all, which is safe because every
    consumer is idempotent by event id. A batch consumer among them still gets whole batches."""
    if len(consumers) == 1:
        return consumers[0]
    return _AllOf(consumers)


class Consumers:
    """The consumers of each kind of event, keyed by its class, in the order they were added (see all_of)."""

    def __init__(self) -> None:
        self._by_kind: dict[type[Event], list[Consumer]] = {}

    def add(self, consumer: Consumer, *kinds: type[Event]) -> None:
        for kind in kinds:
            self._by_kind.setdefault(kind, []).append(consumer)

    def kinds(self) -> frozenset[type[Event]]:
        return frozenset(self._by_kind)

    def by_topic(self) -> dict[str, Consumer]:
        """What the dispatcher claims by: one consumer per outbox topic."""
        return {topic_of(kind): all_of(*consumers) for kind, consumers in self._by_kind.items()}
