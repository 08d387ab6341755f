"""The seed catalog (api/catalog/data/procedures.json) against its model and the public slug contract."""

import re
import unicodedata
from collections import Counter
from datetime import date
from pathlib import Path

import msgspec
import pytest

from api.catalog.models import CatalogData, FieldType, OnlineService, Procedure, ResultKind, resolve
from api.catalog.validation import check_procedure


def _repo_root() -> Path:
    for parent in Path(__file__).resolve().parents:
        if (parent / "pyproject.toml").is_file():
            return parent
    raise AssertionError("repository root (pyproject.toml) not found")


ROOT = _repo_root()
DATA_FILE = ROOT / "api" / "catalog" / "data" / "procedures.json"
SLUGS_FILE = ROOT / "tests" / "data" / "catalog-slugs.md"  # a copy of the contract, so a clone alone checks it
SHARED_SLUGS_FILE = ROOT / ".." / "shared" / "catalog-slugs.md"  # the contract itself, beside the repository

SLUG_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
ROW_RE = re.compile(r"^\|\s*([^|]+?)\s*\|\s*([^|]+?)\s*\|\s*([^|]+?)\s*\|\s*$")
OPTION_RE = re.compile(r"^[a-z0-9_]+$")


@pytest.fixture(scope="module")
def raw() -> bytes:
    return DATA_FILE.read_bytes()


@pytest.fixture(scope="module")
def catalog(raw: bytes) -> CatalogData:
    return msgspec.json.decode(raw, type=CatalogData)


@pytest.fixture(scope="module")
def procedures(catalog: CatalogData) -> tuple[Procedure, ...]:
    return catalog.procedures


def _slug_table() -> dict[str, tuple[str, str]]:
    table: dict[str, tuple[str, str]] = {}
    for line in SLUGS_FILE.read_text(encoding="utf-8").splitlines():
        match = ROW_RE.match(line)
        if match is None:
            continue
        slug, vi, en = match.groups()
        if slug == "slug" or not SLUG_RE.match(slug):
            continue
        table[slug] = (vi, en)
    return table


def test_file_decodes_into_catalog_data(catalog: CatalogData) -> None:
    assert catalog.agency_kinds
    assert catalog.procedures


def test_file_is_nfc_utf8(raw: bytes) -> None:
    text = raw.decode("utf-8")
    assert unicodedata.normalize("NFC", text) == text


def test_the_copied_slug_list_is_the_contract_s_own() -> None:
    if not SHARED_SLUGS_FILE.is_file():
        pytest.skip(f"no contract beside the repository to compare the copy with ({SHARED_SLUGS_FILE})")
    assert SLUGS_FILE.read_text(encoding="utf-8") == SHARED_SLUGS_FILE.read_text(encoding="utf-8")


def test_slugs_match_the_contract(procedures: tuple[Procedure, ...]) -> None:
    table = _slug_table()
    assert len(table) == 40
    by_slug = {p.slug: p for p in procedures}
    assert set(by_slug) == set(table)
    for slug, (vi, en) in table.items():
        assert by_slug[slug].names.vi == vi, slug
        assert by_slug[slug].names.en == en, slug


def test_no_two_procedures_share_a_slug(procedures: tuple[Procedure, ...]) -> None:
    counts = Counter(p.slug for p in procedures)
    assert [s for s, n in counts.items() if n > 1] == []


def test_agency_kinds_are_unique_and_ubnd_xa_is_the_commune_level(catalog: CatalogData) -> None:
    codes = [a.code for a in catalog.agency_kinds]
    assert len(codes) == len(set(codes))
    commune = {a.code: a for a in catalog.agency_kinds}["UBND-XA"]
    assert commune.level == "commune"
    assert commune.names.vi == "Ủy ban nhân dân cấp xã"


def test_every_agency_is_a_known_kind(catalog: CatalogData) -> None:
    codes = {a.code for a in catalog.agency_kinds}
    assert [p.slug for p in catalog.procedures if p.agency not in codes] == []


@pytest.mark.parametrize("field", ["requirements", "form_fields"])
def test_keys_unique_within_a_procedure(procedures: tuple[Procedure, ...], field: str) -> None:
    for p in procedures:
        keys = [item.key for item in getattr(p, field)]
        assert len(keys) == len(set(keys)), (p.slug, keys)


