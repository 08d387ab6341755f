"""Push senders: hand device notifications to Firebase Cloud Messaging (or to the log, in development).

    sender = sender_from_settings(credentials, project_id, base_url)
    results = await sender.send([Push(token=..., title=..., body=..., data={"dossier_id": "..."})])
    await sender.aclose()

`send` answers one `SendResult` per push, in the pushes' order, and never raises for a message that
failed: the outcome says what the caller should do with the token (keep it: SENT; delete it:
DEAD_TOKEN; drop the message: INVALID; try again later, no sooner than `retry_after` when given: RETRY).

FirebaseSender uses the official SDK, firebase-admin 7.x (vn-integrations.md §5): each message is one
HTTP v1 request, sent concurrently by `messaging.send_each_async` (at most 500 per call). Three things in
it need care (a CPU-hungry HTTP client, no way to reach a local stand-in, an App that cannot be deleted
inside a running event loop); notifications/firebase_internals.py handles them with the SDK's private
attributes. The SDK (with google-auth and requests, half a second of imports) is imported when the
first FirebaseSender is made: an API process that sends no push never loads it.
The SDK retries 500 and 503 itself, 4 times with backoff 0, 1, 2, 4 s (about 7 s), ignoring
Retry-After (§5.6). It offers no option to change that (the retry policy is fixed when the service
builds its httpx client), so it is left alone: a send that meets a failing FCM is slow, and its
pushes come back as RETRY for the caller's own queue. 429 is not retried by the SDK. The timeout
(the app's httpTimeout) is httpx's: it also covers the wait for a pooled connection, so a message merely
queued behind others for that long comes back RETRY (DeadlineExceededError) without having been sent.
"""

from __future__ import annotations

import contextlib
import email.utils
import logging
import re
import uuid
import warnings
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Final, Literal, Protocol

import msgspec

if TYPE_CHECKING:
    from firebase_admin import messaging

__all__ = [
    "ANONYMOUS",
    "FirebaseSender",
    "LoggingSender",
    "Outcome",
    "Push",
    "PushSender",
    "SendResult",
    "parse_retry_after",
    "sender_from_settings",
]

log = logging.getLogger(__name__)

ANONYMOUS: Final = "anonymous"  # credentials setting for a local stand-in: no token, no Authorization header
MAX_PER_CALL: Final = 500  # send_each_async refuses more (ValueError)
ANDROID_CHANNEL_ID: Final = "dossier_updates"
TTL: Final = timedelta(hours=24)
# FCM answers INVALID_ARGUMENT (not UNREGISTERED) for a token that is malformed or was never valid;
# such a token will never work, so it is dead. Any other INVALID_ARGUMENT is about the payload.
_INVALID_TOKEN_RE: Final = re.compile(r"registration token is not a valid|invalid registration token", re.IGNORECASE)
_ERROR_TEXT_MAX: Final = 500


class Push(msgspec.Struct, frozen=True, kw_only=True):
    """One notification for one device."""

    token: str  # the device's FCM registration token
    title: str
    body: str
    data: dict[str, str]  # FCM data values are strings
    platform: Literal["android", "ios", "web"] = "android"
    # what the phone shows one of at a time: the dossier id of a push about a dossier (Android's
    # notification tag and collapse key, the apns-collapse-id header; at most 64 bytes for APNs)
    collapse_key: str | None = None
    badge: int | None = None


class Outcome(StrEnum):
    SENT = "sent"  # FCM accepted it
    DEAD_TOKEN = "dead_token"  # the token will never work again: delete it
    INVALID = "invalid"  # FCM refused this message (payload); sending it again will not help
    RETRY = "retry"  # a transient failure (quota, FCM down, timeout): send again later


class SendResult(msgspec.Struct, frozen=True, kw_only=True):
    token: str
    outcome: Outcome
    message_id: str | None = None  # FCM's "projects/<p>/messages/<id>" when SENT
    error: str | None = None
    retry_after: float | None = None  # seconds, from FCM's Retry-After header, for RETRY
    refused_us: bool = False  # RETRY because FCM refuses this server's credentials (403/401): a setting to fix


class PushSender(Protocol):
    name: str

    async def send(self, pushes: Sequence[Push]) -> list[SendResult]:
        """One result per push, in the same order; per-message failures are results, not exceptions."""
        ...

    async def aclose(self) -> None: ...


class LoggingSender:
    """Sends nothing: logs each push and reports it SENT. For development without Firebase."""

    name = "logging"

    async def send(self, pushes: Sequence[Push]) -> list[SendResult]:
        for push in pushes:
            log.info(
                "push (not sent: no Firebase configured) %r to %s… (%s)", push.title, push.token[:8], push.platform
            )
        return [SendResult(token=push.token, outcome=Outcome.SENT) for push in pushes]

    async def aclose(self) -> None:
        return None


