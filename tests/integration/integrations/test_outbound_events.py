"""Dossier steps and payments leaving for the province's systems: subscriptions, signed CloudEvents
POSTed in order from the worker to a stand-in subscriber that checks them as the specifications say,
retries and giving up, and the pull feed with its cursor."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import timedelta
from typing import Any

import asyncpg
import pytest
from litestar.testing import AsyncTestClient

from api.integrations.delivery import IntegrationConsumer, WebhookDeliverer
from api.integrations.placing import TOPICS, Placer
from cli import OPENAPI_PATH
from core.clock import FixedClock
from core.db import acquire
from core.events import Dispatcher, DossierStatusChanged, write_outbox
from tests.integration.conftest import TokenFactory, bearer
from tests.integration.factories import submitted_dossier, vietqr_payment
from tests.integration.payments_helpers import BANK, credit, signed
from tests.integration.standins.subscriber import Subscriber

SUBSCRIPTIONS = "/api/v1/admin/subscriptions"
FEED = "/api/v1/integrations/events"


@pytest.fixture
def system(clock: FixedClock) -> Iterator[Subscriber]:
    with Subscriber(clock=clock.now) as standin:
        yield standin


def placer(pool: asyncpg.Pool, clock: FixedClock) -> Placer:
    return Placer(pool, clock, source="/motcua/79", national_code=lambda slug: None)


@pytest.fixture
async def deliverer(pool: asyncpg.Pool, clock: FixedClock) -> AsyncIterator[WebhookDeliverer]:
    sender = WebhookDeliverer(pool, clock, placer(pool, clock), production=False, timeout=2, rand=lambda: 0.5)
    yield sender
    await sender.aclose()


async def work(pool: asyncpg.Pool, clock: FixedClock, deliverer: WebhookDeliverer) -> int:
    """What the worker does: the outbox's committed events placed, then whatever is due sent."""
    consumer = IntegrationConsumer(deliverer)
    dispatcher = Dispatcher(pool, dict.fromkeys(TOPICS, consumer), clock=clock)
    while await dispatcher.run_once():
        pass
    return await deliverer.run_once()


async def subscribe(client: AsyncTestClient[Any], admin: str, system: Subscriber, types: list[str]) -> dict[str, Any]:
    response = await client.post(SUBSCRIPTIONS, json={"url": system.url, "types": types}, headers=bearer(admin))
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    system.secret = created["secret"]
    return created


async def receive(client: AsyncTestClient[Any], officer: str, dossier_id: str) -> dict[str, Any]:
    response = await client.post(
        f"/api/v1/officer/dossiers/{dossier_id}/actions", json={"action": "receive"}, headers=bearer(officer)
    )
    assert response.status_code == 200, response.text
    received: dict[str, Any] = response.json()
    return received


async def filed_and_received(
    client: AsyncTestClient[Any], make_token: TokenFactory, phone: str = "0912300001"
) -> dict[str, Any]:
    citizen = await make_token(phone)
    dossier = await submitted_dossier(client, citizen)
    officer = await make_token("0900300001", "officer", (dossier["agency"]["code"],))
    return await receive(client, officer, dossier["id"])


