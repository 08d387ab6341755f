"""Bounds on every input (contracts.md, "Privacy, bounds and audit"): JSON nesting and size on every
route that takes a body, and a table with one row per route and bounded input (search text, message
text, dates, money). The table is checked against the app's routes: a new route taking a date, a `q`,
a `text` or an amount fails here until it has a row, and so does a row whose input is gone."""

from __future__ import annotations

import json
import re
import threading
import time
import uuid
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import asyncpg
import msgspec
import msgspec.inspect as mi
import pytest
from litestar import Litestar
from litestar.handlers.http_handlers import HTTPRouteHandler
from litestar.routes import HTTPRoute
from litestar.testing import AsyncTestClient

from assistant.channels.signatures import messenger_signature, zalo_signature
from core.clock import FixedClock
from core.db import acquire
from core.openapi import QUERY_STRINGS, SIGNED_BODY, UPLOAD
from core.settings import Settings
from payments import vnpay
from tests.integration.api.catalog_helpers import procedure_document
from tests.integration.conftest import (
    MESSENGER_APP_SECRET,
    ONESTOP_SECRET,
    VNPAY_SECRET,
    ZALO_APP_ID,
    ZALO_OA_SECRET,
    TokenFactory,
    bearer,
)
from tests.integration.factories import vietqr_payment
from tests.integration.helpers import birth_registration
from tests.integration.payments_helpers import credit, ledger_balance, signed, vnpay_ipn

BODY_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
WEBHOOKS = {
    ("POST", "/api/v1/payments/webhooks/bank"),
    ("POST", "/api/v1/integrations/one-stop/events"),
    ("POST", "/api/v1/channels/messenger/webhook"),
    ("POST", "/api/v1/channels/zalo/webhook"),
}
JSON = {"Content-Type": "application/json"}


def routes(app: Litestar) -> Iterator[tuple[str, str, HTTPRouteHandler]]:
    for route in app.routes:
        if isinstance(route, HTTPRoute):
            for method, (handler, _) in route.route_handler_map.items():
                if method not in {"OPTIONS", "HEAD"}:
                    yield method, route.path, handler


def filled(path: str) -> str:
    """A path with each parameter given a value of its type (the records need not exist)."""
    return re.sub(r"\{(\w+):(\w+)\}", lambda m: str(uuid.uuid4()) if m.group(2) == "uuid" else "x", path)


def nested(levels: int) -> bytes:
    """Objects and arrays in turn, `levels` deep, written out (an encoder would recurse as deep)."""
    opening = "".join('{"a": ' if i % 2 == 0 else "[" for i in range(levels))
    closing = "".join("}" if i % 2 == 0 else "]" for i in reversed(range(levels)))
    return (opening + '"x"' + closing).encode()


# ---- nesting and size, every route that takes a body -------------------------------------------


async def test_json_nested_deeper_than_32_levels_is_400_on_every_route_taking_a_body(
    client: AsyncTestClient[Any],
) -> None:
    """It was a 500 with a traceback wherever the decoder recursed (`form`, the webhooks' raw bodies),
    and a 200 or a 422 elsewhere."""
    taking = sorted({(m, p) for m, p, _ in routes(client.app) if m in BODY_METHODS})
    assert set(taking) >= WEBHOOKS
    for method, path in taking:
        url = filled(path)
        for body in (nested(33), b"[" * 100_000 + b"]" * 100_000, b'{"form": ' + nested(5_000) + b"}"):
            response = await client.request(method, url, content=body, headers=JSON)
            assert response.status_code == 400, (method, path, response.text)
            assert response.headers["content-type"].startswith("application/problem+json")
            assert response.json()["code"] == "too-deep"
        at_the_limit = await client.request(method, url, content=nested(32), headers=JSON)
        assert at_the_limit.status_code < 500 and at_the_limit.json().get("code") != "too-deep", (method, path)
        unterminated = await client.request(method, url, content=b"[" * 50_000, headers=JSON)
        assert unterminated.status_code == 400, (method, path, unterminated.text)


