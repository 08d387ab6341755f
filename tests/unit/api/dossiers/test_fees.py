"""Fees by quantity: per copy or per page where the catalog's fee is of one copy or one page."""

from typing import Any

import pytest

from api.catalog.service import load_catalog_data
from api.dossiers.fees import RULES, dossier_fee

PROCEDURES = {p.slug: p for p in load_catalog_data().procedures}
# the fee of one copy or page as a day's catalog says it (the rules count, the catalog dates)
UNIT = {
    "civil-status-extract-copy": 8_000,
    "judicial-record-certificate": 200_000,
    "certified-copy": 2_000,
    "birth-registration": 0,
    "passport-issuance": 200_000,
}


@pytest.mark.parametrize(
    ("slug", "form", "fee"),
    [
        ("civil-status-extract-copy", {"copies": 1}, 8_000),
        ("civil-status-extract-copy", {"copies": 2}, 16_000),
        ("civil-status-extract-copy", {"copies": 3.0}, 24_000),
        ("judicial-record-certificate", {"copies": 1}, 200_000),
        ("judicial-record-certificate", {"copies": 2}, 200_000),
        ("judicial-record-certificate", {"copies": 4}, 210_000),
        ("certified-copy", {"number_of_copies": 1, "pages_per_copy": 1}, 2_000),
        ("certified-copy", {"number_of_copies": 2, "pages_per_copy": 5}, 2 * (2 * 2_000 + 3 * 1_000)),
        ("certified-copy", {"number_of_copies": 1, "pages_per_copy": 300}, 200_000),  # at most 200,000 a copy
        ("birth-registration", {"copies": 5}, 0),
        ("passport-issuance", {}, 200_000),
    ],
)
def test_the_fee_counts_what_the_form_asks(slug: str, form: dict[str, Any], fee: int) -> None:
    assert dossier_fee(PROCEDURES[slug], form, UNIT[slug]) == (fee, [])


@pytest.mark.parametrize("copies", [0, -1, 2.5, 101, True, "2"])
def test_a_quantity_is_a_whole_number_within_reason(copies: object) -> None:
    fee, errors = dossier_fee(PROCEDURES["civil-status-extract-copy"], {"copies": copies}, 8_000)
    assert errors == [("form.copies", "invalid", {})]
    assert fee == 8_000


def test_a_missing_quantity_is_the_form_s_error_alone() -> None:
    assert dossier_fee(PROCEDURES["civil-status-extract-copy"], {}, 8_000) == (8_000, [])


def test_every_rule_is_a_procedure_of_the_catalog_whose_fee_note_counts_copies_or_pages() -> None:
    for slug in RULES:
        note = PROCEDURES[slug].fee_note
        assert note is not None
        assert any(word in note.vi for word in ("/bản", "/trang", "/Phiếu")), slug