async def test_a_subscribed_system_gets_submitted_then_received_signed_as_cloudevents(
    client: AsyncTestClient[Any],
    make_token: TokenFactory,
    pool: asyncpg.Pool,
    clock: FixedClock,
    deliverer: WebhookDeliverer,
    system: Subscriber,
) -> None:
    admin = await make_token("0900000001", "admin")
    created = await subscribe(client, admin, system, ["vn.motcua.dossier.*"])
    assert created["secret"].startswith("whsec_") and created["types"] == ["vn.motcua.dossier.*"]
    listed = (await client.get(SUBSCRIPTIONS, headers=bearer(admin))).json()
    assert listed["total"] == 1 and "secret" not in listed["items"][0]  # shown once, when created

    citizen = await make_token("0912300001")
    dossier = await submitted_dossier(client, citizen)  # a draft first: drafts never leave
    officer = await make_token("0900300001", "officer", (dossier["agency"]["code"],))
    received = await receive(client, officer, dossier["id"])
    assert await work(pool, clock, deliverer) == 2

    assert system.rejected == [] and system.refused == []
    assert [e.get_type() for e in system.events] == ["vn.motcua.dossier.submitted", "vn.motcua.dossier.received"]
    event = system.events[1]
    assert event.get_specversion() == "1.0" and event.get_source() == "/motcua/79"
    assert event.get_subject() == received["code"]
    assert event.get_datacontenttype() == "application/json"
    sent_at = event.get_time()
    assert sent_at is not None and sent_at.utcoffset() == timedelta(hours=7)
    assert event.get_data() == {
        "dossier_id": dossier["id"],
        "code": received["code"],
        "status": "received",
        "previous_status": "submitted",
        "action": "receive",
        "procedure": {"slug": "birth-registration", "national_code": None},
        "agency": {"code": dossier["agency"]["code"]},
        "channel": "online",
        "appointment_date": received["appointment_date"],
        "missing": [],
        "reason": None,
        "occurred_at": "2026-11-23T09:00:00+07:00",
    }
    request = system.requests[1]
    assert request.headers["webhook-id"] == event.get_id()
    assert request.headers["webhook-timestamp"] == str(int(clock.now().timestamp()))
    assert request.headers["webhook-signature"].startswith("v1,")

    assert await work(pool, clock, deliverer) == 0  # delivered once
    deliveries = (await client.get(f"{SUBSCRIPTIONS}/{created['id']}/deliveries", headers=bearer(admin))).json()
    assert [(d["type"], d["status"], d["attempts"], d["last_status"]) for d in deliveries["items"]] == [
        ("vn.motcua.dossier.submitted", "delivered", 1, 204),
        ("vn.motcua.dossier.received", "delivered", 1, 204),
    ]


async def test_the_subscriber_refuses_three_deliveries_the_step_still_arrives_and_later_ones_wait(
    client: AsyncTestClient[Any],
    make_token: TokenFactory,
    pool: asyncpg.Pool,
    clock: FixedClock,
    deliverer: WebhookDeliverer,
    system: Subscriber,
) -> None:
    admin = await make_token("0900000001", "admin")
    created = await subscribe(client, admin, system, ["vn.motcua.dossier.*"])
    system.refuse(3, status=503)
    citizen = await make_token("0912300002")
    dossier = await submitted_dossier(client, citizen)
    await work(pool, clock, deliverer)  # refused once
    officer = await make_token("0900300001", "officer", (dossier["agency"]["code"],))
    await receive(client, officer, dossier["id"])
    await work(pool, clock, deliverer)  # the reception waits for the submission: nothing sent
    for _ in range(2):
        clock.advance(timedelta(hours=1))
        await work(pool, clock, deliverer)
    tried = [r.headers["webhook-id"] for r in system.requests]
    assert len(tried) == 3 and len(set(tried)) == 1  # the refused step was tried again and again, alone
    assert system.events == []

    clock.advance(timedelta(hours=1))
    await work(pool, clock, deliverer)
    assert [r.answer for r in system.requests] == [503, 503, 503, 204, 204]
    assert [e.get_type() for e in system.events] == ["vn.motcua.dossier.submitted", "vn.motcua.dossier.received"]
    assert system.events[0].get_id() == tried[0]
    deliveries = (await client.get(f"{SUBSCRIPTIONS}/{created['id']}/deliveries", headers=bearer(admin))).json()
    assert [(d["status"], d["attempts"]) for d in deliveries["items"]] == [("delivered", 4), ("delivered", 1)]
    assert deliveries["items"][0]["last_error"] is None


