"""Where a procedure may be filed (`filing.json`, the assistant's answer to "where") agrees with the
catalog it stands beside: it cites no document the procedure's legal basis does not hold (a
superseded circular left behind), and it sends no one to an office that no longer handles it."""

from __future__ import annotations

import re
from datetime import date

import pytest

from api.assistant_facts import load_filing
from api.catalog.service import load_catalog_data

# a numbered legal document: "55/2021/TT-BCA", "168/2025/NĐ-CP", "107/2025/QH15"
_DOCUMENT = re.compile(r"\b\d{1,3}/\d{4}/[A-ZĐ0-9]+(?:-[A-ZĐ0-9]+)*")
_CATALOG = load_catalog_data()
_FILING = load_filing()


def test_every_procedure_says_where_it_may_be_filed() -> None:
    assert {p.slug for p in _CATALOG.procedures} == set(_FILING)


@pytest.mark.parametrize("slug", sorted(_FILING))
def test_the_documents_cited_for_where_to_file_are_in_the_procedures_legal_basis(slug: str) -> None:
    procedure = next(p for p in _CATALOG.procedures if p.slug == slug)
    basis = " ".join(procedure.legal_basis)
    cited = [d for d in _DOCUMENT.findall(_FILING[slug].basis) if d not in basis]
    replaced = re.findall(r"thay (?:[^;)]*?)(\d{1,3}/\d{4}/[A-ZĐ0-9-]+)", _FILING[slug].basis)
    assert [d for d in cited if d not in replaced] == []


@pytest.mark.parametrize("slug", sorted(_FILING))
def test_where_to_file_names_no_office_that_handed_the_procedure_over(slug: str) -> None:
    procedure = next(p for p in _CATALOG.procedures if p.slug == slug)
    kinds = {k.code: k for k in _CATALOG.agency_kinds}
    today = date.today()
    former = {a.agency for a in procedure.agencies if a.to is not None and a.to < today} - {procedure.agency}
    where = _FILING[slug].where.vi.casefold()
    assert [code for code in former if kinds[code].names.vi.casefold() in where] == []
