"""Sign-in through the real eSMS adapter, against a stand-in eSMS server that checks every field of
the body: what it sends, what a failing gateway answers, and what reaches the log."""

from __future__ import annotations

import logging
import re
import socket
import time
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import msgspec
import pytest
from litestar.testing import AsyncTestClient

from api.accounts.sms import EsmsSender, LoggingSmsSender, SmsNotSent
from asgi import create_app
from core.clock import FixedClock
from core.settings import Settings
from tests.integration.standins.esms import EsmsStandin

API_KEY = "ESMS-API-KEY-TEST"
SECRET_KEY = "ESMS-SECRET-KEY-TEST"
BRANDNAME = "MOTCUA"
PHONE = "0912345678"


@pytest.fixture(scope="module")
def esms() -> Iterator[EsmsStandin]:
    with EsmsStandin(api_key=API_KEY, secret_key=SECRET_KEY, brandname=BRANDNAME, hang_seconds=5) as standin:
        yield standin


@pytest.fixture(autouse=True)
def _healthy(esms: EsmsStandin) -> None:
    esms.heal()


def _esms_settings(settings: Settings, base_url: str) -> Settings:
    return msgspec.structs.replace(
        settings,
        sms_provider="esms",
        esms_base_url=base_url,
        esms_api_key=API_KEY,
        esms_secret_key=SECRET_KEY,
        esms_brandname=BRANDNAME,
        sms_timeout_seconds=1,
    )


@pytest.fixture(scope="module")
async def esms_client(settings: Settings, clock: FixedClock, esms: EsmsStandin) -> AsyncIterator[AsyncTestClient[Any]]:
    """The app as production runs it: no sender handed in, eSMS chosen by the settings."""
    app = create_app(_esms_settings(settings, esms.url), clock=clock)
    async with AsyncTestClient(app=app) as client:
        yield client


async def _sign_in(client: AsyncTestClient[Any], esms: EsmsStandin, phone: str = PHONE) -> dict[str, Any]:
    assert (await client.post("/api/v1/auth/otp", json={"phone": phone})).status_code == 202
    response = await client.post("/api/v1/auth/token", json={"phone": phone, "otp": esms.last_code(phone)})
    assert response.status_code == 200, response.text
    tokens: dict[str, Any] = response.json()
    return tokens


async def test_a_sign_in_code_leaves_through_esms_as_the_contract_fixes_it(
    esms_client: AsyncTestClient[Any], esms: EsmsStandin
) -> None:
    before = len(esms.received)
    response = await esms_client.post("/api/v1/auth/otp", json={"phone": "+84 912 345 678"})
    assert response.status_code == 202
    assert response.json() == {"expires_in": 300, "resend_after": 60}
    [request] = esms.received[before:]
    assert request.problems == ()
    assert request.code_result == "100"
    assert request.headers["content-type"].startswith("application/json")
    assert request.body is not None
    body = dict(request.body)
    request_id, content = body.pop("RequestId"), body.pop("Content")
    assert body == {
        "ApiKey": API_KEY,
        "SecretKey": SECRET_KEY,
        "Phone": PHONE,
        "Brandname": BRANDNAME,
        "SmsType": "2",
        "IsUnicode": "0",
        "Sandbox": "0",
    }
    assert re.fullmatch(r"[0-9a-f]{32}", request_id)
    assert re.fullmatch(r"[ -~]+", content)
    code = esms.last_code(PHONE)
    assert code in content
    tokens = await esms_client.post("/api/v1/auth/token", json={"phone": PHONE, "otp": code})
    assert tokens.status_code == 200
    assert tokens.json()["token_type"] == "Bearer"


async def test_every_send_has_its_own_request_id(esms_client: AsyncTestClient[Any], esms: EsmsStandin) -> None:
    before = len(esms.received)
    for phone in ("0912000001", "0912000002", "0912000003"):
        await _sign_in(esms_client, esms, phone)
    ids = [r.body["RequestId"] for r in esms.received[before:] if r.body is not None]
    assert len(ids) == 3
    assert len(set(ids)) == 3


FAILURES: dict[str, Callable[[EsmsStandin], None]] = {
    "not enough balance": lambda s: setattr(s, "code_result", "103"),
    "phone blocked": lambda s: setattr(s, "code_result", "99"),
    "HTTP 500": lambda s: setattr(s, "http_status", 500),
    "HTTP 503": lambda s: setattr(s, "http_status", 503),
    "no answer": lambda s: setattr(s, "hang", True),
}


