"""The assistant in the app: one message in, one grounded answer out."""

from __future__ import annotations

from litestar import post
from litestar.datastructures import State
from litestar.di import NamedDependency
from litestar.params import JSONBody

from assistant.service import Assistant, AssistantIn, AssistantOut
from core.auth import Principal
from core.errors import ValidationError
from core.openapi import problems


@post(
    "/api/v1/assistant/messages",
    status_code=200,
    operation_id="askAssistant",
    responses=problems(422, 429),
    summary="Ask the assistant (signed in or not) about procedures, fees, papers and your dossiers",
    tags=["assistant"],
)
async def ask(
    data: JSONBody[AssistantIn],
    state: State,
    maybe_principal: NamedDependency[Principal | None],
) -> AssistantOut:
    if not data.text.strip():
        raise ValidationError([("text", "required", {})])
    # from the app's state rather than a second dependency: two dependencies that do not depend on
    # each other are resolved in a task group, a measurable share of this hot route's CPU time
    assistant: Assistant = state.assistant
    return await assistant.reply(data, user_id=maybe_principal.user_id if maybe_principal else None)
