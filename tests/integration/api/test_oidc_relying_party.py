"""The relying party against a stand-in OpenID provider over real HTTP and a real Redis: the code flow
with PKCE, state and nonce; what it refuses; keys the provider rotates."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Iterator
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from joserfc.jwk import RSAKey
from redis.asyncio import Redis

from api.accounts.oidc import OidcConfig, OidcRefusedError, RelyingParty, challenge, issue_ticket, redeem_ticket
from tests.integration.standins.oidc import CITIZEN, CLIENT_ID, CLIENT_SECRET, OidcProvider

REDIRECT = "https://motcua.example.vn/api/v1/auth/oidc/callback"


@pytest.fixture
def provider() -> Iterator[OidcProvider]:
    with OidcProvider() as running:
        yield running


@pytest.fixture
async def redis(redis_url: str) -> AsyncIterator[Redis]:
    client = Redis.from_url(redis_url)
    yield client
    await client.aclose()


@pytest.fixture
async def party(provider: OidcProvider, redis: Redis) -> AsyncIterator[RelyingParty]:
    config = OidcConfig(issuer=provider.issuer, client_id=CLIENT_ID, client_secret=CLIENT_SECRET, redirect_uri=REDIRECT)
    rp = RelyingParty(config, redis)
    yield rp
    await rp.aclose()


async def consent(start_url: str) -> tuple[str, str]:
    """What the citizen's browser does at the provider: follow the authorization URL back to us."""
    async with httpx.AsyncClient() as browser:
        answer = await browser.get(start_url)
    assert answer.status_code == 302
    back = urlsplit(answer.headers["location"])
    assert f"{back.scheme}://{back.netloc}{back.path}" == REDIRECT
    query = {k: v[0] for k, v in parse_qs(back.query).items()}
    return query["code"], query["state"]


async def test_the_start_asks_for_a_code_with_state_nonce_and_an_s256_challenge(
    party: RelyingParty, provider: OidcProvider
) -> None:
    url = urlsplit(await party.start())
    assert f"{url.scheme}://{url.netloc}{url.path}" == f"{provider.issuer}/authorize"
    query = {k: v[0] for k, v in parse_qs(url.query).items()}
    assert query["response_type"] == "code"
    assert query["client_id"] == CLIENT_ID
    assert query["redirect_uri"] == REDIRECT
    assert query["scope"].split() == ["openid", "profile", "phone"]
    assert query["code_challenge_method"] == "S256"
    assert len(query["state"]) >= 32 and len(query["nonce"]) >= 32
    assert len(query["code_challenge"]) == 43


async def test_a_consented_flow_gives_the_verified_identity(party: RelyingParty) -> None:
    code, state = await consent(await party.start())
    identity = await party.finish(code=code, state=state)
    assert identity.subject == CITIZEN["sub"]
    assert identity.identity_number == "079191001234"
    assert identity.level == 2
    assert identity.name == "Lê Thị Hồng Nhung"
    assert identity.address == CITIZEN["address"]["formatted"]


async def test_a_replayed_callback_is_refused(party: RelyingParty) -> None:
    code, state = await consent(await party.start())
    await party.finish(code=code, state=state)
    with pytest.raises(OidcRefusedError, match="state"):
        await party.finish(code=code, state=state)


async def test_an_invented_state_is_refused_before_the_provider_is_asked(
    party: RelyingParty, provider: OidcProvider
) -> None:
    code, _ = await consent(await party.start())
    with pytest.raises(OidcRefusedError, match="state"):
        await party.finish(code=code, state="made-up")
    assert code in provider.codes  # the code was never spent


@pytest.mark.parametrize(
    ("overrides", "why"),
    [
        ({"aud": "another-client"}, "aud"),
        ({"nonce": "another-nonce"}, "nonce"),
        ({"iss": "https://evil.example"}, "iss"),
        ({"exp": int(time.time()) - 3600, "iat": int(time.time()) - 7200}, "expired"),
        ({"exp": int(time.time()) - 30, "iat": int(time.time()) - 330}, "expired"),  # past any clock skew
    ],
)
async def test_an_id_token_for_another_client_nonce_issuer_or_past_its_expiry_is_refused(
    party: RelyingParty, provider: OidcProvider, overrides: dict[str, object], why: str
) -> None:
    provider.overrides = overrides
    code, state = await consent(await party.start())
    with pytest.raises(OidcRefusedError, match=why):
        await party.finish(code=code, state=state)


async def test_a_token_signed_by_a_key_the_provider_does_not_publish_is_refused(
    party: RelyingParty, provider: OidcProvider
) -> None:
    provider.foreign_key = RSAKey.generate_key(2048)
    code, state = await consent(await party.start())
    with pytest.raises(OidcRefusedError, match="signature"):
        await party.finish(code=code, state=state)


async def test_a_token_without_kid_is_checked_against_each_published_key(
    party: RelyingParty, provider: OidcProvider
) -> None:
    provider.rotate()  # two keys published, the token signed by the second and naming none
    provider.omit_kid = True
    code, state = await consent(await party.start())
    assert (await party.finish(code=code, state=state)).level == 2
    provider.foreign_key = RSAKey.generate_key(2048)
    code, state = await consent(await party.start())
    with pytest.raises(OidcRefusedError, match=r"signature|key"):
        await party.finish(code=code, state=state)


async def test_a_key_the_provider_rotated_in_is_fetched_and_accepted(
    party: RelyingParty, provider: OidcProvider
) -> None:
    code, state = await consent(await party.start())
    await party.finish(code=code, state=state)  # the first key set is cached now
    provider.rotate()
    code, state = await consent(await party.start())
    assert (await party.finish(code=code, state=state)).level == 2


async def test_the_provider_refuses_a_wrong_verifier_so_a_stolen_code_is_worthless(provider: OidcProvider) -> None:
    start = provider.authorize(
        {
            "redirect_uri": REDIRECT,
            "state": "s",
            "nonce": "n",
            "code_challenge": challenge("right"),
            "code_challenge_method": "S256",
        }
    )
    code = parse_qs(urlsplit(start).query)["code"][0]
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": REDIRECT,
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "code_verifier": "wrong",
    }
    assert provider.token(form)[0] == 400


async def test_a_ticket_works_once(redis: Redis) -> None:
    import uuid

    user = uuid.uuid4()
    ticket = await issue_ticket(redis, user)
    assert await redeem_ticket(redis, ticket) == user
    assert await redeem_ticket(redis, ticket) is None
    assert await redeem_ticket(redis, "invented") is None
