"""The bounds of core/bounds.py: the nesting scan agrees with a decoder on every JSON document, and
the day, time and money ranges are the contract's."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import msgspec
from hypothesis import given
from hypothesis import strategies as st

from core.bounds import (
    MAX_JSON_DEPTH,
    MAX_MONEY,
    Nesting,
    dates_out_of_range,
    day_in_range,
    instant_in_range,
    json_nesting,
    money_in_range,
)

# strings that look like structure: brackets, quotes and backslashes inside them must count for nothing
_TEXT = st.text(alphabet=st.sampled_from('ab[]{}"\\:,é\n'), max_size=6)
_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | _TEXT,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_TEXT, inner, max_size=3),
    max_leaves=60,
)


def depth(value: Any) -> int:
    if isinstance(value, list):
        return 1 + max((depth(v) for v in value), default=0)
    if isinstance(value, dict):
        return 1 + max((depth(v) for v in value.values()), default=0)
    return 0


def nest(levels: int, inner: Any = 1) -> Any:
    for i in range(levels):
        inner = [inner] if i % 2 else {"k[{": inner}
    return inner


@given(_JSON, st.integers(min_value=0, max_value=8), st.booleans())
def test_the_scan_says_too_deep_exactly_past_the_limit(value: Any, limit: int, ascii_only: bool) -> None:
    body = json.dumps(value, ensure_ascii=ascii_only).encode()
    expected = Nesting.TOO_DEEP if depth(value) > limit else Nesting.OK
    assert json_nesting(body, limit) == expected


def test_the_contract_limit_is_32_levels() -> None:
    assert json_nesting(json.dumps(nest(32)).encode()) == Nesting.OK
    assert json_nesting(json.dumps(nest(33)).encode()) == Nesting.TOO_DEEP
    assert json_nesting(json.dumps(nest(33, '\\"]]]]')).encode()) == Nesting.TOO_DEEP  # escapes take the slow path
    assert MAX_JSON_DEPTH == 32


def test_a_body_too_deep_for_the_decoder_is_caught_before_it() -> None:
    for body in (b"[" * 100_000 + b"]" * 100_000, b'{"a":' * 50_000 + b"1" + b"}" * 50_000):
        try:
            msgspec.json.decode(body)
        except RecursionError:
            pass
        else:  # pragma: no cover - the reason for the scan
            raise AssertionError("msgspec decoded it")
        assert json_nesting(body) == Nesting.TOO_DEEP


def test_brackets_that_do_not_pair_are_not_json() -> None:
    assert json_nesting(b"[" * 40) == Nesting.UNBALANCED  # unterminated: a decoder would recurse into it
    assert json_nesting(b"[]," * 40 + b"[") == Nesting.UNBALANCED
    assert json_nesting(b"[" * 40 + b"]" * 39) == Nesting.TOO_DEEP  # both: the depth is what is said
    assert json_nesting(b'{"a": "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["}') == Nesting.OK


def test_day_time_and_money_ranges() -> None:
    assert day_in_range(date(1900, 1, 1)) and day_in_range(date(2100, 12, 31))
    assert not day_in_range(date(1899, 12, 31)) and not day_in_range(date(2101, 1, 1))
    assert not day_in_range(date(9999, 12, 31)) and not day_in_range(date(1, 1, 1))
    plus7 = timezone(timedelta(hours=7))
    assert instant_in_range(datetime(1900, 1, 1, 0, 0, tzinfo=plus7))  # the day as written
    assert instant_in_range(datetime(2100, 12, 31, 23, 59, tzinfo=timezone(timedelta(hours=-12))))
    assert not instant_in_range(datetime(1, 1, 1, tzinfo=plus7))  # converting it to UTC would overflow
    assert not instant_in_range(datetime(9999, 12, 31, 23, 59, tzinfo=UTC))
    assert instant_in_range(datetime(2026, 11, 23, 9, 0))
    assert money_in_range(0) and money_in_range(MAX_MONEY) and MAX_MONEY == 10**12
    assert not money_in_range(MAX_MONEY + 1) and not money_in_range(-1) and not money_in_range(2**63)


class _Item(msgspec.Struct):
    day: date


class _Body(msgspec.Struct):
    at: datetime
    items: list[_Item]
    extra: dict[str, Any]


def test_dates_out_of_range_names_each_field_by_its_path() -> None:
    body = _Body(
        at=datetime(9999, 1, 1, tzinfo=UTC),
        items=[_Item(date(2026, 1, 1)), _Item(date(1800, 1, 1))],
        extra={"when": date(2200, 1, 1), "fine": date(2000, 1, 1)},
    )
    assert dates_out_of_range(body) == ["at", "items[1].day", "extra.when"]
    assert dates_out_of_range(_Body(at=datetime(2026, 1, 1, tzinfo=UTC), items=[], extra={})) == []
