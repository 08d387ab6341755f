"""Sign-in with VNeID through the API, against a stand-in OpenID provider over real HTTP: the redirect
with code flow, state, nonce and S256; the callback's deep link with a one-time ticket; the identity on
/me and /me/applicant; what is refused (401, no account touched); a phone account gaining the identity,
a walk-in dossier claimed, a dossier's applicant taken from the identity, and a procedure or a fee
that depends on the level."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import asyncpg
import httpx
import msgspec
import pytest
from joserfc.jwk import RSAKey
from litestar.testing import AsyncTestClient

from asgi import create_app
from core.clock import FixedClock
from core.settings import Settings
from tests.integration.api.catalog_helpers import procedure_document, seeded_catalog
from tests.integration.conftest import TokenFactory, bearer
from tests.integration.factories import act, filed_at_counter, scan
from tests.integration.helpers import BEN_THANH, birth_registration, walk_in
from tests.integration.standins.oidc import CITIZEN, CLIENT_ID, CLIENT_SECRET, OidcProvider

__all__ = ["seeded_catalog"]  # the fixture, used by name
CALLBACK = "https://motcua.example.vn/api/v1/auth/oidc/callback"
APP = "motcua://signed-in"
NHUNG_PHONE = "0912345678"  # CITIZEN's phone_number, as we write phones
MASKED = "0791******34"


@pytest.fixture(scope="module")
def provider() -> Iterator[OidcProvider]:
    with OidcProvider() as running:
        yield running


@pytest.fixture(autouse=True)
def _provider_as_configured(provider: OidcProvider) -> None:
    provider.overrides, provider.foreign_key, provider.claims = {}, None, dict(CITIZEN)


@pytest.fixture(scope="module")
async def vneid(settings: Settings, clock: FixedClock, provider: OidcProvider) -> AsyncIterator[AsyncTestClient[Any]]:
    """The app with VNeID configured (the suite's app has none), on the same database, Redis and secrets."""
    configured = msgspec.structs.replace(
        settings, oidc_issuer=provider.issuer, oidc_client_id=CLIENT_ID, oidc_client_secret=CLIENT_SECRET
    )
    async with AsyncTestClient(app=create_app(configured, clock=clock)) as test_client:
        yield test_client


async def _start(vneid: AsyncTestClient[Any]) -> str:
    started = await vneid.get("/api/v1/auth/oidc/start", follow_redirects=False)
    assert started.status_code == 302, started.text
    return str(started.headers["location"])


async def _consent(authorize_url: str) -> dict[str, str]:
    """What the citizen's browser does at the provider: its redirect back to our callback."""
    async with httpx.AsyncClient() as browser:
        answer = await browser.get(authorize_url)
    back = urlsplit(answer.headers["location"])
    assert f"{back.scheme}://{back.netloc}{back.path}" == CALLBACK
    return {k: v[0] for k, v in parse_qs(back.query).items()}


async def _callback(vneid: AsyncTestClient[Any], query: dict[str, str]) -> httpx.Response:
    return await vneid.get("/api/v1/auth/oidc/callback", params=query, follow_redirects=False)


async def _ticket(vneid: AsyncTestClient[Any]) -> str:
    answer = await _callback(vneid, await _consent(await _start(vneid)))
    assert answer.status_code == 302, answer.text
    deep_link = urlsplit(answer.headers["location"])
    assert f"{deep_link.scheme}://{deep_link.netloc}" == APP
    return parse_qs(deep_link.query)["ticket"][0]


async def signed_in_with_vneid(vneid: AsyncTestClient[Any]) -> str:
    """The access token the app gets for the stand-in's citizen."""
    pair = await vneid.post("/api/v1/auth/oidc/exchange", json={"ticket": await _ticket(vneid)})
    assert pair.status_code == 200, pair.text
    token: str = pair.json()["access_token"]
    return token


async def _users(pool: asyncpg.Pool) -> int:
    async with pool.acquire() as conn:
        count: int = await conn.fetchval("SELECT count(*) FROM users")
        return count


async def test_start_redirects_to_the_provider_with_code_flow_state_nonce_and_s256(
    vneid: AsyncTestClient[Any], provider: OidcProvider
) -> None:
    url = urlsplit(await _start(vneid))
    assert f"{url.scheme}://{url.netloc}{url.path}" == f"{provider.issuer}/authorize"
    query = {k: v[0] for k, v in parse_qs(url.query).items()}
    assert (query["response_type"], query["client_id"], query["redirect_uri"]) == ("code", CLIENT_ID, CALLBACK)
    assert query["scope"] == "openid profile phone"
    assert query["code_challenge_method"] == "S256" and len(query["code_challenge"]) == 43
    assert query["state"] and query["nonce"] and query["state"] != query["nonce"]


async def test_the_ticket_works_once_and_me_shows_the_verified_identity_masked(
    vneid: AsyncTestClient[Any], client: AsyncTestClient[Any]
) -> None:
    ticket = await _ticket(vneid)
    pair = await vneid.post("/api/v1/auth/oidc/exchange", json={"ticket": ticket})
    assert pair.status_code == 200, pair.text
    assert set(pair.json()) >= {"access_token", "refresh_token", "expires_in"}
    again = await vneid.post("/api/v1/auth/oidc/exchange", json={"ticket": ticket})
    assert (again.status_code, again.json()["type"].rsplit("/", 1)[-1]) == (401, "oidc-ticket-invalid")
    assert again.headers["content-type"].startswith("application/problem+json")

    me = (await client.get("/api/v1/me", headers=bearer(pair.json()["access_token"]))).json()
    assert (me["phone"], me["full_name"]) == (NHUNG_PHONE, CITIZEN["name"])
    assert me["identity"] == {"verified": True, "level": 2, "provider": "vneid", "identity_number_masked": MASKED}
    # the refresh token rotates like any other
    refreshed = await client.post("/api/v1/auth/refresh", json={"refresh_token": pair.json()["refresh_token"]})
    assert refreshed.status_code == 200


async def test_me_applicant_prefills_from_the_identity_and_a_phone_account_has_none(
    vneid: AsyncTestClient[Any], client: AsyncTestClient[Any], make_token: TokenFactory
) -> None:
    token = await signed_in_with_vneid(vneid)
    prefill = (await client.get("/api/v1/me/applicant", headers=bearer(token))).json()
    assert prefill == {
        "full_name": CITIZEN["name"],
        "date_of_birth": CITIZEN["birthdate"],
        "address": CITIZEN["address"]["formatted"],
        "phone": NHUNG_PHONE,
        "identity_number_masked": MASKED,
    }
    phone_only = await make_token("0912000111")
    assert (await client.get("/api/v1/me", headers=bearer(phone_only))).json()["identity"] is None
    missing = await client.get("/api/v1/me/applicant", headers=bearer(phone_only))
    assert (missing.status_code, missing.json()["type"].rsplit("/", 1)[-1]) == (404, "identity-not-verified")


async def test_a_replayed_callback_is_refused_and_touches_no_account(
    vneid: AsyncTestClient[Any], pool: asyncpg.Pool
) -> None:
    query = await _consent(await _start(vneid))
    assert (await _callback(vneid, query)).status_code == 302
    users = await _users(pool)
    replayed = await _callback(vneid, query)
    assert (replayed.status_code, replayed.json()["type"].rsplit("/", 1)[-1]) == (401, "oidc-refused")
    invented = await _callback(vneid, {"code": query["code"], "state": "invented"})
    assert invented.status_code == 401
    assert await _users(pool) == users


@pytest.mark.parametrize(
    "overrides",
    [
        {"aud": "another-client"},
        {"nonce": "another-nonce"},
        {"exp": int(time.time()) - 3600, "iat": int(time.time()) - 7200},
        {"iss": "https://not-the-provider.example"},
    ],
    ids=["audience", "nonce", "expired", "issuer"],
)
async def test_a_token_for_another_client_nonce_issuer_or_time_is_refused(
    vneid: AsyncTestClient[Any], provider: OidcProvider, pool: asyncpg.Pool, overrides: dict[str, Any]
) -> None:
    provider.overrides = overrides
    refused = await _callback(vneid, await _consent(await _start(vneid)))
    assert (refused.status_code, refused.json()["type"].rsplit("/", 1)[-1]) == (401, "oidc-refused")
    assert "location" not in refused.headers
    assert await _users(pool) == 0


async def test_a_token_signed_by_another_key_is_refused(
    vneid: AsyncTestClient[Any], provider: OidcProvider, pool: asyncpg.Pool
) -> None:
    provider.foreign_key = RSAKey.generate_key(2048)
    refused = await _callback(vneid, await _consent(await _start(vneid)))
    assert refused.status_code == 401
    assert await _users(pool) == 0


async def test_a_citizen_who_declines_at_the_provider_is_refused(vneid: AsyncTestClient[Any]) -> None:
    state = parse_qs(urlsplit(await _start(vneid)).query)["state"][0]
    declined = await _callback(vneid, {"error": "access_denied", "state": state})
    assert declined.status_code == 401
    assert (await _callback(vneid, {"code": "any", "state": state})).status_code == 401  # the flow is spent


async def test_a_phone_account_gains_the_identity_and_keeps_its_dossiers(
    vneid: AsyncTestClient[Any], client: AsyncTestClient[Any], make_token: TokenFactory
) -> None:
    by_phone = await make_token(NHUNG_PHONE)
    before = (await client.get("/api/v1/me", headers=bearer(by_phone))).json()
    filed = await client.post("/api/v1/dossiers", json=birth_registration(NHUNG_PHONE), headers=bearer(by_phone))
    assert filed.status_code == 201

    token = await signed_in_with_vneid(vneid)

    me = (await client.get("/api/v1/me", headers=bearer(token))).json()
    assert me["id"] == before["id"] and me["identity"]["level"] == 2
    assert [d["id"] for d in (await client.get("/api/v1/dossiers", headers=bearer(token))).json()["items"]] == [
        filed.json()["id"]
    ]


async def test_a_walk_in_dossier_is_claimed_at_a_vneid_sign_in(
    vneid: AsyncTestClient[Any], client: AsyncTestClient[Any], make_token: TokenFactory
) -> None:
    officer = await make_token("0900800001", "officer", (BEN_THANH,))
    draft = await filed_at_counter(client, officer, walk_in(NHUNG_PHONE))
    for key in ("declaration-form", "birth-certificate"):
        assert (await scan(client, officer, draft["id"], key)).status_code == 201
    assert (await act(client, officer, draft["id"], action="receive")).status_code == 200

    token = await signed_in_with_vneid(vneid)

    mine = (await client.get("/api/v1/dossiers", headers=bearer(token))).json()
    assert [d["id"] for d in mine["items"]] == [draft["id"]]


async def test_a_verified_account_files_as_its_identity_whatever_the_body_says(
    vneid: AsyncTestClient[Any], client: AsyncTestClient[Any]
) -> None:
    token = await signed_in_with_vneid(vneid)
    body = birth_registration(NHUNG_PHONE)
    body["applicant"].update(identity_number="001090009999", full_name="Người Khác", date_of_birth="1990-01-01")

    created = await client.post("/api/v1/dossiers", json=body, headers=bearer(token))

    assert created.status_code == 201, created.text
    applicant = created.json()["applicant"]
    assert applicant["identity_number_masked"] == MASKED
    assert (applicant["full_name"], applicant["date_of_birth"]) == (CITIZEN["name"], CITIZEN["birthdate"])
    edited = await client.patch(
        f"/api/v1/dossiers/{created.json()['id']}", json={"applicant": body["applicant"]}, headers=bearer(token)
    )
    assert edited.status_code == 200, edited.text
    assert edited.json()["applicant"]["identity_number_masked"] == MASKED


@pytest.mark.usefixtures("seeded_catalog")
async def test_a_procedure_for_level_2_refuses_a_phone_account_and_a_fee_line_follows_the_level(
    vneid: AsyncTestClient[Any], client: AsyncTestClient[Any], make_token: TokenFactory
) -> None:
    admin = await make_token("0900190001", "admin")
    doc = procedure_document("birth-registration")
    doc["requires_identity_level"] = 2
    assert (await _edit(vneid, client, admin, doc))["requires_identity_level"] == 2

    phone_only = await make_token("0912000222")
    refused = await client.post("/api/v1/dossiers", json=birth_registration("0912000222"), headers=bearer(phone_only))
    assert (refused.status_code, refused.json()["type"].rsplit("/", 1)[-1]) == (403, "identity-level-required")
    assert "VNeID" in refused.json()["detail"]
    verified = await signed_in_with_vneid(vneid)
    created = await client.post("/api/v1/dossiers", json=birth_registration(NHUNG_PHONE), headers=bearer(verified))
    assert created.status_code == 201, created.text


async def _edit(
    vneid: AsyncTestClient[Any], client: AsyncTestClient[Any], admin: str, doc: dict[str, Any]
) -> dict[str, Any]:
    """An admin's edit of a procedure, once the suite's app (which files the dossiers) has reloaded it."""
    edited = await vneid.put(f"/api/v1/admin/procedures/{doc['slug']}", json=doc, headers=bearer(admin))
    assert edited.status_code == 200, edited.text
    detail: dict[str, Any] = edited.json()
    for _ in range(100):
        if (await client.get(f"/api/v1/procedures/{doc['slug']}")).json()["version"] == detail["version"]:
            return detail
        await asyncio.sleep(0.1)
    raise AssertionError("the suite's app did not reload the edited catalog")


async def test_unconfigured_the_routes_say_so(client: AsyncTestClient[Any]) -> None:
    answer = await client.get("/api/v1/auth/oidc/start", follow_redirects=False)
    assert (answer.status_code, answer.json()["type"].rsplit("/", 1)[-1]) == (404, "oidc-not-configured")


@pytest.mark.usefixtures("seeded_catalog")
async def test_a_fee_waived_for_level_2_accounts_is_what_a_verified_citizen_owes(
    vneid: AsyncTestClient[Any], client: AsyncTestClient[Any], make_token: TokenFactory
) -> None:
    admin = await make_token("0900190001", "admin")
    doc = procedure_document("citizen-identity-card")
    waiver = {
        "amount": 0,
        "case": "Cấp đổi, tài khoản định danh điện tử mức 2",
        "cases": {"vi": "Cấp đổi, tài khoản định danh điện tử mức 2", "en": "Renewal, level-2 electronic identity"},
        "from": "2026-08-15",
        "to": "2027-02-28",
        "basis": "a waiver for level-2 accounts, as a province would enter it",
        "when": {"request_type": ["cap_doi"], "identity_level": ["2"]},
    }
    doc["fees"].append(waiver)
    await _edit(vneid, client, admin, doc)
    renewal = {
        "procedure": "citizen-identity-card",
        "applicant": birth_registration(NHUNG_PHONE)["applicant"],
        "form": {"request_type": "cap_doi", "reason": "Thẻ hết hạn"},
        "delivery": {"method": "desk"},
    }

    phone_only = await make_token("0912000333")
    paying = await client.post(
        "/api/v1/dossiers",
        json={**renewal, "applicant": {**renewal["applicant"], "phone": "0912000333"}},
        headers=bearer(phone_only),
    )
    verified = await client.post("/api/v1/dossiers", json=renewal, headers=bearer(await signed_in_with_vneid(vneid)))

    assert paying.status_code == verified.status_code == 201, (paying.text, verified.text)
    assert (paying.json()["fee"], verified.json()["fee"]) == (25000, 0)