class FirebaseSender:
    """Sends pushes with firebase-admin on an App of its own (several senders can coexist).

    credentials: ANONYMOUS (for a local stand-in) or the path of a service-account JSON file.
    project_id: the Firebase project; None takes the service account's.
    base_url: e.g. http://127.0.0.1:PORT to talk to a stand-in instead of https://fcm.googleapis.com.
    timeout: the SDK's HTTP timeout per request, seconds (its default is 120).
    """

    name = "firebase"

    def __init__(
        self,
        *,
        credentials: str,
        project_id: str | None,
        base_url: str | None = None,
        timeout: float = 10.0,
        app_name: str | None = None,
    ) -> None:
        import firebase_admin
        from google.auth.credentials import AnonymousCredentials

        from notifications.firebase_internals import delete_app, lighten, messaging_service, point_at

        credential: Any
        if credentials == ANONYMOUS:
            credential = AnonymousCredentials()  # type: ignore[no-untyped-call]  # google-auth leaves __init__ bare
        else:
            credential = firebase_admin.credentials.Certificate(credentials)  # reads and checks the file now
        # httpx logs every request at INFO: one line per push is noise, and costs CPU at thousands a second
        logging.getLogger("httpx").setLevel(max(logging.WARNING, logging.getLogger("httpx").getEffectiveLevel()))
        options: dict[str, Any] = {"httpTimeout": timeout}
        if project_id:
            options["projectId"] = project_id
        self._app: Any = firebase_admin.initialize_app(
            credential, options, name=app_name or f"motcua-push-{uuid.uuid4().hex}"
        )
        self._closed = False
        try:
            service = messaging_service(self._app)  # now, not on the first send: a missing project id fails here
            lighten(service)
            if base_url:
                point_at(service, base_url, project_id=str(self._app.project_id))
        except BaseException:
            delete_app(self._app)
            raise

    @property
    def app_name(self) -> str:
        return str(self._app.name)

    async def send(self, pushes: Sequence[Push]) -> list[SendResult]:
        if self._closed:
            raise RuntimeError("FirebaseSender is closed")
        results: list[SendResult] = []
        for start in range(0, len(pushes), MAX_PER_CALL):
            results.extend(await self._send_chunk(pushes[start : start + MAX_PER_CALL]))
        return results

    async def aclose(self) -> None:
        if self._closed:
            return
        self._closed = True
        from notifications.firebase_internals import close_app

        await close_app(self._app)

    async def _send_chunk(self, pushes: Sequence[Push]) -> list[SendResult]:
        built: list[messaging.Message | SendResult] = []
        with _token_field_allowed():
            for push in pushes:
                problem = _problem(push)
                built.append(
                    SendResult(token=push.token, outcome=Outcome.INVALID, error=problem) if problem else _message(push)
                )
        to_send = [(i, m) for i, m in enumerate(built) if not isinstance(m, SendResult)]
        results: list[SendResult | None] = [b if isinstance(b, SendResult) else None for b in built]
        if to_send:
            sent = await self._send_each([m for _, m in to_send], [pushes[i] for i, _ in to_send])
            for (i, _), result in zip(to_send, sent, strict=True):
                results[i] = result
        return [r for r in results if r is not None]

    async def _send_each(self, messages: list[Any], pushes: list[Push]) -> list[SendResult]:
        from firebase_admin import exceptions as firebase_exceptions
        from firebase_admin import messaging

        try:
            batch = await messaging.send_each_async(messages, app=self._app)
        except ValueError as error:
            # The SDK encodes the whole batch before sending and refuses it all for one bad message.
            # _problem() should have caught that; if it did not, send one by one so the rest still go.
            if len(messages) == 1:
                return [SendResult(token=pushes[0].token, outcome=Outcome.INVALID, error=_text(error))]
            log.warning("FCM refused a batch of %d before sending (%s); sending one by one", len(messages), error)
            results: list[SendResult] = []
            for message, push in zip(messages, pushes, strict=True):
                results.extend(await self._send_each([message], [push]))
            return results
        except firebase_exceptions.FirebaseError as error:
            # Raised for the whole call (e.g. the credentials could not get an access token).
            log.warning("FCM send of %d failed as a whole: %s", len(messages), error)
            return [_failure(push.token, error) for push in pushes]
        out: list[SendResult] = []
        for push, response in zip(pushes, batch.responses, strict=True):
            if response.success:
                out.append(SendResult(token=push.token, outcome=Outcome.SENT, message_id=response.message_id))
            else:
                out.append(_failure(push.token, response.exception))
        failed = [r for r in out if r.outcome is not Outcome.SENT]
        if failed:
            log.info(
                "FCM: %d of %d pushes not sent (%s)",
                len(failed),
                len(out),
                ", ".join(sorted({r.outcome for r in failed})),
            )
        return out


