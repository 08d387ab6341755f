"""Which words of a message are taken for a dossier's lookup key (each one is a guess at a secret)."""

from __future__ import annotations

from assistant.dialogue import is_minted, new_session_id
from assistant.service import MAX_KEY_CANDIDATES, lookup_keys


def test_a_key_is_found_in_any_case_beside_words_with_diacritics() -> None:
    assert lookup_keys("hồ sơ của tôi, mã tra cứu 7kq2mx9p nhé") == ["7KQ2MX9P"]
    assert lookup_keys("key: 7KQ2MX9P.") == ["7KQ2MX9P"]


def test_words_that_cannot_be_keys_are_not_taken() -> None:
    # too short, too long, or with a look-alike the receipts never print (0, 1, I, L, O)
    assert lookup_keys("ho so cua toi den dau roi") == []
    assert lookup_keys("7KQ2MX9 7KQ2MX9PP 7KQ2MX0P 7KQ2MXLP") == []
    assert lookup_keys("chứngminh") == []  # a letter with a diacritic belongs to the word


def test_a_message_carries_only_a_few_guesses() -> None:
    many = " ".join(f"ABCDEFG{c}" for c in "23456789")
    assert len(lookup_keys(many)) == MAX_KEY_CANDIDATES


def test_session_ids_are_the_servers_own() -> None:
    assert is_minted(new_session_id())
    for invented in (None, "", "messenger:PSID-1", "s-7f3a", "A" * 32, "0" * 33, "0" * 31):
        assert not is_minted(invented)
