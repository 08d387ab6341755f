"""Admin routes of outbound events: webhook subscriptions, their deliveries, and the pull feed."""

from __future__ import annotations

import uuid
from typing import Annotated

from litestar import Controller, delete, get, post
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter
from litestar.types import ControllerRouterHandler

from api.deps import Ctx
from api.integrations import service
from api.integrations.models import (
    Deliveries,
    Delivery,
    DeliveryStatus,
    EventFeed,
    NewSubscription,
    SubscriptionIn,
    Subscriptions,
)
from core.guards import admin_only
from core.injected import Caller, Conn, Now
from core.openapi import problems
from core.paging import PagingQuery

FeedLimit = Annotated[int, QueryParameter(ge=1, le=service.FEED_MAX, description="Events per page (1-1000)")]


class SubscriptionController(Controller):
    path = "/api/v1/admin/subscriptions"
    tags = ["integrations"]

    @post(
        "/",
        guards=[admin_only],
        status_code=201,
        operation_id="createSubscription",
        responses=problems(422),
        summary="Subscribe a system to events (POSTed to it signed; the secret is shown this once)",
    )
    async def create(
        self, data: JSONBody[SubscriptionIn], ctx: Ctx, conn: Conn, caller: Caller, now: Now
    ) -> NewSubscription:
        return await service.subscribe(conn, caller, data, now, production=ctx.settings.production)

    @get(
        "/",
        guards=[admin_only],
        operation_id="listSubscriptions",
        responses=problems(422),
        summary="The subscriptions, oldest first",
    )
    async def list_all(self, conn: Conn, caller: Caller, *, paging: PagingQuery) -> Subscriptions:
        return await service.subscriptions(conn, paging)

    @delete(
        "/{subscription_id:uuid}",
        guards=[admin_only],
        status_code=204,
        operation_id="deleteSubscription",
        responses=problems(404),
        summary="End a subscription: nothing more is sent, owed deliveries included",
    )
    async def remove(self, subscription_id: FromPath[uuid.UUID], conn: Conn, caller: Caller) -> None:
        await service.unsubscribe(conn, subscription_id)

    @get(
        "/{subscription_id:uuid}/deliveries",
        guards=[admin_only],
        operation_id="listDeliveries",
        responses=problems(404, 422),
        summary="Deliveries to a subscription in the events' order; ?status=failed for those given up on",
    )
    async def list_deliveries(
        self,
        subscription_id: FromPath[uuid.UUID],
        conn: Conn,
        caller: Caller,
        status: FromQuery[DeliveryStatus | None] = None,
        *,
        paging: PagingQuery,
    ) -> Deliveries:
        return await service.deliveries(conn, subscription_id, status=status, paging=paging)

    @post(
        "/{subscription_id:uuid}/deliveries/{delivery_id:uuid}/retry",
        guards=[admin_only],
        status_code=202,
        operation_id="retryDelivery",
        responses=problems(404, 409),
        summary="Send a delivery given up on again (the worker sends it, after any earlier one of its dossier)",
    )
    async def retry(
        self,
        subscription_id: FromPath[uuid.UUID],
        delivery_id: FromPath[uuid.UUID],
        conn: Conn,
        caller: Caller,
        now: Now,
    ) -> Delivery:
        return await service.retry(conn, subscription_id, delivery_id, now)


@get(
    "/api/v1/integrations/events",
    guards=[admin_only],
    operation_id="listIntegrationEvents",
    responses=problems(422),
    summary="Pull feed of the events webhooks carry, oldest first; pass `next` as `after` for newer ones",
    tags=["integrations"],
)
async def event_feed(
    conn: Conn, caller: Caller, after: FromQuery[str | None] = None, limit: FeedLimit = 100
) -> EventFeed:
    return await service.feed(conn, after=after, limit=limit)


# what this package serves, handed to the app whole by asgi.py
ROUTES: list[ControllerRouterHandler] = [SubscriptionController, event_feed]
