"""Schemathesis against `motcua serve` on the test PostgreSQL and Redis: every operation of the served
OpenAPI document, signed in as a citizen and as an officer, must answer without a 5xx, with a
documented status code and content type, and with a body that matches its schema.

Examples, coverage (boundary values) and fuzzing phases per operation, then the stateful phase along
the document's links (create a dossier, then read, change, upload to, submit or pay it), bounded and
derandomized so CI sees the same cases each run. Every signed webhook gets the signature its real
sender computes, so the fuzzer reaches the code behind the signature check."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import hypothesis
import pytest
import schemathesis
from litestar.testing import AsyncTestClient
from schemathesis import Case, GenerationMode
from schemathesis.schemas import APIOperation

from assistant.channels.signatures import messenger_signature, zalo_signature
from core.clock import FixedClock, SystemClock
from core.signing import sign
from payments import vnpay
from tests.integration.conftest import (
    BANK_SECRET,
    MESSENGER_APP_SECRET,
    ONESTOP_SECRET,
    VNPAY_SECRET,
    ZALO_APP_ID,
    ZALO_OA_SECRET,
    TokenFactory,
    bearer,
)
from tests.integration.factories import passport_dossier
from tests.integration.helpers import PDF, birth_registration

FuzzCase = Case[APIOperation[Any, Any, Any, Any]]
SIGNED = {
    "/api/v1/payments/webhooks/bank": BANK_SECRET,
    "/api/v1/integrations/one-stop/events": ONESTOP_SECRET,
}
MESSENGER = "/api/v1/channels/messenger/webhook"
ZALO = "/api/v1/channels/zalo/webhook"
VNPAY_IPN = "/api/v1/payments/vnpay/ipn"
FILINGS = {("POST", "/api/v1/dossiers"), ("POST", "/api/v1/officer/dossiers")}
OFFICER_PATHS = ("/api/v1/officer/", "/api/v1/stats/")
OPENAPI = Path(__file__).resolve().parents[2] / "openapi" / "openapi.json"
CHECKS = ["not_a_server_error", "status_code_conformance", "content_type_conformance", "response_schema_conformance"]
MAX_EXAMPLES = 5
SCENARIOS = 300  # stateful: scenarios of at most STEPS linked calls each
STEPS = 6

# the committed document, which test_openapi.py keeps equal to the one the app serves
SCHEMA = schemathesis.openapi.from_path(
    OPENAPI,
    config=schemathesis.Config.from_dict(
        {
            "seed": 20261123,
            "max-stream-events": 1,
            "checks": {"enabled": False, **{name: {"enabled": True} for name in CHECKS}},
            "phases": {
                "stateful": {
                    "enabled": True,
                    "max-steps": STEPS,
                    "generation": {"mode": "positive"},
                    "inference": {"algorithms": []},  # the links the document declares
                },
                "coverage": {"enabled": True},
            },
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
    """Who calls, and real records so that valid inputs reach the code behind the 404s."""

    citizen: str
    officer: str  # of the draft's office and of the passport office
    dossier_id: str  # a citizen's draft
    payment_id: str  # an open VNPay payment of the citizen's received passport dossier
    reference: str
    amount: int

    @property
    def tokens(self) -> tuple[str, str]:
        return self.citizen, self.officer


@pytest.fixture
async def world(client: AsyncTestClient[Any], make_token: TokenFactory, clock: FixedClock) -> World:
    clock.set(SystemClock().now())  # the real server checks tokens and signatures against the wall clock
    citizen = await make_token("0912777001")
    created = await client.post("/api/v1/dossiers", json=birth_registration("0912777001"), headers=bearer(citizen))
    assert created.status_code == 201, created.text
    dossier = created.json()
    officer = await make_token("0900777001", "officer", (dossier["agency"]["code"], "000.00.01.H29"))
    passport = await passport_dossier(client, citizen, receive_with=officer)
    opened = await client.post(
        f"/api/v1/dossiers/{passport['id']}/payments", json={"method": "vnpay"}, headers=bearer(citizen)
    )
    assert opened.status_code == 201, opened.text
    payment = opened.json()
    return World(
        citizen=citizen,
        officer=officer,
        dossier_id=dossier["id"],
        payment_id=payment["id"],
        reference=payment["reference"],
        amount=payment["amount"],
    )


def positive(case: FuzzCase) -> bool:
    return case.meta is None or case.meta.generation.mode is GenerationMode.POSITIVE


def aim(case: FuzzCase, world: World) -> None:
    """Valid inputs name the real dossier and payment, and Zalo events our app; invalid ones keep what
    the fuzzer made."""
    if not positive(case):
        return
    for name, value in (("dossier_id", world.dossier_id), ("payment_id", world.payment_id)):
        if case.path_parameters and name in case.path_parameters:
            case.path_parameters[name] = value
    if case.operation.path == ZALO and isinstance(case.body, dict):
        case.body["app_id"] = ZALO_APP_ID
        case.body.setdefault("timestamp", str(int(SystemClock().now().timestamp() * 1000)))
    if case.operation.path == VNPAY_IPN and isinstance(case.query, dict):
        case.query.update(vnp_TxnRef=world.reference, vnp_Amount=str(world.amount * 100))


def raw_json(body: Any) -> bytes:
    """The body exactly as `requests` sends it (json.dumps, allow_nan=False)."""
    return json.dumps(body, allow_nan=False).encode()


def sign_webhook(case: FuzzCase, clock: FixedClock) -> None:
    """Sign what the case will send as each platform does: the bank and the one-stop system with
    core/signing.py, Messenger with HMAC-SHA256 of the body, Zalo with SHA-256 over app id, body,
    timestamp and secret, VNPay with HMAC-SHA512 over the sorted query."""
    path = case.operation.path
    if path == VNPAY_IPN:
        if isinstance(case.query, dict) and all(isinstance(v, str) for v in case.query.values()):
            case.query["vnp_SecureHash"] = vnpay.sign(case.query, VNPAY_SECRET)
        return
    if not isinstance(case.body, (dict, list)):
        return
    if secret := SIGNED.get(path):
        sent_at = str(int(clock.now().timestamp()))
        case.headers["X-Motcua-Timestamp"] = sent_at
        case.headers["X-Motcua-Signature"] = sign(secret, sent_at, raw_json(case.body))
    elif path == MESSENGER:
        case.headers["X-Hub-Signature-256"] = messenger_signature(raw_json(case.body), MESSENGER_APP_SECRET)
    elif path == ZALO and isinstance(case.body, dict):
        app_id: Any = case.body.get("app_id", "")
        timestamp: Any = case.body.get("timestamp", "")
        if all(isinstance(v, (str, int)) and not isinstance(v, bool) for v in (app_id, timestamp)):
            mac = zalo_signature(raw_json(case.body), str(app_id), str(timestamp), ZALO_OA_SECRET)
            case.headers["X-ZEvent-Signature"] = "mac=" + mac


@SCHEMA.parametrize()
# one token per operation, not per input: no input changes who is signed in
@hypothesis.settings(suppress_health_check=[hypothesis.HealthCheck.function_scoped_fixture])
def test_every_operation_keeps_its_contract(case: FuzzCase, live_server: str, world: World, clock: FixedClock) -> None:
    aim(case, world)
    sign_webhook(case, clock)
    for token in world.tokens:
        case.call_and_validate(base_url=live_server, headers=bearer(token))


def test_linked_operations_keep_their_contract(live_server: str, world: World, clock: FixedClock) -> None:
    """Scenarios along the links: the ids come from earlier answers, so the calls reach the records
    the fuzzer made itself (its own drafts, their papers, their receipts)."""

    class Linked(SCHEMA.as_state_machine()):  # type: ignore[misc]
        papers = 0

        def before_call(self, case: FuzzCase) -> None:
            if positive(case) and isinstance(case.body, dict) and (case.method, case.path) in FILINGS:
                # a random procedure slug is a 422 at once: file a real one so the links have a dossier to follow
                case.body.update(birth_registration("0912777001"))
                if case.path.startswith(OFFICER_PATHS):
                    case.body["channel"] = "counter"
            elif positive(case) and isinstance(case.body, dict):
                # random bytes are refused (415) and a random key names no paper: attach real ones, both
                # mandatory papers in turn, so that the submit link can reach a receipt
                if case.media_type == "multipart/form-data":
                    cast(dict[str, Any], case.body)["file"] = PDF
                if case.path.endswith("/documents"):
                    self.papers += 1
                    case.body["requirement"] = ("declaration-form", "birth-certificate")[self.papers % 2]
            sign_webhook(case, clock)

        def get_call_kwargs(self, case: FuzzCase) -> dict[str, Any]:
            officer = case.operation.path.startswith(OFFICER_PATHS)
            return {"base_url": live_server, "headers": bearer(world.officer if officer else world.citizen)}

    Linked.run(
        settings=hypothesis.settings(
            max_examples=SCENARIOS,
            stateful_step_count=STEPS,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(hypothesis.HealthCheck),
        )
    )


def header(case: FuzzCase) -> dict[str, str]:
    return dict(case.headers or {})


def test_the_fuzzer_signs_as_each_platform_does(clock: FixedClock) -> None:
    """The signatures above are the ones the app verifies; a wrong one would leave every webhook at 401."""
    from assistant.channels.signatures import messenger_signature_ok, zalo_signature_ok
    from core.signing import verify

    body: Any = {"app_id": ZALO_APP_ID, "timestamp": "1795405200000", "text": "lệ phí hộ chiếu"}
    cases = {path: SCHEMA[path]["POST"].Case(body=body) for path in (*SIGNED, MESSENGER, ZALO)}
    ipn = SCHEMA[VNPAY_IPN]["GET"].Case(query={"vnp_TxnRef": "MC7K2Q9XPA", "vnp_Amount": "20000000"})
    for case in (*cases.values(), ipn):
        sign_webhook(case, clock)
    now = clock.now().timestamp()
    for path, secret in SIGNED.items():
        headers = header(cases[path])
        assert verify(
            secret,
            timestamp=headers["X-Motcua-Timestamp"],
            signature=headers["X-Motcua-Signature"],
            body=raw_json(cases[path].body),
            now=now,
            tolerance=300,
        )
    messenger = cases[MESSENGER]
    assert messenger_signature_ok(
        raw_json(messenger.body), header(messenger)["X-Hub-Signature-256"], MESSENGER_APP_SECRET
    )
    zalo = cases[ZALO]
    assert zalo_signature_ok(
        raw_json(zalo.body), header(zalo)["X-ZEvent-Signature"], app_id=ZALO_APP_ID, oa_secret=ZALO_OA_SECRET
    )
    assert vnpay.verify(ipn.query or {}, VNPAY_SECRET)