async def test_a_body_that_is_not_utf8_is_400_on_every_route_taking_one(client: AsyncTestClient[Any]) -> None:
    """msgspec raised UnicodeDecodeError from Litestar's decoding: a 500 on every JSON route."""
    taking = sorted({(m, p) for m, p, _ in routes(client.app) if m in BODY_METHODS})
    for method, path in taking:
        for body in (b'{"text": "\xff\xfe"}', '{"text": "xin chào"}'.encode("utf-16")):
            for content_type in ("application/json", "text/plain"):
                response = await client.request(
                    method, filled(path), content=body, headers={"Content-Type": content_type}
                )
                assert response.status_code == 400, (method, path, response.text)
                assert response.json()["code"] == "malformed-request"


async def test_a_json_body_past_the_limit_is_413_with_the_limit_said(
    client: AsyncTestClient[Any], settings: Settings
) -> None:
    """A 2 MB message to the assistant was read, decoded and answered."""
    big = json.dumps({"text": "a" * (2 * 1024 * 1024)}).encode()
    kb = settings.max_json_bytes // 1024
    vi = await client.post("/api/v1/assistant/messages", content=big, headers=JSON)
    en = await client.post("/api/v1/assistant/messages?lang=en", content=big, headers=JSON)
    for response in (vi, en):
        assert response.status_code == 413, response.text
        assert response.json()["code"] == "request-too-large"
        assert response.headers["connection"] == "close"  # the rest of the body is never read
    assert vi.json()["detail"] == f"Nội dung gửi lên vượt quá {kb} KB."
    assert en.json()["detail"] == f"The request body is larger than {kb} KB."
    taking = sorted({(m, p) for m, p, _ in routes(client.app) if m in BODY_METHODS})
    over = json.dumps({"note": "a" * settings.max_json_bytes}).encode()
    for method, path in taking:
        response = await client.request(method, filled(path), content=over, headers=JSON)
        assert response.status_code == 413, (method, path, response.text)


async def test_an_upload_past_the_request_limit_says_the_file_limit(
    client: AsyncTestClient[Any], make_token: TokenFactory, settings: Settings
) -> None:
    """The 413 that Litestar raises for a body past the app's limit showed "Tệp vượt quá {limit_mb} MB."."""
    token = await make_token("0912880001")
    draft = (await client.post("/api/v1/dossiers", json=birth_registration("0912880001"), headers=bearer(token))).json()
    huge = b"%PDF-1.4\n" + b"0" * (settings.max_file_bytes + 2 * 1024 * 1024)
    response = await client.post(
        f"/api/v1/dossiers/{draft['id']}/documents",
        headers=bearer(token),
        files={"file": ("a.pdf", huge, "application/pdf")},
        data={"requirement": "birth-certificate"},
    )
    assert response.status_code == 413, response.text
    mb = settings.max_file_bytes // (1024 * 1024)
    assert response.json()["detail"] == f"Tệp vượt quá {mb} MB."
    assert response.headers["connection"] == "close"


# ---- the table: every bounded input of every route ----------------------------------------------

Key = tuple[str, str, str, str]  # method, route path, "query" or "body", field (a path in the body)
MONEY_NAMES = {"amount", "fee", "price"}
_RESERVED = {"request", "socket", "state", "scope", "headers", "cookies", "query", "body", "data"}


def _kind(name: str, types: list[Any]) -> str | None:
    if date in types or datetime in types:
        return "date"
    if name == "q":
        return "search"
    if name.lower().removeprefix("vnp_") in MONEY_NAMES:
        return "money"
    return None


def _query_inputs(handler: HTTPRouteHandler) -> Iterator[tuple[str, str]]:
    skip = _RESERVED | set(handler.resolve_dependencies()) | set(re.findall(r"\{(\w+):", "".join(handler.paths)))
    for name, field in handler.parsed_fn_signature.parameters.items():
        kwarg = field.kwarg_definition
        if name in skip or getattr(kwarg, "header", None) or getattr(kwarg, "cookie", None):
            continue
        alias = getattr(kwarg, "query", None) or getattr(kwarg, "name", None) or name
        types = [t.annotation for t in field.inner_types] if field.is_optional else [field.annotation]
        if kind := _kind(alias, types):
            yield alias, kind
    for alias in handler.opt.get(QUERY_STRINGS, {}):  # read whole from the query string (VNPay)
        if kind := _kind(alias, []):
            yield alias, kind


def _body_types(handler: HTTPRouteHandler) -> Iterator[Any]:
    data = handler.parsed_fn_signature.parameters.get("data")
    if data is not None:
        yield data.annotation
    if SIGNED_BODY in handler.opt:
        yield handler.opt[SIGNED_BODY]
    if UPLOAD in handler.opt and handler.opt[UPLOAD][1] is not None:
        yield handler.opt[UPLOAD][1]


