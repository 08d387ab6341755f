"""FirebaseSender: the real firebase-admin SDK against a stand-in FCM over real HTTP. No PostgreSQL, no Redis."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from typing import Any

import firebase_admin
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from firebase_admin import messaging

from notifications import senders
from notifications.pushes import tell_of_retries
from notifications.senders import (
    FirebaseSender,
    LoggingSender,
    Outcome,
    Push,
    SendResult,
    parse_retry_after,
    sender_from_settings,
)
from tests.integration.standins.fcm import Behaviour, FcmStandin

PROJECT = "motcua-test"


@pytest.fixture(autouse=True)
def _clean_state() -> None:
    """Replaces integration/conftest.py's database and Redis reset: these tests need neither."""


@pytest.fixture
def fcm() -> Iterator[FcmStandin]:
    with FcmStandin(PROJECT) as standin:
        yield standin


async def _sender(fcm: FcmStandin, http_timeout: float = 5.0) -> AsyncIterator[FirebaseSender]:
    sender = FirebaseSender(credentials="anonymous", project_id=PROJECT, base_url=fcm.url, timeout=http_timeout)
    yield sender
    await sender.aclose()


@pytest.fixture
async def sender(fcm: FcmStandin) -> AsyncIterator[FirebaseSender]:
    async for s in _sender(fcm):
        yield s


def push(token: str, **overrides: Any) -> Push:
    fields: dict[str, Any] = {
        "token": token,
        "title": "Hồ sơ đã được tiếp nhận",
        "body": "Hồ sơ 000.00.01.H56-260101-0001 đang được xử lý",
        "data": {"dossier_id": "42", "kind": "status_changed"},
    }
    return Push(**(fields | overrides))


def outcomes(results: list[SendResult]) -> list[Outcome]:
    return [r.outcome for r in results]


async def test_a_batch_reaches_fcm_with_the_right_url_project_and_shape(
    fcm: FcmStandin, sender: FirebaseSender
) -> None:
    pushes = [
        push("tok-android", collapse_key="dossier-42"),
        push("tok-ios", platform="ios", badge=3),
        push("tok-web", platform="web", data={}),
    ]

    results = await sender.send(pushes)

    assert outcomes(results) == [Outcome.SENT] * 3
    assert [r.token for r in results] == ["tok-android", "tok-ios", "tok-web"]
    ids = [r.message_id for r in results]
    assert all(i is not None and i.startswith(f"projects/{PROJECT}/messages/") for i in ids)
    assert len(set(ids)) == 3
    assert all(r.error is None and r.retry_after is None for r in results)
    assert fcm.rejections == []
    requests = fcm.requests
    assert {r.path for r in requests} == {f"/v1/projects/{PROJECT}/messages:send"}
    assert all(r.headers["x-goog-api-format-version"] == "2" for r in requests)
    assert all("authorization" not in r.headers for r in requests)  # AnonymousCredentials
    assert all("validate_only" not in r.body for r in requests)  # a real send, not a dry run

    by_token = {m["token"]: m for m in fcm.messages}
    assert set(by_token) == {"tok-android", "tok-ios", "tok-web"}
    android = by_token["tok-android"]
    assert android["notification"] == {"title": pushes[0].title, "body": pushes[0].body}
    assert android["data"] == {"dossier_id": "42", "kind": "status_changed"}
    assert android["android"] == {
        "priority": "high",
        "ttl": "86400s",
        "collapse_key": "dossier-42",
        "notification": {"channel_id": "dossier_updates", "tag": "dossier-42"},
    }
    assert android["apns"]["headers"] == {"apns-priority": "10", "apns-collapse-id": "dossier-42"}
    assert android["apns"]["payload"] == {"aps": {"sound": "default"}}
    assert android["webpush"] == {"headers": {"Urgency": "high", "TTL": "86400"}}
    assert "fid" not in android  # registration tokens go in "token" (see notifications/senders.py)
    assert by_token["tok-ios"]["apns"] == {
        "headers": {"apns-priority": "10"},
        "payload": {"aps": {"sound": "default", "badge": 3}},
    }
    assert "collapse_key" not in by_token["tok-ios"]["android"]
    assert by_token["tok-ios"]["android"]["notification"] == {"channel_id": "dossier_updates"}
    assert "data" not in by_token["tok-web"]  # the SDK leaves out an empty data map


