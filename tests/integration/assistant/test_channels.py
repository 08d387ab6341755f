"""The assistant on Messenger and Zalo OA: signed webhooks in, replies through stand-in platform APIs
from the outbox worker, with retries and the Zalo token refresh."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import AsyncIterator, Iterator
from datetime import timedelta
from typing import Any

import asyncpg
import httpx
import msgspec
import pytest
from litestar.testing import AsyncTestClient
from redis.asyncio import Redis

from assistant.channels.platforms import MessengerApi
from assistant.channels.service import TOPIC, ChatReplies, reply_consumer
from assistant.channels.signatures import messenger_signature, zalo_signature
from core.clock import FixedClock
from core.db import acquire
from core.events import Dispatcher
from core.settings import Settings
from runtime import Runtime, chat_replies, outbox_consumers
from tests.integration.conftest import (
    MESSENGER_APP_SECRET,
    MESSENGER_VERIFY_TOKEN,
    ZALO_APP_ID,
    ZALO_OA_SECRET,
    TokenFactory,
    bearer,
)
from tests.integration.factories import submitted_dossier
from tests.integration.standins.graph_api import GraphStandin
from tests.integration.standins.zalo_oa import TOKEN_PATH, ZaloStandin

MESSENGER_URL = "/api/v1/channels/messenger/webhook"
ZALO_URL = "/api/v1/channels/zalo/webhook"
PAGE_TOKEN = "page-token-test"
ZALO_APP_SECRET = "zalo-app-secret-test"
FIRST_ACCESS, FIRST_REFRESH = "zalo-access-1", "zalo-refresh-1"
OA_ID = "1646843870823903717"


@pytest.fixture
def graph() -> Iterator[GraphStandin]:
    with GraphStandin(page_token=PAGE_TOKEN) as standin:
        yield standin


@pytest.fixture
def zalo() -> Iterator[ZaloStandin]:
    with ZaloStandin(
        app_id=ZALO_APP_ID, app_secret=ZALO_APP_SECRET, access_token=FIRST_ACCESS, refresh_token=FIRST_REFRESH
    ) as standin:
        yield standin


@pytest.fixture
async def replies(
    client: AsyncTestClient[Any],
    settings: Settings,
    pool: asyncpg.Pool,
    redis_url: str,
    graph: GraphStandin,
    zalo: ZaloStandin,
) -> AsyncIterator[ChatReplies]:
    """The worker's side as asgi.py wires it, pointed at the stand-ins (on this loop's pool and Redis:
    the app's own serve requests on the test client's loop)."""
    ctx = client.app.state.ctx
    configured = msgspec.structs.replace(
        settings,
        messenger_page_token=PAGE_TOKEN,
        graph_api_base=graph.url,
        zalo_app_secret=ZALO_APP_SECRET,
        zalo_access_token=FIRST_ACCESS,
        zalo_refresh_token=FIRST_REFRESH,
        zalo_api_base=zalo.url,
        zalo_oauth_base=zalo.url,
    )
    redis = Redis.from_url(redis_url)
    async with httpx.AsyncClient() as http:
        yield chat_replies(dataclasses.replace(ctx, settings=configured, pool=pool, redis=redis), http)
    await redis.aclose()


async def drain(pool: asyncpg.Pool, clock: FixedClock, replies: ChatReplies) -> int:
    dispatcher = Dispatcher(pool, {TOPIC: reply_consumer(replies)}, clock=clock)
    total = 0
    while claimed := await dispatcher.run_once():
        total += claimed
    return total


def messenger_event(text: str, mid: str, psid: str = "PSID-1", **message: Any) -> bytes:
    item = {
        "sender": {"id": psid},
        "recipient": {"id": "PAGE-1"},
        "timestamp": 1764557000000,
        "message": {"mid": mid, "text": text, **message},
    }
    return json.dumps(
        {"object": "page", "entry": [{"id": "PAGE-1", "time": 1764557000000, "messaging": [item]}]}
    ).encode()


def zalo_event(text: str, msg_id: str, user: str = "5510185758261927916") -> bytes:
    return json.dumps(
        {
            "app_id": ZALO_APP_ID,
            "sender": {"id": user},
            "user_id_by_app": "3611371994410983884",
            "event_name": "user_send_text",
            "recipient": {"id": OA_ID},
            "message": {"msg_id": msg_id, "text": text},
            "timestamp": "1764557000000",
        },
        ensure_ascii=True,  # as Meta and Zalo send it: non-ASCII escaped, signed as received
    ).encode()


async def post_messenger(client: AsyncTestClient[Any], body: bytes, signature: str | None = None) -> httpx.Response:
    header = signature if signature is not None else messenger_signature(body, MESSENGER_APP_SECRET)
    return await client.post(
        MESSENGER_URL, content=body, headers={"X-Hub-Signature-256": header, "Content-Type": "application/json"}
    )


async def post_zalo(client: AsyncTestClient[Any], body: bytes, mac: str | None = None) -> httpx.Response:
    timestamp = json.loads(body)["timestamp"]
    header = mac if mac is not None else "mac=" + zalo_signature(body, ZALO_APP_ID, timestamp, ZALO_OA_SECRET)
    return await client.post(ZALO_URL, content=body, headers={"X-ZEvent-Signature": header})


async def stored(pool: asyncpg.Pool) -> tuple[int, int]:
    async with acquire(pool) as conn:
        messages = await conn.fetchval("SELECT count(*) FROM chat_messages")
        events = await conn.fetchval("SELECT count(*) FROM outbox WHERE topic = $1", TOPIC)
    return messages, events


def test_the_worker_answers_chat_messages(client: AsyncTestClient[Any], replies: ChatReplies) -> None:
    runtime = Runtime(ctx=client.app.state.ctx, payments=client.app.state.payments, chat=replies)
    assert TOPIC in outbox_consumers(runtime)


# ---- Messenger ----------------------------------------------------------------------------------


async def test_messenger_verification(client: AsyncTestClient[Any]) -> None:
    query = {"hub.mode": "subscribe", "hub.verify_token": MESSENGER_VERIFY_TOKEN, "hub.challenge": "1158201444"}
    ok = await client.get(MESSENGER_URL, params=query)
    assert ok.status_code == 200
    assert ok.text == "1158201444"
    assert ok.headers["content-type"].startswith("text/plain")
    for wrong in ({"hub.verify_token": "guess"}, {"hub.mode": "unsubscribe"}, {"hub.challenge": None}):
        params = {k: v for k, v in {**query, **wrong}.items() if v is not None}
        refused = await client.get(MESSENGER_URL, params=params)
        assert refused.status_code == 403, wrong
        assert refused.headers["content-type"].startswith("application/problem+json")


async def test_bad_signatures_are_refused_and_nothing_is_kept(client: AsyncTestClient[Any], pool: asyncpg.Pool) -> None:
    body = messenger_event("lam khai sinh can gi", "m_bad")
    forged = messenger_signature(body, "not-the-app-secret")
    for signature in (forged, "", "sha256=00"):
        response = await post_messenger(client, body, signature)
        assert response.status_code == 401
        assert response.json()["code"] == "bad-signature"
    assert (
        await post_messenger(client, body + b" ", messenger_signature(body, MESSENGER_APP_SECRET))
    ).status_code == 401
    zbody = zalo_event("lam khai sinh can gi", "z_bad")
    assert (await post_zalo(client, zbody, "mac=" + "0" * 64)).status_code == 401
    assert (await post_zalo(client, zbody, "")).status_code == 401
    other_app = zbody.replace(ZALO_APP_ID.encode(), b"999")
    mac = zalo_signature(other_app, "999", "1764557000000", ZALO_OA_SECRET)
    assert (await post_zalo(client, other_app, mac)).status_code == 401
    assert await stored(pool) == (0, 0)


async def test_well_signed_garbage_is_a_400(client: AsyncTestClient[Any], pool: asyncpg.Pool) -> None:
    response = await post_messenger(client, b'{"object": "page", "entry": 7}')
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("application/problem+json")
    assert await stored(pool) == (0, 0)


async def test_a_conversation_on_messenger_carries_context(
    client: AsyncTestClient[Any], pool: asyncpg.Pool, clock: FixedClock, replies: ChatReplies, graph: GraphStandin
) -> None:
    first = await post_messenger(client, messenger_event("lam giay khai sinh can gi", "m_1"))
    assert first.status_code == 200
    assert first.json() == {"received": 1}
    assert graph.requests == []  # nothing is sent inline
    assert await drain(pool, clock, replies) == 1
    await post_messenger(client, messenger_event("le phi bao nhieu", "m_2"))
    assert await drain(pool, clock, replies) == 1

    documents, fee = graph.messages
    assert documents["recipient"] == {"id": "PSID-1"} and fee["recipient"] == {"id": "PSID-1"}
    assert documents["messaging_type"] == "RESPONSE"
    assert "Giấy chứng sinh" in documents["message"]["text"]
    titles = [q["title"] for q in documents["message"]["quick_replies"]]
    assert "Lệ phí" in titles
    assert "miễn lệ phí" in fee["message"]["text"].lower()  # the fee of birth registration, named a turn before
    assert fee["message"]["quick_replies"]
    async with acquire(pool) as conn:
        rows = await conn.fetch("SELECT replied_at, reply_platform_id FROM chat_messages ORDER BY platform_id")
    assert [r["reply_platform_id"] for r in rows] == ["m_reply1", "m_reply2"]
    assert all(r["replied_at"] == clock.now() for r in rows)


async def test_a_tapped_quick_reply_is_answered(
    client: AsyncTestClient[Any], pool: asyncpg.Pool, clock: FixedClock, replies: ChatReplies, graph: GraphStandin
) -> None:
    await post_messenger(client, messenger_event("lam giay khai sinh can gi", "m_1"))
    await drain(pool, clock, replies)
    [tap] = [q for q in graph.messages[0]["message"]["quick_replies"] if q["title"] == "Lệ phí"]
    await post_messenger(client, messenger_event(tap["title"], "m_2", quick_reply={"payload": tap["payload"]}))
    await drain(pool, clock, replies)
    assert "miễn lệ phí" in graph.messages[1]["message"]["text"].lower()


async def test_duplicate_deliveries_are_answered_once(
    client: AsyncTestClient[Any], pool: asyncpg.Pool, clock: FixedClock, replies: ChatReplies, graph: GraphStandin
) -> None:
    body = messenger_event("xin chào", "m_twice")
    assert (await post_messenger(client, body)).json() == {"received": 1}
    assert (await post_messenger(client, body)).json() == {"received": 0}
    await drain(pool, clock, replies)
    assert (await post_messenger(client, body)).json() == {"received": 0}  # after the answer too
    await drain(pool, clock, replies)
    zbody = zalo_event("xin chào", "z_twice")
    for _ in range(3):
        assert (await post_zalo(client, zbody)).status_code == 200
    await drain(pool, clock, replies)
    assert len(graph.messages) == 1
    assert await stored(pool) == (2, 2)


async def test_echoes_and_receipts_are_ignored(
    client: AsyncTestClient[Any], pool: asyncpg.Pool, clock: FixedClock, replies: ChatReplies, graph: GraphStandin
) -> None:
    echo = messenger_event("Để đăng ký khai sinh, bạn cần: …", "m_echo", is_echo=True, app_id=1517776481860111)
    receipts = json.dumps(
        {
            "object": "page",
            "entry": [
                {
                    "id": "PAGE-1",
                    "time": 1,
                    "messaging": [
                        {"sender": {"id": "PSID-1"}, "recipient": {"id": "PAGE-1"}, "delivery": {"watermark": 1}},
                        {"sender": {"id": "PSID-1"}, "recipient": {"id": "PAGE-1"}, "read": {"watermark": 1}},
                    ],
                }
            ],
        }
    ).encode()
    follow = json.dumps({"app_id": ZALO_APP_ID, "event_name": "follow", "timestamp": "1764557000000"}).encode()
    for response in (
        await post_messenger(client, echo),
        await post_messenger(client, receipts),
        await post_zalo(client, follow),
    ):
        assert response.status_code == 200
        assert response.json() == {"received": 0}
    assert await stored(pool) == (0, 0)
    assert await drain(pool, clock, replies) == 0
    assert graph.requests == []


async def test_a_failed_send_is_retried_with_the_same_answer(
    client: AsyncTestClient[Any], pool: asyncpg.Pool, clock: FixedClock, replies: ChatReplies, graph: GraphStandin
) -> None:
    graph.fail_next(2, status=500)
    await post_messenger(client, messenger_event("lam giay khai sinh can gi", "m_retry"))
    await drain(pool, clock, replies)
    async with acquire(pool) as conn:
        row = await conn.fetchrow("SELECT status, attempts, last_error FROM outbox WHERE topic = $1", TOPIC)
    assert row is not None
    assert (row["status"], row["attempts"]) == ("pending", 1)
    assert "HTTP 500" in row["last_error"]
    for _ in range(2):
        clock.advance(timedelta(minutes=20))
        await drain(pool, clock, replies)
    assert [r.status for r in graph.requests] == [500, 500, 200]
    assert len({r.body for r in graph.requests}) == 1  # the same words each time
    async with acquire(pool) as conn:
        assert await conn.fetchval("SELECT status FROM outbox WHERE topic = $1", TOPIC) == "done"
    state = await replies.assistant.redis.get("motcua:assistant:messenger:PSID-1")
    assert state is not None and json.loads(state)["turns"] == 1  # the conversation ran once


async def test_a_refused_recipient_is_not_retried(
    client: AsyncTestClient[Any], pool: asyncpg.Pool, clock: FixedClock, replies: ChatReplies, graph: GraphStandin
) -> None:
    await post_messenger(client, messenger_event("xin chào", "m_dead"))
    async with httpx.AsyncClient() as http:
        replies.messenger = MessengerApi(http, base=graph.url, page_token="revoked")
        await drain(pool, clock, replies)
    async with acquire(pool) as conn:
        row = await conn.fetchrow("SELECT status, last_error FROM outbox WHERE topic = $1", TOPIC)
    assert row is not None
    assert row["status"] == "dead"
    assert "190" in row["last_error"]


# ---- Zalo OA ------------------------------------------------------------------------------------


async def test_a_conversation_on_zalo_carries_context(
    client: AsyncTestClient[Any], pool: asyncpg.Pool, clock: FixedClock, replies: ChatReplies, zalo: ZaloStandin
) -> None:
    first = await post_zalo(client, zalo_event("lam giay khai sinh can gi", "z_1"))
    assert first.status_code == 200 and first.json() == {"received": 1}
    await drain(pool, clock, replies)
    await post_zalo(client, zalo_event("le phi bao nhieu", "z_2"))
    await drain(pool, clock, replies)

    documents, fee = zalo.messages
    assert documents["recipient"] == {"user_id": "5510185758261927916"}
    assert "Giấy chứng sinh" in documents["message"]["text"]
    assert "Bạn có thể hỏi tiếp:\n• " in documents["message"]["text"]
    assert "• Lệ phí" in documents["message"]["text"]
    assert "miễn lệ phí" in fee["message"]["text"].lower()
    assert {r.headers["access_token"] for r in zalo.requests} == {FIRST_ACCESS}


async def test_an_expired_zalo_token_is_refreshed_and_the_new_pair_kept(
    client: AsyncTestClient[Any], pool: asyncpg.Pool, clock: FixedClock, replies: ChatReplies, zalo: ZaloStandin
) -> None:
    zalo.expire(FIRST_ACCESS)
    await post_zalo(client, zalo_event("xin chào", "z_1"))
    await drain(pool, clock, replies)

    [(access, refresh)] = zalo.issued
    refused, renewal, sent = zalo.requests
    assert refused.answer["error"] == -216 and refused.headers["access_token"] == FIRST_ACCESS
    assert renewal.path == TOKEN_PATH
    assert renewal.headers["secret_key"] == ZALO_APP_SECRET
    assert renewal.form() == {"app_id": ZALO_APP_ID, "grant_type": "refresh_token", "refresh_token": FIRST_REFRESH}
    assert sent.headers["access_token"] == access and sent.answer["error"] == 0
    async with acquire(pool) as conn:
        row = await conn.fetchrow("SELECT * FROM zalo_tokens")
        assert row is not None
        assert await conn.fetchval("SELECT status FROM outbox WHERE topic = $1", TOPIC) == "done"
    assert (row["app_id"], row["access_token"], row["refresh_token"]) == (ZALO_APP_ID, access, refresh)
    assert row["expires_at"] == clock.now() + timedelta(seconds=90000)

    # later messages use the kept pair; the first refresh token was single-use and is never sent again
    await post_zalo(client, zalo_event("cam on", "z_2"))
    await drain(pool, clock, replies)
    assert zalo.requests[-1].headers["access_token"] == access
    assert len(zalo.issued) == 1 and len(zalo.messages) == 2


async def test_a_zalo_outage_is_retried(
    client: AsyncTestClient[Any], pool: asyncpg.Pool, clock: FixedClock, replies: ChatReplies, zalo: ZaloStandin
) -> None:
    zalo.fail_next(1, status=503)
    await post_zalo(client, zalo_event("xin chào", "z_1"))
    await drain(pool, clock, replies)
    assert zalo.messages == []
    clock.advance(timedelta(minutes=20))
    await drain(pool, clock, replies)
    assert [r.status for r in zalo.requests] == [503, 200]
    assert len(zalo.messages) == 1


async def test_a_handoff_from_a_chat_channel_tells_officers_where_to_answer(
    client: AsyncTestClient[Any],
    pool: asyncpg.Pool,
    clock: FixedClock,
    replies: ChatReplies,
    zalo: ZaloStandin,
    make_token: TokenFactory,
) -> None:
    await post_zalo(client, zalo_event("lam ho chieu can gi", "z_1", user="ZUSER-7"))
    await drain(pool, clock, replies)
    await post_zalo(client, zalo_event("cho em gặp cán bộ", "z_2", user="ZUSER-7"))
    await drain(pool, clock, replies)
    assert "1900" in zalo.messages[-1]["message"]["text"]
    officer = await make_token("0900990007", "officer", ("000.00.01.H29",))
    [handoff] = (await client.get("/api/v1/officer/handoffs", headers=bearer(officer))).json()["items"]
    assert (handoff["channel"], handoff["session_id"]) == ("zalo", "zalo:ZUSER-7")
    assert handoff["procedure"] == "passport-issuance" and handoff["phone"] is None


async def test_concurrent_sends_refresh_the_zalo_token_once(
    client: AsyncTestClient[Any], pool: asyncpg.Pool, clock: FixedClock, replies: ChatReplies, zalo: ZaloStandin
) -> None:
    """Zalo's refresh tokens are single-use: two workers refreshing at once would burn the pair."""
    zalo.expire(FIRST_ACCESS)
    for n in range(3):
        await post_zalo(client, zalo_event("xin chào", f"z_{n}", user=f"ZUSER-{n}"))
    assert await drain(pool, clock, replies) == 3  # one batch, sent concurrently
    assert len(zalo.issued) == 1
    assert len(zalo.messages) == 3
    assert [r.answer.get("error") for r in zalo.requests if r.path == TOKEN_PATH] == [None]


