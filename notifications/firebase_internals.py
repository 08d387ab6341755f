"""firebase-admin adapted to how we send pushes, through its private attributes (so firebase-admin is
pinned >=7.5,<8; each function checks the attribute it relies on and fails loudly if the SDK changed).

- `lighten`: its httpx client spends ~4 ms of CPU per message with 500 in flight, mostly in httpcore's
  pool; a keep-alive HTTP/1.1 transport (notifications/http1.py) and no per-message work FCM does not
  need take that out, leaving what goes on the wire unchanged;
- `point_at`: there is no emulator or URL setting for FCM, so a local stand-in is reached by overriding
  the per-app send URL;
- `close_app`, `delete_app`: `firebase_admin.delete_app` closes the messaging service with
  `asyncio.run`, which fails inside a running event loop.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Generator
from typing import Any

import firebase_admin
import httpx
from firebase_admin import _http_client, _retry, messaging
from google.auth.transport import requests as google_auth_requests

from notifications.http1 import KeepAliveTransport


def messaging_service(app: Any) -> Any:
    """The App's messaging service (created on first use, then cached on the App)."""
    return messaging._get_messaging_service(app)


def point_at(service: Any, base_url: str, *, project_id: str) -> None:
    """Makes one App's FCM sends go to `base_url` (a local stand-in) instead of https://fcm.googleapis.com.

    The SDK has no emulator or URL setting for FCM (vn-integrations.md §5.3-5.4). Its messaging service,
    one per App, keeps the send URL in the private `_fcm_url`, built from the class attribute FCM_URL
    when the service is created. We overwrite the instance attribute, so only this App is redirected
    (patching FCM_URL would redirect every App created afterwards in the process, e.g. other tests').
    """
    if not isinstance(getattr(service, "_fcm_url", None), str):
        raise RuntimeError("firebase-admin changed: its messaging service has no _fcm_url to point at a stand-in")
    service._fcm_url = f"{base_url.rstrip('/')}/v1/projects/{project_id}/messages:send"


def lighten(service: Any) -> None:
    """Takes per-message work we do not need out of the SDK's async client, leaving what it sends alone:
    - notifications.http1.KeepAliveTransport where httpcore's pool was, under the SDK's retry transport
      (see that module for why). The SDK's HttpxAsyncClient keeps the retry transports it mounted in
      `_mounts`; each wraps its real transport in `_wrapped_transport`.
    - an auth flow that keeps one google-auth transport request for token refreshes (the SDK's builds
      a requests.Session, with its adapters, for every message, and copies the headers twice);
    - a retry policy copied per request without deepcopy;
    - no cookie jar: FCM sets no cookies, and parsing every response for them costs ~10 % of a send."""
    sdk_client = service._async_client
    mounts = getattr(sdk_client, "_mounts", None)
    client = getattr(sdk_client, "_async_client", None)
    if (
        not isinstance(mounts, dict)
        or not all(
            hasattr(m, "_wrapped_transport") and isinstance(m._retry, _retry.HttpxRetry) for m in mounts.values()
        )
        or not isinstance(client, httpx.AsyncClient)
    ):
        raise RuntimeError("firebase-admin changed: its async client is not the httpx client we know")
    for retrying in mounts.values():
        retrying._wrapped_transport = KeepAliveTransport()
        retrying._retry = ShallowCopiedRetry.of(retrying._retry)
    if isinstance(client.auth, _http_client.GoogleAuthCredentialFlow):
        client.auth = ReusedAuthRequest(service._credential)
    client._cookies = _NoCookies()


class ReusedAuthRequest(_http_client.GoogleAuthCredentialFlow):  # type: ignore[misc]  # the SDK is untyped
    """The SDK's GoogleAuthCredentialFlow (headers from the credential, refreshed when expired, and
    once more on a 401), with one google-auth Request for all messages."""

    def __init__(self, credential: Any) -> None:
        super().__init__(credential)
        self._auth_request = google_auth_requests.Request()

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        # before_request: refresh when expired, then apply; after a 401, refresh and apply again (apply
        # overwrites the Authorization header, so the request's headers need no copy per message)
        self._credential.before_request(self._auth_request, request.method, str(request.url), request.headers)
        for _ in range(self._max_refresh_attempts):
            response = yield request
            if response.status_code not in self._refresh_status_codes:
                return
            self._credential.refresh(self._auth_request)
            self._credential.apply(request.headers)
        yield request


class ShallowCopiedRetry(_retry.HttpxRetry):  # type: ignore[misc]  # the SDK is untyped
    """The SDK's retry policy, copied for each request without copy.deepcopy (~12 % of a send): a
    copy only needs its own countdown and history."""

    @classmethod
    def of(cls, policy: Any) -> ShallowCopiedRetry:
        clone: ShallowCopiedRetry = object.__new__(cls)
        clone.__dict__.update(policy.__dict__)
        return clone

    def copy(self) -> ShallowCopiedRetry:
        clone = ShallowCopiedRetry.of(self)
        clone.history = list(self.history)
        return clone


class _NoCookies(httpx.Cookies):
    def extract_cookies(self, response: httpx.Response) -> None:
        return None


async def close_app(app: Any) -> None:
    """Closes the App's HTTP client on this event loop (where its connections were opened), then deletes it."""
    client = getattr(messaging_service(app), "_async_client", None)
    if client is not None:
        await client.aclose()
    await asyncio.to_thread(delete_app, app)


def delete_app(app: Any) -> None:
    """`firebase_admin.delete_app`, run in a thread of its own.

    delete_app closes the messaging service, whose close() is `asyncio.run(httpx_client.aclose())`: on a
    thread with a running event loop that raises RuntimeError, leaves the coroutine never awaited and the
    App half-deleted. A fresh thread has no loop, so asyncio.run works there (closing the client a second
    time, after close_app, is a no-op).
    """
    errors: list[BaseException] = []

    def run() -> None:
        try:
            firebase_admin.delete_app(app)
        except BaseException as error:  # handed to the caller below
            errors.append(error)

    thread = threading.Thread(target=run, name="firebase-delete-app")
    thread.start()
    thread.join()
    if errors:
        raise errors[0]