async def test_600_pushes_go_in_two_calls_of_at_most_500(fcm: FcmStandin, monkeypatch: pytest.MonkeyPatch) -> None:
    # 500 concurrent requests over plain HTTP/1.1 queue for the sender's 100 connections; the timeout
    # also covers that wait, hence a generous one on a busy machine.
    calls: list[int] = []
    real = messaging.send_each_async

    async def counting(messages: list[Any], *args: Any, **kwargs: Any) -> Any:
        calls.append(len(messages))
        return await real(messages, *args, **kwargs)

    monkeypatch.setattr(messaging, "send_each_async", counting)
    tokens = [f"tok-{i:03d}" for i in range(600)]

    async for sender in _sender(fcm, http_timeout=60):
        results = await sender.send([push(t) for t in tokens])

    assert calls == [500, 100]
    assert [r.token for r in results] == tokens
    assert outcomes(results) == [Outcome.SENT] * 600
    assert sorted(m["token"] for m in fcm.messages) == tokens
    assert len({r.message_id for r in results}) == 600


@pytest.mark.parametrize(
    "behaviour", [Behaviour.UNREGISTERED, Behaviour.SENDER_ID_MISMATCH, Behaviour.INVALID_TOKEN], ids=str
)
async def test_tokens_that_will_never_work_are_dead(
    fcm: FcmStandin, sender: FirebaseSender, behaviour: Behaviour
) -> None:
    fcm.behave("tok-dead", behaviour)

    [result] = await sender.send([push("tok-dead")])

    assert result.outcome is Outcome.DEAD_TOKEN
    assert result.message_id is None and result.retry_after is None
    assert result.error


async def test_invalid_argument_about_the_payload_is_invalid(fcm: FcmStandin, sender: FirebaseSender) -> None:
    fcm.behave("tok-1", Behaviour.INVALID_ARGUMENT)

    [result] = await sender.send([push("tok-1")])

    assert result.outcome is Outcome.INVALID
    assert result.error is not None and "InvalidArgumentError" in result.error and "INVALID_ARGUMENT" in result.error


async def test_quota_exceeded_is_retry_after_the_header(fcm: FcmStandin, sender: FirebaseSender) -> None:
    fcm.behave("tok-1", Behaviour.QUOTA_EXCEEDED)

    [result] = await sender.send([push("tok-1")])

    assert result.outcome is Outcome.RETRY
    assert result.retry_after == 7.0
    assert result.error is not None and "QuotaExceededError" in result.error
    assert len(fcm.requests) == 1  # the SDK does not retry 429 itself
    assert not result.refused_us  # a load to wait out, not a setting to fix


async def test_retry_after_as_an_http_date(fcm: FcmStandin, sender: FirebaseSender) -> None:
    fcm.retry_after = format_datetime(datetime.now(UTC) + timedelta(seconds=90), usegmt=True)
    fcm.behave("tok-1", Behaviour.QUOTA_EXCEEDED)

    [result] = await sender.send([push("tok-1")])

    assert result.outcome is Outcome.RETRY
    assert result.retry_after is not None and 80 <= result.retry_after <= 90


async def test_a_hang_longer_than_the_timeout_is_retry(fcm: FcmStandin) -> None:
    fcm.behave("tok-hang", Behaviour.HANG)
    async for sender in _sender(fcm, http_timeout=0.5):
        started = time.monotonic()
        results = await sender.send([push("tok-hang"), push("tok-ok")])
        elapsed = time.monotonic() - started

    assert outcomes(results) == [Outcome.RETRY, Outcome.SENT]
    assert results[0].error is not None and "DeadlineExceededError" in results[0].error
    assert results[0].retry_after is None
    assert elapsed < 3  # one attempt: the SDK does not retry timeouts


