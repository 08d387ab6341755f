"""The law on the day: which fee line, office and time limit hold, and what an edit may not say."""

from __future__ import annotations

from datetime import date
from typing import Any

import msgspec
import pytest

from api.catalog.models import FeeScope, Procedure, primary_fee, resolve
from api.catalog.service import load_catalog_data
from api.catalog.validation import changed_fields, check_procedure, decode_error

SEED = {p.slug: p for p in load_catalog_data().procedures}
KINDS = {k.code for k in load_catalog_data().agency_kinds}
TODAY = date(2026, 12, 7)


def line(amount: int, case: str, start: str, end: str | None = None) -> dict[str, Any]:
    return {"amount": amount, "case": case, "cases": {"vi": case, "en": case}, "from": start, "to": end, "basis": "TT"}


def procedure(slug: str = "passport-issuance", **changes: Any) -> Procedure:
    doc = msgspec.json.decode(msgspec.json.encode(SEED[slug]))
    doc.update(changes)
    return msgspec.convert(doc, Procedure)


def test_the_fee_is_the_first_line_s_case_in_force_that_day() -> None:
    p = procedure(
        fees=[line(100, "A", "2025-01-01", "2025-12-31"), line(5, "B", "2025-01-01"), line(200, "A", "2026-01-01")]
    )
    fees = {day: resolve(p, date.fromisoformat(day), "79").fee for day in ("2024-12-31", "2025-06-01", "2026-01-01")}
    assert fees == {"2024-12-31": 0, "2025-06-01": 100, "2026-01-01": 200}
    assert [f.amount for f in resolve(p, date(2025, 6, 1), "79").fees] == [100, 5]


def test_without_the_first_case_that_day_the_first_line_in_force_is_the_fee() -> None:
    lines = procedure(fees=[line(100, "A", "2025-01-01", "2025-12-31"), line(7, "B", "2024-01-01")]).fees
    assert primary_fee(lines, date(2026, 3, 1)) == lines[1]
    assert primary_fee(lines, date(2023, 3, 1)) is None


def test_periods_are_inclusive_at_both_ends() -> None:
    p = procedure(fees=[line(1, "A", "2025-07-01", "2026-12-31"), line(2, "A", "2027-01-01")])
    assert [resolve(p, date.fromisoformat(d), "79").fee for d in ("2025-07-01", "2026-12-31", "2027-01-01")] == [
        1,
        1,
        2,
    ]


def test_a_province_s_own_fee_applies_there_and_is_confirmed_only_with_its_check() -> None:
    ours = {
        "fees": [line(5000, "A", "2026-01-01")],
        "sources": [{"title": "NQ", "url": "https://x.vn", "checked_on": "2026-11-01"}],
    }
    p = procedure("marital-status-certificate", provinces={"79": ours, "01": {**ours, "verified_on": "2026-11-01"}})
    here, hanoi, elsewhere = (resolve(p, TODAY, code) for code in ("79", "01", "48"))
    assert (here.fee, here.fee_confirmed, here.fee_scope) == (5000, False, FeeScope.PROVINCE)
    assert (hanoi.fee, hanoi.fee_confirmed) == (5000, True)
    assert (elsewhere.fee, elsewhere.fee_confirmed) == (SEED["marital-status-certificate"].fees[0].amount, False)


def test_the_office_and_the_time_limit_of_other_periods() -> None:
    p = SEED["judicial-record-certificate"]
    assert (resolve(p, date(2025, 2, 28), "79").agency, resolve(p, date(2025, 3, 1), "79").agency) == (
        "SO-TU-PHAP",
        "CONG-AN-TINH",
    )
    assert (
        resolve(p, date(2026, 6, 30), "79").processing_days,
        resolve(p, date(2026, 7, 1), "79").processing_days,
    ) == (
        10,
        5,
    )


def _errors(p: Procedure) -> set[str]:
    return {field for field, _, _ in check_procedure(p, agency_kinds=KINDS, today=TODAY)}


def test_the_seed_keeps_every_rule() -> None:
    assert {slug: _errors(p) for slug, p in SEED.items()} == {slug: set() for slug in SEED}


@pytest.mark.parametrize(
    ("changes", "fields"),
    [
        ({"fees": []}, {"fees"}),
        ({"sources": []}, {"sources"}),
        ({"fees": [line(1, "A", "2026-01-01", "2025-01-01")]}, {"fees[0].to"}),
        ({"fees": [line(1, "A", "2026-01-01"), line(2, "A", "2026-06-01", "2026-07-01")]}, {"fees[1].from"}),
        ({"fees": [line(1, "A", "2026-01-01"), line(2, "B", "2026-06-01")]}, set()),
        ({"fees": [line(1, "A", "1850-01-01")]}, {"fees[0].from"}),
        ({"fees": [{**line(1, "A", "2026-01-01"), "case": "Khác"}]}, {"fees[0].case"}),
        ({"agency": "NOPE"}, {"agency"}),
        ({"verified_on": None, "unconfirmed": None}, {"unconfirmed"}),
        ({"verified_on": "2027-01-01"}, {"verified_on"}),
        (
            {"provinces": {"01": {"fees": [line(1, "A", "2026-01-01")], "sources": []}}},
            {"provinces", "provinces.01.sources"},
        ),
        (
            {"agencies": [{"agency": "NOPE", "from": "2020-01-01", "to": "2020-12-31", "basis": "x"}]},
            {"agencies[0].agency"},
        ),
    ],
)
def test_what_an_edit_may_not_say(changes: dict[str, Any], fields: set[str]) -> None:
    assert _errors(procedure(**changes)) == fields


def test_a_shape_error_names_its_field() -> None:
    with pytest.raises(msgspec.ValidationError) as wrong:
        msgspec.convert({**msgspec.to_builtins(SEED["passport-issuance"]), "fees": [{"amount": "x"}]}, Procedure)
    assert decode_error(wrong.value, "procedures[3]")[0] == "procedures[3].fees[0].amount"
    with pytest.raises(msgspec.ValidationError) as missing:
        msgspec.convert({"slug": "x"}, Procedure)
    assert decode_error(missing.value)[:2] == ("names", "required")


def test_changed_fields_are_the_top_level_ones_that_differ() -> None:
    assert changed_fields({"a": 1, "b": [1], "c": 3}, {"a": 1, "b": [2], "d": 4}) == ["b", "d", "c"]