@pytest.mark.parametrize("failure", FAILURES)
async def test_a_gateway_failure_is_503_and_keeps_no_code_nor_cooldown(
    esms_client: AsyncTestClient[Any], esms: EsmsStandin, failure: str
) -> None:
    FAILURES[failure](esms)
    before = len(esms.received)
    started = time.monotonic()
    response = await esms_client.post("/api/v1/auth/otp", json={"phone": PHONE})
    assert time.monotonic() - started < 4  # the gateway's timeout (1 s here) bounds the wait
    assert response.status_code == 503, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["code"] == "sms-unavailable"
    assert len(esms.received) == before + 1
    sent = esms.received[-1].body
    if sent is not None:  # the gateway saw the code and refused it: that code must not sign in
        code = re.findall(r"[0-9]{6}", sent["Content"])[0]
        refused = await esms_client.post("/api/v1/auth/token", json={"phone": PHONE, "otp": code})
        assert refused.status_code == 401

    esms.heal()
    await _sign_in(esms_client, esms)  # at once: a code never delivered holds no cooldown


async def test_an_unreachable_gateway_is_503(settings: Settings, clock: FixedClock) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed = s.getsockname()[1]
    app = create_app(_esms_settings(settings, f"http://127.0.0.1:{closed}"), clock=clock)
    async with AsyncTestClient(app=app) as client:
        response = await client.post("/api/v1/auth/otp", json={"phone": PHONE})
    assert response.status_code == 503
    assert response.json()["code"] == "sms-unavailable"


def _log_text(records: list[logging.LogRecord]) -> str:
    formatter = logging.Formatter("%(name)s %(levelname)s %(message)s")
    return "\n".join(formatter.format(record) for record in records)


async def test_no_phone_number_and_no_code_reach_the_log_with_esms(
    esms_client: AsyncTestClient[Any], esms: EsmsStandin, caplog: pytest.LogCaptureFixture
) -> None:
    """The logging sender was the only one: codes and phone numbers went to the log at WARNING."""
    caplog.set_level(logging.DEBUG)
    before = len(esms.received)
    esms.code_result = "103"
    assert (await esms_client.post("/api/v1/auth/otp", json={"phone": PHONE})).status_code == 503
    esms.heal()
    esms.hang = True
    assert (await esms_client.post("/api/v1/auth/otp", json={"phone": PHONE})).status_code == 503
    esms.heal()
    assert (await esms_client.post("/api/v1/auth/otp", json={"phone": PHONE})).status_code == 202
    assert (await esms_client.post("/api/v1/auth/token", json={"phone": PHONE, "otp": "000000x"})).status_code == 401
    tokens = await esms_client.post("/api/v1/auth/token", json={"phone": PHONE, "otp": esms.last_code(PHONE)})
    assert tokens.status_code == 200

    codes = {c for r in esms.received[before:] if r.body for c in re.findall(r"[0-9]{6}", r.body["Content"])}
    assert len(codes) == 3  # refused, unanswered, delivered
    logged = _log_text(caplog.records)
    assert "eSMS request" in logged  # the failures were logged, so the log was looked at
    for phone in (PHONE, PHONE[1:], "84" + PHONE[1:], "912 345 678"):
        assert phone not in logged
    for code in codes:
        assert not re.search(rf"(?<![0-9]){code}(?![0-9])", logged)


async def test_the_logging_sender_masks_the_phone(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    await LoggingSmsSender().send_otp(PHONE, "246810")
    logged = _log_text(caplog.records)
    assert "246810" in logged  # a developer signs in with it
    assert "09******78" in logged
    assert PHONE[1:] not in logged


async def test_the_adapter_sends_any_text_unaccented_and_says_no_more_when_refused(esms: EsmsStandin) -> None:
    sender = EsmsSender(base_url=esms.url, api_key=API_KEY, secret_key=SECRET_KEY, brandname=BRANDNAME, timeout=1)
    try:
        await sender.send(PHONE, "Hồ sơ 000.00.12.H04-261123-0007 đã được tiếp nhận, hẹn trả ngày 25/11/2026.")
        assert esms.accepted[-1].body is not None
        assert esms.accepted[-1].body["Content"] == (
            "Ho so 000.00.12.H04-261123-0007 da duoc tiep nhan, hen tra ngay 25/11/2026."
        )
        assert esms.accepted[-1].problems == ()
        esms.code_result = "101"
        with pytest.raises(SmsNotSent) as refused:
            await sender.send(PHONE, "Ma xac thuc 135790")
        assert "101" in str(refused.value)
        assert PHONE[1:] not in str(refused.value)
        assert "135790" not in str(refused.value)
    finally:
        await sender.aclose()