async def test_after_24_hours_a_delivery_is_failed_listed_and_retried_by_hand_in_order(
    client: AsyncTestClient[Any],
    make_token: TokenFactory,
    pool: asyncpg.Pool,
    clock: FixedClock,
    deliverer: WebhookDeliverer,
    system: Subscriber,
) -> None:
    admin = await make_token("0900000001", "admin")
    created = await subscribe(client, admin, system, ["vn.motcua.*"])
    system.refuse(1000, status=500)
    received = await filed_and_received(client, make_token)
    await work(pool, clock, deliverer)
    for _ in range(30):
        clock.advance(timedelta(hours=1))
        await work(pool, clock, deliverer)
    deliveries = f"{SUBSCRIPTIONS}/{created['id']}/deliveries"
    failed = (await client.get(deliveries, params={"status": "failed"}, headers=bearer(admin))).json()
    assert failed["total"] == 1
    [given_up] = failed["items"]
    assert given_up["type"] == "vn.motcua.dossier.submitted" and given_up["subject"] == received["code"]
    assert given_up["last_status"] == 500 and given_up["last_error"] == "HTTP 500"
    assert given_up["next_attempt_at"] is None and given_up["attempts"] >= 10
    tries = len(system.requests)
    assert {r.headers["webhook-id"] for r in system.requests} == {given_up["event_id"]}  # the next step waited
    clock.advance(timedelta(hours=5))
    await work(pool, clock, deliverer)
    assert len(system.requests) == tries  # given up: no more tries, and the reception still waits

    system.heal()
    again = await client.post(f"{deliveries}/{given_up['id']}/retry", headers=bearer(admin))
    assert again.status_code == 202, again.text
    assert again.json()["status"] == "pending"
    await work(pool, clock, deliverer)
    assert [e.get_type() for e in system.events] == ["vn.motcua.dossier.submitted", "vn.motcua.dossier.received"]
    assert (await client.get(deliveries, params={"status": "failed"}, headers=bearer(admin))).json()["total"] == 0
    delivered = await client.post(f"{deliveries}/{given_up['id']}/retry", headers=bearer(admin))
    assert delivered.status_code == 409 and delivered.json()["code"] == "delivery-not-failed"
    unknown = await client.post(f"{deliveries}/{uuid.uuid4()}/retry", headers=bearer(admin))
    assert unknown.status_code == 404


async def test_a_subscriber_that_does_not_answer_in_time_is_tried_again(
    client: AsyncTestClient[Any],
    make_token: TokenFactory,
    pool: asyncpg.Pool,
    clock: FixedClock,
    system: Subscriber,
) -> None:
    admin = await make_token("0900000001", "admin")
    created = await subscribe(client, admin, system, ["vn.motcua.dossier.submitted"])
    impatient = WebhookDeliverer(pool, clock, placer(pool, clock), production=False, timeout=0.5)
    try:
        system.hang = True
        await submitted_dossier(client, await make_token("0912300003"))
        await work(pool, clock, impatient)
        system.hang = False
        listed = (await client.get(f"{SUBSCRIPTIONS}/{created['id']}/deliveries", headers=bearer(admin))).json()
        [late] = listed["items"]
        assert (late["status"], late["last_status"], late["last_error"]) == ("pending", None, "no answer within 0.5 s")
        clock.advance(timedelta(minutes=1))
        await work(pool, clock, impatient)
        assert [e.get_type() for e in system.events] == ["vn.motcua.dossier.submitted"]
    finally:
        await impatient.aclose()


async def test_a_settled_payment_leaves_before_the_step_it_causes(
    client: AsyncTestClient[Any],
    make_token: TokenFactory,
    pool: asyncpg.Pool,
    clock: FixedClock,
    deliverer: WebhookDeliverer,
    system: Subscriber,
) -> None:
    admin = await make_token("0900000001", "admin")
    await subscribe(client, admin, system, ["vn.motcua.payment.*", "vn.motcua.dossier.processing"])
    _, _, dossier, payment = await vietqr_payment(client, make_token, "0912300004")
    assert (await client.post(BANK, **signed(credit(payment), clock))).json() == {"result": "settled"}
    await work(pool, clock, deliverer)
    assert [e.get_type() for e in system.events] == ["vn.motcua.payment.settled", "vn.motcua.dossier.processing"]
    settled = system.events[0].get_data()
    assert isinstance(settled, dict)
    assert settled["payment_id"] == payment["id"] and settled["dossier_id"] == dossier["id"]
    assert (settled["status"], settled["amount"], settled["currency"]) == ("succeeded", payment["amount"], "VND")
    assert settled["code"] is not None and system.events[0].get_subject() == settled["code"]


