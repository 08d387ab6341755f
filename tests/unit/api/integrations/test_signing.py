from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st
from standardwebhooks.webhooks import Webhook

from api.integrations.signing import (
    SECRET_BYTES,
    new_secret,
    secret_key,
    secret_text,
    signature,
    signed_headers,
    verify,
)

# the example of the Standard Webhooks specification's reference libraries
SPEC_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
SPEC_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek"
SPEC_TIMESTAMP = 1614265330
SPEC_BODY = b'{"test": 2432232314}'
SPEC_SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="


def test_the_specifications_example() -> None:
    assert signature(secret_key(SPEC_SECRET), SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY) == SPEC_SIGNATURE


@given(key=st.binary(min_size=24, max_size=64), webhook_id=st.text(min_size=1), body=st.binary())
def test_signatures_are_the_reference_implementations(key: bytes, webhook_id: str, body: bytes) -> None:
    at = datetime(2026, 11, 23, 2, 15, 3, tzinfo=UTC)
    theirs = Webhook(secret_text(key)).sign(webhook_id, at, body)
    assert signature(key, webhook_id, int(at.timestamp()), body) == theirs


def test_a_secret_is_handed_out_as_whsec_and_read_back() -> None:
    key = new_secret()
    text = secret_text(key)
    assert len(key) == SECRET_BYTES and text.startswith("whsec_")
    assert secret_key(text) == key == secret_key(text.removeprefix("whsec_"))
    with pytest.raises(ValueError, match="not a webhook secret"):
        secret_key("whsec_not base64!")


def test_verify_accepts_what_was_signed_and_nothing_else() -> None:
    key = new_secret()
    headers = signed_headers(key, "evt-1", 1795400103, b"{}")
    assert verify(key, headers, b"{}", now=1795400103 + 299)
    assert not verify(key, headers, b"{ }", now=1795400103)  # the raw body, byte for byte
    assert not verify(key, headers, b"{}", now=1795400103 + 301)  # a replay after five minutes
    assert not verify(new_secret(), headers, b"{}", now=1795400103)
    rotated = {**headers, "webhook-signature": "v1,b2xkIHNpZ25hdHVyZQ== " + headers["webhook-signature"]}
    assert verify(key, rotated, b"{}", now=1795400103)  # one of several, as during a secret's rotation
