"""The ASGI side of the input bounds: a body counted as it arrives, and dates in a query string."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

import msgspec
import pytest
from litestar import Litestar, get, post
from litestar.params import JSONBody, QueryParameter
from litestar.testing import TestClient

from api.problems import EXCEPTION_HANDLERS
from core.errors import DomainError, ValidationError
from core.headers import security_headers
from core.input_bounds import InputBounds, check_query_dates, read_body, replay


def _receiver(chunks: list[bytes]) -> Any:
    sent: list[bytes] = []

    async def receive() -> dict[str, Any]:
        if len(sent) == len(chunks):
            return {"type": "http.disconnect"}
        sent.append(chunks[len(sent)])
        return {"type": "http.request", "body": sent[-1], "more_body": len(sent) < len(chunks)}

    receive.sent = sent  # type: ignore[attr-defined]
    return receive


async def test_a_body_without_a_length_is_refused_once_it_passes_the_limit() -> None:
    receive = _receiver([b"x" * 400] * 10)
    with pytest.raises(DomainError) as refused:
        await read_body({"headers": []}, receive, 1024)  # type: ignore[arg-type]
    assert (refused.value.code, refused.value.status, refused.value.params) == (
        "request-too-large",
        413,
        {"limit_kb": 1},
    )
    assert len(receive.sent) == 3  # stopped reading there


async def test_an_announced_length_past_the_limit_is_refused_before_reading() -> None:
    receive = _receiver([b"x"])
    with pytest.raises(DomainError):
        await read_body({"headers": [(b"content-length", b"2048")]}, receive, 1024)  # type: ignore[arg-type]
    assert receive.sent == []


async def test_a_body_is_handed_on_whole_then_what_follows() -> None:
    receive = _receiver([b'{"a":', b" 1}"])
    body = await read_body({"headers": []}, receive, 1024)  # type: ignore[arg-type]
    assert body == b'{"a": 1}'
    again = replay(body, receive)
    assert await again() == {"type": "http.request", "body": b'{"a": 1}', "more_body": False}
    assert await again() == {"type": "http.disconnect"}
    assert await read_body({"headers": []}, _receiver([]), 1024) is None  # type: ignore[arg-type]


def test_query_dates_out_of_range_are_named_and_the_rest_left_to_the_route() -> None:
    dates = (("from", date), ("at", datetime))
    check_query_dates(b"from=2026-01-01&to=9999-12-31&at=2026-01-01T00:00:00%2B07:00", dates)
    check_query_dates(b"from=not-a-date&at=", dates)  # Litestar says what is wrong with these
    with pytest.raises(ValidationError) as refused:
        check_query_dates(b"from=9999-12-31&at=0001-01-01T00:00:00%2B07:00", dates)
    assert [(field, key) for field, key, _ in refused.value.errors] == [
        ("from", "date-out-of-range"),
        ("at", "date-out-of-range"),
    ]


async def _sent(https: bool, path: str, request_headers: list[tuple[bytes, bytes]], headers: list[Any]) -> list[Any]:
    message: dict[str, Any] = {"type": "http.response.start", "status": 200, "headers": headers}
    await security_headers(https=https)(message, {"path": path, "headers": request_headers})  # type: ignore[arg-type]
    return list(message["headers"])


async def test_headers_are_added_once_and_the_catalog_alone_may_be_cached() -> None:
    catalog = await _sent(False, "/api/v1/procedures", [], [(b"content-type", b"application/json")])
    assert catalog == [
        (b"content-type", b"application/json"),
        (b"x-content-type-options", b"nosniff"),
        (b"referrer-policy", b"no-referrer"),
    ]
    signed_in = await _sent(True, "/api/v1/procedures", [(b"authorization", b"Bearer t")], [])
    assert (b"cache-control", b"no-store") in signed_in
    assert (b"strict-transport-security", b"max-age=31536000") in signed_in
    page = await _sent(False, "/t/X", [], [(b"X-Content-Type-Options", b"nosniff"), (b"Cache-Control", b"private")])
    assert page == [
        (b"X-Content-Type-Options", b"nosniff"),
        (b"referrer-policy", b"no-referrer"),
        (b"cache-control", b"no-store"),
    ]


class _FeeLine(msgspec.Struct):
    amount: int
    start: date
    end: date | None = None


class _Procedure(msgspec.Struct):
    fees: list[_FeeLine]


@post("/fees")
async def _take_fees(data: JSONBody[_Procedure]) -> int:
    return len(data.fees)


@get("/days")
async def _take_days(day: Annotated[date | None, QueryParameter(name="on")] = None) -> str:
    return str(day)


def test_a_new_route_taking_dates_is_bounded_without_a_word() -> None:
    """Fee lines of a procedure, as an admin route will take them: every date of the body and the
    query string is held to the bounds by the middleware alone."""
    app = Litestar(
        [_take_fees, _take_days], middleware=[InputBounds(max_json_bytes=4096)], exception_handlers=EXCEPTION_HANDLERS
    )
    with TestClient(app) as client:
        fine = {"fees": [{"amount": 1, "start": "2026-01-01"}, {"amount": 2, "start": "2027-01-01", "end": None}]}
        assert client.post("/fees", json=fine).json() == 2
        past = {
            "fees": [{"amount": 1, "start": "2026-01-01", "end": "9999-12-31"}, {"amount": 2, "start": "1066-10-14"}]
        }
        refused = client.post("/fees", json=past)
        assert refused.status_code == 422
        assert [(e["field"], e["code"]) for e in refused.json()["errors"]] == [
            ("fees[0].end", "date-out-of-range"),
            ("fees[1].start", "date-out-of-range"),
        ]
        assert client.post("/fees", json={"fees": [{"amount": "x"}]}).status_code in {400, 422}  # Litestar says why
        assert client.get("/days", params={"on": "2100-12-31"}).text == "2100-12-31"
        assert client.get("/days", params={"on": "2101-01-01"}).status_code == 422