def test_select_fields_have_options_and_others_none(procedures: tuple[Procedure, ...]) -> None:
    for p in procedures:
        for f in p.form_fields:
            if f.type is FieldType.SELECT:
                assert len(f.options) >= 2, (p.slug, f.key)
                assert len(set(f.options)) == len(f.options), (p.slug, f.key)
                assert all(OPTION_RE.match(o) for o in f.options), (p.slug, f.key, f.options)
            else:
                assert f.options == (), (p.slug, f.key)


REVIEWED = date(2026, 12, 6)  # the day the catalog's facts were last checked against their sources


def test_every_procedure_keeps_every_rule_of_an_edit(catalog: CatalogData) -> None:
    kinds = {k.code for k in catalog.agency_kinds}
    assert {p.slug: check_procedure(p, agency_kinds=kinds, today=REVIEWED) for p in catalog.procedures} == {
        p.slug: [] for p in catalog.procedures
    }


def test_every_procedure_is_sourced_and_dated_or_says_what_is_unconfirmed(procedures: tuple[Procedure, ...]) -> None:
    for p in procedures:
        assert p.sources and all(s.url.startswith(("https://", "http://")) for s in p.sources), p.slug
        assert p.fees and all(line.basis.strip() for line in p.fees), p.slug
        assert p.verified_on is not None or (p.unconfirmed and p.unconfirmed.vi and p.unconfirmed.en), p.slug


def test_a_fee_line_is_in_force_on_the_review_day_for_every_procedure(procedures: tuple[Procedure, ...]) -> None:
    assert [p.slug for p in procedures if resolve(p, REVIEWED, "79").fee_line is None] == []


def test_national_codes_are_the_few_confirmed(procedures: tuple[Procedure, ...]) -> None:
    """A code of the National Database on Administrative Procedures only where read on a public portal."""
    assert {p.slug: p.national_code for p in procedures if p.national_code} == {
        "marital-status-certificate": "1.004873",
        "press-conference-permit": "2.001171",
    }


def test_every_procedure_has_a_mandatory_requirement(procedures: tuple[Procedure, ...]) -> None:
    assert [p.slug for p in procedures if not any(r.mandatory for r in p.requirements)] == []


def test_every_procedure_has_a_legal_basis(procedures: tuple[Procedure, ...]) -> None:
    for p in procedures:
        assert p.legal_basis, p.slug
        assert all(b.strip() for b in p.legal_basis), p.slug


def test_every_procedure_has_2_to_6_papers_2_to_6_fields_and_8_to_20_keywords(
    procedures: tuple[Procedure, ...],
) -> None:
    for p in procedures:
        assert 2 <= len(p.requirements) <= 6, p.slug
        assert 2 <= len(p.form_fields) <= 6, p.slug
        assert 8 <= len(p.keywords) <= 20, p.slug


def test_full_online_means_electronic_result(procedures: tuple[Procedure, ...]) -> None:
    for p in procedures:
        if p.online is OnlineService.FULL:
            assert p.result is ResultKind.ELECTRONIC, p.slug


def test_keywords_distinct_across_procedures(procedures: tuple[Procedure, ...]) -> None:
    owners: dict[str, str] = {}
    for p in procedures:
        for k in p.keywords:
            assert k == k.strip().lower(), (p.slug, k)
            assert owners.setdefault(k, p.slug) == p.slug, (k, owners[k], p.slug)


def test_birth_registration_contract(procedures: tuple[Procedure, ...]) -> None:
    birth = {p.slug: p for p in procedures}["birth-registration"]
    assert birth.agency == "UBND-XA"
    assert resolve(birth, REVIEWED, "79").fee == 0
    reqs = {r.key: r for r in birth.requirements}
    assert reqs["birth-certificate"].mandatory
    assert reqs["birth-certificate"].original
    assert "declaration-form" in reqs
    fields = {f.key: f for f in birth.form_fields}
    assert fields["child_full_name"].type is FieldType.TEXT
    assert fields["child_full_name"].required
    assert fields["child_sex"].type is FieldType.SELECT
    assert fields["child_sex"].options == ("nam", "nu")