def _walk(t: mi.Type, path: str, seen: frozenset[type]) -> Iterator[tuple[str, str]]:
    name = path.rsplit(".", 1)[-1].removesuffix("[]")
    if isinstance(t, mi.StructType):
        if t.cls in seen:
            return
        for f in t.fields:
            yield from _walk(f.type, f"{path}.{f.encode_name}" if path else f.encode_name, seen | {t.cls})
    elif isinstance(t, mi.UnionType):
        for member in t.types:
            yield from _walk(member, path, seen)
    elif isinstance(t, mi.ListType | mi.SetType | mi.FrozenSetType | mi.VarTupleType):
        yield from _walk(t.item_type, path + "[]", seen)
    elif isinstance(t, mi.DictType):
        if isinstance(t.value_type, mi.AnyType):
            yield path, "free-form"  # a form: its fields are typed by the procedure, dates among them
        else:
            yield from _walk(t.value_type, path + ".*", seen)
    elif isinstance(t, mi.AnyType):
        yield path, "free-form"
    elif isinstance(t, mi.DateType | mi.DateTimeType):
        yield path, "date"
    elif isinstance(t, mi.IntType) and name in MONEY_NAMES:
        yield path, "money"
    elif isinstance(t, mi.StrType) and name == "text":
        yield path, "message"


def bounded_inputs(app: Litestar) -> dict[Key, str]:
    found: dict[Key, str] = {}
    for method, path, handler in routes(app):
        for alias, kind in _query_inputs(handler):
            found[(method, path, "query", alias)] = kind
        for body in _body_types(handler):
            for field, kind in _walk(mi.type_info(body), "", frozenset()):
                found[(method, path, "body", field)] = kind
    return found


@dataclass
class World:
    client: AsyncTestClient[Any]
    make_token: TokenFactory
    clock: FixedClock
    pool: asyncpg.Pool
    citizen: str
    officer: str  # of the draft's office and of the passport office
    office: str  # the draft's
    draft_id: str


@pytest.fixture
async def world(client: AsyncTestClient[Any], make_token: TokenFactory, clock: FixedClock, pool: asyncpg.Pool) -> World:
    citizen = await make_token("0912881001")
    draft = await client.post("/api/v1/dossiers", json=birth_registration("0912881001"), headers=bearer(citizen))
    assert draft.status_code == 201, draft.text
    office = draft.json()["agency"]["code"]
    officer = await make_token("0900881001", "officer", (office, "000.00.01.H29"))
    return World(client, make_token, clock, pool, citizen, officer, office, draft.json()["id"])


Case = Callable[[World], Awaitable[None]]
ROWS: dict[Key, Case] = {}


def row(method: str, path: str, where: str, field: str) -> Callable[[Case], Case]:
    def register(case: Case) -> Case:
        ROWS[(method, path, where, field)] = case
        return case

    return register


def refused(response: Any, field: str, code: str, status: int = 422) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    assert response.headers["content-type"].startswith("application/problem+json")
    assert [(e["field"], e["code"]) for e in body["errors"]] == [(field, code)], body
    return body


async def _search(world: World, path: str) -> None:
    for lang, detail in (("vi", "Trường 'q' dài quá 200 ký tự."), ("en", "'q' is longer than 200 characters.")):
        body = refused(await world.client.get(path, params={"q": "a" * 201, "lang": lang}), "q", "too-long")
        assert body["code"] == "too-long" and body["detail"] == detail
    assert (await world.client.get(path, params={"q": "khai sinh " * 20})).status_code == 200


@row("GET", "/api/v1/procedures", "query", "q")
async def _procedures_q(world: World) -> None:
    await _search(world, "/api/v1/procedures")


@row("GET", "/api/v1/agencies", "query", "q")
async def _agencies_q(world: World) -> None:
    await _search(world, "/api/v1/agencies")


async def _query_day(world: World, path: str, name: str, params: dict[str, str], edge: str) -> None:
    """Past either end, 422 naming the parameter (`to=9999-12-31` was a 500); at the end itself, an answer."""
    for bad in ("9999-12-31", "1899-12-31", "0001-01-01", "2101-01-01"):
        response = await world.client.get(path, params={**params, name: bad}, headers=bearer(world.officer))
        refused(response, name, "date-out-of-range")
    at_the_edge = await world.client.get(path, params={**params, name: edge}, headers=bearer(world.officer))
    assert at_the_edge.status_code == 200, at_the_edge.text


