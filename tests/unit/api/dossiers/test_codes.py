from collections.abc import Callable, Iterator
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from api.dossiers.codes import (
    LOOKUP_KEY_ALPHABET,
    LOOKUP_KEY_LENGTH,
    dossier_code,
    lookup_key,
    parse_dossier_code,
)

agency_codes = st.text(alphabet="ABCDEFGHXYZ0123456789.-", min_size=1, max_size=20)
days = st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31))


def test_dossier_code_pattern() -> None:
    assert dossier_code("000.00.01.H29", date(2024, 1, 15), 1) == "000.00.01.H29-240115-0001"
    assert dossier_code("38.98.H29", date(2021, 5, 19), 13) == "38.98.H29-210519-0013"


def test_sequence_above_9999_keeps_all_digits() -> None:
    assert dossier_code("H29", date(2026, 2, 23), 9999) == "H29-260223-9999"
    assert dossier_code("H29", date(2026, 2, 23), 123456) == "H29-260223-123456"


@pytest.mark.parametrize(
    ("agency", "day", "seq"),
    [
        ("", date(2026, 1, 5), 1),
        ("H 29", date(2026, 1, 5), 1),
        ("H29", date(2026, 1, 5), 0),
        ("H29", date(1999, 12, 31), 1),
        ("H29", date(2100, 1, 1), 1),
    ],
)
def test_no_code_is_made_for_a_bad_agency_a_day_out_of_range_or_sequence_0(agency: str, day: date, seq: int) -> None:
    with pytest.raises(ValueError):  # noqa: PT011
        dossier_code(agency, day, seq)


def test_a_code_parses_into_its_agency_day_and_sequence() -> None:
    assert parse_dossier_code("000.00.01.H29-240115-0001") == ("000.00.01.H29", date(2024, 1, 15), 1)
    assert parse_dossier_code("H15.50.05.13-261008-0975") == ("H15.50.05.13", date(2026, 10, 8), 975)
    assert parse_dossier_code(" G01-X-260101-1234567 ") == ("G01-X", date(2026, 1, 1), 1234567)


@pytest.mark.parametrize(
    "code",
    [
        "",
        "H29",
        "H29-260101",
        "-260101-0001",
        "H29-261301-0001",
        "H29-260230-0001",
        "H29-26011-0001",
        "H29-260101-001",
        "H29-260101-0000",
        "H29-260101-00a1",
        "H 29-260101-0001",
        "H29-２60101-0001",
    ],
)
def test_text_that_is_not_a_dossier_code_parses_to_none(code: str) -> None:
    assert parse_dossier_code(code) is None


@given(agency_codes, days, st.integers(min_value=1, max_value=10**7))
def test_code_round_trip(agency: str, day: date, seq: int) -> None:
    code = dossier_code(agency, day, seq)
    assert parse_dossier_code(code) == (agency, day, seq)
    if seq <= 9999:
        assert len(code) == len(agency) + 12


def _bytes_from(values: list[int]) -> Callable[[int], bytes]:
    stream: Iterator[int] = iter(values)

    def rand(n: int) -> bytes:
        return bytes(next(stream) for _ in range(n))

    return rand


def test_lookup_key_alphabet_is_unambiguous() -> None:
    assert len(LOOKUP_KEY_ALPHABET) == len(set(LOOKUP_KEY_ALPHABET)) == 31
    assert not set("0O1IL") & set(LOOKUP_KEY_ALPHABET)


def test_lookup_key_is_deterministic_given_the_bytes() -> None:
    assert lookup_key(_bytes_from(list(range(8)))) == "23456789"
    assert lookup_key(_bytes_from([30, 31, 61, 247] + [0] * 4)) == "Z2ZZ2222"


def test_lookup_key_rejects_biased_bytes() -> None:
    # 248..255 would favour the first 8 characters; they are skipped and more bytes drawn.
    drawn: list[int] = []
    source = _bytes_from([248, 255, 250, 8, 9, 10, 11, 12, 13, 14, 15])

    def rand(n: int) -> bytes:
        drawn.append(n)
        return source(n)

    assert lookup_key(rand) == "ABCDEFGH"
    assert drawn == [8, 3]


def test_lookup_key_refuses_an_empty_source() -> None:
    with pytest.raises(ValueError, match="no bytes"):
        lookup_key(lambda n: b"")


def test_lookup_key_default_source() -> None:
    key = lookup_key()
    assert len(key) == LOOKUP_KEY_LENGTH
    assert set(key) <= set(LOOKUP_KEY_ALPHABET)


@given(st.binary(min_size=64, max_size=64))
def test_lookup_key_length_and_alphabet(pool: bytes) -> None:
    # Enough acceptable bytes: the pool is padded with zeros so rejection never runs dry.
    stream = iter(pool + bytes(64))

    def rand(n: int) -> bytes:
        return bytes(next(stream) for _ in range(n))

    key = lookup_key(rand)
    assert len(key) == LOOKUP_KEY_LENGTH
    assert set(key) <= set(LOOKUP_KEY_ALPHABET)


def test_lookup_key_is_uniform_over_all_accepted_bytes() -> None:
    counts = dict.fromkeys(LOOKUP_KEY_ALPHABET, 0)
    for start in range(0, 248, 8):
        for ch in lookup_key(_bytes_from(list(range(start, start + 8)))):
            counts[ch] += 1
    assert set(counts.values()) == {8}
