import pytest
from hypothesis import given
from hypothesis import strategies as st

from payments.words import vnd_in_words, vnd_in_words_en


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        (0, "Không đồng"),
        (1, "Một đồng"),
        (5, "Năm đồng"),
        (10, "Mười đồng"),
        (11, "Mười một đồng"),
        (14, "Mười bốn đồng"),
        (15, "Mười lăm đồng"),
        (20, "Hai mươi đồng"),
        (21, "Hai mươi mốt đồng"),
        (24, "Hai mươi bốn đồng"),
        (25, "Hai mươi lăm đồng"),
        (101, "Một trăm linh một đồng"),
        (105, "Một trăm linh năm đồng"),
        (110, "Một trăm mười đồng"),
        (115, "Một trăm mười lăm đồng"),
        (15000, "Mười lăm nghìn đồng"),
        (200000, "Hai trăm nghìn đồng"),
        (1250000, "Một triệu hai trăm năm mươi nghìn đồng"),
        (1005000, "Một triệu không trăm linh năm nghìn đồng"),
        (1000010, "Một triệu không trăm mười đồng"),
        (1000001, "Một triệu không trăm linh một đồng"),
        (2000000000, "Hai tỷ đồng"),
        (1005000000, "Một tỷ không trăm linh năm triệu đồng"),
        (1000000000000, "Một nghìn tỷ đồng"),
        (1234567891, "Một tỷ hai trăm ba mươi bốn triệu năm trăm sáu mươi bảy nghìn tám trăm chín mươi mốt đồng"),
    ],
)
def test_vietnamese_receipt_wording(amount: int, words: str) -> None:
    assert vnd_in_words(amount) == words


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        (0, "Zero dong"),
        (21, "Twenty-one dong"),
        (105, "One hundred five dong"),
        (15000, "Fifteen thousand dong"),
        (200000, "Two hundred thousand dong"),
        (1250000, "One million two hundred fifty thousand dong"),
        (2000000000, "Two billion dong"),
    ],
)
def test_english_receipt_wording(amount: int, words: str) -> None:
    assert vnd_in_words_en(amount) == words


@pytest.mark.parametrize("amount", [-1, True])
def test_refuses_what_is_not_an_amount(amount: int) -> None:
    with pytest.raises(ValueError, match="non-negative"):
        vnd_in_words(amount)
    with pytest.raises(ValueError, match="non-negative"):
        vnd_in_words_en(amount)


_DIGIT = {"không": 0, "một": 1, "mốt": 1, "hai": 2, "ba": 3, "bốn": 4, "năm": 5, "lăm": 5}
_DIGIT |= {"sáu": 6, "bảy": 7, "tám": 8, "chín": 9}
_SCALE = {"tỷ": 10**9, "triệu": 10**6, "nghìn": 10**3}


def _read_group(words: list[str]) -> int:
    """Independent reader of 'x trăm [linh y | mười [y] | x mươi [y] | y]', for the round trip."""
    value = 0
    if "trăm" in words:
        value, words = 100 * _DIGIT[words[0]], words[2:]
    if words[:1] == ["linh"]:
        assert len(words) == 2 and words[1] not in {"mốt", "lăm"}
        return value + _DIGIT[words[1]]
    if words[:1] == ["mười"]:
        assert words[1:] != ["mốt"]
        return value + 10 + sum(_DIGIT[w] for w in words[1:])
    if "mươi" in words:
        assert words[0] not in {"một", "không"}
        return value + 10 * _DIGIT[words[0]] + sum(_DIGIT[w] for w in words[2:])
    assert words[-1:] != ["mốt"] and words[-1:] != ["lăm"]
    return value + sum(_DIGIT[w] for w in words)


def _read(words: list[str]) -> int:
    for scale, size in _SCALE.items():
        if scale in words:
            at = len(words) - 1 - words[::-1].index(scale) if scale == "tỷ" else words.index(scale)
            return _read(words[:at]) * size + _read(words[at + 1 :]) if words[at + 1 :] else _read(words[:at]) * size
    return _read_group(words) if words else 0


@given(st.integers(min_value=0, max_value=10**21))
def test_vietnamese_words_read_back_to_the_amount(amount: int) -> None:
    text = vnd_in_words(amount)
    assert text[0].isupper() and text.endswith(" đồng") and "  " not in text
    words = text.lower().removesuffix(" đồng").split()
    assert _read(words) == amount
    if amount:
        assert words[0] != "không"


@given(st.integers(min_value=1, max_value=10**21 - 1))
def test_english_words_are_well_formed(amount: int) -> None:
    text = vnd_in_words_en(amount)
    assert text[0].isupper() and text.endswith(" dong") and "  " not in text and "zero" not in text