@row("GET", "/api/v1/stats/on-time", "query", "from")
async def _on_time_from(world: World) -> None:
    await _query_day(world, "/api/v1/stats/on-time", "from", {"agency": world.office}, "1900-01-01")


@row("GET", "/api/v1/stats/on-time", "query", "to")
async def _on_time_to(world: World) -> None:
    await _query_day(world, "/api/v1/stats/on-time", "to", {"agency": world.office}, "2100-12-31")


@row("GET", "/api/v1/stats/indicators", "query", "from")
async def _indicators_from(world: World) -> None:
    await _query_day(
        world, "/api/v1/stats/indicators", "from", {"agency": world.office, "to": "1900-12-31"}, "1900-01-01"
    )


@row("GET", "/api/v1/stats/indicators", "query", "to")
async def _indicators_to(world: World) -> None:
    await _query_day(world, "/api/v1/stats/indicators", "to", {"agency": world.office}, "2100-12-31")


@row("GET", "/api/v1/officer/payments/reconciliation", "query", "date")
async def _reconciliation_day(world: World) -> None:
    await _query_day(world, "/api/v1/officer/payments/reconciliation", "date", {"agency": world.office}, "2100-12-31")


def _filing(method: str, extra: dict[str, Any]) -> dict[str, Any]:
    body = birth_registration("0912881001", **extra)
    return {k: body[k] for k in ("applicant", "form")} if method == "PATCH" else body


async def _birth_dates(world: World, method: str, path: str, token: str, extra: dict[str, Any]) -> None:
    cases = (
        ("1899-12-31", "date-out-of-range"),
        ("0001-01-01", "date-out-of-range"),
        ("9999-12-31", "date-out-of-range"),
        ("2099-01-01", "future-date"),  # within the bounds, but no one is born yet
    )
    for bad, code in cases:
        body = _filing(method, extra)
        body["applicant"]["date_of_birth"] = bad
        response = await world.client.request(method, path, json=body, headers=bearer(token))
        refused(response, "applicant.date_of_birth", code)


async def _form_dates(world: World, method: str, path: str, token: str, extra: dict[str, Any]) -> None:
    for bad in ("9999-12-31", "1899-12-31", "2101-01-01"):
        body = _filing(method, extra)
        body["form"]["child_date_of_birth"] = bad
        response = await world.client.request(method, path, json=body, headers=bearer(token))
        refused(response, "form.child_date_of_birth", "date-out-of-range")


@row("POST", "/api/v1/dossiers", "body", "applicant.date_of_birth")
async def _create_birth(world: World) -> None:
    await _birth_dates(world, "POST", "/api/v1/dossiers", world.citizen, {})


@row("POST", "/api/v1/dossiers", "body", "form")
async def _create_form(world: World) -> None:
    await _form_dates(world, "POST", "/api/v1/dossiers", world.citizen, {})


@row("PATCH", "/api/v1/dossiers/{dossier_id:uuid}", "body", "applicant.date_of_birth")
async def _update_birth(world: World) -> None:
    await _birth_dates(world, "PATCH", f"/api/v1/dossiers/{world.draft_id}", world.citizen, {})


@row("PATCH", "/api/v1/dossiers/{dossier_id:uuid}", "body", "form")
async def _update_form(world: World) -> None:
    await _form_dates(world, "PATCH", f"/api/v1/dossiers/{world.draft_id}", world.citizen, {})


@row("POST", "/api/v1/officer/dossiers", "body", "applicant.date_of_birth")
async def _counter_birth(world: World) -> None:
    await _birth_dates(world, "POST", "/api/v1/officer/dossiers", world.officer, {"channel": "counter"})


@row("POST", "/api/v1/officer/dossiers", "body", "form")
async def _counter_form(world: World) -> None:
    await _form_dates(world, "POST", "/api/v1/officer/dossiers", world.officer, {"channel": "counter"})


@row("POST", "/api/v1/integrations/one-stop/events", "body", "occurred_at")
async def _one_stop_occurred_at(world: World) -> None:
    for bad in ("0001-01-01T00:00:00+07:00", "9999-12-31T23:59:59-07:00", "2101-01-01T00:00:00+07:00"):
        event = {"event_id": "E-1", "dossier_code": "X", "action": "receive", "occurred_at": bad}
        response = await world.client.post(
            "/api/v1/integrations/one-stop/events", **signed(event, world.clock, secret=ONESTOP_SECRET)
        )
        refused(response, "occurred_at", "date-out-of-range")


