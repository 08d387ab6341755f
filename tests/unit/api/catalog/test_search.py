"""Catalog search finds procedures the way the assistant understands them: abbreviations, everyday
names and English, in the first three results (GET /api/v1/procedures?q=)."""

from __future__ import annotations

from pathlib import Path

import msgspec
import pytest

from api.catalog.search import CLEARLY, LEANS, ProcedureIndex
from api.catalog.service import load_catalog_data
from assistant.nlu.understand import clear_lead

INDEX = ProcedureIndex(load_catalog_data().procedures)
DATA = Path(__file__).parents[3] / "data"
KINDS = ("abbreviation", "everyday", "english", "typo", "unaccented", "situation")


def top3(query: str) -> list[str]:
    return [slug for slug, _ in INDEX.search(query)][:3]


@pytest.mark.parametrize(
    ("query", "slug"),
    [
        ("cccd", "citizen-identity-card"),
        ("lltp", "judicial-record-certificate"),
        ("gplx", "driving-licence-renewal"),
        ("đk xe máy", "vehicle-registration"),
        ("dk tam tru", "temporary-residence-registration"),
        ("bhyt", "health-insurance-card"),
        ("ct07", "residence-confirmation"),
        ("giấy độc thân", "marital-status-certificate"),
        ("sổ đỏ", "land-use-certificate"),
        ("giấy khai tử", "death-registration"),
        ("cà vẹt", "vehicle-registration"),
        ("sang tên sổ hồng", "land-transfer-registration"),
        ("tiền già", "social-allowance"),
        ("criminal record", "judicial-record-certificate"),
        ("birth certificate", "birth-registration"),
        ("work permit", "work-permit-foreigner"),
        ("red book", "land-use-certificate"),
        ("police clearance", "judicial-record-certificate"),
        ("gplđ", "work-permit-foreigner"),
        ("vsattp", "food-safety-certificate"),
        ("tctn", "unemployment-benefit"),
        ("xn độc thân", "marital-status-certificate"),
        ("gks", "birth-registration"),
        ("sổ hồng", "land-use-certificate"),
        ("sao y bản chính", "certified-copy"),
        ("máy photo màu", "color-copier-registration"),
        ("treo băng rôn", "advertising-notice"),
        ("trợ cấp người già", "social-allowance"),
        ("mất bằng lái", "driving-licence-reissue"),
        ("food hygiene certificate", "food-safety-certificate"),
        ("notarize a contract", "contract-attestation"),
        ("single status certificate", "marital-status-certificate"),
        ("number plate", "vehicle-registration"),
        ("paternity recognition", "parent-child-recognition"),
        ("near poor household", "poor-household-certification"),
        ("elderly allowance", "social-allowance"),
        ("lost driving licence", "driving-licence-reissue"),
        ("registering a newborn", "birth-registration"),
    ],
)
def test_abbreviations_everyday_names_and_english_are_in_the_top_three(query: str, slug: str) -> None:
    assert slug in top3(query), top3(query)


@pytest.mark.parametrize(
    ("query", "slug"),
    [("khai sihn", "birth-registration"), ("ho chieu", "passport-issuance"), ("khai s", "birth-registration")],
)
def test_plain_names_typos_and_words_being_typed_still_come_first(query: str, slug: str) -> None:
    assert top3(query)[0] == slug


def test_a_name_several_procedures_share_finds_them_all() -> None:
    assert {"driving-licence-renewal", "driving-licence-reissue"} <= set(top3("bằng lái"))


def test_a_query_leading_clearly_to_one_procedure_finds_it_though_it_names_none() -> None:
    """A situation typed into a search box looks for a procedure: a belief of 0.08 or more, three times
    any other, leads; a weaker or shared lean does not."""

    def leads(ranking: list[tuple[str, float]]) -> str | None:
        return clear_lead(ranking, LEANS, CLEARLY)

    assert leads([("land-transfer-registration", 0.17), ("land-use-certificate", 0.02)]) == "land-transfer-registration"
    assert leads([("land-transfer-registration", 0.17), ("land-use-certificate", 0.06)]) is None
    assert leads([("vehicle-registration", 0.05)]) is None
    assert "land-transfer-registration" in top3("bán đất cho hàng xóm")


def test_what_names_no_procedure_finds_nothing() -> None:
    assert INDEX.search("thời tiết hôm nay") == []


@pytest.mark.parametrize(
    ("query", "slug"),
    [
        # typed without diacritics
        ("dang ky khai sinh", "birth-registration"),
        ("chung thuc ban sao", "certified-copy"),
        ("xac nhan tinh trang hon nhan", "marital-status-certificate"),
        # misspelt, with or without diacritics
        ("dang ki khai sinh", "birth-registration"),
        ("hộ chíu", "passport-issuance"),
        ("pasport", "passport-issuance"),
        ("dangkykhaisinh", "birth-registration"),
        # abbreviated
        ("dk khai sinh", "birth-registration"),
        ("đk kết hôn", "marriage-registration"),
        ("dk thuong tru", "permanent-residence-registration"),
    ],
)
def test_without_diacritics_misspelt_or_abbreviated_the_procedure_comes_first(query: str, slug: str) -> None:
    assert top3(query)[0] == slug, top3(query)


