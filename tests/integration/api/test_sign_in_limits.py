"""Sign-in limits (contracts.md, "Sign-in limits and the SMS gateway"), tried as an attacker would:
floods of sends to a phone or from one address, guesses across resends, guesses racing the counter,
forged X-Forwarded-For, and whether an answer tells a phone with an account from one without."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import httpx
import msgspec
import pytest
from litestar.testing import AsyncTestClient
from litestar.testing import transport as litestar_transport

from api.accounts.sms import MemorySmsSender
from asgi import create_app
from core.clock import FixedClock
from core.settings import Settings
from tests.integration.conftest import TokenFactory

PHONE = "0912345678"
WRONG = "wrong-code"  # never a code: a guess that cannot hit by luck


def _phones(n: int, prefix: str = "09876") -> list[str]:
    return [f"{prefix}{i:05d}" for i in range(n)]


class _PeerTransport(litestar_transport.TestClientTransport[AsyncTestClient[Any]], httpx.BaseTransport):
    def __init__(self, client: AsyncTestClient[Any], host: str) -> None:
        super().__init__(client=client)
        self._host = host

    def parse_request(self, request: httpx.Request) -> dict[str, Any]:
        scope = super().parse_request(request)
        scope["client"] = (self._host, 40000)
        return scope


class Peer:
    """Requests to the app of a running test client whose TCP peer is `host`. Each runs in a thread
    of its own, so that gathered requests really race in the app (a test client's own requests
    block the loop one by one)."""

    def __init__(self, client: AsyncTestClient[Any], host: str) -> None:
        self._http = httpx.Client(transport=_PeerTransport(client, host), base_url=str(client.base_url))

    async def post(self, url: str, **kwargs: Any) -> httpx.Response:
        return await asyncio.to_thread(self._http.post, url, **kwargs)


async def _send(client: Any, phone: str, **kwargs: Any) -> httpx.Response:
    response: httpx.Response = await client.post("/api/v1/auth/otp", json={"phone": phone}, **kwargs)
    return response


async def _try(client: Any, phone: str, code: str) -> httpx.Response:
    response: httpx.Response = await client.post("/api/v1/auth/token", json={"phone": phone, "otp": code})
    return response


def _limited(response: httpx.Response, code: str) -> int:
    """Asserts a 429 problem with `code`; returns its Retry-After."""
    assert response.status_code == 429, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["code"] == code
    return int(response.headers["retry-after"])


# ---- sends ------------------------------------------------------------------------------------------


async def test_codes_sent_to_a_phone_are_capped_by_the_hour_and_by_the_day(
    client: AsyncTestClient[Any], sms: MemorySmsSender, clock: FixedClock
) -> None:
    start = clock.now()
    for _ in range(5):
        assert (await _send(client, PHONE)).status_code == 202
        clock.advance(timedelta(seconds=61))
    sent = len(sms.messages)
    assert _limited(await _send(client, PHONE), "otp-rate-limited") == 3600 - 5 * 61
    assert len(sms.messages) == sent  # no SMS left

    clock.set(start + timedelta(hours=1, seconds=1))  # the first send left the hour
    for _ in range(5):
        assert (await _send(client, PHONE)).status_code == 202
        clock.advance(timedelta(seconds=61))
    clock.set(start + timedelta(hours=3))  # a new hour, but ten today
    assert _limited(await _send(client, PHONE), "otp-rate-limited") == 24 * 3600 - 3 * 3600
    clock.set(start + timedelta(days=1, seconds=1))
    assert (await _send(client, PHONE)).status_code == 202


async def test_a_failed_check_counts_nothing(client: AsyncTestClient[Any], clock: FixedClock) -> None:
    """Refused sends are not counted: asking again and again during the cooldown does not push the
    next allowed send further away."""
    assert (await _send(client, PHONE)).status_code == 202
    for _ in range(10):
        assert _limited(await _send(client, PHONE), "otp-rate-limited") == 60
    clock.advance(timedelta(seconds=60))
    assert (await _send(client, PHONE)).status_code == 202


async def test_one_address_cannot_flood_phones_with_codes(
    client: AsyncTestClient[Any], sms: MemorySmsSender, clock: FixedClock
) -> None:
    """It could make the server send SMS to any number of phones."""
    attacker, neighbour = Peer(client, "203.0.113.9"), Peer(client, "203.0.113.10")
    for phone in _phones(20):
        assert (await _send(attacker, phone)).status_code == 202
    sent = len(sms.messages)
    assert _limited(await _send(attacker, "0912000001"), "otp-rate-limited") == 3600
    assert len(sms.messages) == sent
    assert (await _send(neighbour, "0912000001")).status_code == 202
    clock.advance(timedelta(hours=1, seconds=1))
    assert (await _send(attacker, "0912000002")).status_code == 202


async def test_an_ipv6_subscriber_is_one_address_whatever_its_last_64_bits(client: AsyncTestClient[Any]) -> None:
    for i, phone in enumerate(_phones(20)):
        assert (await _send(Peer(client, f"2001:db8:1:2::{i + 1:x}"), phone)).status_code == 202
    _limited(await _send(Peer(client, "2001:db8:1:2:ffff:ffff:ffff:ffff"), "0912000001"), "otp-rate-limited")
    assert (await _send(Peer(client, "2001:db8:1:3::1"), "0912000001")).status_code == 202


# ---- behind proxies ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
async def proxied(settings: Settings, clock: FixedClock, sms: MemorySmsSender) -> AsyncIterator[AsyncTestClient[Any]]:
    """The app behind the province's load balancers (10.0.0.0/8)."""
    app = create_app(msgspec.structs.replace(settings, trusted_proxies="10.0.0.0/8, fd00::/8"), clock=clock, sms=sms)
    async with AsyncTestClient(app=app) as test_client:
        yield test_client


