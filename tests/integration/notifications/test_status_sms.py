"""Citizens without the app hear of their dossier's steps by SMS: through the worker's consumers as the
composition root wires them, the real eSMS adapter and a stand-in eSMS that checks every field."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from dataclasses import replace
from datetime import timedelta
from typing import Any

import asyncpg
import pytest
from litestar.testing import AsyncTestClient

from api.accounts.sms import EsmsSender
from core.clock import FixedClock
from core.db import acquire
from core.events import Dispatcher
from core.redis import create_redis
from notifications.senders import FirebaseSender
from runtime import Runtime, outbox_consumers
from tests.integration.conftest import TokenFactory, bearer
from tests.integration.factories import act, filed_at_counter, scan, submitted_dossier
from tests.integration.helpers import walk_in
from tests.integration.standins.esms import EsmsStandin
from tests.integration.standins.fcm import FcmStandin

API_KEY = "ESMS-API-KEY-TEST"
SECRET_KEY = "ESMS-SECRET-KEY-TEST"
BRANDNAME = "MOTCUA"
BEN_THANH = "000.01.14.H29"
WALK_IN_PHONE = "0912555001"
DEVICE = "fcm-sms-" + "e" * 40


@pytest.fixture
def esms() -> Iterator[EsmsStandin]:
    with EsmsStandin(api_key=API_KEY, secret_key=SECRET_KEY, brandname=BRANDNAME, hang_seconds=3) as standin:
        yield standin


@pytest.fixture
async def gateway(esms: EsmsStandin) -> AsyncIterator[EsmsSender]:
    sender = EsmsSender(base_url=esms.url, api_key=API_KEY, secret_key=SECRET_KEY, brandname=BRANDNAME, timeout=2)
    yield sender
    await sender.aclose()


@pytest.fixture
async def worker(
    client: AsyncTestClient[Any],
    pool: asyncpg.Pool,
    redis_url: str,
    clock: FixedClock,
    gateway: EsmsSender,
    sender: FirebaseSender,
) -> AsyncIterator[Dispatcher]:
    """The outbox consumers of the composition root, with the eSMS gateway and the FCM stand-in (and
    connections of the tests' own event loop, not of the app's)."""
    redis = create_redis(redis_url)
    ctx = replace(client.app.state.ctx, pool=pool, redis=redis, sms=gateway)
    runtime = Runtime(ctx=ctx, payments=client.app.state.payments, push_sender=sender)
    yield Dispatcher(pool, outbox_consumers(runtime), clock=clock)
    await redis.aclose()


async def drain(worker: Dispatcher) -> int:
    total = 0
    while claimed := await worker.run_once():
        total += claimed
    return total


def texts(esms: EsmsStandin, phone: str) -> list[str]:
    return [r.body["Content"] for r in esms.accepted if r.body is not None and r.body["Phone"] == phone]


async def test_a_walk_in_applicant_without_the_app_gets_an_unaccented_sms_with_the_code(
    client: AsyncTestClient[Any], make_token: TokenFactory, esms: EsmsStandin, worker: Dispatcher, fcm: FcmStandin
) -> None:
    officer = await make_token("0900555001", "officer", (BEN_THANH,))
    draft = await filed_at_counter(client, officer, walk_in(WALK_IN_PHONE))
    for key in ("declaration-form", "birth-certificate"):
        assert (await scan(client, officer, draft["id"], key)).status_code == 201
    received = (await act(client, officer, draft["id"], action="receive")).json()
    assert received["status"] == "received"

    await drain(worker)
    assert [r.problems for r in esms.received] == [()]  # every field as eSMS and the contract want it
    [message] = texts(esms, WALK_IN_PHONE)
    assert received["code"] in message and "23/11/2026" in message  # the code and the appointment date
    assert message.startswith(f"Ho so {received['code']}") and "da duoc tiep nhan" in message
    assert len(message) <= 160 and re.fullmatch(r"[ -~]+", message)
    assert fcm.messages == []

    act_url = f"/api/v1/officer/dossiers/{draft['id']}/actions"
    assert (await client.post(act_url, json={"action": "start_processing"}, headers=bearer(officer))).status_code == 200
    assert (
        await client.post(
            act_url, json={"action": "reject", "reason": "Giấy chứng sinh không đúng mẫu"}, headers=bearer(officer)
        )
    ).status_code == 200
    await drain(worker)
    sent = texts(esms, WALK_IN_PHONE)
    assert len(sent) == 2  # processing is not told by SMS, the rejection is
    assert sent[1] == (
        f"Ho so {received['code']} (Dang ky khai sinh) bi tu choi giai quyet. Ly do: Giay chung sinh khong dung mau."
    )


async def test_a_step_is_sent_once_even_when_its_event_is_handled_again(
    client: AsyncTestClient[Any],
    make_token: TokenFactory,
    esms: EsmsStandin,
    worker: Dispatcher,
    pool: asyncpg.Pool,
    clock: FixedClock,
) -> None:
    officer = await make_token("0900555001", "officer", (BEN_THANH,))
    draft = await filed_at_counter(client, officer, walk_in(WALK_IN_PHONE))
    for key in ("declaration-form", "birth-certificate"):
        await scan(client, officer, draft["id"], key)
    await act(client, officer, draft["id"], action="receive")
    await drain(worker)
    async with acquire(pool) as conn:  # as if the worker died before marking the event done
        again = await conn.execute("UPDATE outbox SET status = 'pending', available_at = $1", clock.now())
    assert again != "UPDATE 0"
    assert await drain(worker) > 0
    assert len(texts(esms, WALK_IN_PHONE)) == 1
    async with acquire(pool) as conn:
        recorded = await conn.fetch("SELECT user_id, phone FROM sms_deliveries")
    assert [(r["user_id"], r["phone"]) for r in recorded] == [(None, "09******01")]


async def test_a_gateway_failure_is_retried_and_the_step_arrives_once(
    client: AsyncTestClient[Any],
    make_token: TokenFactory,
    esms: EsmsStandin,
    worker: Dispatcher,
    pool: asyncpg.Pool,
    clock: FixedClock,
) -> None:
    officer = await make_token("0900555001", "officer", (BEN_THANH,))
    draft = await filed_at_counter(client, officer, walk_in(WALK_IN_PHONE))
    for key in ("declaration-form", "birth-certificate"):
        await scan(client, officer, draft["id"], key)
    await act(client, officer, draft["id"], action="receive")
    esms.code_result = "103"  # not enough balance
    await drain(worker)
    assert texts(esms, WALK_IN_PHONE) == []
    async with acquire(pool) as conn:
        row = await conn.fetchrow("SELECT status, last_error FROM outbox WHERE topic = 'dossier.status_changed'")
    assert row is not None and row["status"] == "pending" and "SMS not sent" in row["last_error"]
    esms.heal()
    clock.advance(timedelta(hours=1))
    await drain(worker)
    assert len(texts(esms, WALK_IN_PHONE)) == 1


async def test_a_citizen_who_turned_sms_off_gets_none_and_one_with_the_app_gets_a_push_instead(
    client: AsyncTestClient[Any],
    make_token: TokenFactory,
    esms: EsmsStandin,
    worker: Dispatcher,
    fcm: FcmStandin,
) -> None:
    told, quiet, with_app = "0912555002", "0912555003", "0912555004"
    tokens = {phone: await make_token(phone) for phone in (told, quiet, with_app)}
    off = await client.put(
        "/api/v1/notifications/preferences", json={"sms_status": False}, headers=bearer(tokens[quiet])
    )
    assert off.status_code == 200 and off.json()["sms_status"] is False
    assert (await client.get("/api/v1/notifications/preferences", headers=bearer(tokens[quiet]))).json() == {
        "push_status": True,
        "push_payment": True,
        "push_reminder": True,
        "sms_status": False,
    }
    registered = await client.put(
        f"/api/v1/devices/{DEVICE}", json={"platform": "android", "locale": "vi"}, headers=bearer(tokens[with_app])
    )
    assert registered.status_code == 200
    officer = await make_token("0900555001", "officer", (BEN_THANH,))
    codes = {}
    for phone, token in tokens.items():
        dossier = await submitted_dossier(client, token)
        received = (await act(client, officer, dossier["id"], action="receive")).json()
        assert received["status"] == "received", received
        codes[phone] = received["code"]
    await drain(worker)

    [message] = texts(esms, told)  # the submission is not told by SMS, the reception is
    assert codes[told] in message and "23/11/2026" in message
    assert texts(esms, quiet) == []
    assert texts(esms, with_app) == []
    assert sorted(m["data"]["type"] for m in fcm.messages if m["token"] == DEVICE) == [
        "dossier.received",
        "dossier.submitted",
    ]
