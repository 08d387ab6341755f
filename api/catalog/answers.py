"""The public catalog reads answered from bytes made once: a procedure's detail and a search's page,
per language, day and question, encoded as the response would encode them.

They are kept with the in-memory catalog they were made from (`Catalog.answers`), so an edit, which
replaces that catalog in every process (api/catalog/refresh.py: at once where it was made, on the
Redis announcement or the revision check elsewhere), starts them afresh. Measured under wrk on one
worker (bench/doors.py), building and encoding the detail was a tenth of its cost, and the search
most of the list's."""

from __future__ import annotations

from collections.abc import Hashable
from datetime import date
from typing import Any, Final

import msgspec

KEPT = 1024
"""Answers kept per catalog: every detail in both languages for a few days, and the searches most
asked (a page is a few kilobytes: a few megabytes at most). Past it the oldest go first."""


_ENCODER: Final = msgspec.json.Encoder()
"""What Litestar encodes a handler's answer with, for the types these answers hold (structs, strings,
numbers, dates, enums): the same bytes (tests/unit/api/catalog/test_answers.py)."""


def detail_key(slug: str, day: date, locale: str) -> Hashable:
    return ("detail", slug, day, locale)


def list_key(
    q: str | None, agency: str | None, online: str | None, day: date, locale: str, limit: int, offset: int
) -> Hashable:
    """`online` as its value (a str enum's equals its value, so the route's and the front's keys agree)."""
    return ("list", q, agency, online, day, locale, limit, offset)


class Answers:
    def __init__(self, kept: int = KEPT) -> None:
        self._kept = kept
        self._bytes: dict[Hashable, bytes] = {}

    def __len__(self) -> int:
        return len(self._bytes)

    def get(self, key: Hashable) -> bytes | None:
        return self._bytes.get(key)

    def keep(self, key: Hashable, answer: Any) -> bytes:
        """`answer` encoded, kept under `key`."""
        encoded = _ENCODER.encode(answer)
        if len(self._bytes) >= self._kept:
            del self._bytes[next(iter(self._bytes))]
        self._bytes[key] = encoded
        return encoded