async def test_behind_a_trusted_proxy_each_client_is_limited_on_its_own(proxied: AsyncTestClient[Any]) -> None:
    balancer = Peer(proxied, "10.0.0.5")
    for i, phone in enumerate(_phones(20)):
        # what the client wrote itself stays on the left, where it is never believed
        forwarded = f"192.0.2.{i}, 198.51.100.7"
        assert (await _send(balancer, phone, headers={"X-Forwarded-For": forwarded})).status_code == 202
    flood = await _send(balancer, "0912000001", headers={"X-Forwarded-For": "198.51.100.7"})
    _limited(flood, "otp-rate-limited")
    # the same client through a second trusted hop
    two_hops = await _send(balancer, "0912000002", headers={"X-Forwarded-For": "198.51.100.7, 10.1.2.3"})
    _limited(two_hops, "otp-rate-limited")
    other = await _send(balancer, "0912000003", headers={"X-Forwarded-For": "198.51.100.8"})
    assert other.status_code == 202


async def test_a_forged_forwarded_for_from_an_untrusted_peer_is_ignored(proxied: AsyncTestClient[Any]) -> None:
    attacker = Peer(proxied, "203.0.113.9")
    for i, phone in enumerate(_phones(20)):
        assert (await _send(attacker, phone, headers={"X-Forwarded-For": f"198.51.100.{i}"})).status_code == 202
    forged = await _send(attacker, "0912000001", headers={"X-Forwarded-For": "198.51.100.99"})
    _limited(forged, "otp-rate-limited")
    # the client the attacker named, really behind the balancer, was never counted
    behind = await _send(Peer(proxied, "10.0.0.5"), "0912000001", headers={"X-Forwarded-For": "198.51.100.99"})
    assert behind.status_code == 202


# ---- wrong codes ------------------------------------------------------------------------------------