@pytest.mark.parametrize(
    ("query", "slug"),
    [
        ("tạm chú", "temporary-residence-registration"),  # ch for tr, as many pronounce them alike
        ("dấy khai sinh", "birth-registration"),  # d for gi
        ("trợ cấp btxh", "social-allowance"),  # bảo trợ xã hội
        ("ct bản sao", "certified-copy"),  # chứng thực, not công ty, here
        ("work license", "work-permit-foreigner"),
        ("đkdn", "enterprise-registration"),  # "đk" glued to the shorthand of what is registered
        ("đkxe", "vehicle-registration"),
        ("đi vắng dài ngày", "temporary-absence-declaration"),  # everyday names
        ("đăng ký người đỡ đầu", "guardianship-registration"),
    ],
)
def test_initials_said_alike_shorthands_and_plain_names_find_the_procedure(query: str, slug: str) -> None:
    assert top3(query)[0] == slug, top3(query)


def test_a_shorthand_that_stands_for_two_procedures_finds_both() -> None:
    assert {"temporary-residence-registration", "permanent-residence-registration"} <= set(top3("đk tt"))
    assert {"temporary-residence-registration", "permanent-residence-registration"} <= set(top3("đktt"))
    assert "enterprise-registration" in top3("đk ct")


def test_a_query_asked_again_has_the_same_answer_and_the_caller_cannot_change_it() -> None:
    first = INDEX.search("ho chieu")
    first.clear()
    assert INDEX.search("ho chieu") == ProcedureIndex(load_catalog_data().procedures).search("ho chieu") != []


class _Query(msgspec.Struct, frozen=True):
    query: str
    slugs: list[str]
    kind: str


def _found(name: str) -> dict[str, tuple[int, int]]:
    """Per kind of query, how many of a writer's set find one of their procedures in the first three."""
    queries = [msgspec.json.decode(line, type=_Query) for line in (DATA / name).read_text("utf-8").splitlines() if line]
    assert {q.kind for q in queries} == set(KINDS)
    assert {s for q in queries for s in q.slugs} == {p.slug for p in load_catalog_data().procedures}
    found: dict[str, tuple[int, int]] = {}
    for q in queries:
        right, total = found.get(q.kind, (0, 0))
        found[q.kind] = (right + bool(set(q.slugs) & set(top3(q.query))), total + 1)
    return found


@pytest.mark.parametrize(
    ("name", "floors"),
    [
        # the dev set, read: its misses are situations told as a query ("thuê nhà trọ", "mua xe cũ") the
        # model believes no procedure of, and a few typos and abbreviations ("tạm chú", "bấm bs xe máy")
        (
            "search_dev.jsonl",
            {"abbreviation": 35, "everyday": 35, "english": 36, "typo": 34, "unaccented": 35, "situation": 16},
        ),
        # the second writer's set, held out until measured before and after a query leaning clearly to a
        # procedure led the results (205, then 207 of 216): now dev, its misses read (ambiguous
        # shorthands, an initial said alike, a plain English name), 211 of 216 after
        (
            "search_heldout.jsonl",
            {"abbreviation": 35, "everyday": 38, "english": 38, "typo": 38, "unaccented": 37, "situation": 25},
        ),
        # the third writer's set, held out until measured with the search of 106c39f (197 of 207) and after
        # the round on the second writer's misses (199): now dev, its misses read ("đk" glued to a shorthand,
        # "đkdn"; everyday names the keywords lacked, "báo đi vắng", "người đỡ đầu"; situations the model
        # believes nothing of, "thuê nhà trọ", left as they are), 202 of 207 after
        (
            "search_heldout2.jsonl",
            {"abbreviation": 36, "everyday": 36, "english": 36, "typo": 36, "unaccented": 36, "situation": 22},
        ),
        # a fourth writer's set, held out, its misses never read: measured before the round on the second
        # writer's set (195 of 206), after it (197) and after the round on the third writer's (197)
        (
            "search_heldout3.jsonl",
            {"abbreviation": 35, "everyday": 36, "english": 36, "typo": 36, "unaccented": 36, "situation": 18},
        ),
        # a fifth writer's set, held out, its misses never read: measured before the round on the third
        # writer's set (191 of 201) and after it (192)
        (
            "search_heldout4.jsonl",
            {"abbreviation": 35, "everyday": 34, "english": 35, "typo": 35, "unaccented": 35, "situation": 18},
        ),
        # a sixth writer's set, held out, its misses never read: measured once, with the search of 266429e
        # (197 of 206), the search unchanged since
        (
            "search_heldout5.jsonl",
            {"abbreviation": 35, "everyday": 36, "english": 36, "typo": 36, "unaccented": 36, "situation": 18},
        ),
        # a seventh writer's set, held out, its misses never read: measured once, with the search of 266429e
        # (200 of 208), the search unchanged since
        (
            "search_heldout6.jsonl",
            {"abbreviation": 36, "everyday": 34, "english": 36, "typo": 36, "unaccented": 36, "situation": 22},
        ),
    ],
    ids=[
        "dev",
        "second writer, now dev",
        "third writer, now dev",
        "held out, fourth writer",
        "held out, fifth writer",
        "held out, sixth writer",
        "held out, seventh writer",
    ],
)
def test_a_blind_writers_queries_are_found_at_least_as_often_as_measured(name: str, floors: dict[str, int]) -> None:
    """Queries written by people who never saw the search: the floors are what was found when each set
    was last measured (tests/data/README.md), so any loss fails."""
    found = _found(name)
    assert {kind: right for kind, (right, _) in found.items() if right < floors[kind]} == {}, found
