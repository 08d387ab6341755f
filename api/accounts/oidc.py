"""Sign-in with VNeID as an OpenID Connect relying party: the authorization code flow with PKCE (S256),
state and nonce; the provider's endpoints from its discovery document and its keys from its JWKS
(fetched again when a token names a key not seen yet: the provider rotates keys); the ID token's
signature, issuer, audience, expiry and nonce checked by joserfc. A flow's state is kept in Redis and
works once; what reaches the app is a one-time ticket, exchanged for our own token pair."""

from __future__ import annotations

import base64
import hashlib
import secrets
import time
import uuid
from typing import TYPE_CHECKING
from urllib.parse import urlencode

import msgspec
from redis.asyncio import Redis

# imported by the sign-in that needs them, not with the app: most deployments never sign in with VNeID
# (httpx and joserfc with cryptography: 0.2-0.4 s of a worker's start)
if TYPE_CHECKING:
    import httpx
    from joserfc import jwt
    from joserfc.jwk import KeySet

FLOW_SECONDS = 600  # from the redirect to the provider until the callback
TICKET_SECONDS = 60
LEEWAY_SECONDS = 10  # clock skew tolerated on exp and iat (both clocks keep NTP time)
ALGORITHMS = ["RS256", "ES256", "PS256"]
SCOPE = "openid profile phone"
CACHE_SECONDS = 3600


class OidcConfig(msgspec.Struct, frozen=True, kw_only=True):
    issuer: str
    client_id: str
    client_secret: str
    redirect_uri: str


class OidcRefusedError(Exception):
    """The sign-in cannot go on; `reason` is all that is said or logged (never a token)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class Identity(msgspec.Struct, frozen=True, kw_only=True):
    subject: str
    name: str | None = None
    birthdate: str | None = None
    phone_number: str | None = None
    identity_number: str | None = None
    address: str | None = None
    level: int = 1


class _Discovery(msgspec.Struct, frozen=True):
    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str


class _Flow(msgspec.Struct, frozen=True):
    nonce: str
    verifier: str


def _flow_key(state: str) -> str:
    return f"oidc:flow:{hashlib.sha256(state.encode()).hexdigest()}"


def _ticket_key(ticket: str) -> str:
    return f"oidc:ticket:{hashlib.sha256(ticket.encode()).hexdigest()}"


def challenge(verifier: str) -> str:
    """RFC 7636's S256 code challenge of a verifier."""
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()


def identity_from(claims: dict[str, object]) -> Identity:
    address = claims.get("address")
    formatted = address.get("formatted") if isinstance(address, dict) else address
    number = claims.get("identity_number")
    level = claims.get("identity_level")
    return Identity(
        subject=str(claims["sub"]),
        name=_text(claims.get("name")),
        birthdate=_text(claims.get("birthdate")),
        phone_number=_text(claims.get("phone_number")),
        identity_number=number if isinstance(number, str) and len(number) == 12 and number.isdigit() else None,
        address=_text(formatted),
        level=2 if str(level) == "2" else 1,
    )


def _text(value: object) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


