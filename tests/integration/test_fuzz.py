"""Schemathesis against `motcua serve` on the test PostgreSQL and Redis: every operation of the served
OpenAPI document, signed in as a citizen and as an officer, must answer without a 5xx, with a
documented status code and content type, and with a body that matches its schema.

Examples, coverage (boundary values) and fuzzing phases, bounded and derandomized so CI sees the
same cases each run; signed webhooks get a valid signature so the fuzzer reaches the code behind it."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import hypothesis
import pytest
import schemathesis
from litestar.testing import AsyncTestClient
from schemathesis import Case, GenerationMode
from schemathesis.schemas import APIOperation

from core.clock import FixedClock, SystemClock
from core.signing import sign
from tests.integration.conftest import BANK_SECRET, ONESTOP_SECRET, TokenFactory, bearer
from tests.integration.helpers import birth_registration

FuzzCase = Case[APIOperation[Any, Any, Any, Any]]
SIGNED = {
    "/api/v1/payments/webhooks/bank": BANK_SECRET,
    "/api/v1/integrations/one-stop/events": ONESTOP_SECRET,
}
OPENAPI = Path(__file__).resolve().parents[2] / "openapi" / "openapi.json"
CHECKS = ["not_a_server_error", "status_code_conformance", "content_type_conformance", "response_schema_conformance"]
MAX_EXAMPLES = 5

# the committed document, which test_openapi.py keeps equal to the one the app serves
SCHEMA = schemathesis.openapi.from_path(
    OPENAPI,
    config=schemathesis.Config.from_dict(
        {
            "seed": 20261123,
            "max-stream-events": 1,
            "checks": {"enabled": False, **{name: {"enabled": True} for name in CHECKS}},
            "phases": {"stateful": {"enabled": False}, "coverage": {"enabled": True}},
            "generation": {
                "max-examples": MAX_EXAMPLES,
                "deterministic": True,
                "database": "none",
                "with-security-parameters": False,
            },
        }
    ),
)


@dataclass(frozen=True)
class World:
    """Who calls, and a real draft so that valid inputs reach the code behind the 404s."""

    tokens: tuple[str, ...]  # a citizen's, then an officer's of the dossier's office
    dossier_id: str


@pytest.fixture
async def world(client: AsyncTestClient[Any], make_token: TokenFactory, clock: FixedClock) -> World:
    clock.set(SystemClock().now())  # the real server checks tokens and signatures against the wall clock
    citizen = await make_token("0912777001")
    created = await client.post("/api/v1/dossiers", json=birth_registration("0912777001"), headers=bearer(citizen))
    assert created.status_code == 201, created.text
    dossier = created.json()
    officer = await make_token("0900777001", "officer", (dossier["agency"]["code"],))
    return World(tokens=(citizen, officer), dossier_id=dossier["id"])


def aim(case: FuzzCase, world: World) -> None:
    """Valid inputs name the real dossier; invalid ones keep what the fuzzer made."""
    if case.meta is not None and case.meta.generation.mode is not GenerationMode.POSITIVE:
        return
    if case.path_parameters and "dossier_id" in case.path_parameters:
        case.path_parameters["dossier_id"] = world.dossier_id


def sign_webhook(case: FuzzCase, clock: FixedClock) -> None:
    """Sign the body exactly as `requests` will send it (json.dumps, allow_nan=False)."""
    secret = SIGNED.get(case.operation.path)
    if secret is None or not isinstance(case.body, (dict, list)):
        return
    timestamp = str(int(clock.now().timestamp()))
    raw = json.dumps(case.body, allow_nan=False).encode()
    case.headers["X-Motcua-Timestamp"] = timestamp
    case.headers["X-Motcua-Signature"] = sign(secret, timestamp, raw)


@SCHEMA.parametrize()
# one token per operation, not per input: no input changes who is signed in
@hypothesis.settings(suppress_health_check=[hypothesis.HealthCheck.function_scoped_fixture])
def test_every_operation_keeps_its_contract(case: FuzzCase, live_server: str, world: World, clock: FixedClock) -> None:
    aim(case, world)
    sign_webhook(case, clock)
    for token in world.tokens:
        case.call_and_validate(base_url=live_server, headers=bearer(token))
