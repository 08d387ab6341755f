"""What the fuzzer of test_fuzz.py found, each as a plain example that failed before its fix."""

from __future__ import annotations

from typing import Any

from litestar.testing import AsyncTestClient

from tests.integration.conftest import TokenFactory, bearer


async def test_a_bad_body_field_named_like_a_dependency_is_422_not_500(
    client: AsyncTestClient[Any], make_token: TokenFactory
) -> None:
    """`locale` is also the name of an injected dependency; Litestar took a wrong `locale` in the body
    for a failed dependency and answered 500."""
    token = await make_token("0912888001")
    device = await client.put(
        "/api/v1/devices/tok-1", json={"platform": "android", "locale": {}}, headers=bearer(token)
    )
    ask = await client.post("/api/v1/assistant/messages", json={"text": "xin chào", "locale": 7})
    for response in (device, ask):
        assert response.status_code == 422, response.text
        assert response.headers["content-type"].startswith("application/problem+json")
        assert [e["field"] for e in response.json()["errors"]] == ["locale"]
