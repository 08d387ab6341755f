"""Normalization: NFC, teencode expansion, folding, English detection (its cost: bench/nlu.py)."""

from __future__ import annotations

import unicodedata

import pytest

from assistant.nlu.normalize import ABBREVIATIONS, is_english, normalize


@pytest.mark.parametrize(
    ("typed", "text"),
    [
        ("ko dc", "không được"),
        ("hok đc", "không được"),
        ("lm ho chieu can j", "làm ho chieu can gì"),
        ("le phi bnhiu", "le phi bao nhiêu"),
        ("hs cua mk den dau r", "hồ sơ cua mình den dau rồi"),
        ("dki gplx ntn", "đăng ký giấy phép lái xe như thế nào"),
        ("đki cccd", "đăng ký căn cước công dân"),
        ("xin lltp vs bhyt", "xin lý lịch tư pháp với bảo hiểm y tế"),
        ("thutuc hkd mat bn tg", "thủ tục hộ kinh doanh mat bao nhiêu thời gian"),
        ("cho e hoi a", "cho em hoi anh"),
        ("ks cho be dc k ad", "khai sinh cho be được không admin"),
        ("lm hc onl dc ko mn", "làm hộ chiếu online được không mọi người"),
        ("dk ho kd", "đăng ký ho kinh doanh"),
        ("xin giay atvstp", "xin giay an toàn vệ sinh thực phẩm"),
        ("gcn lan dau", "giấy chứng nhận lan dau"),
        ("the hdv", "the hướng dẫn viên"),
    ],
)
def test_teencode_is_expanded_with_diacritics(typed: str, text: str) -> None:
    assert normalize(typed).text == text


def test_abbreviations_that_stand_for_two_things_are_left_to_the_models() -> None:
    # "tt": thủ tục or thanh toán; "ck": chuyển khoản or chữ ký; "kt": kiểm tra or khai tử
    assert normalize("tt ck kt hd").text == "tt ck kt hd"


def test_real_words_and_accented_words_are_left_alone() -> None:
    # "mat", "lam", "to" are real Vietnamese words typed without diacritics: no guessing.
    assert normalize("mat bao lau").text == "mat bao lau"
    assert normalize("giay to").text == "giay to"
    # an accented "gì" is already right; "sổ đỏ" stays.
    assert normalize("Cần gì để làm sổ đỏ?").text == "cần gì để làm sổ đỏ"


def test_text_is_nfc_lowercase_and_tone_marks_meet_when_folded() -> None:
    decomposed = unicodedata.normalize("NFD", "Hộ Chiếu")
    assert normalize(decomposed).text == "hộ chiếu"
    assert normalize("Thuỷ lợi, HOÀ BÌNH").folded == normalize("thủy lợi hòa bình").folded == "thuy loi hoa binh"
    assert normalize("  Làm   hộ chiếu ở đâu???  ").raw == "  Làm   hộ chiếu ở đâu???  "


def test_folded_and_words() -> None:
    n = normalize("Lệ phí đăng ký khai sinh bn?")
    assert n.folded == "le phi dang ky khai sinh bao nhieu"
    assert n.words == ("le", "phi", "dang", "ky", "khai", "sinh", "bao", "nhieu")


def test_elongation_is_undone() -> None:
    assert normalize("chàooo").text == "chào"
    assert normalize("cam onn").folded == "cam on"
    assert normalize("o dauu").folded == "o dau"


def test_empty_and_punctuation_only() -> None:
    for text in ("", "   ", "???", "😀"):
        n = normalize(text)
        assert n.text == "" and n.folded == "" and n.words == () and not n.english


@pytest.mark.parametrize(
    "text",
    [
        "how much is a passport",
        "What documents do I need?",
        "where is my application",
        "thank you",
        "hello",
        "I want to talk to a person",
        # English words off the list, known by their shape: no Vietnamese syllable looks like them
        "I'm a Vietnamese student renting a room in Saigon",
        "My company wants to hire a Korean engineer",
        "I'm opening a small restaurant in Hoi An",
    ],
)
def test_english_is_detected(text: str) -> None:
    n = normalize(text)
    assert n.english
    assert n.text == " ".join(n.text.split())  # nothing expanded: "a" stays "a"


@pytest.mark.parametrize(
    "text",
    [
        "lam ho chieu o dau",
        "le phi bao nhieu",
        "can giay to gi",
        "to khai can gi",
        "ban co the cho toi hoi",
        "hi ad",
        "cam on ad",
        "Làm hộ chiếu ở đâu?",
        "thu tuc dang ky kinh doanh",
        "",
        # chat spellings, a few English words, a syllable typed long: still Vietnamese
        "e mun ban do an vat online tai nha thi can lm giay to j ko ad",
        "lam passport fee bao nhieu vay",
        "nguoi than mat o hospital khac tinh thi khai tu o dau",
        "chàooo",
        "ntn",
    ],
)
def test_vietnamese_without_diacritics_is_not_english(text: str) -> None:
    assert not normalize(text).english


def test_english_keeps_a_and_is_not_expanded() -> None:
    assert normalize("how much is a passport").text == "how much is a passport"
    assert normalize("My company wants to hire a Korean engineer").words[5] == "a"
    assert is_english(["passport"]) and not is_english(["ho", "chieu"]) and not is_english([])


def test_abbreviation_keys_are_folded_and_expansions_accented() -> None:
    assert ABBREVIATIONS["ko"] == "không" and ABBREVIATIONS["dc"] == "được"
    for key, value in ABBREVIATIONS.items():
        assert key == key.lower() and " " not in key and value


def test_the_uu_of_cuu_is_no_elongation() -> None:
    assert normalize("tra cuu ho so").folded == "tra cuu ho so"
    assert normalize("luu y").folded == "luu y"
    assert normalize("o dauu").folded == "o dau"


@pytest.mark.parametrize(
    ("typed", "same_as"),
    [
        ("đăng kí kết hôn", "đăng ký kết hôn"),
        ("dang ki xe", "dang ky xe"),
        ("xin lí lịch tư pháp", "xin lý lịch tư pháp"),
    ],
)
def test_the_i_and_y_spellings_of_a_syllable_fold_alike(typed: str, same_as: str) -> None:
    assert normalize(typed).folded == normalize(same_as).folded
    assert normalize(typed).words == normalize(same_as).words


def test_english_keeps_its_i_and_y() -> None:
    assert normalize("Hi, Li here").words == ("hi", "li", "here")
