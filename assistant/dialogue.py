"""Conversation state per session in Redis, so "mất mấy ngày" follows "làm khai sinh".

App sessions are named by ids this server minted (random, 32 hex characters); chat platforms'
conversations live under their own channel's name. The two never share a key, so an app client
can neither read nor overwrite a Messenger or Zalo conversation, and an id it invents (or one of
megabytes) is never stored: it starts a new session."""

from __future__ import annotations

import os
import re
import uuid

import msgspec
from redis.asyncio import Redis

from core.redis import command, key

TTL_SECONDS = 30 * 60
APP = "app"

_MINTED = re.compile(r"[0-9a-f]{32}")


class DialogueState(msgspec.Struct, kw_only=True):
    procedure: str | None = None
    previous: str | None = None  # the last turn's intent: "sao lâu vậy" after a status question is about the dossier
    last_intent: str | None = None  # a bare "còn tạm vắng thì sao" asks the last question again
    pending_intent: str | None = None  # asked "which procedure?": the question to answer once told
    candidates: list[str] = msgspec.field(default_factory=list)  # the procedures offered then
    # the procedures the talk has been about, the latest last: "the allowance" later in a talk that
    # had been about the social allowance is that one again, not a question of which
    talked: list[str] = msgspec.field(default_factory=list)
    # a paper another procedure issues that the last turn asked whether the talk needs: "xin giấy đó ở
    # đâu" next is about getting that paper
    weighed: str | None = None
    dossier_code: str | None = None  # the last dossier code the citizen gave: a hand-off goes to its office
    locale: str = "vi"
    turns: int = 0
    asked: bool = False  # a turn has asked something: "chào" after it takes leave
    # the account an app session was opened (or first signed in) under: nobody else may continue it
    owner: str | None = None


def new_session_id() -> str:
    # 32 random hex digits, as uuid4().hex gave, without building a UUID (a share of a message's CPU)
    return os.urandom(16).hex()


def is_minted(session_id: str | None) -> bool:
    return session_id is not None and _MINTED.fullmatch(session_id) is not None


def _key(channel: str, session_id: str) -> str:
    # a platform's conversation id already names its platform ("messenger:<PSID>", see channels/service.py)
    return key("assistant", APP, session_id) if channel == APP else key("assistant", session_id)


async def load(redis: Redis, session_id: str, *, channel: str = APP) -> DialogueState | None:
    raw = await command(redis, "GET", _key(channel, session_id))
    if raw is None:
        return None
    try:
        return msgspec.json.decode(raw, type=DialogueState)
    except msgspec.DecodeError:
        return None


async def save(redis: Redis, session_id: str, state: DialogueState, *, channel: str = APP) -> None:
    await command(redis, "SET", _key(channel, session_id), msgspec.json.encode(state), "EX", TTL_SECONDS)


async def resume_app_session(
    redis: Redis, session_id: str | None, user_id: uuid.UUID | None
) -> tuple[str, DialogueState]:
    """The app session a client names, if this server minted it and it is the caller's; else a new one.

    An anonymous session is adopted by the citizen who signs in during it; a signed-in citizen's
    session is never continued by anyone else (anonymous or another account)."""
    caller = str(user_id) if user_id else None
    if is_minted(session_id):
        assert session_id is not None
        state = await load(redis, session_id)
        if state is not None and state.owner in {None, caller}:
            state.owner = caller or state.owner
            return session_id, state
    return new_session_id(), DialogueState(owner=caller)
