"""Live updates for an open app: a Server-Sent Events stream per user, fed through Litestar channels
on Redis pub/sub, so the worker that renders a notification and the API worker holding the
citizen's connection need not be the same process."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncGenerator, Sequence
from typing import Any

import msgspec
from litestar import get
from litestar.channels import ChannelsPlugin
from litestar.di import NamedDependency
from litestar.response import ServerSentEvent, ServerSentEventMessage
from redis.asyncio import Redis

from core.guards import signed_in
from core.injected import Caller
from core.openapi import problems

HEARTBEAT_SECONDS = 20.0  # mobile networks drop silent connections
_HEARTBEAT = b""


def live_channel(user_id: uuid.UUID) -> str:
    return f"motcua.live.{user_id}"


class LivePublisher:
    """Publishes on the plain Redis channel the channels plugin's pub/sub backend listens to."""

    def __init__(self, redis: Redis) -> None:
        self._redis = redis

    async def publish(self, user_id: uuid.UUID, payload: dict[str, Any]) -> None:
        await self._redis.publish(live_channel(user_id), msgspec.json.encode(payload))

    async def publish_many(self, items: Sequence[tuple[uuid.UUID, dict[str, Any]]]) -> None:
        """Several at once, in one round trip to Redis."""
        async with self._redis.pipeline(transaction=False) as pipe:
            for user_id, payload in items:
                pipe.publish(live_channel(user_id), msgspec.json.encode(payload))
            await pipe.execute()


@get(
    "/api/v1/notifications/stream",
    guards=[signed_in],
    operation_id="streamNotifications",
    responses=problems(),
    summary="Server-Sent Events: the signed-in user's notifications as they happen",
    tags=["notifications"],
    media_type="text/event-stream",
)
async def stream(caller: Caller, channels: NamedDependency[ChannelsPlugin]) -> ServerSentEvent:
    async def events() -> AsyncGenerator[ServerSentEventMessage, None]:
        async with channels.start_subscription([live_channel(caller.user_id)]) as subscriber:

            async def beat() -> None:
                while True:
                    await asyncio.sleep(HEARTBEAT_SECONDS)
                    await subscriber.put(_HEARTBEAT)

            heart = asyncio.create_task(beat())
            try:
                yield ServerSentEventMessage(event="ready", data="{}", retry=5000)
                async for item in subscriber.iter_events():
                    if item == _HEARTBEAT:
                        yield ServerSentEventMessage(comment="ping")
                    else:
                        yield ServerSentEventMessage(event="notification", data=item.decode())
            finally:
                heart.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await heart

    return ServerSentEvent(events())