@row("POST", "/api/v1/payments/webhooks/bank", "body", "transacted_at")
async def _bank_transacted_at(world: World) -> None:
    """ "0001-01-01T00:00:00+07:00" reached PostgreSQL, whose driver could not move it to UTC: a 500."""
    _, _, _, payment = await vietqr_payment(world.client, world.make_token, "0912881002")
    for bad in ("0001-01-01T00:00:00+07:00", "9999-12-31T23:59:59-07:00"):
        note = {**credit(payment), "transacted_at": bad}
        refused(
            await world.client.post("/api/v1/payments/webhooks/bank", **signed(note, world.clock)),
            "transacted_at",
            "date-out-of-range",
        )
    async with acquire(world.pool) as conn:
        assert await conn.fetchval("SELECT count(*) FROM bank_notifications") == 0


@row("POST", "/api/v1/payments/webhooks/bank", "body", "amount")
async def _bank_amount(world: World) -> None:
    """An amount past int64 was a 500 (PostgreSQL's bigint), so the bank retried it forever: a
    well-signed credit no fee can be is kept as an exception, with nothing entering the ledger."""
    _, _, _, payment = await vietqr_payment(world.client, world.make_token, "0912881003")
    notes = [credit(payment, amount=amount) for amount in (10**12 + 1, 2**63, 2**64 + 5, 10**40, -200_000)]
    for note in notes:
        response = await world.client.post("/api/v1/payments/webhooks/bank", **signed(note, world.clock))
        assert response.status_code == 200, response.text
        assert response.json() == {"result": "exception"}
    again = await world.client.post("/api/v1/payments/webhooks/bank", **signed(notes[1], world.clock))
    assert again.json() == {"result": "duplicate"}
    async with acquire(world.pool) as conn:
        rows = await conn.fetch("SELECT reason, amount FROM payment_exceptions ORDER BY created_at")
        stored = await conn.fetch("SELECT amount, result FROM bank_notifications")
        status = await conn.fetchval("SELECT status FROM payments WHERE id = $1", uuid.UUID(payment["id"]))
    assert [(r["reason"], r["amount"]) for r in rows] == [("amount_out_of_range", 0)] * len(notes)
    assert [(r["amount"], r["result"]) for r in stored] == [(0, "exception")] * len(notes)
    assert status == "pending"
    assert await ledger_balance(world.pool) == (2 * len(notes), 0)
    fine = await world.client.post("/api/v1/payments/webhooks/bank", **signed(credit(payment), world.clock))
    assert fine.json() == {"result": "settled"}


async def _vnpay_payment(world: World) -> dict[str, Any]:
    citizen, _, dossier, _ = await vietqr_payment(world.client, world.make_token, "0912881004")
    opened = await world.client.post(
        f"/api/v1/dossiers/{dossier['id']}/payments", json={"method": "vnpay"}, headers=bearer(citizen)
    )
    assert opened.status_code == 201, opened.text
    payment: dict[str, Any] = opened.json()
    return payment


def _huge_amount(payment: dict[str, Any]) -> dict[str, str]:
    params = {k: v for k, v in vnpay_ipn(payment).items() if k not in {"vnp_SecureHash", "vnp_SecureHashType"}}
    params["vnp_Amount"] = "1" + "0" * 30
    return {**params, "vnp_SecureHash": vnpay.sign(params, VNPAY_SECRET)}


@row("GET", "/api/v1/payments/vnpay/ipn", "query", "vnp_Amount")
async def _vnpay_ipn_amount(world: World) -> None:
    """VNPay is answered in its own codes: an amount no order has is 04, never a 500, and settles nothing."""
    payment = await _vnpay_payment(world)
    response = await world.client.get("/api/v1/payments/vnpay/ipn", params=_huge_amount(payment))
    assert response.json() == {"RspCode": "04", "Message": "Invalid amount"}
    async with acquire(world.pool) as conn:
        assert await conn.fetchval("SELECT status FROM payments WHERE id = $1", uuid.UUID(payment["id"])) == "pending"


