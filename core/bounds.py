"""The bounds every input is held to, wherever it enters (contracts.md, "Privacy, bounds and audit").

Each bound protects something: the event loop (search text, message text, JSON nesting, body size),
date arithmetic and PostgreSQL's ranges (dates), and the ledger (money). Pure: no I/O, no framework."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime
from typing import Annotated

from msgspec import Meta, Struct

MIN_DAY = date(1900, 1, 1)
MAX_DAY = date(2100, 12, 31)
MAX_MONEY = 10**12  # VND; far above any fee, far below int64 and PostgreSQL's bigint
MAX_SEARCH = 200  # characters of a search query
MAX_MESSAGE = 1000  # characters of a message to the assistant
MAX_JSON_DEPTH = 32

Money = Annotated[
    int, Meta(ge=0, le=MAX_MONEY, description="VND, 0 to 1,000,000,000,000", extra_json_schema={"format": "int64"})
]
MessageText = Annotated[str, Meta(max_length=MAX_MESSAGE)]


def day_in_range(value: date) -> bool:
    """A day the service can reason about: 1900-01-01 to 2100-12-31 (a day's neighbours exist, a
    working-day calendar has years for it, and the year prints as four digits)."""
    return MIN_DAY <= value <= MAX_DAY


def instant_in_range(value: datetime) -> bool:
    """A moment on a day of `day_in_range` as written (in its own offset: converting it is then safe)."""
    return day_in_range(value.date())


def money_in_range(amount: int) -> bool:
    return 0 <= amount <= MAX_MONEY


def dates_out_of_range(value: object, path: str = "") -> list[str]:
    """The fields of a decoded body (Structs, lists, dicts of them) holding a date or a time outside
    the bounds, by their path in the body ("occurred_at", "items[2].day")."""
    found: list[str] = []
    _collect_dates(value, path, found)
    return found


# What a decoded body holds most: leaves that cannot be a date, passed over before their path is written
# (every body a route takes with a date in it is walked, and writing each leaf's path was most of the walk).
_NOT_DATES: frozenset[type] = frozenset({str, int, float, bool, type(None)})


def _collect_dates(value: object, path: str, found: list[str]) -> None:
    if isinstance(value, datetime):
        if not instant_in_range(value):
            found.append(path)
        return
    if isinstance(value, date):
        if not day_in_range(value):
            found.append(path)
        return
    if isinstance(value, Struct):
        # named as the body names them (a field `from_` is "from" in JSON)
        names = zip(value.__struct_fields__, value.__struct_encode_fields__, strict=True)
        fields: Iterable[tuple[str, object]] = ((encoded, getattr(value, f)) for f, encoded in names)
    elif isinstance(value, dict):
        fields = ((str(k), v) for k, v in value.items())
    elif isinstance(value, list | tuple):
        for i, item in enumerate(value):
            if type(item) not in _NOT_DATES:
                _collect_dates(item, f"{path}[{i}]", found)
        return
    else:
        return
    for name, item in fields:
        if type(item) not in _NOT_DATES:
            _collect_dates(item, f"{path}.{name}" if path else name, found)


# A JSON string with its escapes, written so the engine runs over plain characters without
# backtracking (the unrolled form of "(?:[^"\\]|\\.)*").
_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"')
_BRACKETS = bytes.maketrans(b"[{]}", b"(())")
_NOT_BRACKETS = bytes(set(range(256)) - set(b"[]{}"))


class Nesting:
    """What a scan of a JSON body's brackets found, before any decoder recursed into it."""

    OK = "ok"
    TOO_DEEP = "too-deep"
    UNBALANCED = "unbalanced"  # brackets that do not pair: not JSON, whatever a decoder would say


def json_nesting(body: bytes, limit: int = MAX_JSON_DEPTH) -> str:
    """Whether `body` nests arrays and objects deeper than `limit`, without decoding it.

    Strings are taken out first (a bracket inside one is text), then every other byte but the
    brackets; each pass of removing the innermost empty pairs "()" takes one level off every branch,
    so a skeleton still holding a pair after `limit` passes is deeper than `limit`. Every step is a
    C loop over bytes: the cost is a few passes over the body, and nothing at all for a body with
    too few brackets to nest that deep (almost every body)."""
    if body.count(b"[") + body.count(b"{") <= limit:
        return Nesting.OK
    # without a backslash no string holds a quote, so every other piece between quotes is a string
    outside = b"".join(body.split(b'"')[::2]) if b"\\" not in body else _STRING.sub(b"", body)
    skeleton = outside.translate(_BRACKETS, _NOT_BRACKETS)
    for _ in range(limit):
        shorter = skeleton.replace(b"()", b"")
        if len(shorter) == len(skeleton):
            break
        skeleton = shorter
    if not skeleton:
        return Nesting.OK
    return Nesting.TOO_DEEP if b"()" in skeleton else Nesting.UNBALANCED