async def test_the_pull_feed_pages_oldest_first_and_resumes_from_its_cursor(
    client: AsyncTestClient[Any],
    make_token: TokenFactory,
    pool: asyncpg.Pool,
    clock: FixedClock,
    deliverer: WebhookDeliverer,
) -> None:
    admin = await make_token("0900000001", "admin")
    first = await filed_and_received(client, make_token, "0912300005")
    second = await submitted_dossier(client, await make_token("0912300006"))
    await work(pool, clock, deliverer)

    page = (await client.get(FEED, params={"limit": 2}, headers=bearer(admin))).json()
    assert [(e["type"], e["data"]["dossier_id"]) for e in page["items"]] == [
        ("vn.motcua.dossier.submitted", first["id"]),
        ("vn.motcua.dossier.received", first["id"]),
    ]
    assert page["items"][1]["specversion"] == "1.0" and page["items"][1]["subject"] == first["code"]
    rest = (await client.get(FEED, params={"after": page["next"]}, headers=bearer(admin))).json()
    assert [(e["type"], e["data"]["dossier_id"]) for e in rest["items"]] == [
        ("vn.motcua.dossier.submitted", second["id"])
    ]
    empty = (await client.get(FEED, params={"after": rest["next"]}, headers=bearer(admin))).json()
    assert empty == {"items": [], "next": rest["next"]}  # nothing new: keep polling with the same cursor

    officer = await make_token("0900300001", "officer", (second["agency"]["code"],))
    await receive(client, officer, second["id"])
    await work(pool, clock, deliverer)
    newer = (await client.get(FEED, params={"after": rest["next"]}, headers=bearer(admin))).json()
    assert [e["type"] for e in newer["items"]] == ["vn.motcua.dossier.received"]
    whole = (await client.get(FEED, headers=bearer(admin))).json()
    assert [e["id"] for e in whole["items"]] == [e["id"] for e in [*page["items"], *rest["items"], *newer["items"]]]

    bad = await client.get(FEED, params={"after": "not-a-cursor"}, headers=bearer(admin))
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "after"
    assert (await client.get(FEED, params={"limit": 0}, headers=bearer(admin))).status_code in (400, 422)
    citizen = await make_token("0912300005")
    assert (await client.get(FEED, headers=bearer(citizen))).status_code == 403
    assert (await client.get(FEED)).status_code == 401


def submission(dossier_id: uuid.UUID, clock: FixedClock) -> DossierStatusChanged:
    return DossierStatusChanged(
        event_id=uuid.uuid4(),
        occurred_at=clock.now(),
        dossier_id=dossier_id,
        code=None,
        owner_id=None,
        agency_code="000.01.14.H29",
        procedure_slug="birth-registration",
        procedure_names={},
        from_status="draft",
        to_status="submitted",
        action="submit",
        actor_role="citizen",
    )


async def test_a_step_committed_after_a_later_numbered_one_is_not_skipped(
    client: AsyncTestClient[Any],
    make_token: TokenFactory,
    pool: asyncpg.Pool,
    clock: FixedClock,
    deliverer: WebhookDeliverer,
) -> None:
    """Two steps of different dossiers commit out of order: the one numbered first commits last. A
    reader between the two commits must not carry a cursor past it, however often the placer runs."""
    admin = await make_token("0900000001", "admin")
    late, early, later = (submission(uuid.uuid4(), clock) for _ in range(3))
    async with acquire(pool) as slow, acquire(pool) as fast:
        tx = slow.transaction()
        await tx.start()
        await slow.execute("SELECT txid_current()")  # it holds a transaction id, as every step does
        await write_outbox(slow, [late])
        async with fast.transaction():
            await fast.execute("SELECT txid_current()")
            await write_outbox(fast, [early])
        seqs = {r["id"]: r["seq"] for r in await slow.fetch("SELECT id, seq FROM outbox")}  # it sees both
        assert seqs[late.event_id] < seqs[early.event_id]
        for _ in range(3):
            await deliverer.place()
        seen = (await client.get(FEED, headers=bearer(admin))).json()
        assert [e["id"] for e in seen["items"]] == [str(early.event_id)]
        async with fast.transaction():
            await fast.execute("SELECT txid_current()")
            await write_outbox(fast, [later])
        for _ in range(3):
            await deliverer.place()
        await tx.commit()
    await deliverer.place()
    after = (await client.get(FEED, params={"after": seen["next"]}, headers=bearer(admin))).json()
    assert [e["id"] for e in after["items"]] == [str(later.event_id), str(late.event_id)]


