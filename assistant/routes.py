"""The assistant in the app: one message in, one grounded answer out."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from litestar import Request, post
from litestar.datastructures import State
from litestar.params import JSONBody

from assistant.service import Assistant, AssistantIn, AssistantOut
from core.errors import ValidationError
from core.guards import public
from core.injected import MaybeCaller
from core.openapi import problems
from core.ratelimit import RateLimiter, client_address


@dataclass(frozen=True)
class AnonymousLimits:
    """Anyone may ask without signing in, so anonymous turns are counted per address and per
    conversation; a signed-in citizen is known and is not counted."""

    limiter: RateLimiter
    per_address: int
    per_session: int

    async def check(self, address: str, session_id: str | None) -> None:
        await self.limiter.hit("assistant-ip", address, self.per_address)
        if session_id:
            await self.limiter.hit("assistant-session", session_id[:64], self.per_session)


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
    if maybe_caller is None:
        limits: AnonymousLimits = state.assistant_limits
        await limits.check(client_address(request), data.session_id)
    # from the app's state rather than a second dependency: two dependencies that do not depend on
    # each other are resolved in a task group, a measurable share of this hot route's CPU time
    assistant: Assistant = state.assistant
    return await assistant.reply(data, user_id=maybe_caller.user_id if maybe_caller else None)
