"""A stand-in OpenID provider (as VNeID would be), speaking the real protocol: discovery, JWKS,
authorization (the citizen consents at once), and a token endpoint that checks the client's secret
(client_secret_post), the redirect URI and the PKCE verifier (S256) before it issues a signed ID token.
Tests turn it against the relying party: tokens for another audience, with another nonce, expired,
signed by a key it does not publish; and it rotates keys."""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey

from tests.integration.standins.threaded import QuietHandler, ThreadServed

CLIENT_ID = "motcua-app"
CLIENT_SECRET = "standin-client-secret"
CITIZEN: dict[str, Any] = {
    "sub": "vneid-7c1f0e",
    "name": "Lê Thị Hồng Nhung",
    "birthdate": "1991-04-23",
    "phone_number": "+84912345678",
    "identity_number": "079191001234",
    "address": {"formatted": "45 Nguyễn Huệ, phường Sài Gòn, Thành phố Hồ Chí Minh"},
    "identity_level": 2,
}


class _Handler(QuietHandler):
    server: Any

    def do_GET(self) -> None:
        provider: OidcProvider = self.server.standin
        url = urlsplit(self.path)
        if url.path == "/.well-known/openid-configuration":
            self._json(200, provider.discovery())
        elif url.path == "/jwks":
            self._json(200, dict(provider.published.as_dict(private=False)))
        elif url.path == "/authorize":
            location = provider.authorize({k: v[0] for k, v in parse_qs(url.query).items()})
            self.send_response(302)
            self.send_header("Location", location)
            self.send_header("Content-Length", "0")
            self.end_headers()
        else:
            self._json(404, {"error": "not_found"})

    def do_POST(self) -> None:
        provider: OidcProvider = self.server.standin
        if urlsplit(self.path).path != "/token":
            self._json(404, {"error": "not_found"})
            return
        form = {k: v[0] for k, v in parse_qs(self.read_body().decode()).items()}
        status, body = provider.token(form)
        self._json(status, body)

    def _json(self, status: int, body: dict[str, Any]) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


class OidcProvider(ThreadServed):
    name = "oidc-standin"

    def __init__(self) -> None:
        super().__init__(_Handler)
        self._lock = threading.Lock()
        self.signing_key = RSAKey.generate_key(2048, parameters={"kid": "k1", "use": "sig", "alg": "RS256"})
        self.published = KeySet([self.signing_key])
        self.codes: dict[str, dict[str, str]] = {}
        self.authorizations: list[dict[str, str]] = []
        self.claims: dict[str, Any] = dict(CITIZEN)
        self.overrides: dict[str, Any] = {}  # claims a test forces into the next ID tokens
        self.foreign_key: RSAKey | None = None  # signs with a key not published, under a published kid
        self.omit_kid = False  # a provider with one key may leave `kid` out of the token's header

    @property
    def issuer(self) -> str:
        return self.base_url

    def discovery(self) -> dict[str, Any]:
        return {
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.issuer}/authorize",
            "token_endpoint": f"{self.issuer}/token",
            "jwks_uri": f"{self.issuer}/jwks",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "code_challenge_methods_supported": ["S256"],
            "token_endpoint_auth_methods_supported": ["client_secret_post"],
        }

    def rotate(self) -> None:
        """A new signing key, published beside the old one (as providers roll keys)."""
        with self._lock:
            number = len(self.published.keys) + 1
            self.signing_key = RSAKey.generate_key(2048, parameters={"kid": f"k{number}", "use": "sig", "alg": "RS256"})
            self.published = KeySet([*self.published.keys, self.signing_key])

    def authorize(self, query: dict[str, str]) -> str:
        self.authorizations.append(query)
        code = secrets.token_urlsafe(16)
        with self._lock:
            self.codes[code] = query
        return f"{query['redirect_uri']}?{urlencode({'code': code, 'state': query.get('state', '')})}"

    def token(self, form: dict[str, str]) -> tuple[int, dict[str, Any]]:
        if form.get("client_id") != CLIENT_ID or form.get("client_secret") != CLIENT_SECRET:
            return 401, {"error": "invalid_client"}
        with self._lock:
            asked = self.codes.pop(form.get("code", ""), None)
        if asked is None or form.get("grant_type") != "authorization_code":
            return 400, {"error": "invalid_grant"}
        if form.get("redirect_uri") != asked.get("redirect_uri"):
            return 400, {"error": "invalid_grant", "error_description": "redirect_uri"}
        verifier = form.get("code_verifier", "")
        digest = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
        if asked.get("code_challenge_method") != "S256" or digest != asked.get("code_challenge"):
            return 400, {"error": "invalid_grant", "error_description": "PKCE"}
        now = int(time.time())
        claims = {
            **self.claims,
            "iss": self.issuer,
            "aud": CLIENT_ID,
            "iat": now,
            "exp": now + 300,
            "nonce": asked.get("nonce"),
            **self.overrides,
        }
        key = self.foreign_key or self.signing_key
        header = {"alg": "RS256"} if self.omit_kid else {"alg": "RS256", "kid": self.signing_key.kid}
        return 200, {
            "access_token": secrets.token_urlsafe(24),
            "token_type": "Bearer",
            "expires_in": 300,
            "id_token": jwt.encode(header, claims, key),
        }
