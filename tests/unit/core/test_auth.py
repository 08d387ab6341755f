import uuid
from datetime import UTC, datetime, timedelta

import pytest

from core.auth import InvalidToken, Principal, Role, issue_access_token, verify_access_token

SECRET = "unit-test-secret-of-at-least-32-bytes"
PRINCIPAL = Principal(user_id=uuid.uuid4(), role=Role.OFFICER, phone="0900000001", agencies=("000.00.01.H29",))


def test_token_round_trip() -> None:
    now = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
    token = issue_access_token(PRINCIPAL, secret=SECRET, now=now, ttl=900)
    assert verify_access_token(token, secret=SECRET, now=now + timedelta(seconds=899)) == PRINCIPAL


def test_expiry_follows_the_injected_clock_not_the_wall_clock() -> None:
    # a token minted by a clock ahead of the wall clock (tests, skewed hosts) is still valid by that clock
    future = datetime.now(UTC) + timedelta(days=3)
    token = issue_access_token(PRINCIPAL, secret=SECRET, now=future, ttl=900)
    assert verify_access_token(token, secret=SECRET, now=future).user_id == PRINCIPAL.user_id
    with pytest.raises(InvalidToken):
        verify_access_token(token, secret=SECRET, now=future + timedelta(seconds=900))


def test_wrong_secret_or_garbage_is_refused() -> None:
    now = datetime(2026, 11, 23, tzinfo=UTC)
    token = issue_access_token(PRINCIPAL, secret=SECRET, now=now, ttl=900)
    for bad in (token + "x", "abc", ""):
        with pytest.raises(InvalidToken):
            verify_access_token(bad, secret=SECRET, now=now)
    with pytest.raises(InvalidToken):
        verify_access_token(token, secret="another-secret-of-thirty-two-bytes!", now=now)


def test_a_short_configured_secret_is_refused_at_start_up() -> None:
    from core.settings import from_env

    with pytest.raises(ValueError, match="32 bytes"):
        from_env({"MOTCUA_JWT_SECRET": "short"})
    data_key = "A" * 43 + "="  # set, so that no key is generated in the working directory
    assert from_env({"MOTCUA_JWT_SECRET": "k" * 32, "MOTCUA_DATA_KEY": data_key}).jwt_secret == "k" * 32


def test_a_token_accepted_once_is_still_checked_on_each_use() -> None:
    # the signature's check is remembered per token and secret; the secret and the expiry are not skipped
    now = datetime(2026, 11, 23, 4, 0, tzinfo=UTC)
    token = issue_access_token(PRINCIPAL, secret=SECRET, now=now, ttl=900)
    assert verify_access_token(token, secret=SECRET, now=now) == PRINCIPAL
    with pytest.raises(InvalidToken):
        verify_access_token(token, secret="another-secret-of-thirty-two-bytes!", now=now)
    with pytest.raises(InvalidToken):
        verify_access_token(token, secret=SECRET, now=now + timedelta(seconds=900))
    assert verify_access_token(token, secret=SECRET, now=now + timedelta(seconds=1)) == PRINCIPAL
