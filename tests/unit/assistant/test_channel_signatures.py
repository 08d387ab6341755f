"""Webhook signatures of Messenger and Zalo OA, against the vectors of vn-integrations.md §3.2 and §4.2."""

from __future__ import annotations

import pytest

from assistant.channels.signatures import (
    messenger_challenge,
    messenger_signature,
    messenger_signature_ok,
    zalo_signature,
    zalo_signature_ok,
)

MESSENGER_BODY = (
    b'{"object":"page","entry":[{"id":"PAGE_ID","time":1458692752478,"messaging":[{"sender":{"id":"USER_PSID"},'
    b'"recipient":{"id":"PAGE_ID"},"timestamp":1458692752478,"message":{"mid":"m_abc","text":"Xin ch\\u00e0o"}}]}]}'
)
MESSENGER_SIGNATURE = "sha256=889d790a0cc4ea400714e55dc09973a3dd180985f67cfb9d064634aad1a09b25"
ZALO_BODY = (
    b'{"app_id":"50554360515256678","sender":{"id":"5510185758261927916"},"user_id_by_app":"3611371994410983884",'
    b'"event_name":"user_send_text","recipient":{"id":"1646843870823903717"},'
    b'"message":{"msg_id":"e2a641af6661713b2874","text":"Helo"},"timestamp":"1717061839659"}'
)
ZALO_MAC = "2bebbf9ee9b0ddbf160100cbef5a45475bd24f83aaf79283482f0afdf638c565"
ZALO_APP = "50554360515256678"


def test_messenger_vector() -> None:
    assert messenger_signature(MESSENGER_BODY, "TEST_APP_SECRET") == MESSENGER_SIGNATURE
    assert messenger_signature_ok(MESSENGER_BODY, MESSENGER_SIGNATURE, "TEST_APP_SECRET")
    assert messenger_signature_ok(
        MESSENGER_BODY, MESSENGER_SIGNATURE.upper().replace("SHA256", "sha256"), "TEST_APP_SECRET"
    )


@pytest.mark.parametrize(
    ("body", "header", "secret"),
    [
        (MESSENGER_BODY + b" ", MESSENGER_SIGNATURE, "TEST_APP_SECRET"),  # one byte more
        (MESSENGER_BODY.replace(b"\\u00e0", "à".encode()), MESSENGER_SIGNATURE, "TEST_APP_SECRET"),  # re-serialised
        (MESSENGER_BODY, MESSENGER_SIGNATURE, "OTHER_SECRET"),
        (MESSENGER_BODY, MESSENGER_SIGNATURE.replace("sha256=", "sha1="), "TEST_APP_SECRET"),
        (MESSENGER_BODY, MESSENGER_SIGNATURE[7:], "TEST_APP_SECRET"),  # no scheme
        (MESSENGER_BODY, None, "TEST_APP_SECRET"),
        (MESSENGER_BODY, MESSENGER_SIGNATURE, ""),  # not configured: nothing is genuine
    ],
)
def test_a_messenger_body_without_its_right_signature_is_refused(body: bytes, header: str | None, secret: str) -> None:
    assert not messenger_signature_ok(body, header, secret)


def test_messenger_challenge() -> None:
    assert messenger_challenge("subscribe", "tok", "1158201444", "tok") == "1158201444"
    assert messenger_challenge("subscribe", "wrong", "1158201444", "tok") is None
    assert messenger_challenge("unsubscribe", "tok", "1158201444", "tok") is None
    assert messenger_challenge("subscribe", None, "1158201444", "tok") is None
    assert messenger_challenge("subscribe", "", "1158201444", "") is None  # no verify token configured


def test_zalo_vector() -> None:
    assert zalo_signature(ZALO_BODY, ZALO_APP, "1717061839659", "TEST_OA_SECRET_KEY") == ZALO_MAC
    assert zalo_signature_ok(ZALO_BODY, ZALO_MAC, app_id=ZALO_APP, oa_secret="TEST_OA_SECRET_KEY")
    assert zalo_signature_ok(ZALO_BODY, f"mac={ZALO_MAC.upper()}", app_id=ZALO_APP, oa_secret="TEST_OA_SECRET_KEY")


@pytest.mark.parametrize(
    ("body", "header", "app_id", "secret"),
    [
        (ZALO_BODY + b"\n", ZALO_MAC, ZALO_APP, "TEST_OA_SECRET_KEY"),
        (ZALO_BODY.replace(b'"Helo"', b'"Hello"'), ZALO_MAC, ZALO_APP, "TEST_OA_SECRET_KEY"),
        (ZALO_BODY, ZALO_MAC, ZALO_APP, "OTHER_SECRET"),
        (ZALO_BODY, ZALO_MAC, "12345", "TEST_OA_SECRET_KEY"),  # an event for another app
        (ZALO_BODY, None, ZALO_APP, "TEST_OA_SECRET_KEY"),
        (ZALO_BODY, ZALO_MAC, ZALO_APP, ""),
        (b"not json", ZALO_MAC, ZALO_APP, "TEST_OA_SECRET_KEY"),
        (ZALO_BODY.replace(b',"timestamp":"1717061839659"', b""), ZALO_MAC, ZALO_APP, "TEST_OA_SECRET_KEY"),
    ],
)
def test_a_zalo_body_without_its_right_signature_is_refused(
    body: bytes, header: str | None, app_id: str, secret: str
) -> None:
    assert not zalo_signature_ok(body, header, app_id=app_id, oa_secret=secret)
