"""How the catalog's front reads a query: only what it can read exactly as the route does."""

from datetime import date

import pytest

from api.catalog.front import _asked, _day, _plain

ASKS = frozenset({"q", "on", "lang"})


@pytest.mark.parametrize(
    ("query", "read"),
    [
        (b"", {}),
        (b"q=dang+ky+khai+sinh", {"q": "dang ky khai sinh"}),
        (b"q=%C4%91%C4%83ng%20k%C3%BD&lang=en", {"q": "đăng ký", "lang": "en"}),
        (b"q=a%2Bb", {"q": "a+b"}),
        (b"on=2027-01-01", {"on": "2027-01-01"}),
    ],
)
def test_what_it_reads(query: bytes, read: dict[str, str]) -> None:
    assert _asked(query, ASKS) == read


@pytest.mark.parametrize(
    "query",
    [
        b"q=a&q=b",  # given twice: which one the route takes is the framework's to say
        b"agency=UBND-XA",  # a filter the front does not apply
        b"q",  # no value
        b"q=50%",  # "%" that is no escape
        b"q=a;lang=en",
        b"limit=5",
    ],
)
def test_what_it_leaves_to_the_route(query: bytes) -> None:
    assert _asked(query, ASKS) is None


@pytest.mark.parametrize(
    ("on", "day"),
    [
        ("2026-12-06", date(2026, 12, 6)),
        ("2026-02-30", None),
        ("1899-12-31", None),
        ("2101-01-01", None),
        ("06/12/2026", None),
        ("2026-12-6", None),
    ],
)
def test_the_day_asked(on: str, day: date | None) -> None:
    assert _day(on) == day


@pytest.mark.parametrize(
    ("headers", "language"),
    [
        ([(b"host", b"x")], ""),
        ([(b"accept-language", b"en-US,en;q=0.9")], "en-US,en;q=0.9"),
        ([(b"accept-language", b"en"), (b"accept-language", b"vi")], None),  # which one counts is the router's
        ([(b"authorization", b"Bearer x")], None),
        ([(b"origin", b"https://app.example.vn")], None),
        ([(b"content-length", b"0")], None),
    ],
)
def test_the_headers_it_answers_without_the_router(headers: list[tuple[bytes, bytes]], language: str | None) -> None:
    assert _plain({"headers": headers}) == language  # type: ignore[arg-type]  # a scope with its headers only
