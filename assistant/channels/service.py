"""Chat channel use cases: keep what a webhook delivered, and answer it from the worker.

A webhook only stores the message and its event in one transaction, so it answers the platform at
once; the outbox consumer runs the assistant, keeps its answer on the row, sends it, and marks the
row answered. A retry (failed send, dead worker) finds the kept answer and sends the same words,
without running the conversation a second time."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta

import asyncpg

from assistant import dialogue
from assistant.channels import queries
from assistant.channels.models import Inbound, Reply, messenger_message, zalo_message, zalo_text
from assistant.channels.platforms import MessengerApi, SendFailed, TokenExpired, ZaloApi
from assistant.channels.tokens import ZaloTokens
from assistant.service import Assistant, AssistantIn
from core.clock import Clock
from core.db import acquire
from core.events import ChatMessageReceived, Consumer, Event, EventBus, PermanentFailure, RetryLater, topic_of
from core.settings import Settings
from i18n.messages import CHAT_SUGGESTIONS

TOPIC = topic_of(ChatMessageReceived)
# how long a message waits for an earlier one of the same citizen to be answered first
_ORDER_WINDOW = timedelta(minutes=2)


@dataclass(frozen=True)
class ChannelInbox:
    """What the webhooks need: the platforms' secrets (empty: that platform's events are refused), and
    where messages go."""

    messenger_verify_token: str
    messenger_app_secret: str
    zalo_app_id: str
    zalo_oa_secret: str
    bus: EventBus
    clock: Clock

    @classmethod
    def of(cls, settings: Settings, bus: EventBus, clock: Clock) -> ChannelInbox:
        return cls(
            messenger_verify_token=settings.messenger_verify_token,
            messenger_app_secret=settings.messenger_app_secret,
            zalo_app_id=settings.zalo_app_id,
            zalo_oa_secret=settings.zalo_oa_secret,
            bus=bus,
            clock=clock,
        )


async def receive(conn: asyncpg.Connection, inbox: ChannelInbox, messages: list[Inbound]) -> int:
    """Store the messages not seen before, each with its event; returns how many were new."""
    now = inbox.clock.now()
    stored = 0
    async with conn.transaction():
        for message in messages:
            row_id = await conn.fetchval(
                queries.STORE_MESSAGE,
                uuid.uuid4(),
                message.channel,
                message.platform_id,
                message.sender_id,
                message.text[:4000],
                now,
            )
            if row_id is None:  # delivered before
                continue
            stored += 1
            await inbox.bus.publish(
                conn,
                ChatMessageReceived(
                    event_id=uuid.uuid4(),
                    occurred_at=now,
                    message_id=row_id,
                    channel=message.channel,
                    sender_id=message.sender_id,
                ),
            )
    return stored


@dataclass
class ChatReplies:
    """What the worker needs to answer chat messages; a channel without credentials is None."""

    pool: asyncpg.Pool
    clock: Clock
    assistant: Assistant
    messenger: MessengerApi | None
    zalo: ZaloApi | None
    zalo_tokens: ZaloTokens | None


def session_id(channel: str, sender_id: str) -> str:
    """One conversation per citizen per platform, so context carries over their messages."""
    return f"{channel}:{sender_id}"


async def _answer(replies: ChatReplies, event: ChatMessageReceived, text: str) -> Reply:
    session = session_id(event.channel, event.sender_id)
    out = await replies.assistant.reply(
        AssistantIn(text=text), user_id=None, channel=event.channel, conversation=session
    )
    # the locale the answer was given in
    state = await dialogue.load(replies.assistant.redis, session, channel=event.channel)
    return Reply(text=out.reply, quick_replies=out.quick_replies, locale=state.locale if state else "vi")


async def _send_zalo(replies: ChatReplies, recipient: str, reply: Reply) -> str:
    if replies.zalo is None or replies.zalo_tokens is None:
        raise PermanentFailure("Zalo OA replies are not configured (MOTCUA_ZALO_ACCESS_TOKEN)")
    body = zalo_message(recipient, zalo_text(reply, CHAT_SUGGESTIONS.pick(reply.locale)))
    pair = await replies.zalo_tokens.current()
    try:
        return await replies.zalo.send(pair.access_token, body)
    except TokenExpired:
        pair = await replies.zalo_tokens.renew(pair, replies.zalo.refresh)
    try:
        return await replies.zalo.send(pair.access_token, body)
    except TokenExpired as exc:  # refused again: the next try refreshes again
        raise SendFailed("Zalo refused a freshly refreshed access token", transient=True) from exc


async def _send(replies: ChatReplies, event: ChatMessageReceived, reply: Reply) -> str:
    if event.channel == "zalo":
        return await _send_zalo(replies, event.sender_id, reply)
    if replies.messenger is None:
        raise PermanentFailure("Messenger replies are not configured (MOTCUA_MESSENGER_PAGE_TOKEN)")
    return await replies.messenger.send(messenger_message(event.sender_id, reply))


def reply_consumer(replies: ChatReplies) -> Consumer:
    async def consume(event: Event) -> None:
        if not isinstance(event, ChatMessageReceived):
            return
        async with acquire(replies.pool) as conn:
            row = await conn.fetchrow(queries.GET_MESSAGE, event.message_id, _ORDER_WINDOW)
        if row is None or row["replied_at"] is not None:
            return
        kept = row["reply"]
        if kept is None and row["waits"]:
            raise RetryLater("an earlier message of this citizen is answered first", after=1)
        if kept is None:
            answer = await _answer(replies, event, row["text"])
            async with acquire(replies.pool) as conn:
                kept = await conn.fetchval(queries.KEEP_REPLY, event.message_id, answer)
        reply = Reply(text=kept["text"], quick_replies=list(kept["quick_replies"]), locale=kept["locale"])
        try:
            platform_id = await _send(replies, event, reply)
        except SendFailed as exc:
            if exc.transient:
                raise RetryLater(str(exc)) from exc
            raise PermanentFailure(str(exc)) from exc
        async with acquire(replies.pool) as conn:
            await conn.execute(queries.MARK_REPLIED, event.message_id, replies.clock.now(), platform_id)

    return consume