async def test_the_horizon_follows_so_placing_looks_only_at_new_rows(
    client: AsyncTestClient[Any], make_token: TokenFactory, pool: asyncpg.Pool, deliverer: WebhookDeliverer
) -> None:
    """The horizon waits for every writing transaction of the server older than its mark (other
    databases' too, so other test runs on this server may hold it back a while), then moves up."""
    await filed_and_received(client, make_token)
    async with acquire(pool) as conn:
        last = await conn.fetchval("SELECT max(seq) FROM outbox")
        for _ in range(100):
            await deliverer.place()
            if await conn.fetchval("SELECT seq FROM integration_horizon") == last:
                break
            await asyncio.sleep(0.1)
        assert await conn.fetchval("SELECT seq FROM integration_horizon") == last
        assert await conn.fetchval("SELECT count(*) FROM integration_events") == 2  # submitted, received


async def test_subscriptions_are_for_admins_and_checked(
    client: AsyncTestClient[Any], make_token: TokenFactory, system: Subscriber
) -> None:
    admin = await make_token("0900000001", "admin")
    officer = await make_token("0900300001", "officer", ("000.01.14.H29",))
    body = {"url": system.url, "types": ["vn.motcua.dossier.*"]}
    assert (await client.post(SUBSCRIPTIONS, json=body, headers=bearer(officer))).status_code == 403
    assert (await client.get(SUBSCRIPTIONS, headers=bearer(officer))).status_code == 403
    assert (await client.post(SUBSCRIPTIONS, json=body)).status_code == 401
    wrong = await client.post(
        SUBSCRIPTIONS,
        json={"url": "ftp://example.vn/x", "types": ["vn.motcua.dossier.recieved", "vn.motcua.*"]},
        headers=bearer(admin),
    )
    assert wrong.status_code == 422
    assert [e["field"] for e in wrong.json()["errors"]] == ["url", "types[0]"]
    assert (
        await client.post(SUBSCRIPTIONS, json={"url": system.url, "types": []}, headers=bearer(admin))
    ).status_code == 422
    everything = await client.post(SUBSCRIPTIONS, json={"url": system.url}, headers=bearer(admin))
    assert everything.status_code == 201 and everything.json()["types"] == ["vn.motcua.*"]
    gone = everything.json()["id"]
    assert (await client.delete(f"{SUBSCRIPTIONS}/{gone}", headers=bearer(admin))).status_code == 204
    assert (await client.delete(f"{SUBSCRIPTIONS}/{gone}", headers=bearer(admin))).status_code == 404
    assert (await client.get(f"{SUBSCRIPTIONS}/{gone}/deliveries", headers=bearer(admin))).status_code == 404
    assert (await client.get(SUBSCRIPTIONS, headers=bearer(admin))).json() == {"items": [], "total": 0}


def test_the_document_says_these_routes_are_for_admins() -> None:
    """A citizen or an officer is answered 403 here; a client generated from the document must expect it."""
    document = json.loads(OPENAPI_PATH.read_text(encoding="utf-8"))
    operations = [
        document["paths"][SUBSCRIPTIONS]["post"],
        document["paths"][SUBSCRIPTIONS]["get"],
        document["paths"][FEED]["get"],
        document["paths"][SUBSCRIPTIONS + "/{subscription_id}/deliveries/{delivery_id}/retry"]["post"],
    ]
    assert all({"401", "403"} <= set(op["responses"]) for op in operations)
