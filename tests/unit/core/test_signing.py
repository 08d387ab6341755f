import hashlib
import hmac

from core.signing import sign, verify

BODY = b'{"event_id":"e1"}'


def test_signature_is_hmac_sha256_of_timestamp_dot_body() -> None:
    expected = hmac.new(b"s3cret", b'1700000000.{"event_id":"e1"}', hashlib.sha256).hexdigest()
    assert sign("s3cret", "1700000000", BODY) == "sha256=" + expected


def test_verify_accepts_a_fresh_good_signature() -> None:
    sig = sign("k", "1000", BODY)
    assert verify("k", timestamp="1000", signature=sig, body=BODY, now=1100, tolerance=300)


def test_verify_refuses_stale_tampered_or_missing() -> None:
    sig = sign("k", "1000", BODY)
    assert not verify("k", timestamp="1000", signature=sig, body=BODY, now=1301, tolerance=300)
    assert not verify("k", timestamp="1000", signature=sig, body=BODY + b" ", now=1000, tolerance=300)
    assert not verify("other", timestamp="1000", signature=sig, body=BODY, now=1000, tolerance=300)
    assert not verify("k", timestamp=None, signature=sig, body=BODY, now=1000, tolerance=300)
    assert not verify("k", timestamp="abc", signature=sig, body=BODY, now=1000, tolerance=300)
    assert not verify("", timestamp="1000", signature=sign("", "1000", BODY), body=BODY, now=1000, tolerance=300)
