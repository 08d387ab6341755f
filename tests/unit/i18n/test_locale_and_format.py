from datetime import date

from i18n.format import short_date, vnd
from i18n.locale import negotiate
from i18n.text import fold


def test_lang_parameter_wins_over_accept_language() -> None:
    assert negotiate("en", "vi-VN,vi;q=0.9") == "en"
    assert negotiate(None, "en-US,en;q=0.9,vi;q=0.8") == "en"
    assert negotiate(None, "fr-FR, vi;q=0.5, en;q=0.4") == "vi"
    assert negotiate("xx", None) == "vi"
    assert negotiate(None, None) == "vi"


def test_money_and_dates_as_people_read_them() -> None:
    assert vnd(200000) == "200.000 ₫"
    assert vnd(200000, "en") == "200,000 VND"
    assert vnd(0) == "0 ₫"
    assert short_date(date(2026, 11, 27)) == "27/11/2026"


def test_fold_strips_diacritics_and_d_bar() -> None:
    assert fold("Đăng ký  KHAI SINH!") == "dang ky khai sinh"
    assert fold("Sổ đỏ") == "so do"