async def test_a_sixth_try_of_a_code_is_locked_until_a_new_code_is_sent(
    client: AsyncTestClient[Any], sms: MemorySmsSender, clock: FixedClock
) -> None:
    assert (await _send(client, PHONE)).status_code == 202
    code = sms.sent[PHONE]
    for _ in range(5):
        assert (await _try(client, PHONE, WRONG)).status_code == 401
    clock.advance(timedelta(seconds=20))
    assert _limited(await _try(client, PHONE, code), "otp-locked") == 40  # when a new code may be asked
    clock.advance(timedelta(seconds=40))
    assert (await _send(client, PHONE)).status_code == 202
    assert (await _try(client, PHONE, sms.sent[PHONE])).status_code == 200


async def test_guessing_across_resends_locks_the_phone_for_a_day(
    client: AsyncTestClient[Any], sms: MemorySmsSender, clock: FixedClock
) -> None:
    """It was 5 guesses per code and a new code every 60 s: about 7,200 guesses a day."""
    start = clock.now()
    for _ in range(2):
        assert (await _send(client, PHONE)).status_code == 202
        for _ in range(5):
            assert (await _try(client, PHONE, WRONG)).status_code == 401
        clock.advance(timedelta(seconds=61))
    assert (await _send(client, PHONE)).status_code == 202
    locked = await _try(client, PHONE, sms.sent[PHONE])  # the right code, past ten wrong ones
    assert _limited(locked, "otp-locked") == 24 * 3600 - 122
    clock.set(start + timedelta(days=1, minutes=3))  # every wrong code has left the window
    assert (await _send(client, PHONE)).status_code == 202
    assert (await _try(client, PHONE, sms.sent[PHONE])).status_code == 200


async def test_parallel_guesses_do_not_slip_past_the_counters(
    client: AsyncTestClient[Any], sms: MemorySmsSender, clock: FixedClock
) -> None:
    def guesses(code: str) -> list[str]:
        return [f"{i:06d}" for i in range(31) if f"{i:06d}" != code][:30]

    racer = Peer(client, "192.0.2.1")
    assert (await _send(client, PHONE)).status_code == 202
    answers = await asyncio.gather(*(_try(racer, PHONE, guess) for guess in guesses(sms.sent[PHONE])))
    assert sorted(r.status_code for r in answers) == [401] * 5 + [429] * 25  # five per code

    clock.advance(timedelta(seconds=61))
    assert (await _send(client, PHONE)).status_code == 202
    for _ in range(2):
        assert (await _try(client, PHONE, WRONG)).status_code == 401
    clock.advance(timedelta(seconds=61))
    assert (await _send(client, PHONE)).status_code == 202
    code = sms.sent[PHONE]
    answers = await asyncio.gather(*(_try(racer, PHONE, guess) for guess in guesses(code)))
    assert sorted(r.status_code for r in answers) == [401] * 3 + [429] * 27  # ten per phone, not one more
    assert _limited(await _try(client, PHONE, code), "otp-locked") > 0


async def test_answers_do_not_tell_a_phone_with_an_account_from_one_without(
    client: AsyncTestClient[Any], make_token: TokenFactory, clock: FixedClock
) -> None:
    known, unknown = "0912000001", "0912000002"
    await make_token(known)

    async def story(phone: str) -> list[tuple[int, Any, str | None]]:
        answers = [await _send(client, phone), await _send(client, phone)]
        answers += [await _try(client, phone, WRONG) for _ in range(6)]
        return [(r.status_code, r.json(), r.headers.get("retry-after")) for r in answers]

    assert await story(known) == await story(unknown)


async def test_rate_limits_off_lifts_the_send_limits_not_the_guess_limits(
    settings: Settings, clock: FixedClock, sms: MemorySmsSender
) -> None:
    app = create_app(msgspec.structs.replace(settings, rate_limits=False), clock=clock, sms=sms)
    async with AsyncTestClient(app=app) as load_test:
        for phone in _phones(25):
            assert (await _send(load_test, phone)).status_code == 202
        phone = _phones(1)[0]
        for _ in range(5):
            assert (await _try(load_test, phone, WRONG)).status_code == 401
        _limited(await _try(load_test, phone, sms.sent[phone]), "otp-locked")
