"""The Messenger and Zalo OA webhooks: check the platform's signature, keep the message, answer 200.
The reply follows from the worker, so the platform never waits on the assistant or on a send."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

import asyncpg
import msgspec
from litestar import MediaType, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import QueryParameter

from assistant.channels import service
from assistant.channels.models import (
    Inbound,
    MessengerEvent,
    WebhookAck,
    ZaloEvent,
    messenger_inbound,
    zalo_inbound,
)
from assistant.channels.signatures import messenger_challenge, messenger_signature_ok, zalo_signature_ok
from core.errors import DomainError, ForbiddenError, UnauthorizedError
from core.guards import signed_by_peer
from core.injected import Conn
from core.openapi import platform_signed_body, problems

Inbox = NamedDependency[service.ChannelInbox]
Parse = Callable[[bytes], list[Inbound]]


@get(
    "/api/v1/channels/messenger/webhook",
    guards=[signed_by_peer],
    operation_id="verifyMessengerWebhook",
    responses=problems(403),
    summary="Messenger's subscription check: echoes hub.challenge for our verify token",
    tags=["channels"],
    media_type=MediaType.TEXT,
)
async def verify_messenger(
    channel_inbox: Inbox,
    mode: Annotated[str | None, QueryParameter(name="hub.mode")] = None,
    token: Annotated[str | None, QueryParameter(name="hub.verify_token")] = None,
    challenge: Annotated[str | None, QueryParameter(name="hub.challenge")] = None,
) -> Response[str]:
    echoed = messenger_challenge(mode, token, challenge, channel_inbox.messenger_verify_token)
    if echoed is None:
        raise ForbiddenError()
    return Response(echoed, media_type=MediaType.TEXT)


async def _accept(
    conn: asyncpg.Connection, inbox: service.ChannelInbox, body: bytes, *, genuine: bool, parse: Parse
) -> WebhookAck:
    """Refuse what the platform did not sign (nothing read, nothing kept), else keep the new texts."""
    if not genuine:
        raise UnauthorizedError("bad-signature")
    try:
        messages = parse(body)
    except (msgspec.DecodeError, msgspec.ValidationError) as exc:
        raise DomainError("malformed-request", status=400, reason=str(exc)[:200]) from exc
    return WebhookAck(received=await service.receive(conn, inbox, messages))


@post(
    "/api/v1/channels/messenger/webhook",
    guards=[signed_by_peer],
    status_code=200,
    operation_id="receiveMessengerEvent",
    responses=problems(401),
    summary="Messenger events (X-Hub-Signature-256); texts are answered by the worker",
    tags=["channels"],
    opt=platform_signed_body(
        MessengerEvent, "X-Hub-Signature-256", "`sha256=` + hex HMAC-SHA256(App Secret, raw body)."
    ),
)
async def messenger_webhook(request: Request[Any, Any, Any], channel_inbox: Inbox, conn: Conn) -> WebhookAck:
    body = await request.body()
    secret = channel_inbox.messenger_app_secret
    genuine = messenger_signature_ok(body, request.headers.get("x-hub-signature-256"), secret)
    return await _accept(conn, channel_inbox, body, genuine=genuine, parse=messenger_inbound)


@post(
    "/api/v1/channels/zalo/webhook",
    guards=[signed_by_peer],
    status_code=200,
    operation_id="receiveZaloEvent",
    responses=problems(401),
    summary="Zalo OA events (X-ZEvent-Signature); texts are answered by the worker",
    tags=["channels"],
    opt=platform_signed_body(
        ZaloEvent,
        "X-ZEvent-Signature",
        "`mac=` + hex SHA-256(app_id + raw body + timestamp + OA Secret Key), app_id and timestamp from the body.",
    ),
)
async def zalo_webhook(request: Request[Any, Any, Any], channel_inbox: Inbox, conn: Conn) -> WebhookAck:
    body = await request.body()
    genuine = zalo_signature_ok(
        body,
        request.headers.get("x-zevent-signature"),
        app_id=channel_inbox.zalo_app_id,
        oa_secret=channel_inbox.zalo_oa_secret,
    )
    return await _accept(conn, channel_inbox, body, genuine=genuine, parse=zalo_inbound)
