"""The integration guide's worked example and verification code are what the server does."""

import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import msgspec
from standardwebhooks.webhooks import Webhook

from api.integrations.models import CloudEvent
from api.integrations.signing import secret_key, signature, verify

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "integration.md"


def _blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", GUIDE.read_text(encoding="utf-8"), re.DOTALL)


def _vector() -> dict[str, str]:
    [block] = [b for b in _blocks("text") if b.startswith("secret: ")]
    return dict(line.split(": ", 1) for line in block.strip().splitlines())


def test_the_worked_example_is_the_servers_signature_and_the_reference_librarys() -> None:
    vector = _vector()
    body = vector["body"].encode()
    timestamp = int(vector["webhook-timestamp"])
    expected = vector["webhook-signature"]
    assert signature(secret_key(vector["secret"]), vector["webhook-id"], timestamp, body) == expected
    assert (
        Webhook(vector["secret"]).sign(vector["webhook-id"], datetime.fromtimestamp(timestamp, UTC), body) == expected
    )
    headers = {k: vector[k] for k in ("webhook-id", "webhook-timestamp", "webhook-signature")}
    assert verify(secret_key(vector["secret"]), headers, body, now=timestamp)
    event = msgspec.json.decode(body, type=CloudEvent)
    assert event.id == vector["webhook-id"] and event.type == "vn.motcua.dossier.received"


def test_the_guides_verification_code_accepts_the_example_and_refuses_a_change() -> None:
    vector = _vector()
    namespace: dict[str, Any] = {}
    exec(_blocks("python")[0], namespace)  # the guide's own code, as a subscriber would paste it
    verify_webhook = namespace["verify_webhook"]
    headers = {k: vector[k] for k in ("webhook-id", "webhook-timestamp", "webhook-signature")}
    now = int(vector["webhook-timestamp"]) + 10
    assert verify_webhook(vector["secret"], headers, vector["body"].encode(), now=now) is True
    assert verify_webhook(vector["secret"], headers, vector["body"].encode() + b" ", now=now) is False
    assert verify_webhook(vector["secret"], headers, vector["body"].encode(), now=now + 600) is False
