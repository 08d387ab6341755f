"""Device registration, the inbox and preferences of the signed-in user."""

from __future__ import annotations

import uuid

from litestar import Controller, delete, get, post, put
from litestar.params import FromPath, JSONBody
from litestar.types import ControllerRouterHandler

from core.guards import signed_in
from core.injected import Caller, Conn, Now
from core.openapi import problems
from core.paging import PagingQuery
from notifications import service
from notifications.models import Device, DeviceIn, Inbox, Preferences, PreferencesIn
from notifications.realtime import stream


class DeviceController(Controller):
    path = "/api/v1/devices"
    tags = ["notifications"]
    guards = [signed_in]

    @put(
        "/{token:str}",
        operation_id="registerDevice",
        responses=problems(422),
        summary="Register (or move) a push token to the signed-in user",
    )
    async def register(
        self, token: FromPath[str], data: JSONBody[DeviceIn], conn: Conn, caller: Caller, now: Now
    ) -> Device:
        return await service.register_device(conn, user_id=caller.user_id, token=token, body=data, now=now)

    @delete(
        "/{token:str}",
        status_code=204,
        operation_id="forgetDevice",
        responses=problems(),
        summary="Stop pushes to this token",
    )
    async def forget(self, token: FromPath[str], conn: Conn, caller: Caller) -> None:
        await service.forget_device(conn, user_id=caller.user_id, token=token)


class NotificationController(Controller):
    path = "/api/v1/notifications"
    tags = ["notifications"]
    guards = [signed_in]

    @get(
        "/",
        operation_id="listNotifications",
        responses=problems(422),
        summary="The inbox, newest first, with the unread count",
    )
    async def list_inbox(self, conn: Conn, caller: Caller, *, paging: PagingQuery) -> Inbox:
        return await service.inbox(conn, user_id=caller.user_id, paging=paging)

    @post(
        "/{notification_id:uuid}/read",
        status_code=204,
        operation_id="markNotificationRead",
        responses=problems(404),
        summary="Mark as read",
    )
    async def mark_read(self, notification_id: FromPath[uuid.UUID], conn: Conn, caller: Caller, now: Now) -> None:
        await service.mark_read(conn, user_id=caller.user_id, notification_id=notification_id, now=now)

    @get(
        "/preferences",
        operation_id="getNotificationPreferences",
        responses=problems(),
        summary="Which pushes reach the phone",
    )
    async def get_preferences(self, conn: Conn, caller: Caller) -> Preferences:
        return await service.preferences(conn, caller.user_id)

    @put(
        "/preferences",
        operation_id="updateNotificationPreferences",
        responses=problems(422),
        summary="Mute or unmute kinds of pushes",
    )
    async def put_preferences(self, data: JSONBody[PreferencesIn], conn: Conn, caller: Caller, now: Now) -> Preferences:
        return await service.update_preferences(conn, user_id=caller.user_id, body=data, now=now)


# what this package serves, handed to the app whole by asgi.py
ROUTES: list[ControllerRouterHandler] = [DeviceController, NotificationController, stream]