class RelyingParty:
    def __init__(self, config: OidcConfig, redis: Redis, http: httpx.AsyncClient | None = None) -> None:
        import httpx

        self.config = config
        self._redis = redis
        self._http = http or httpx.AsyncClient(timeout=httpx.Timeout(10.0), follow_redirects=False)
        self._discovery: tuple[float, _Discovery] | None = None
        self._keys: KeySet | None = None

    async def aclose(self) -> None:
        await self._http.aclose()

    async def _provider(self) -> _Discovery:
        if self._discovery is None or time.monotonic() - self._discovery[0] > CACHE_SECONDS:
            url = self.config.issuer.rstrip("/") + "/.well-known/openid-configuration"
            found = msgspec.json.decode((await self._get(url)).content, type=_Discovery)
            if found.issuer.rstrip("/") != self.config.issuer.rstrip("/"):
                raise OidcRefusedError("the provider's discovery document names another issuer")
            self._discovery = (time.monotonic(), found)
        return self._discovery[1]

    async def _get(self, url: str) -> httpx.Response:
        import httpx

        try:
            response = await self._http.get(url)
            response.raise_for_status()
        except httpx.HTTPError as exc:
            raise OidcRefusedError(f"the provider did not answer ({type(exc).__name__})") from exc
        return response

    async def start(self) -> str:
        """The provider's authorization URL for a new flow, whose state, nonce and verifier are kept."""
        provider = await self._provider()
        state, nonce, verifier = (secrets.token_urlsafe(32) for _ in range(3))
        flow = msgspec.json.encode(_Flow(nonce=nonce, verifier=verifier))
        await self._redis.set(_flow_key(state), flow, ex=FLOW_SECONDS)
        query = {
            "response_type": "code",
            "client_id": self.config.client_id,
            "redirect_uri": self.config.redirect_uri,
            "scope": SCOPE,
            "state": state,
            "nonce": nonce,
            "code_challenge": challenge(verifier),
            "code_challenge_method": "S256",
        }
        return f"{provider.authorization_endpoint}?{urlencode(query)}"

    async def forget(self, state: str | None) -> None:
        """Spend a flow without finishing it (the citizen declined at the provider)."""
        if state:
            await self._redis.delete(_flow_key(state))

    async def finish(self, *, code: str, state: str) -> Identity:
        """The identity of a callback; its state is spent whatever happens next."""
        raw = await self._redis.getdel(_flow_key(state))
        if raw is None:
            raise OidcRefusedError("unknown, expired or reused state")
        flow = msgspec.json.decode(raw, type=_Flow)
        id_token = await self._exchange(code, flow.verifier)
        return identity_from(await self._verified_claims(id_token, flow.nonce))

    async def _exchange(self, code: str, verifier: str) -> str:
        provider = await self._provider()
        form = {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": self.config.redirect_uri,
            "client_id": self.config.client_id,
            "client_secret": self.config.client_secret,
            "code_verifier": verifier,
        }
        import httpx

        try:
            response = await self._http.post(provider.token_endpoint, data=form, headers={"Accept": "application/json"})
        except httpx.HTTPError as exc:
            raise OidcRefusedError(f"the token endpoint did not answer ({type(exc).__name__})") from exc
        if response.status_code != 200:
            raise OidcRefusedError(f"the token endpoint refused the code ({response.status_code})")
        try:
            token = msgspec.json.decode(response.content, type=dict[str, object]).get("id_token")
        except msgspec.DecodeError:
            token = None
        if not isinstance(token, str):
            raise OidcRefusedError("the token endpoint gave no ID token")
        return token

    async def _key_set(self, *, refresh: bool) -> KeySet:
        from joserfc.errors import JoseError
        from joserfc.jwk import KeySet

        if self._keys is None or refresh:
            provider = await self._provider()
            try:
                self._keys = KeySet.import_key_set((await self._get(provider.jwks_uri)).json())
            except (ValueError, KeyError, TypeError, JoseError) as exc:
                raise OidcRefusedError("the provider's key set could not be read") from exc
        return self._keys

    async def _verified_claims(self, id_token: str, nonce: str) -> dict[str, object]:
        from joserfc import jwt
        from joserfc.errors import JoseError

        try:
            token = self._decode(id_token, await self._key_set(refresh=False))
        except _UnknownKeyError:
            try:  # a key not seen yet: the provider may have rotated its keys
                token = self._decode(id_token, await self._key_set(refresh=True))
            except _UnknownKeyError as exc:
                raise OidcRefusedError("the ID token names a key the provider does not publish") from exc
        claims: dict[str, object] = dict(token.claims)
        registry = jwt.JWTClaimsRegistry(
            now=int(time.time()),
            leeway=LEEWAY_SECONDS,
            iss={"essential": True, "value": (await self._provider()).issuer},
            aud={"essential": True, "value": self.config.client_id},
            exp={"essential": True},
            sub={"essential": True},
            nonce={"essential": True, "value": nonce},
        )
        try:
            registry.validate(claims)
        except JoseError as exc:
            raise OidcRefusedError(
                f"the ID token was refused ({exc.error}: {getattr(exc, 'claim', '') or exc.description})"
            ) from exc
        audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
        if len(audiences) > 1 and claims.get("azp") != self.config.client_id:
            raise OidcRefusedError("the ID token was refused (azp)")
        return claims

    @staticmethod
    def _decode(id_token: str, keys: KeySet) -> jwt.Token:
        from joserfc import jwt
        from joserfc.errors import InvalidKeyIdError, JoseError

        try:
            return jwt.decode(id_token, keys, algorithms=ALGORITHMS)
        except InvalidKeyIdError as exc:
            if _kid_of(id_token) is None:  # a provider with one key may leave `kid` out: each key is tried
                return _decode_with_any(id_token, keys)
            raise _UnknownKeyError from exc
        except JoseError as exc:
            raise OidcRefusedError(f"the ID token's signature was refused ({exc.error})") from exc


def _kid_of(id_token: str) -> object:
    from joserfc.errors import JoseError
    from joserfc.jws import extract_compact

    try:
        return extract_compact(id_token.encode()).protected.get("kid")
    except (JoseError, ValueError) as exc:
        raise OidcRefusedError("the ID token is not a JWS") from exc


def _decode_with_any(id_token: str, keys: KeySet) -> jwt.Token:
    from joserfc import jwt
    from joserfc.errors import JoseError

    for key in keys.keys:
        try:
            return jwt.decode(id_token, key, algorithms=ALGORITHMS)
        except JoseError:
            continue
    raise _UnknownKeyError


class _UnknownKeyError(Exception):
    pass


async def issue_ticket(redis: Redis, user_id: uuid.UUID) -> str:
    ticket = secrets.token_urlsafe(32)
    await redis.set(_ticket_key(ticket), str(user_id), ex=TICKET_SECONDS)
    return ticket


async def redeem_ticket(redis: Redis, ticket: str) -> uuid.UUID | None:
    """The account a ticket was issued to, once; None for an unknown, expired or spent ticket."""
    raw = await redis.getdel(_ticket_key(ticket))
    return None if raw is None else uuid.UUID(raw.decode() if isinstance(raw, bytes) else raw)