def sender_from_settings(credentials: str, project_id: str, base_url: str) -> PushSender:
    """The sender the settings ask for.

    All three empty: LoggingSender (development). credentials ANONYMOUS: FirebaseSender with
    AnonymousCredentials, for a local stand-in (base_url and project_id required). Otherwise credentials
    is the path of a service-account JSON file (project_id may be empty: the file's is used; base_url
    empty: the real FCM).
    """
    if not (credentials or project_id or base_url):
        return LoggingSender()
    if not credentials:
        raise ValueError("FCM project id or base URL set but no FCM credentials (a service-account JSON path)")
    if credentials == ANONYMOUS and not (project_id and base_url):
        raise ValueError("anonymous FCM credentials only make sense with a stand-in: set project id and base URL")
    return FirebaseSender(credentials=credentials, project_id=project_id or None, base_url=base_url or None)


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header: delay-seconds or an HTTP-date (RFC 9110 §10.2.3)."""
    if not value or not value.strip():
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


# --- building messages --------------------------------------------------------------------------------


def _problem(push: Push) -> str | None:
    """Why the SDK would refuse to encode this push (it would refuse the whole batch), or None.

    msgspec checks types only when decoding, so a Push built in code can carry anything."""
    if not _is_str(push.token) or not push.token:
        return "empty token"
    if not (_is_str(push.title) and _is_str(push.body)):
        return "title and body must be strings"
    if not all(_is_str(k) and _is_str(v) for k, v in push.data.items()):
        return "data keys and values must be strings"
    badge: object = push.badge
    if badge is not None and (not isinstance(badge, int) or isinstance(badge, bool) or badge < 0):
        return "badge must be a non-negative integer"
    if push.collapse_key is not None and not _is_str(push.collapse_key):
        return "collapse_key must be a string"
    return None


def _is_str(value: object) -> bool:
    return isinstance(value, str)


@contextlib.contextmanager
def _token_field_allowed() -> Iterator[None]:
    """7.5 deprecated `token=` for `fid=` (a Firebase Installation ID). Our devices register FCM
    *registration tokens*, which go in the wire field "token"; putting one in "fid" would address an
    installation that does not exist, and Firebase warns against mixing the two schemes. So we keep
    token= and silence only that warning, the way the SDK itself does for MulticastMessage. Once per
    batch, not per message: entering catch_warnings resets the interpreter's warning caches."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=r"Message\.token is deprecated", category=DeprecationWarning)
        yield


def _message(push: Push) -> Any:
    """The FCM message for a push (inside _token_field_allowed). Every platform's block is included (each
    device reads its own), so a push whose `platform` is wrong still rings: `platform` only shows in logs."""
    from firebase_admin import messaging

    apns_headers = {"apns-priority": "10"}
    if push.collapse_key:
        apns_headers["apns-collapse-id"] = push.collapse_key
    return messaging.Message(
        token=push.token,
        data=dict(push.data),
        notification=messaging.Notification(title=push.title, body=push.body),
        android=messaging.AndroidConfig(
            priority="high",
            ttl=TTL,
            collapse_key=push.collapse_key,
            # the tag replaces a shown notification of the same dossier (a re-sent push after a worker
            # crash, or a newer status) instead of stacking a second one; collapse_key only folds the
            # ones still waiting for a phone that is offline
            notification=messaging.AndroidNotification(channel_id=ANDROID_CHANNEL_ID, tag=push.collapse_key),
        ),
        apns=messaging.APNSConfig(
            headers=apns_headers,
            payload=messaging.APNSPayload(aps=messaging.Aps(sound="default", badge=push.badge)),
        ),
        webpush=messaging.WebpushConfig(headers={"Urgency": "high", "TTL": str(int(TTL.total_seconds()))}),
    )


# --- reading failures ---------------------------------------------------------------------------------


def _failure(token: str, error: BaseException | None) -> SendResult:
    """The outcome for a failed message (vn-integrations.md §5.5)."""
    from firebase_admin import exceptions as firebase_exceptions
    from firebase_admin import messaging

    if isinstance(error, messaging.UnregisteredError | messaging.SenderIdMismatchError):
        return SendResult(token=token, outcome=Outcome.DEAD_TOKEN, error=_text(error))
    if isinstance(error, firebase_exceptions.InvalidArgumentError):
        dead = _INVALID_TOKEN_RE.search(str(error)) is not None
        return SendResult(token=token, outcome=Outcome.DEAD_TOKEN if dead else Outcome.INVALID, error=_text(error))
    # QuotaExceeded, Unavailable, Internal, DeadlineExceeded, any other FirebaseError (or none at all); kept
    # when FCM refuses the credentials themselves, so that pushes leave once the setting is fixed
    refused = isinstance(error, firebase_exceptions.PermissionDeniedError | firebase_exceptions.UnauthenticatedError)
    return SendResult(
        token=token, outcome=Outcome.RETRY, error=_text(error), retry_after=_retry_after(error), refused_us=refused
    )


def _retry_after(error: BaseException | None) -> float | None:
    response = getattr(error, "http_response", None)
    headers = getattr(response, "headers", None)
    if headers is None:
        return None
    value = headers.get("Retry-After")
    return parse_retry_after(value) if isinstance(value, str) else None


def _text(error: BaseException | None) -> str:
    if error is None:
        return "unknown error"
    code = getattr(error, "code", None)
    text = f"{type(error).__name__}{f' {code}' if code else ''}: {error}"
    return text[:_ERROR_TEXT_MAX]