async def test_mixed_outcomes_keep_the_pushes_order(fcm: FcmStandin, sender: FirebaseSender) -> None:
    fcm.behave("tok-unregistered", Behaviour.UNREGISTERED)
    fcm.behave("tok-invalid", Behaviour.INVALID_ARGUMENT)
    fcm.behave("tok-quota", Behaviour.QUOTA_EXCEEDED)
    fcm.behave("tok-mismatch", Behaviour.SENDER_ID_MISMATCH)
    tokens = ["tok-a", "tok-unregistered", "tok-invalid", "tok-quota", "tok-b", "tok-mismatch", "tok-c"]

    results = await sender.send([push(t) for t in tokens])

    assert [r.token for r in results] == tokens
    assert outcomes(results) == [
        Outcome.SENT,
        Outcome.DEAD_TOKEN,
        Outcome.INVALID,
        Outcome.RETRY,
        Outcome.SENT,
        Outcome.DEAD_TOKEN,
        Outcome.SENT,
    ]
    assert sorted(m["token"] for m in fcm.messages) == ["tok-a", "tok-b", "tok-c"]


async def test_a_push_the_sdk_cannot_encode_fails_alone(fcm: FcmStandin, sender: FirebaseSender) -> None:
    bad = push("tok-bad", data={"count": 3})  # msgspec does not check types on construction
    results = await sender.send([push("tok-a"), bad, push("", title="no token"), push("tok-b")])

    assert outcomes(results) == [Outcome.SENT, Outcome.INVALID, Outcome.INVALID, Outcome.SENT]
    assert sorted(m["token"] for m in fcm.messages) == ["tok-a", "tok-b"]


