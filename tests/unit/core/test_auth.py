import uuid
from datetime import UTC, datetime, timedelta

import pytest

from core.auth import InvalidToken, Principal, Role, issue_access_token, verify_access_token

PRINCIPAL = Principal(user_id=uuid.uuid4(), role=Role.OFFICER, phone="0900000001", agencies=("000.00.01.H29",))


def test_token_round_trip() -> None:
    now = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
    token = issue_access_token(PRINCIPAL, secret="s", now=now, ttl=900)
    assert verify_access_token(token, secret="s", now=now + timedelta(seconds=899)) == PRINCIPAL


def test_expiry_follows_the_injected_clock_not_the_wall_clock() -> None:
    # a token minted by a clock ahead of the wall clock (tests, skewed hosts) is still valid by that clock
    future = datetime.now(UTC) + timedelta(days=3)
    token = issue_access_token(PRINCIPAL, secret="s", now=future, ttl=900)
    assert verify_access_token(token, secret="s", now=future).user_id == PRINCIPAL.user_id
    with pytest.raises(InvalidToken):
        verify_access_token(token, secret="s", now=future + timedelta(seconds=900))


def test_wrong_secret_or_garbage_is_refused() -> None:
    now = datetime(2026, 11, 23, tzinfo=UTC)
    token = issue_access_token(PRINCIPAL, secret="s", now=now, ttl=900)
    for bad in (token + "x", "abc", ""):
        with pytest.raises(InvalidToken):
            verify_access_token(bad, secret="s", now=now)
    with pytest.raises(InvalidToken):
        verify_access_token(token, secret="other", now=now)
