from datetime import UTC, date, datetime

from i18n.format import date_time, short_date, vnd
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


def test_big_amounts_group_by_thousands_in_each_language() -> None:
    assert vnd(1_250_000_000) == "1.250.000.000 ₫"
    assert vnd(1_250_000_000, "en") == "1,250,000,000 VND"
    assert vnd(999, "en") == "999 VND"


def test_moments_read_in_vietnam_time() -> None:
    # 17:30 UTC on 30 November is 00:30 on 1 December in Hồ Chí Minh City (UTC+7, no summer time)
    late = datetime(2026, 11, 30, 17, 30, tzinfo=UTC)
    assert short_date(late) == "01/12/2026"
    assert date_time(late) == "00:30 01/12/2026"
    assert short_date(late, "en") == "December 1, 2026"
    assert date_time(late, "en") == "12:30\u00a0AM, December 1, 2026"
    assert date_time(datetime(2026, 6, 1, 2, 5, tzinfo=UTC), "en") == "9:05\u00a0AM, June 1, 2026"


def test_english_dates_are_written_out_not_dd_mm() -> None:
    """03/04/2026 is 3 April to a Vietnamese reader and 4 March to an American one: English says the month."""
    assert short_date(date(2026, 4, 3), "en") == "April 3, 2026"
    assert short_date(date(2026, 4, 3)) == "03/04/2026"
    assert date_time(datetime(2026, 4, 3, 8, 0, tzinfo=UTC), "en") == "3:00\u00a0PM, April 3, 2026"


def test_a_huge_accept_language_is_read_only_as_far_as_a_browser_writes_one() -> None:
    """Every range of a 60 KB header was parsed, on every request, several times over."""
    assert negotiate(None, ",".join(["de;q=0.9"] * 10_000 + ["en"])) == "vi"
    assert negotiate(None, "de, fr;q=0.9, en;q=0.8") == "en"
