"""Headers on every answer (contracts.md, "Privacy, bounds and audit"), and /metrics for the operator's
token only."""

from __future__ import annotations

import re
import uuid
from typing import Any

import msgspec
from litestar.routes import HTTPRoute
from litestar.testing import AsyncTestClient

from asgi import create_app
from core.clock import FixedClock
from core.headers import CACHEABLE_PREFIXES
from core.settings import Settings
from tests.integration.conftest import METRICS_TOKEN, TokenFactory, bearer
from tests.integration.factories import submitted_dossier, vietqr_payment
from tests.integration.payments_helpers import credit, signed


def _security(response: Any) -> None:
    assert response.headers.get_list("x-content-type-options") == ["nosniff"], response.request.url
    assert response.headers.get_list("referrer-policy") == ["no-referrer"], response.request.url
    assert response.headers["strict-transport-security"] == "max-age=31536000"  # the tests' base URL is https


def _private(response: Any) -> None:
    _security(response)
    assert response.headers.get_list("cache-control") == ["no-store"], response.request.url


async def test_every_get_route_says_nosniff_and_keeps_what_is_not_the_catalog_out_of_caches(
    client: AsyncTestClient[Any],
) -> None:
    """No route said nosniff or no-store (the HTML pages aside)."""
    paths = sorted(
        {route.path for route in client.app.routes if isinstance(route, HTTPRoute) and "GET" in route.route_handler_map}
    )
    assert "/api/v1/track/{code:str}" in paths and "/api/v1/payments/{payment_id:uuid}/receipt" in paths
    for path in paths:
        url = re.sub(r"\{(\w+):(\w+)\}", lambda m: str(uuid.uuid4()) if m.group(2) == "uuid" else "x", path)
        response = await client.get(url)
        _security(response)
        if path.startswith(CACHEABLE_PREFIXES):
            assert "cache-control" not in response.headers, path
        else:
            assert response.headers.get_list("cache-control") == ["no-store"], path
    _private(await client.get("/khong-co-duong-nay"))  # a 404 of no route at all
    _private(await client.post("/api/v1/assistant/messages", json={"text": "xin chào"}))


async def test_answers_with_personal_data_are_never_stored(
    client: AsyncTestClient[Any], make_token: TokenFactory, clock: FixedClock
) -> None:
    token = await make_token("0912882001")
    dossier = await submitted_dossier(client, token)
    _private(await client.get(f"/api/v1/dossiers/{dossier['id']}", headers=bearer(token)))
    _private(await client.get(f"/api/v1/dossiers/{dossier['id']}/receipt", headers=bearer(token)))
    # it said "private", which lets the phone's own cache keep a lookup key
    _private(await client.get(f"/api/v1/dossiers/{dossier['id']}/receipt.png", headers=bearer(token)))
    tracking = await client.get(f"/api/v1/track/{dossier['code']}", params={"key": dossier["lookup_key"]})
    assert tracking.status_code == 200
    _private(tracking)
    page = await client.get(f"/t/{dossier['code']}", params={"key": dossier["lookup_key"]})
    assert page.status_code == 200
    _private(page)  # the page set its own nosniff: said once
    citizen, _, _, payment = await vietqr_payment(client, make_token, "0912882002")
    _private(await client.get(f"/api/v1/payments/{payment['id']}", headers=bearer(citizen)))
    assert (await client.post("/api/v1/payments/webhooks/bank", **signed(credit(payment), clock))).status_code == 200
    _private(await client.get(f"/api/v1/payments/{payment['id']}/receipt", headers=bearer(citizen)))
    _private(await client.get("/api/v1/me", headers=bearer(citizen)))
    # the catalog asked with a token may answer what is the caller's: not kept either
    _private(await client.get("/api/v1/procedures", headers=bearer(citizen)))
    _security(catalog := await client.get("/api/v1/procedures"))
    assert "cache-control" not in catalog.headers


async def test_metrics_answer_the_operator_token_only(client: AsyncTestClient[Any]) -> None:
    """/metrics was public. Anything but the token is the 404 of an unknown path, the same body."""
    unknown = await client.get("/khong-co-duong-nay")
    for headers in ({}, bearer("wrong"), {"Authorization": METRICS_TOKEN}, bearer(METRICS_TOKEN + "x")):
        refused = await client.get("/metrics", headers=headers)
        assert refused.status_code == 404
        assert refused.json() == {**unknown.json()}
        _private(refused)
    metrics = await client.get("/metrics", headers=bearer(METRICS_TOKEN))
    assert metrics.status_code == 200 and "motcua" in metrics.text
    _private(metrics)


async def test_metrics_without_a_token_set_are_a_404_to_everyone(settings: Settings, clock: FixedClock) -> None:
    app = create_app(msgspec.structs.replace(settings, metrics_token=""), clock=clock)
    async with AsyncTestClient(app=app) as unset:
        for headers in ({}, {"Authorization": "Bearer "}, bearer(METRICS_TOKEN)):
            assert (await unset.get("/metrics", headers=headers)).status_code == 404
