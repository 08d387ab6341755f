"""Procedure matching and the whole understanding of one message (intent and procedure apart)."""

from __future__ import annotations

import pytest

from api.catalog.service import load_catalog_data
from assistant.nlu import Intent, normalize
from assistant.nlu.procedures import ProcedureMatcher
from assistant.nlu.understand import Understanding, understand
from assistant.nlu.words import compounds, is_syllable, stem


@pytest.fixture(scope="module")
def matcher() -> ProcedureMatcher:
    catalog = load_catalog_data()
    return ProcedureMatcher([(p.slug, [p.names.vi, p.names.en, *p.keywords]) for p in catalog.procedures])


def said(matcher: ProcedureMatcher, text: str) -> Understanding:
    return understand(normalize(text), matcher)


@pytest.mark.parametrize("word", ["khau", "nghieng", "truong", "huong", "ngoai", "cuu", "a"])
def test_vietnamese_syllables(word: str) -> None:
    assert is_syllable(word)


@pytest.mark.parametrize("word", ["tne", "pahm", "thnag", "nghoe", "registration", "online", "bnag"])
def test_typos_and_foreign_words_are_no_syllable(word: str) -> None:
    assert not is_syllable(word)


def test_foreign_words_are_stemmed_and_vietnamese_ones_left_alone() -> None:
    assert stem("registration") == stem("registering") == stem("register")
    assert stem("licence") == stem("license") == stem("licences")
    assert stem("copies") == "copy"
    assert stem("truong") == "truong"


def test_compounds_come_from_the_tokenizer() -> None:
    assert any("sinh nhật" in unit for unit in compounds("tổ chức sinh nhật cho con"))


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("lam lai bang lai xe bi mat", "driving-licence-reissue"),
        ("doi bang lai xe het han", "driving-licence-renewal"),
        ("nhap ho khua cho con", "permanent-residence-registration"),  # a syllable corrected by its pair
        ("dang ky tma tru cho sinh vien", "temporary-residence-registration"),  # a non-syllable corrected
        ("sang tên sổ hồng cho con gái", "land-transfer-registration"),  # not "sổ hồng" alone
        ("xin trích lục kết hôn", "civil-status-extract-copy"),
        ("how much does a passport cost", "passport-issuance"),
        ("registering a newborn baby", "birth-registration"),
    ],
)
def test_the_procedure_named(matcher: ProcedureMatcher, text: str, slug: str) -> None:
    assert said(matcher, text).procedure == slug


def test_a_name_with_no_question_is_procedure_info(matcher: ProcedureMatcher) -> None:
    got = said(matcher, "sổ đỏ")
    assert (got.intent, got.procedure) == (Intent.PROCEDURE_INFO, "land-use-certificate")


def test_the_intent_is_read_beside_the_name(matcher: ProcedureMatcher) -> None:
    # "transfer" names the land transfer; it does not ask about a bank transfer
    assert said(matcher, "how to transfer my land").intent is Intent.PROCEDURE_INFO
    # the other "transfer" still asks about paying, which for a named procedure is its fee
    assert said(matcher, "transfer the fee for my land transfer").intent is Intent.PROCEDURE_FEE
    assert said(matcher, "trích lục khai sinh cần giấy tờ gì").intent is Intent.PROCEDURE_DOCUMENTS


def test_close_candidates_are_asked_about(matcher: ProcedureMatcher) -> None:
    got = said(matcher, "bằng lái")
    assert got.procedure is None
    assert set(got.candidates) == {"driving-licence-renewal", "driving-licence-reissue"}
    assert set(said(matcher, "bảo hiểm").candidates) == {"health-insurance-card", "unemployment-benefit"}


@pytest.mark.parametrize(
    "text",
    ["khai sinh nhật cho bé", "thời tiết mai thế nào", "đi Vũng Tàu mất bao lâu", "lái xe lên Sa Pa mất mấy tiếng"],
)
def test_out_of_scope_is_fallback_never_a_procedure(matcher: ProcedureMatcher, text: str) -> None:
    got = said(matcher, text)
    assert (got.intent, got.procedure) == (Intent.FALLBACK, None)


def test_a_bare_question_is_left_to_the_conversation(matcher: ProcedureMatcher) -> None:
    got = said(matcher, "mất bao lâu")
    assert (got.intent, got.procedure, got.out_of_scope, got.candidates) == (
        Intent.PROCEDURE_DURATION,
        None,
        False,
        (),
    )


def test_confidences(matcher: ProcedureMatcher) -> None:
    clear = said(matcher, "làm giấy khai sinh cho con cần giấy tờ gì")
    assert clear.confidence > 0.8 and clear.procedure_confidence > 0.8
    assert said(matcher, "bằng lái").procedure_confidence < clear.procedure_confidence


def test_common_words_are_not_taken_for_typos(matcher: ProcedureMatcher) -> None:
    # "how" (not a phrase word, not a syllable) was corrected to "low"
    assert matcher.terms(normalize("how to apply"), keep={"how"}).words[0] == "how"
    assert said(matcher, "how to apply for a passport").procedure == "passport-issuance"


def test_a_typo_is_corrected_to_the_word_that_fits_both_neighbours(matcher: ProcedureMatcher) -> None:
    # "tne" is as near to "the" (thẻ) as to "ten" (tên); only "ten" pairs with "sang" and "so"
    assert said(matcher, "sang tne so do").procedure == "land-transfer-registration"


def test_a_procedure_fully_named_beside_an_off_topic_word_is_answered(matcher: ProcedureMatcher) -> None:
    assert said(matcher, "food safety certificate for my new restaurant").procedure == "food-safety-certificate"
    assert said(matcher, "học lái xe ô tô mất bao lâu").intent is Intent.FALLBACK


def test_a_question_word_far_from_the_name_stays_a_question(matcher: ProcedureMatcher) -> None:
    # "bao" of "bao lâu" completes "xin phép họp báo" from afar; it still asks how long
    assert said(matcher, "xin phep hop bo mat bao lau").intent is Intent.PROCEDURE_DURATION
