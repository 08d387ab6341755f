"""The phrase index: each query word matched exactly, with a typo, or (the last one) as the prefix of a
word being typed; words run together; a thing takes its best phrase; ties go to the earlier thing."""

from __future__ import annotations

from i18n.phrases import PhraseIndex

INDEX = PhraseIndex(
    [
        ("birth", [("Đăng ký khai sinh", 1.0), ("giấy khai sinh", 0.97)]),
        ("death", [("Đăng ký khai tử", 1.0)]),
        ("passport", [("Cấp hộ chiếu phổ thông", 1.0), ("passport", 0.98)]),
    ]
)


def keys(query: str, min_coverage: float = 0.6) -> list[str]:
    return [key for key, _ in INDEX.search(query, min_coverage=min_coverage)]


def test_whole_words_with_or_without_diacritics() -> None:
    assert INDEX.search("đăng ký khai sinh")[0] == ("birth", 100.0)
    assert INDEX.search("dang ky khai sinh")[0] == ("birth", 100.0)


def test_a_typo_finds_the_word_but_scores_less() -> None:
    assert 65 <= dict(INDEX.search("khai sihn"))["birth"] < dict(INDEX.search("khai sinh"))["birth"]


def test_only_the_last_word_is_taken_as_a_prefix() -> None:
    assert keys("khai si")[0] == "birth"
    assert keys("kh sinh") == []


def test_words_run_together_are_compared_whole() -> None:
    assert keys("khaisinh")[0] == "birth"


def test_ties_go_to_the_earlier_thing_and_nothing_close_finds_nothing() -> None:
    assert keys("dang ky khai") == ["birth", "death"]
    assert keys("thoi tiet hom nay") == []


def test_the_share_of_the_query_a_phrase_must_explain_can_be_lowered() -> None:
    assert keys("dang ky khai tu o dau vay") == []
    assert keys("dang ky khai tu o dau vay", min_coverage=0.3)[0] == "death"


def test_contained_finds_a_name_inside_a_longer_message() -> None:
    assert [key for key, _ in INDEX.contained(["dang", "ky", "khai", "tu", "o", "dau"])] == ["death"]