async def test_a_batch_the_sdk_refuses_is_sent_one_by_one(
    fcm: FcmStandin, sender: FirebaseSender, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Were the pre-check to miss a push the SDK cannot encode, the SDK would refuse the whole batch.
    monkeypatch.setattr(senders, "_problem", lambda push: None)
    bad = push("tok-bad", data={"count": 3})

    results = await sender.send([push("tok-a"), bad, push("tok-b")])

    assert outcomes(results) == [Outcome.SENT, Outcome.INVALID, Outcome.SENT]
    assert results[1].error is not None and "ValueError" in results[1].error
    assert sorted(m["token"] for m in fcm.messages) == ["tok-a", "tok-b"]


async def test_nothing_to_send(fcm: FcmStandin, sender: FirebaseSender) -> None:
    assert await sender.send([]) == []
    assert fcm.requests == []


async def test_when_fcm_says_every_token_is_unregistered_each_is_a_dead_token(
    fcm: FcmStandin, sender: FirebaseSender
) -> None:
    fcm.fail_all = Behaviour.UNREGISTERED

    results = await sender.send([push("tok-a"), push("tok-b")])

    assert outcomes(results) == [Outcome.DEAD_TOKEN, Outcome.DEAD_TOKEN]
    assert fcm.messages == []


async def test_fcm_down_is_retry_after_the_sdks_own_retries(fcm: FcmStandin, sender: FirebaseSender) -> None:
    # The one slow test (~7 s): the SDK retries 503 four times with backoff 0, 1, 2, 4 s, ignoring Retry-After
    # (vn-integrations.md §5.6). The other tests keep off 500/503 for that reason.
    fcm.fail_all = Behaviour.UNAVAILABLE
    fcm.retry_after = "3"

    [result] = await sender.send([push("tok-1")])

    assert result.outcome is Outcome.RETRY
    assert result.retry_after == 3.0
    assert result.error is not None and "UnavailableError" in result.error
    assert len(fcm.requests) == 5


async def test_senders_on_different_standins_do_not_interfere(fcm: FcmStandin) -> None:
    with FcmStandin("other-project") as other:
        a = FirebaseSender(credentials="anonymous", project_id=PROJECT, base_url=fcm.url)
        b = FirebaseSender(credentials="anonymous", project_id="other-project", base_url=other.url)
        try:
            assert a.app_name != b.app_name
            [ra], [rb] = await a.send([push("tok-a")]), await b.send([push("tok-b")])
        finally:
            await a.aclose()
            await b.aclose()

        assert (ra.outcome, rb.outcome) == (Outcome.SENT, Outcome.SENT)
        assert rb.message_id is not None and rb.message_id.startswith("projects/other-project/")
        assert [m["token"] for m in fcm.messages] == ["tok-a"]
        assert [m["token"] for m in other.messages] == ["tok-b"]


async def test_aclose_deletes_the_app_and_can_be_repeated(fcm: FcmStandin) -> None:
    sender = FirebaseSender(credentials="anonymous", project_id=PROJECT, base_url=fcm.url, app_name="motcua-close")
    await sender.send([push("tok-a")])

    await sender.aclose()
    await sender.aclose()

    with pytest.raises(ValueError, match="motcua-close"):
        firebase_admin.get_app("motcua-close")
    with pytest.raises(RuntimeError, match="closed"):
        await sender.send([push("tok-a")])


async def test_logging_sender_reports_sent_and_logs(caplog: pytest.LogCaptureFixture) -> None:
    sender = LoggingSender()
    with caplog.at_level(logging.INFO, logger="notifications.senders"):
        results = await sender.send([push("abcdefghijklmnop"), push("tok-2", platform="ios")])
    await sender.aclose()

    assert outcomes(results) == [Outcome.SENT, Outcome.SENT]
    assert [r.token for r in results] == ["abcdefghijklmnop", "tok-2"]
    assert "abcdefgh" in caplog.text and "abcdefghijklmnop" not in caplog.text  # a prefix, not the token
    assert "Hồ sơ đã được tiếp nhận" in caplog.text


def _service_account(tmp_path: Path) -> Path:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    info = {
        "type": "service_account",
        "project_id": "motcua-from-file",
        "private_key_id": "0123456789abcdef",
        "private_key": pem,
        "client_email": "fcm@motcua-from-file.iam.gserviceaccount.com",
        "client_id": "1234567890",
        "token_uri": "https://oauth2.googleapis.com/token",
    }
    path = tmp_path / "service-account.json"
    path.write_text(json.dumps(info))
    return path


async def test_sender_from_settings(fcm: FcmStandin, tmp_path: Path) -> None:
    assert isinstance(sender_from_settings("", "", ""), LoggingSender)

    anonymous = sender_from_settings("anonymous", PROJECT, fcm.url)
    assert isinstance(anonymous, FirebaseSender)
    try:
        [result] = await anonymous.send([push("tok-a")])
        assert result.outcome is Outcome.SENT
    finally:
        await anonymous.aclose()

    # A service account (no network here: nothing is sent), its project taken from the file.
    from_file = sender_from_settings(str(_service_account(tmp_path)), "", "")
    assert isinstance(from_file, FirebaseSender)
    try:
        assert firebase_admin.get_app(from_file.app_name).project_id == "motcua-from-file"
    finally:
        await from_file.aclose()

    with pytest.raises(ValueError, match="no FCM credentials"):
        sender_from_settings("", PROJECT, "")
    with pytest.raises(ValueError, match="stand-in"):
        sender_from_settings("anonymous", PROJECT, "")
    with pytest.raises(FileNotFoundError):
        sender_from_settings(str(tmp_path / "missing.json"), "", "")


def test_parse_retry_after() -> None:
    now = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
    assert parse_retry_after("7") == 7.0
    assert parse_retry_after(" 120 ") == 120.0
    assert parse_retry_after("Mon, 23 Nov 2026 02:00:30 GMT", now=now) == 30.0
    assert parse_retry_after("Mon, 23 Nov 2026 01:00:00 GMT", now=now) == 0.0  # already past
    assert parse_retry_after(None) is None
    assert parse_retry_after("") is None
    assert parse_retry_after("soon") is None


async def test_credentials_of_another_project_are_retried_and_said_loudly(
    fcm: FcmStandin, caplog: pytest.LogCaptureFixture
) -> None:
    wrong = FirebaseSender(credentials="anonymous", project_id="another-project", base_url=fcm.url, timeout=5.0)
    try:
        results = await wrong.send([push("tok-1"), push("tok-2")])
    finally:
        await wrong.aclose()
    assert [r.outcome for r in results] == [Outcome.RETRY, Outcome.RETRY]  # sent once the setting is fixed
    assert all(r.refused_us for r in results)

    with caplog.at_level(logging.WARNING, logger="motcua.pushes"):
        tell_of_retries(results)
        tell_of_retries([SendResult(token="tok-3", outcome=Outcome.RETRY, error="QuotaExceededError: slow down")])
        tell_of_retries([SendResult(token="tok-4", outcome=Outcome.SENT)])

    errors = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert len(errors) == 1 and "MOTCUA_FIREBASE_PROJECT_ID" in errors[0].getMessage()
    assert "2 of 2 pushes" in errors[0].getMessage()
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "1 of 1 pushes" in warnings[0].getMessage()
    assert "tok-1" not in caplog.text  # tokens stay out of the log
