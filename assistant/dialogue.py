"""Conversation state per session in Redis, so "mất mấy ngày" follows "làm khai sinh"."""

from __future__ import annotations

import msgspec
from redis.asyncio import Redis

from core.redis import key

TTL_SECONDS = 30 * 60


class DialogueState(msgspec.Struct, kw_only=True):
    procedure: str | None = None
    last_intent: str | None = None  # a bare "còn tạm vắng thì sao" asks the last question again
    pending_intent: str | None = None  # asked "which procedure?": the question to answer once told
    candidates: list[str] = msgspec.field(default_factory=list)  # the procedures offered then
    dossier_code: str | None = None  # the last dossier code the citizen gave: a hand-off goes to its office
    locale: str = "vi"
    turns: int = 0


async def load(redis: Redis, session_id: str) -> DialogueState:
    raw = await redis.get(key("assistant", session_id))
    if raw is None:
        return DialogueState()
    try:
        return msgspec.json.decode(raw, type=DialogueState)
    except msgspec.DecodeError:
        return DialogueState()


async def save(redis: Redis, session_id: str, state: DialogueState) -> None:
    await redis.set(key("assistant", session_id), msgspec.json.encode(state), ex=TTL_SECONDS)
