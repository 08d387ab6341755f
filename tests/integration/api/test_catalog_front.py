"""The catalog's kept answers given in front of the router (api/catalog/front.py): the same answer as the
route's, byte for byte and header for header; everything the front does not read still routed."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from litestar.testing import AsyncTestClient
from litestar.types import Receive, Scope, Send

from api.catalog.answers import Answers
from api.catalog.front import CatalogFront
from tests.integration.api.catalog_helpers import procedure_document, seeded_catalog
from tests.integration.conftest import METRICS_TOKEN, TokenFactory, bearer

__all__ = ["seeded_catalog"]  # the fixture, used by name

DETAIL = "/api/v1/procedures/birth-registration"
LIST = "/api/v1/procedures"


@pytest.fixture
def front(client: AsyncTestClient[Any]) -> CatalogFront:
    handler = client.app.asgi_handler
    assert isinstance(handler, CatalogFront)
    return handler


@pytest.fixture
def routed_paths(front: CatalogFront) -> Iterator[list[str]]:
    """The paths of the requests that reach the router, in order."""
    seen: list[str] = []
    routed = front.app

    async def watched(scope: Scope, receive: Receive, send: Send) -> None:
        seen.append(scope["path"])
        await routed(scope, receive, send)

    front.app = watched
    yield seen
    front.app = routed


def _same(answer: httpx.Response) -> tuple[int, bytes, list[tuple[str, str]]]:
    headers = sorted((k, v) for k, v in answer.headers.multi_items() if k != "x-request-id")
    return answer.status_code, answer.content, headers


ASKED = [
    (DETAIL, {}, {}),
    (DETAIL, {}, {"Accept-Language": "en-US,en;q=0.9"}),
    (DETAIL, {"lang": "en"}, {}),
    (DETAIL, {"on": "2027-01-01"}, {}),
    ("/api/v1/procedures/citizen-identity-card", {"on": "2026-12-06", "lang": "vi"}, {}),
    (LIST, {}, {}),
    (LIST, {"q": "đăng ký khai sinh"}, {}),
    (LIST, {"q": "dang ky khai sinh", "on": "2027-03-01"}, {"Accept-Language": "en"}),
    (LIST, {"q": "cccd+mất"}, {}),
]


@pytest.mark.parametrize(("path", "params", "headers"), ASKED)
async def test_a_kept_answer_is_the_route_s_own(
    client: AsyncTestClient[Any], front: CatalogFront, path: str, params: dict[str, str], headers: dict[str, str]
) -> None:
    client.app.state.ctx.catalog.answers = Answers()  # nothing kept: the first answer is the route's
    routed = await client.get(path, params=params, headers=headers)  # made and kept by the route
    routed_app, front.app = front.app, _closed  # what reaches the router now fails loudly
    try:
        kept = await client.get(path, params=params, headers=headers)
    finally:
        front.app = routed_app
    assert routed.status_code == 200
    assert _same(kept) == _same(routed)
    assert kept.headers["x-request-id"] != routed.headers["x-request-id"]


async def test_a_request_id_from_the_proxy_is_answered_back(client: AsyncTestClient[Any], front: CatalogFront) -> None:
    await client.get(DETAIL)
    routed, front.app = front.app, _closed
    try:
        answer = await client.get(DETAIL, headers={"X-Request-ID": "edge-42"})
    finally:
        front.app = routed
    assert answer.headers["x-request-id"] == "edge-42"


async def _closed(scope: Scope, receive: Receive, send: Send) -> None:
    raise AssertionError(f"routed: {scope['path']}?{scope['query_string']!r}")


@pytest.mark.parametrize(
    ("path", "params", "headers", "status"),
    [
        (DETAIL, {}, {"Origin": "https://app.example.vn"}, 200),  # CORS answers it
        (DETAIL, {"on": "1800-01-01"}, {}, 422),  # the route's bounds
        (DETAIL, {"on": "06/12/2026"}, {}, 422),
        (DETAIL, {"unknown": "1"}, {}, 200),
        (LIST, {"agency": "UBND-XA"}, {}, 200),
        (LIST, {"q": "x" * 201}, {}, 422),
        (LIST, {"limit": "5"}, {}, 200),
        ("/api/v1/procedures/no-such-procedure", {}, {}, 404),
    ],
)
async def test_what_the_front_does_not_read_is_routed(
    client: AsyncTestClient[Any],
    routed_paths: list[str],
    path: str,
    params: dict[str, str],
    headers: dict[str, str],
    status: int,
) -> None:
    for _ in range(2):  # the second time too: such an answer is never the front's
        answer = await client.get(path, params=params, headers=headers)
        assert answer.status_code == status, answer.text
    assert routed_paths == [path, path]
    if "Origin" in headers:
        assert answer.headers["access-control-allow-origin"] == "*"


async def test_a_signed_in_caller_is_routed_and_told_no_store(
    client: AsyncTestClient[Any], routed_paths: list[str], make_token: TokenFactory
) -> None:
    token = await make_token("0912000444")
    await client.get(DETAIL)  # kept, if it was not yet
    routed_paths.clear()
    answer = await client.get(DETAIL, headers=bearer(token))
    assert (answer.status_code, routed_paths, answer.headers["cache-control"]) == (200, [DETAIL], "no-store")


@pytest.mark.usefixtures("seeded_catalog")
async def test_an_edit_is_seen_at_once_through_the_front(
    client: AsyncTestClient[Any], make_token: TokenFactory
) -> None:
    path = "/api/v1/procedures/marital-status-certificate"
    before = (await client.get(path)).json()
    assert (await client.get(path)).json() == before  # now kept
    doc = procedure_document("marital-status-certificate")
    doc["fees"][0]["amount"] = 20000
    admin = await make_token("0900190002", "admin")
    edited = await client.put(f"/api/v1/admin/procedures/{doc['slug']}", json=doc, headers=bearer(admin))
    assert edited.status_code == 200, edited.text
    after = (await client.get(path)).json()
    assert (after["version"], after["fee"]) == (before["version"] + 1, 20000)


async def test_the_front_s_answers_are_counted_under_the_route(client: AsyncTestClient[Any]) -> None:
    def served() -> float:
        text = metrics_text
        line = next(
            (
                line
                for line in text.splitlines()
                if line.startswith("litestar_requests_total{")
                and 'path="/api/v1/procedures/{slug}"' in line
                and 'status_code="200"' in line
            ),
            None,
        )
        return float(line.rsplit(" ", 1)[1]) if line else 0.0

    metrics_text = (await client.get("/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"})).text
    before = served()
    for _ in range(3):
        assert (await client.get(DETAIL)).status_code == 200
    metrics_text = (await client.get("/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"})).text
    assert served() == before + 3
