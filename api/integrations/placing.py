"""Placing the events that leave in one order, the feed's, without skipping one that commits late.

A step's transaction writes its outbox rows, numbered (`outbox.seq`) under the dossier's lock, so the
steps of one dossier are numbered in their order; it writes nothing more for other systems. After
commit, the worker's placer (one at a time: an advisory lock) reads the committed rows of the topics
that leave, turns them into CloudEvents and gives them the next positions, queuing a delivery to
every subscription asking for their type in the same statement. Placements commit one after the
other, so a reader who saw position N has seen every position below it, and a step that committed
after a later-numbered one is simply placed later, above the cursor of anyone who read before.

Which rows are still to look at is kept by a safe horizon: every row numbered up to it is placed or
never will be (another topic, a draft, an aborted transaction). A row is numbered while its
transaction holds an id (every step has written the dossier or the payment first), so once no
transaction older than the next id of the moment some number was the last drawn is running, nothing
at or below that number can still appear: the horizon moves there, after one more look above it."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Final

import asyncpg
import msgspec

from api.integrations import queries
from api.integrations.models import CloudEvent, dossier_event, leaves, payment_event
from core.clock import Clock
from core.db import acquire
from core.events import DossierStatusChanged, PaymentRefunded, PaymentSucceeded, event_from_row, topic_of

log = logging.getLogger("motcua.webhooks")

EVENTS: Final = (DossierStatusChanged, PaymentSucceeded, PaymentRefunded)
TOPICS: Final = tuple(topic_of(kind) for kind in EVENTS)
_encoder = msgspec.json.Encoder()


@dataclass(frozen=True)
class _Leaving:
    seq: int
    tx: str
    payment: bool
    dossier_id: uuid.UUID
    occurred_at: datetime
    event: CloudEvent


class Placer:
    def __init__(
        self,
        pool: asyncpg.Pool,
        clock: Clock,
        *,
        source: str,
        national_code: Callable[[str], str | None],
        page: int = 1000,
    ) -> None:
        self._pool = pool
        self._clock = clock
        self._source = source
        self._national_code = national_code
        self._page = page

    async def place(self) -> int:
        """Places every committed event that leaves and is not placed yet; how many it placed."""
        placed = 0
        async with acquire(self._pool) as conn, conn.transaction():
            await conn.execute(queries.PLACER_LOCK)
            state = await conn.fetchrow(queries.HORIZON)
            horizon: int = state["seq"] if state is not None else 0
            pending: tuple[int, int] | None = None
            if state is not None and state["pending_seq"] is not None:
                pending = (state["pending_seq"], state["pending_xmax"])
            passed = state is not None and bool(state["passed"])
            # every row above the horizon that is visible now: later statements than the check above
            after = horizon
            while True:
                rows = await conn.fetch(queries.UNPLACED, after, list(TOPICS), self._page)
                leaving = self._leaving(rows)
                if leaving:
                    await self._insert(conn, leaving)
                    placed += len(leaving)
                if len(rows) < self._page:
                    break
                after = rows[-1]["seq"]
            if passed and pending is not None:
                horizon, pending = pending[0], None
            if pending is None:
                last_seq = await conn.fetchval(queries.LAST_SEQ)
                pending = (last_seq, await conn.fetchval(queries.NEXT_XID))
            await conn.execute(queries.SAVE_HORIZON, horizon, *pending)
        return placed

    def _leaving(self, rows: Sequence[asyncpg.Record]) -> list[_Leaving]:
        """The rows' CloudEvents; within one transaction a payment before the step it caused."""
        found: list[_Leaving] = []
        for row in rows:
            try:
                event = event_from_row(row["payload"])
            except msgspec.ValidationError as exc:  # written by a newer version: it places them
                log.warning("outbox row %s not placed: %s", row["seq"], exc)
                continue
            match event:
                case DossierStatusChanged() if leaves(event):
                    cloud = dossier_event(
                        event, source=self._source, national_code=self._national_code(event.procedure_slug)
                    )
                case PaymentSucceeded() | PaymentRefunded():
                    cloud = payment_event(
                        event, source=self._source, national_code=self._national_code(event.procedure_slug)
                    )
                case _:
                    continue
            payment = not isinstance(event, DossierStatusChanged)
            found.append(_Leaving(row["seq"], row["tx"], payment, event.dossier_id, event.occurred_at, cloud))
        first_of_tx: dict[str, int] = {}
        for item in found:
            first_of_tx.setdefault(item.tx, item.seq)
        return sorted(found, key=lambda item: (first_of_tx[item.tx], not item.payment, item.seq))

    async def _insert(self, conn: asyncpg.Connection, leaving: Sequence[_Leaving]) -> None:
        await conn.execute(
            queries.PLACE,
            [uuid.UUID(item.event.id) for item in leaving],
            [item.event.type for item in leaving],
            [item.dossier_id for item in leaving],
            [item.event.subject for item in leaving],
            [_encoder.encode(item.event).decode() for item in leaving],
            [item.occurred_at for item in leaving],
            self._clock.now(),
        )
