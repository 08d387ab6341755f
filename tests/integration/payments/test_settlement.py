"""Settling a bank notification under the dossier's lock: what changed while it waited is judged as it
is now, receipt numbers never wrap, and the transaction stays short."""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import replace
from typing import Any

import asyncpg
import pytest
from litestar.testing import AsyncTestClient

from core.clock import FixedClock
from core.db import acquire
from payments.bank_notifications import receive_bank_notification
from payments.models import BankNotification
from payments.service import PaymentsContext
from tests.integration.conftest import TokenFactory
from tests.integration.factories import vietqr_payment
from tests.integration.payments_helpers import BANK, credit, ledger_balance, signed

OFFICE = "000.00.01.H29"


async def _waiting_for_a_lock(pool: asyncpg.Pool) -> None:
    async with acquire(pool) as conn:
        for _ in range(200):  # up to 10 s
            waiting = await conn.fetchval(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
            if waiting:
                return
            await asyncio.sleep(0.05)
    raise AssertionError("the notification never waited for the dossier")


PAID_BY_ANOTHER = """
INSERT INTO payments (id, dossier_id, method, status, amount, reference, agency_code, bank_bin, account_number,
    account_name, payer_name, owner_id, expires_at, created_at, updated_at)
SELECT $2, dossier_id, 'vnpay', 'succeeded', amount, 'MCPAIDELSE', agency_code, bank_bin, account_number,
    account_name, payer_name, owner_id, expires_at, created_at, updated_at
FROM payments WHERE id = $1
"""


@pytest.mark.parametrize(
    ("meanwhile", "reason"),
    [
        ("UPDATE payments SET status = 'expired' WHERE id = $1 AND $2::uuid IS NOT NULL", "expired"),
        ("UPDATE payments SET status = 'succeeded' WHERE id = $1 AND $2::uuid IS NOT NULL", "already_settled"),
        (PAID_BY_ANOTHER, "dossier_already_paid"),
    ],
    ids=["expired", "settled-otherwise", "dossier-paid-by-another-payment"],
)
async def test_what_changed_while_the_notification_waited_for_the_dossier_is_an_exception(
    client: AsyncTestClient[Any],
    make_token: TokenFactory,
    clock: FixedClock,
    pool: asyncpg.Pool,
    meanwhile: str,
    reason: str,
) -> None:
    _, _, dossier, payment = await vietqr_payment(client, make_token, "0912800001")
    note = BankNotification(**{**credit(payment), "transacted_at": None})
    pctx: PaymentsContext = replace(client.app.state.payments, pool=pool)
    payment_id = uuid.UUID(payment["id"])

    async def deliver() -> str:
        async with acquire(pool) as conn:
            return await receive_bank_notification(conn, pctx, note)

    async with acquire(pool) as officer_side:
        tx = officer_side.transaction()
        await tx.start()
        await officer_side.execute("SELECT 1 FROM dossiers WHERE id = $1 FOR UPDATE", uuid.UUID(dossier["id"]))
        pending = asyncio.ensure_future(deliver())
        await _waiting_for_a_lock(pool)
        await officer_side.execute(meanwhile, payment_id, uuid.uuid4())
        await tx.commit()
        assert await asyncio.wait_for(pending, 10) == "exception"
        stored = await officer_side.fetchrow(
            "SELECT n.result, n.payment_id, e.reason FROM bank_notifications n "
            "JOIN payment_exceptions e ON e.source = 'bank' AND e.source_id = n.transaction_id"
        )
        moves = await officer_side.fetchval(
            "SELECT count(*) FROM dossier_history WHERE action = 'settle_payment' AND dossier_id = $1",
            uuid.UUID(dossier["id"]),
        )
    assert stored is not None
    assert (stored["result"], stored["payment_id"], stored["reason"]) == ("exception", payment_id, reason)
    assert moves == 0
    assert await ledger_balance(pool) == (2, 0)  # the unmatched money, in suspense


async def test_receipt_numbers_keep_every_digit_past_a_million(
    client: AsyncTestClient[Any], make_token: TokenFactory, clock: FixedClock, pool: asyncpg.Pool
) -> None:
    *_, payment = await vietqr_payment(client, make_token, "0912800002")
    async with acquire(pool) as conn:
        await conn.execute(
            "INSERT INTO payment_receipt_counters (agency_code, year, last) VALUES ($1, 2026, 999999)", OFFICE
        )
    assert (await client.post(BANK, **signed(credit(payment), clock))).json() == {"result": "settled"}
    async with acquire(pool) as conn:
        number = await conn.fetchval(
            "SELECT number FROM payment_receipts WHERE payment_id = $1", uuid.UUID(payment["id"])
        )
    assert number == f"{OFFICE}-BL2026-1000000"


async def _statements(pool: asyncpg.Pool, pctx: PaymentsContext, note: BankNotification) -> tuple[str, int]:
    seen: list[str] = []
    async with acquire(pool) as conn:
        conn.add_query_logger(lambda query: seen.append(query.query))
        # asyncpg learns a type the first time a connection uses it (an array of a new kind, say): once per
        # connection, not per notification
        introspection = ("typeinfo_tree", "current_setting('jit')", "set_config('jit'")
        answer = await receive_bank_notification(conn, pctx, note)
        await asyncio.sleep(0)  # loggers are called soon after the statement, not during it
        return answer, len([q for q in seen if not any(mark in q for mark in introspection)])


async def test_a_settling_notification_takes_nine_round_trips_to_the_database(
    client: AsyncTestClient[Any], make_token: TokenFactory, pool: asyncpg.Pool
) -> None:
    """BEGIN, claim, lock the dossier, settle, move the dossier, its history, the outbox, the receipt, COMMIT:
    the transaction's length is what a burst of one office's payments queues on (bench/README.md)."""
    *_, payment = await vietqr_payment(client, make_token, "0912800003")
    pctx: PaymentsContext = replace(client.app.state.payments, pool=pool)
    note = BankNotification(**{**credit(payment), "transacted_at": None})
    assert await _statements(pool, pctx, note) == ("settled", 9)
    assert await _statements(pool, pctx, note) == ("duplicate", 3)
    unmatched = BankNotification(**{**credit(payment, amount=1000), "transacted_at": None})
    assert await _statements(pool, pctx, unmatched) == ("exception", 4)
