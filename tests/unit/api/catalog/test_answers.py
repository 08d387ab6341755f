"""Answers kept as the bytes Litestar would send, at most so many, the oldest dropped first."""

from __future__ import annotations

from datetime import date

from litestar.serialization import encode_json

from api.catalog.answers import Answers
from core.paging import Page


def test_the_bytes_are_the_encoded_answer_and_the_oldest_go_first() -> None:
    answers = Answers(kept=2)
    page = Page(items=[{"on": date(2026, 12, 7)}], total=1)
    assert answers.keep("a", page) == encode_json(page) == answers.get("a")
    answers.keep("b", page)
    answers.keep("c", page)
    assert (answers.get("a"), len(answers)) == (None, 2)
    assert answers.get("c") == encode_json(page)