async def test_messages_sent_in_a_row_are_answered_in_order(
    client: AsyncTestClient[Any], pool: asyncpg.Pool, clock: FixedClock, replies: ChatReplies, graph: GraphStandin
) -> None:
    """Both wait in one batch: the second is understood after the first named the procedure."""
    await post_messenger(client, messenger_event("lam giay khai sinh can gi", "m_1"))
    clock.advance(timedelta(seconds=1))
    await post_messenger(client, messenger_event("le phi bao nhieu", "m_2"))
    await drain(pool, clock, replies)
    clock.advance(timedelta(seconds=5))
    await drain(pool, clock, replies)
    documents, fee = graph.messages
    assert "Giấy chứng sinh" in documents["message"]["text"]
    assert "miễn lệ phí" in fee["message"]["text"].lower()


async def test_a_dossier_code_alone_tells_a_messenger_user_nothing(
    client: AsyncTestClient[Any],
    pool: asyncpg.Pool,
    clock: FixedClock,
    replies: ChatReplies,
    graph: GraphStandin,
    make_token: TokenFactory,
) -> None:
    """Messenger answered the status of any dossier whose code was typed; with its lookup key it still does."""
    owner = await make_token("0912990021")
    dossier = await submitted_dossier(client, owner)
    receipt = (await client.get(f"/api/v1/dossiers/{dossier['id']}/receipt", headers=bearer(owner))).json()
    await post_messenger(client, messenger_event(f"ho so {receipt['code']} sao roi", "m_p1", psid="PSID-9"))
    await drain(pool, clock, replies)
    await post_messenger(
        client, messenger_event(f"ho so {receipt['code']} ma {receipt['lookup_key']}", "m_p2", psid="PSID-9")
    )
    await drain(pool, clock, replies)
    code_only, with_key = (m["message"]["text"] for m in graph.messages)
    assert "mã tra cứu" in code_only
    assert not any(word in code_only for word in ("khai sinh", "Chờ tiếp nhận", "Đăng nhập"))
    assert "Chờ tiếp nhận" in with_key and receipt["code"] in with_key