@row("GET", "/api/v1/payments/vnpay/return", "query", "vnp_Amount")
async def _vnpay_return_amount(world: World) -> None:
    """The page the payer returns to shows the outcome; a huge amount is shown, not a 500."""
    payment = await _vnpay_payment(world)
    response = await world.client.get("/api/v1/payments/vnpay/return", params=_huge_amount(payment))
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")


@row("POST", "/api/v1/assistant/messages", "body", "text")
async def _assistant_text(world: World) -> None:
    """A 5,000-character message was read whole by the assistant."""
    for lang, detail in (("vi", "Trường 'text' dài quá 1000 ký tự."), ("en", "'text' is longer than 1000 characters.")):
        response = await world.client.post(f"/api/v1/assistant/messages?lang={lang}", json={"text": "a" * 1001})
        assert refused(response, "text", "too-long")["detail"] == detail
    assert (await world.client.post("/api/v1/assistant/messages", json={"text": "khai sinh " * 100})).status_code == 200


async def _stored_texts(world: World) -> list[int]:
    async with acquire(world.pool) as conn:
        return [r["n"] for r in await conn.fetch("SELECT length(text) AS n FROM chat_messages")]


@row("POST", "/api/v1/channels/messenger/webhook", "body", "entry[].messaging[].message.text")
async def _messenger_text(world: World) -> None:
    """A platform is always answered 200 for a genuine event; the assistant reads the first 1,000
    characters, and at most 4,000 are kept."""
    message = {"sender": {"id": "PSID-1"}, "message": {"mid": "m.1", "text": "khai sinh " * 600}}
    raw = json.dumps({"object": "page", "entry": [{"messaging": [message]}]}).encode()
    headers = {**JSON, "X-Hub-Signature-256": messenger_signature(raw, MESSENGER_APP_SECRET)}
    response = await world.client.post("/api/v1/channels/messenger/webhook", content=raw, headers=headers)
    assert response.status_code == 200 and response.json() == {"received": 1}, response.text
    assert await _stored_texts(world) == [4000]


@row("POST", "/api/v1/channels/zalo/webhook", "body", "message.text")
async def _zalo_text(world: World) -> None:
    timestamp = str(int(world.clock.now().timestamp() * 1000))
    event = {
        "app_id": ZALO_APP_ID,
        "event_name": "user_send_text",
        "sender": {"id": "Z-1"},
        "recipient": {"id": "OA-1"},
        "message": {"msg_id": "z.1", "text": "khai sinh " * 600},
        "timestamp": timestamp,
    }
    raw = json.dumps(event).encode()
    headers = {**JSON, "X-ZEvent-Signature": "mac=" + zalo_signature(raw, ZALO_APP_ID, timestamp, ZALO_OA_SECRET)}
    response = await world.client.post("/api/v1/channels/zalo/webhook", content=raw, headers=headers)
    assert response.status_code == 200 and response.json() == {"received": 1}, response.text
    assert await _stored_texts(world) == [4000]


@row("GET", "/api/v1/procedures", "query", "on")
async def _procedures_on(world: World) -> None:
    await _query_day(world, "/api/v1/procedures", "on", {}, "2100-12-31")


@row("GET", "/api/v1/procedures/{slug:str}", "query", "on")
async def _procedure_on(world: World) -> None:
    await _query_day(world, "/api/v1/procedures/passport-issuance", "on", {}, "1900-01-01")


