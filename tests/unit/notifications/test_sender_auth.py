"""The sender's auth flow and retry policy keep the SDK's behaviour with less work per message."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from firebase_admin import _retry
from google.auth import credentials

from notifications.firebase_internals import ReusedAuthRequest, ShallowCopiedRetry


class CountingTokens(credentials.Credentials):
    """Credentials whose every refresh issues the next token ("token-1", "token-2", ...)."""

    def __init__(self) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self.refreshes = 0

    def refresh(self, request: Any) -> None:
        self.refreshes += 1
        self.token = f"token-{self.refreshes}"


def test_a_token_is_fetched_once_and_refreshed_after_a_401() -> None:
    creds = CountingTokens()
    flow = ReusedAuthRequest(creds)
    first = httpx.Request("POST", "https://fcm.googleapis.com/v1/projects/p/messages:send")
    steps = flow.auth_flow(first)
    assert next(steps).headers["authorization"] == "Bearer token-1"
    with pytest.raises(StopIteration):
        steps.send(httpx.Response(200))
    second = httpx.Request("POST", "https://fcm.googleapis.com/v1/projects/p/messages:send")
    steps = flow.auth_flow(second)
    assert next(steps).headers["authorization"] == "Bearer token-1"  # still valid: no refresh
    assert steps.send(httpx.Response(401)).headers["authorization"] == "Bearer token-2"
    assert steps.send(httpx.Response(401)).headers["authorization"] == "Bearer token-3"
    with pytest.raises(StopIteration):  # the SDK's limit: two refreshes, then the 401 is the answer
        steps.send(httpx.Response(401))
    assert creds.refreshes == 3


def test_a_copied_retry_policy_counts_down_on_its_own() -> None:
    policy = ShallowCopiedRetry.of(_retry.HttpxRetry(max_retries=4, status_forcelist=[500, 503], backoff_factor=0.5))
    first, second = policy.copy(), policy.copy()
    request = httpx.Request("POST", "http://127.0.0.1/x")
    first.increment(request, httpx.Response(503, request=request))
    assert (first.retries_left, len(first.history)) == (3, 1)
    assert (second.retries_left, second.history, policy.retries_left, policy.history) == (4, [], 4, [])
    assert second.is_retryable_response(httpx.Response(500)) and not second.is_retryable_response(httpx.Response(404))
