"""Bank notifications settled many to a transaction: each is answered as it would be alone, one that
cannot be stored fails only itself, and the settling statement never scans every settled payment."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from typing import Any

import asyncpg
import msgspec
from litestar.testing import AsyncTestClient

from core.db import acquire
from payments import queries
from payments.bank_notifications import receive_bank_notifications
from payments.bank_queue import BankNotificationQueue
from payments.models import BankNotification
from payments.service import PaymentsContext
from tests.integration.conftest import TokenFactory
from tests.integration.factories import vietqr_payment
from tests.integration.payments_helpers import credit, ledger_balance

OFFICE = "000.00.01.H29"


def _note(body: dict[str, Any]) -> BankNotification:
    return msgspec.convert(body, type=BankNotification)


async def _payments(client: AsyncTestClient[Any], make_token: TokenFactory, count: int) -> list[dict[str, Any]]:
    return [(await vietqr_payment(client, make_token, f"09128100{i:02d}"))[3] for i in range(count)]


async def test_one_transaction_answers_each_notification_as_it_would_be_alone(
    client: AsyncTestClient[Any], make_token: TokenFactory, pool: asyncpg.Pool
) -> None:
    first, second, third = await _payments(client, make_token, 3)
    pctx: PaymentsContext = client.app.state.payments
    paying_first = credit(first)
    notes = [
        _note(paying_first),
        _note(credit(second)),
        _note(paying_first),  # the bank sent it twice in one burst
        _note(credit(second, txn="FT-SECOND-AGAIN")),  # another transfer for a payment this batch settles
        _note(credit(third, amount=third["amount"] - 1000)),  # underpaid
        _note(credit(third, memo="chuyen tien hoc phi", txn="FT-NO-REFERENCE")),
    ]
    async with acquire(pool) as conn:
        answers = await receive_bank_notifications(conn, pctx, notes)
    assert answers == ["settled", "settled", "duplicate", "exception", "exception", "exception"]
    async with acquire(pool) as conn:
        statuses = await conn.fetch(
            "SELECT p.reference, p.status, d.status AS dossier FROM payments p JOIN dossiers d ON d.id = p.dossier_id"
        )
        reasons = await conn.fetch("SELECT source_id, reason FROM payment_exceptions ORDER BY source_id")
        numbers = await conn.fetch("SELECT number FROM payment_receipts ORDER BY number")
        moves = await conn.fetchval("SELECT count(*) FROM dossier_history WHERE action = 'settle_payment'")
        topics = await conn.fetch("SELECT topic, count(*) AS n FROM outbox GROUP BY topic")
        marked = await conn.fetch("SELECT transaction_id FROM bank_notifications WHERE result = 'settled'")
    by_reference = {r["reference"]: (r["status"], r["dossier"]) for r in statuses}
    assert by_reference[first["reference"]] == ("succeeded", "processing")
    assert by_reference[second["reference"]] == ("succeeded", "processing")
    assert by_reference[third["reference"]] == ("pending", "awaiting_payment")
    underpaid = notes[4].transaction_id
    assert {r["source_id"]: r["reason"] for r in reasons} == {
        "FT-SECOND-AGAIN": "already_settled",
        "FT-NO-REFERENCE": "unknown_reference",
        underpaid: "underpaid",
    }
    # one series per office and year, numbered in the order the notifications came
    assert [r["number"] for r in numbers] == [f"{OFFICE}-BL2026-000001", f"{OFFICE}-BL2026-000002"]
    assert moves == 2
    assert {r["topic"]: r["n"] for r in topics}.get("payment.succeeded") == 2
    assert {r["transaction_id"] for r in marked} == {notes[0].transaction_id, notes[1].transaction_id}
    assert await ledger_balance(pool) == (2 * 2 + 3 * 2, 0)


async def test_the_queue_settles_what_waits_together_and_a_bad_notification_fails_alone(
    client: AsyncTestClient[Any], make_token: TokenFactory, pool: asyncpg.Pool
) -> None:
    payments = await _payments(client, make_token, 6)
    pctx = replace(client.app.state.payments, pool=pool)
    queue = BankNotificationQueue(pctx, in_flight=1)
    ahead = asyncio.ensure_future(queue.submit(_note(credit(payments[0]))))
    await asyncio.sleep(0)  # the first goes alone, at once; the rest wait for it and go in one batch
    # PostgreSQL refuses U+0000 in text: this one makes its batch fail, and only it fails in the end
    poisoned = _note({**credit(payments[1]), "content": "MC\x00"})
    waiting = [queue.submit(_note(credit(p))) for p in payments[2:]]
    answers = await asyncio.gather(ahead, queue.submit(poisoned), *waiting, return_exceptions=True)
    assert answers[0] == "settled"
    assert isinstance(answers[1], asyncpg.PostgresError)
    assert answers[2:] == ["settled"] * 4
    await queue.drain()
    async with acquire(pool) as conn:
        settled = await conn.fetchval("SELECT count(*) FROM payments WHERE status = 'succeeded'")
        stored = await conn.fetchval("SELECT count(*) FROM bank_notifications")
    assert (settled, stored) == (5, 5)


def _nodes(plan: dict[str, Any]) -> list[dict[str, Any]]:
    return [plan, *(node for child in plan.get("Plans", []) for node in _nodes(child))]


async def test_the_generic_plan_of_settling_looks_up_each_dossier_and_marks_by_row_version(pool: asyncpg.Pool) -> None:
    """A prepared statement keeps its generic plan. One made while no payment had succeeded joined the
    "dossier already paid" check against every settled payment, and one made while bank_notifications was
    empty marked the settling notification by a sequential scan: costs that grew with each settlement
    until the connection closed."""
    async with acquire(pool) as conn, conn.transaction():
        await conn.execute("SET LOCAL plan_cache_mode = force_generic_plan")
        await conn.execute(
            "PREPARE settle (uuid[], uuid[], text[], text[], text[], tid[], text[], timestamptz) AS "
            + queries.SETTLE_MANY
        )
        plan = await conn.fetchval(  # json, decoded by the pool's codec
            "EXPLAIN (FORMAT JSON) EXECUTE settle ("
            "ARRAY[gen_random_uuid()], ARRAY[gen_random_uuid()], ARRAY['bank:FT1'], ARRAY['bank:970415:1'],"
            "ARRAY['fees:x'], ARRAY['(0,1)'::tid], ARRAY['FT1'], now())"
        )
        await conn.execute("DEALLOCATE settle")
    nodes = [node for tree in plan for node in _nodes(tree["Plan"])]
    scans_of_paid = [n for n in nodes if n.get("Relation Name") == "payments" and n.get("Alias") == "o"]
    assert scans_of_paid, "the check that the dossier is not paid yet is gone"
    # looked up for each dossier (how, the statistics decide), never joined against all settled payments
    assert all(n.get("Parent Relationship") == "SubPlan" for n in scans_of_paid), scans_of_paid
    assert not [n for n in nodes if "o.dossier_id" in n.get("Join Filter", "")]
    marks = [n for n in nodes if n.get("Relation Name") == "bank_notifications" and n["Node Type"] != "ModifyTable"]
    assert marks and all(n["Node Type"] == "Tid Scan" for n in marks), marks
