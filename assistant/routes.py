"""The assistant in the app: one message in, one grounded answer out."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from litestar import Request, post
from litestar.datastructures import State
from litestar.params import JSONBody
from litestar.types import ControllerRouterHandler

from assistant.channels.routes import messenger_webhook, verify_messenger, zalo_webhook
from assistant.dialogue import is_minted
from assistant.service import Assistant, AssistantIn, AssistantOut
from core.errors import ValidationError
from core.guards import public
from core.injected import MaybeCaller
from core.openapi import problems
from core.ratelimit import RateLimiter, client_address


@dataclass(frozen=True)
class AssistantLimits:
    """Anyone may ask without signing in, so anonymous turns are counted per address and per
    conversation; a signed-in caller is counted per account, wherever they ask from."""

    limiter: RateLimiter
    per_address: int
    per_session: int
    per_user: int

    async def check(self, address: str, session_id: str | None, user_id: uuid.UUID | None) -> None:
        if user_id is not None:
            await self.limiter.hit("assistant-user", str(user_id), self.per_user)
            return
        await self.limiter.hit("assistant-ip", address, self.per_address)
        if is_minted(session_id):  # an id this server never minted starts a new session: nothing to count
            assert session_id is not None
            await self.limiter.hit("assistant-session", session_id, self.per_session)


@post(
    "/api/v1/assistant/messages",
    guards=[public],
    status_code=200,
    operation_id="askAssistant",
    responses=problems(422, 429),
    summary="Ask the assistant (signed in or not) about procedures, fees, papers and your dossiers",
    tags=["assistant"],
)
async def ask(
    data: JSONBody[AssistantIn],
    request: Request[Any, Any, Any],
    state: State,
    maybe_caller: MaybeCaller,
) -> AssistantOut:
    if not data.text.strip():
        raise ValidationError([("text", "required", {})])
    user_id = maybe_caller.user_id if maybe_caller else None
    limits: AssistantLimits = state.assistant_limits
    await limits.check(client_address(request), data.session_id, user_id)
    # from the app's state rather than a second dependency: two dependencies that do not depend on
    # each other are resolved in a task group, a measurable share of this hot route's CPU time
    assistant: Assistant = state.assistant
    return await assistant.reply(data, user_id=user_id)


# what this package serves, handed to the app whole by asgi.py
ROUTES: list[ControllerRouterHandler] = [
    ask,
    verify_messenger,
    messenger_webhook,
    zalo_webhook,
]
