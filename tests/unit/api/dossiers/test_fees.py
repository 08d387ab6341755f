"""Fees by quantity: per copy or per page where the catalog's fee is of one copy or one page."""

from datetime import date
from typing import Any

import msgspec
import pytest

from api.catalog.models import Names, resolve
from api.catalog.service import load_catalog_data
from api.dossiers.fees import RULES, dossier_fee

PROCEDURES = {p.slug: p for p in load_catalog_data().procedures}
DAY = date(2026, 12, 6)


def fee(slug: str, form: dict[str, Any], channel: str = "online") -> tuple[int, list[Any]]:
    procedure = PROCEDURES[slug]
    owed, errors = dossier_fee(procedure, form, resolve(procedure, DAY, "79"), channel)
    return owed, list(errors)


@pytest.mark.parametrize(
    ("slug", "form", "owed"),
    [
        ("civil-status-extract-copy", {"copies": 1}, 8_000),
        ("civil-status-extract-copy", {"copies": 2}, 16_000),
        ("civil-status-extract-copy", {"copies": 3.0}, 24_000),
        ("judicial-record-certificate", {"copies": 4}, 200_000),  # not counted (api/dossiers/fees.py)
        ("certified-copy", {"number_of_copies": 1, "pages_per_copy": 1}, 2_000),
        ("certified-copy", {"number_of_copies": 2, "pages_per_copy": 5}, 2 * (2 * 2_000 + 3 * 1_000)),
        ("certified-copy", {"number_of_copies": 1, "pages_per_copy": 300}, 200_000),  # at most 200,000 a copy
        ("birth-registration", {"copies": 5}, 0),
        ("passport-issuance", {"request_type": "cap_lan_dau"}, 200_000),
    ],
)
def test_the_fee_counts_what_the_form_asks(slug: str, form: dict[str, Any], owed: int) -> None:
    assert fee(slug, form) == (owed, [])


@pytest.mark.parametrize("copies", [0, -1, 2.5, 101, True, "2"])
def test_a_quantity_is_a_whole_number_within_reason(copies: object) -> None:
    owed, errors = fee("civil-status-extract-copy", {"copies": copies})
    assert errors == [("form.copies", "invalid", {})]
    assert owed == 8_000


def test_a_missing_quantity_is_the_form_s_error_alone() -> None:
    assert fee("civil-status-extract-copy", {}) == (8_000, [])


@pytest.mark.parametrize(
    ("slug", "form", "channel", "owed"),
    [
        # Thông tư 73/2024/TT-BTC charges a renewal and a re-issue, never a first card
        ("citizen-identity-card", {"request_type": "cap_moi"}, "online", 0),
        ("citizen-identity-card", {"request_type": "cap_doi"}, "online", 25_000),
        ("citizen-identity-card", {"request_type": "cap_lai"}, "online", 35_000),
        ("passport-issuance", {"request_type": "cap_doi"}, "online", 200_000),
        ("passport-issuance", {"request_type": "cap_lai_do_mat_hong"}, "online", 400_000),
        ("tourist-guide-card", {"card_type": "tai_diem"}, "online", 200_000),
        ("permanent-residence-registration", {}, "online", 10_000),
        ("permanent-residence-registration", {}, "counter", 20_000),
    ],
)
def test_the_case_the_form_names_is_the_one_charged(slug: str, form: dict[str, Any], channel: str, owed: int) -> None:
    """A first identity card was charged the renewal fee: the summary's first case."""
    assert fee(slug, form, channel) == (owed, [])


def test_every_rule_is_a_procedure_of_the_catalog_whose_fee_note_counts_copies_or_pages() -> None:
    for slug in RULES:
        note = PROCEDURES[slug].fee_note
        assert note is not None
        assert any(word in note.vi for word in ("/bản", "/trang", "/Phiếu")), slug


def test_a_line_for_level_2_accounts_wins_over_the_line_it_waives_and_only_for_them() -> None:
    catalog = PROCEDURES["citizen-identity-card"]  # without the catalog's own waivers, to add one of ours
    procedure = msgspec.structs.replace(
        catalog, fees=tuple(line for line in catalog.fees if "identity_level" not in line.when)
    )
    renewal = next(
        line for line in procedure.fees if line.in_force(DAY) and line.when == {"request_type": ("cap_doi",)}
    )
    waiver = msgspec.structs.replace(
        renewal,
        amount=0,
        case="Miễn",
        cases=Names(vi="Miễn", en="Waived"),
        when={**renewal.when, "identity_level": ("2",)},
    )
    waived = msgspec.structs.replace(procedure, fees=(*procedure.fees, waiver))
    form = {"request_type": "cap_doi"}
    resolved = resolve(waived, DAY, "79")
    owed = {level: dossier_fee(waived, form, resolved, "online", level)[0] for level in (0, 1, 2)}
    assert owed == {0: renewal.amount, 1: renewal.amount, 2: 0}
    assert dossier_fee(waived, {"request_type": "cap_lai"}, resolved, "online", 2)[0] > 0  # another case pays


@pytest.mark.parametrize(
    ("day", "request_type", "owed_by_level"),
    [
        # the catalog review of 6/12/2026: Thông tư 64/2025 halves the renewal and re-issue fees to 31/12/2026,
        # Thông tư 117/2026 waives them for eligible level-2 accounts from 15/8/2026 to 28/2/2027
        (date(2026, 8, 14), "cap_doi", {0: 25_000, 2: 25_000}),
        (date(2026, 12, 6), "cap_doi", {0: 25_000, 2: 0}),
        (date(2026, 12, 6), "cap_lai", {0: 35_000, 2: 0}),
        (date(2027, 1, 1), "cap_doi", {0: 50_000, 2: 0}),  # the others pay the base rate again
        (date(2027, 2, 28), "cap_lai", {0: 70_000, 2: 0}),
        (date(2027, 3, 1), "cap_doi", {0: 50_000, 2: 50_000}),  # the base rates for all
        (date(2027, 3, 1), "cap_moi", {0: 0, 2: 0}),
    ],
)
def test_an_identity_card_owes_by_the_day_and_the_account_s_level(
    day: date, request_type: str, owed_by_level: dict[int, int]
) -> None:
    procedure = PROCEDURES["citizen-identity-card"]
    resolved = resolve(procedure, day, "79")
    form = {"request_type": request_type}
    owed = {level: dossier_fee(procedure, form, resolved, "online", level)[0] for level in owed_by_level}
    assert owed == owed_by_level
