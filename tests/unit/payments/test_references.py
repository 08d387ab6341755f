import itertools
import re
from collections import Counter
from collections.abc import Callable, Iterator

import pytest
from hypothesis import given
from hypothesis import strategies as st

from payments.references import ALPHABET, find_reference, new_reference

REF = "MC7K2Q9XPA"


def _bytes_from(stream: Iterator[int]) -> Callable[[int], bytes]:
    return lambda n: bytes(itertools.islice(stream, n))


def test_alphabet_has_no_ambiguous_characters() -> None:
    assert len(ALPHABET) == len(set(ALPHABET)) == 31
    assert not set("01OIL") & set(ALPHABET)


def test_new_reference_shape_with_the_system_random() -> None:
    refs = {new_reference() for _ in range(200)}
    assert len(refs) == 200
    assert all(re.fullmatch(r"MC[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{8}", ref) for ref in refs)


def test_new_reference_skips_bytes_that_would_bias_it() -> None:
    # 248..255 are rejected (248 = 8 x 31); 0 -> "2", 30 -> "Z", 31 -> "2" again.
    stream = iter([255, 248, 0, 30, 31, 252, 1, 2, 3, 4, 5])
    assert new_reference(_bytes_from(stream)) == "MC2Z234567"


def test_new_reference_is_uniform_over_every_byte_value() -> None:
    # Every byte value 8 times: 8 x 248 accepted bytes = 248 references, each character exactly 64 times.
    stream = iter(list(range(256)) * 8)
    refs = [new_reference(_bytes_from(stream)) for _ in range(248)]
    counts = Counter("".join(ref[2:] for ref in refs))
    assert set(counts) == set(ALPHABET)
    assert set(counts.values()) == {64}


@pytest.mark.parametrize(
    "memo",
    [
        "MC7K2Q9XPA",
        "mc7k2q9xpa",
        "mc 7k2q-9xpa",
        "Mc.7K2Q.9xPa",
        "MC - 7K2Q - 9XPA",
        "CT DEN:123 MC7K2Q9XPA thanh toan ho so",
        "CT DEN:123 MC7K2Q9XPA thanh toán hồ sơ",
        "IBFT Nguyen Van A chuyen tien MC7K2Q9XPA",
        "IBFT Nguyễn Văn A chuyển tiền MC7K2Q9XPA",
        "MC7K2Q9XPA-NGUYEN VAN A",
        "...FT26327123456 mc7k2q9xpa",
        "MBVCB.123.MC7K2Q9XPA.CT",
        "MBVCB.3278012345.MC7K2Q9XPA.CT tu 0011000123456 NGUYEN VAN A toi 1017595600",
        "Thanh toán lệ phí (MC7K2Q9XPA), cảm ơn",
        "nộp phí MC7K2Q9XPA; MC7K2Q9XPA",  # the same reference twice is not ambiguous
        "ＭＣ７Ｋ２Ｑ９ＸＰＡ",  # full-width, as some phone keyboards type
        "chuyen khoan\tmc_7k2q_9xpa\nhs dat dai",
    ],
)
def test_finds_the_reference_however_the_bank_mangled_it(memo: str) -> None:
    assert find_reference(memo) == REF


@pytest.mark.parametrize(
    "memo",
    [
        "",
        "chuyen tien",
        "FT26327123456",
        "IBFT Nguyen Van A chuyen tien hoc phi thang 11",
        "thanh toan ho so dat dai MC cho anh Minh",
        "MC7K2Q9XP0",  # 0 is never issued: no guessing O
        "MC7K2Q9XPO",
        "MC7K2Q9XP1",
        "MC7K2Q9XPI",
        "MC7K2Q9XPL",
        "mc7k2q9xpl",
        "MC7K2Q9XP",  # too short
        "MC7K2Q9XPAB",  # too long: part of something else
        "ABMC7K2Q9XPA",  # cut out of a longer word or id
        "12MC7K2Q9XPA",
        "MC7K2Q9XPA7",
        "MC7K2Q9XPAĐ",  # a Vietnamese letter glued on is still a letter
        "ĐMC7K2Q9XPA",
        "MC7K2Q9XPÁ",
        "MC7K2Q9XPA MC2345678A",  # two different references: ambiguous
        "mc 7k2q 9xpa va mc-23456-78a",
        "MC:7K2Q9XPA",  # a colon is not a separator inside a reference
        "MC7K2Q    9XPA",  # nor is a long run of spaces
        "MC/7K2Q9XPA",
    ],
)
def test_no_false_match(memo: str) -> None:
    assert find_reference(memo) is None


WORDS = [
    "thanh",
    "toan",
    "toán",
    "ho",
    "hồ",
    "so",
    "sơ",
    "nop",
    "nộp",
    "phi",
    "phí",
    "le",
    "lệ",
    "chuyen",
    "chuyển",
    "tien",
    "tiền",
    "khoan",
    "khoản",
    "nguyen",
    "Nguyễn",
    "van",
    "Văn",
    "a",
    "A",
    "thi",
    "Thị",
    "Hoa",
    "Trần",
    "Minh",
    "dat",
    "đất",
    "dai",
    "đai",
    "ct",
    "CT",
    "den",
    "ĐẾN",
    "IBFT",
    "FT26327123456",
    "MBVCB.3278012345",
    "tu",
    "từ",
    "0011000123456",
    "ve",
    "xa",
    "ba",
    "em",
    "anh",
    "chị",
    ":",
    "-",
]

refs = st.text(alphabet=ALPHABET, min_size=8, max_size=8).map(lambda body: "MC" + body)
word_lists = st.lists(st.sampled_from(WORDS), max_size=8)


@st.composite
def mangled(draw: st.DrawFn, ref: str) -> str:
    chars = [ch.lower() if draw(st.booleans()) else ch for ch in ref]
    seps = draw(st.lists(st.sampled_from(["", " ", "-"]), min_size=len(chars) - 1, max_size=len(chars) - 1))
    return chars[0] + "".join(sep + ch for sep, ch in zip(seps, chars[1:], strict=True))


@given(refs, word_lists, word_lists, st.data())
def test_finds_any_reference_between_vietnamese_words(
    ref: str, before: list[str], after: list[str], data: st.DataObject
) -> None:
    memo = " ".join([*before, data.draw(mangled(ref)), *after])
    assert find_reference(memo) == ref


@given(word_lists)
def test_words_and_bank_ids_alone_are_not_references(words: list[str]) -> None:
    assert find_reference(" ".join(words)) is None


@given(refs, st.integers(min_value=2, max_value=9), st.sampled_from("0O1IL01oil"))
def test_never_repairs_an_ambiguous_character(ref: str, position: int, bad: str) -> None:
    assert find_reference("chuyen tien " + ref[:position] + bad + ref[position + 1 :]) is None
