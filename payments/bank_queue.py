"""Bank notifications of concurrent requests settled together.

Whatever arrives while earlier batches are in PostgreSQL waits and then goes in one transaction: one
BEGIN, one COMMIT, one WAL flush and one set of statements (bank_notifications.receive_bank_notifications)
for the lot, instead of each. A lone notification goes at once, so a quiet system adds no delay; a busy
one spends its database round trips, the largest share of both the server's and PostgreSQL's CPU per
notification, on many notifications at a time."""

from __future__ import annotations

import asyncio
import logging

from core.db import acquire
from payments.bank_notifications import receive_bank_notifications
from payments.models import BankNotification
from payments.service import PaymentsContext

log = logging.getLogger("motcua.payments")

_Waiting = tuple[BankNotification, "asyncio.Future[str]"]


class BankNotificationQueue:
    def __init__(self, pctx: PaymentsContext, *, max_batch: int = 64, in_flight: int = 1) -> None:
        """`in_flight` batches at a time per process. One: on 2 cores and 16 connections, a second batch in
        flight halved the batches and cost more CPU per notification than it saved in waiting
        (bench/README.md)."""
        self._pctx = pctx
        self._max_batch = max_batch
        self._in_flight = in_flight
        self._waiting: list[_Waiting] = []
        self._running: set[asyncio.Task[None]] = set()

    async def submit(self, note: BankNotification) -> str:
        """settled | duplicate | exception, once the batch holding `note` has committed."""
        answer: asyncio.Future[str] = asyncio.get_running_loop().create_future()
        self._waiting.append((note, answer))
        self._start()
        return await answer

    async def drain(self) -> None:
        """Until every notification handed in has its answer (at shutdown, before the pool closes)."""
        while self._running:
            await asyncio.gather(*self._running, return_exceptions=True)

    def _start(self) -> None:
        while self._waiting and len(self._running) < self._in_flight:
            batch, self._waiting = self._waiting[: self._max_batch], self._waiting[self._max_batch :]
            task = asyncio.create_task(self._settle(batch))
            self._running.add(task)
            task.add_done_callback(self._finished)

    def _finished(self, task: asyncio.Task[None]) -> None:
        self._running.discard(task)
        self._start()

    async def _settle(self, batch: list[_Waiting]) -> None:
        try:
            answers = await self._in_one_transaction([note for note, _ in batch])
        except Exception as exc:
            if len(batch) == 1:
                _fail(batch[0][1], exc)
                return
            # a deadlock with a refund, a bad row: one notification must not fail the others, so each goes
            # on its own; everything the batch wrote was rolled back
            log.warning("batch of %d bank notifications failed (%s); settling them one by one", len(batch), exc)
            for item in batch:
                try:
                    _answer(item[1], (await self._in_one_transaction([item[0]]))[0])
                except Exception as one_exc:
                    _fail(item[1], one_exc)
            return
        for (_, answer), result in zip(batch, answers, strict=True):
            _answer(answer, result)

    async def _in_one_transaction(self, notes: list[BankNotification]) -> list[str]:
        async with acquire(self._pctx.pool) as conn:
            return await receive_bank_notifications(conn, self._pctx, notes)


def _answer(answer: asyncio.Future[str], result: str) -> None:
    if not answer.done():  # its request may have gone (the client hung up); the bank will ask again
        answer.set_result(result)


def _fail(answer: asyncio.Future[str], exc: Exception) -> None:
    if not answer.done():
        answer.set_exception(exc)