def _with(document: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    """`document` with `path` set in the first element of each list on it (made whole where the
    document has none), and in a province "01" for `provinces.*`."""
    line, source = dict(document["fees"][0]), dict(document["sources"][0])
    whole = {
        "agencies": {"agency": document["agency"], "from": "2020-01-01", "to": "2020-12-31", "basis": "-"},
        "durations": {"processing_days": 1, "from": "2020-01-01", "to": "2020-12-31", "basis": "-"},
        "fees": line,
        "sources": source,
    }
    *parents, last = path.replace("[]", "").split(".")
    node: Any = document
    for part in parents:
        if part == "*":
            node = node.setdefault("01", {"fees": [dict(line)], "sources": [dict(source)]})
        elif part == "provinces":
            node = node.setdefault("provinces", {})
        else:
            items = node.setdefault(part, [])
            if not items:
                items.append(dict(whole[part]))
            node = items[0]
    node[last] = value
    return document


def _admin_body(method: str, path: str, field: str) -> Case:
    async def case(world: World) -> None:
        admin = await world.make_token("0900881009", "admin")
        url = path.replace("{slug:str}", "passport-issuance")
        bad_values: list[Any] = [10**12 + 1, 2**64] if field.endswith("amount") else ["9999-12-31", "1899-12-31"]
        for bad in bad_values:
            document = procedure_document("passport-issuance")
            if method == "POST":
                document["slug"] = "passport-bounds"
            response = await world.client.request(method, url, json=_with(document, field, bad), headers=bearer(admin))
            assert response.status_code == 422, (field, bad, response.text)
            assert response.json().get("errors") and any(
                e["field"].split(".")[-1].split("[")[0] == field.rsplit(".", 1)[-1].removesuffix("[]")
                for e in response.json()["errors"]
            ), (field, response.json())

    return case


for _method, _path in (("PUT", "/api/v1/admin/procedures/{slug:str}"), ("POST", "/api/v1/admin/procedures")):
    for _field in (
        "agencies[].from",
        "agencies[].to",
        "durations[].from",
        "durations[].to",
        "fees[].amount",
        "fees[].from",
        "fees[].to",
        "provinces.*.fees[].amount",
        "provinces.*.fees[].from",
        "provinces.*.fees[].to",
        "provinces.*.sources[].checked_on",
        "provinces.*.verified_on",
        "sources[].checked_on",
        "verified_on",
    ):
        row(_method, _path, "body", _field)(_admin_body(_method, _path, _field))


def test_every_bounded_input_of_every_route_has_a_row(client: AsyncTestClient[Any]) -> None:
    found = bounded_inputs(client.app)
    missing = sorted(set(found) - set(ROWS))
    assert not missing, "inputs with no row in ROWS (add one that feeds the bound to the route):\n" + "\n".join(
        f"  {found[k]}: {k}" for k in missing
    )
    stale = sorted(set(ROWS) - set(found))
    assert not stale, f"rows for inputs no route takes any more: {stale}"


@pytest.mark.parametrize("key", sorted(ROWS), ids=lambda k: f"{k[0]} {k[1]} {k[2]}:{k[3]}")
async def test_each_bound_holds(key: Key, world: World) -> None:
    await ROWS[key](world)


# ---- the search costs what the index costs ------------------------------------------------------


async def test_a_long_search_runs_off_the_event_loop(
    client: AsyncTestClient[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`q` of 200 characters took ~30 ms of the event loop (60 KB took 6.9 s) while /health/live waited:
    a long query is searched in a worker thread, a short one (nearly all) where it is."""
    index = client.app.state.ctx.catalog.index
    search = index.search
    where: list[int] = []
    loop_thread: list[int] = []

    async def tick() -> None:
        loop_thread.append(threading.get_ident())

    client.blocking_portal.call(tick)  # the app's event loop runs in the test client's own thread
    assert loop_thread

    def spied(query: str, *args: Any, **kwargs: Any) -> Any:
        where.append(threading.get_ident())
        return search(query, *args, **kwargs)

    monkeypatch.setattr(index, "search", spied)
    short = await client.get("/api/v1/procedures", params={"q": "khai sinh"})
    long = await client.get("/api/v1/procedures", params={"q": "dang ky khai sinh cho con " * 7})
    assert short.status_code == long.status_code == 200
    assert short.json()["items"][0]["slug"] == long.json()["items"][0]["slug"] == "birth-registration"
    on_the_loop, in_a_worker = where
    assert on_the_loop == loop_thread[0] and in_a_worker != on_the_loop


def test_the_worst_search_of_200_characters_is_bounded(client: AsyncTestClient[Any]) -> None:
    """One word per two characters is the most a bounded query can ask of the index."""
    index = client.app.state.ctx.catalog.index
    worst = " ".join(["a"] * 100)[:200]
    started = time.perf_counter()
    index.search(worst)
    assert time.perf_counter() - started < 2.0  # measured ~35 ms; 60 KB took seconds


class _Inner(msgspec.Struct):
    amount: int
    day: date


class _Outer(msgspec.Struct):
    items: list[_Inner] | None
    text: str
    form: dict[str, Any]


def test_decoded_bodies_take_what_the_table_walks() -> None:
    """The walk above reads msgspec's view of a body; check it sees through options and lists."""
    assert dict(_walk(mi.type_info(_Outer), "", frozenset())) == {
        "items[].amount": "money",
        "items[].day": "date",
        "text": "message",
        "form": "free-form",
    }
