"""How a dossier's form is checked against its procedure's fields (`validate_form`): what is required,
what each field type accepts, the bounds of text and dates, the options of a choice, and what the
cleaned form keeps. Each error is a (path, code, parameters) triple the API turns into a problem."""

from __future__ import annotations

from typing import Any

import pytest

from api.catalog.models import FieldType, FormField, Names
from api.dossiers.models import validate_form


def field(key: str, kind: FieldType, *, required: bool = False, options: tuple[str, ...] = ()) -> FormField:
    return FormField(key=key, labels=Names(vi=key, en=key), type=kind, required=required, options=options)


def errors_of(spec: FormField, value: Any) -> list[tuple[str, str, dict[str, Any]]]:
    _, errors = validate_form((spec,), {spec.key: value})
    return errors


def accepts(spec: FormField, value: Any) -> bool:
    cleaned, errors = validate_form((spec,), {spec.key: value})
    return errors == [] and spec.key in cleaned


# ---- required and optional fields ------------------------------------------------------------------


def test_a_required_field_left_out_is_required() -> None:
    _, errors = validate_form((field("full_name", FieldType.TEXT, required=True),), {})
    assert errors == [("form.full_name", "required", {})]


@pytest.mark.parametrize("blank", [None, "", "   ", "\t\n"])
def test_a_required_field_that_is_null_or_blank_is_required(blank: str | None) -> None:
    assert errors_of(field("full_name", FieldType.TEXT, required=True), blank) == [("form.full_name", "required", {})]


@pytest.mark.parametrize("blank", [None, "", "   "])
def test_an_optional_field_left_blank_is_no_error_and_is_left_out_of_the_cleaned_form(blank: str | None) -> None:
    cleaned, errors = validate_form((field("note", FieldType.TEXT),), {"note": blank})
    assert (cleaned, errors) == ({}, [])


def test_an_optional_field_left_out_is_no_error() -> None:
    assert validate_form((field("note", FieldType.TEXT),), {}) == ({}, [])


def test_a_field_the_procedure_does_not_have_is_an_unknown_field() -> None:
    cleaned, errors = validate_form((field("note", FieldType.TEXT),), {"nickname": "Bé"})
    assert cleaned == {}
    assert errors == [("form.nickname", "unknown-field", {})]


def test_a_false_or_zero_answer_is_an_answer_not_a_missing_one() -> None:
    fields = (field("agreed", FieldType.BOOLEAN, required=True), field("copies", FieldType.NUMBER, required=True))
    assert validate_form(fields, {"agreed": False, "copies": 0}) == ({"agreed": False, "copies": 0}, [])


# ---- text --------------------------------------------------------------------------------------------


def test_text_is_kept_without_its_surrounding_spaces() -> None:
    cleaned, errors = validate_form((field("full_name", FieldType.TEXT),), {"full_name": "  Trần Minh Khang \n"})
    assert (cleaned, errors) == ({"full_name": "Trần Minh Khang"}, [])


@pytest.mark.parametrize("value", [12, 1.5, True, ["a"], {"a": 1}])
def test_text_that_is_not_a_string_is_invalid(value: Any) -> None:
    assert errors_of(field("full_name", FieldType.TEXT), value) == [("form.full_name", "invalid", {})]


def test_text_of_500_characters_is_accepted() -> None:
    assert accepts(field("address", FieldType.TEXT), "a" * 500)


def test_text_over_500_characters_is_too_long() -> None:
    assert errors_of(field("address", FieldType.TEXT), "a" * 501) == [("form.address", "too-long", {"max": 500})]


# ---- dates -------------------------------------------------------------------------------------------


def test_a_date_is_an_iso_day_kept_as_written() -> None:
    cleaned, errors = validate_form((field("born", FieldType.DATE),), {"born": "2026-11-01"})
    assert (cleaned, errors) == ({"born": "2026-11-01"}, [])


@pytest.mark.parametrize("value", ["01/11/2026", "2026-02-30", "2026-13-01", "yesterday", "2026-11-01T09:00:00x"])
def test_a_date_that_is_not_an_iso_day_is_an_invalid_date(value: str) -> None:
    assert errors_of(field("born", FieldType.DATE), value) == [("form.born", "invalid-date", {})]


@pytest.mark.parametrize("value", [20261101, 2026.5, True, ["2026-11-01"]])
def test_a_date_that_is_not_a_string_is_an_invalid_date(value: Any) -> None:
    assert errors_of(field("born", FieldType.DATE), value) == [("form.born", "invalid-date", {})]


@pytest.mark.parametrize("value", ["1900-01-01", "2100-12-31"])
def test_the_first_and_last_days_the_service_reasons_about_are_accepted(value: str) -> None:
    assert accepts(field("born", FieldType.DATE), value)


@pytest.mark.parametrize("value", ["1899-12-31", "2101-01-01", "0001-01-01", "9999-12-31"])
def test_a_date_before_1900_or_after_2100_is_out_of_range(value: str) -> None:
    assert errors_of(field("born", FieldType.DATE), value) == [
        ("form.born", "date-out-of-range", {"min": "1900-01-01", "max": "2100-12-31"})
    ]


# ---- numbers -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", [0, 3, -1, 2.5, 10**15])
def test_a_number_is_an_integer_or_a_decimal_kept_as_given(value: int | float) -> None:
    cleaned, errors = validate_form((field("copies", FieldType.NUMBER),), {"copies": value})
    assert (cleaned, errors) == ({"copies": value}, [])


@pytest.mark.parametrize("value", ["3", "three", [3], {"n": 3}])
def test_a_number_written_as_anything_else_is_not_a_number(value: Any) -> None:
    assert errors_of(field("copies", FieldType.NUMBER), value) == [("form.copies", "not-a-number", {})]


@pytest.mark.parametrize("value", [True, False])
def test_a_boolean_is_not_a_number(value: bool) -> None:
    assert errors_of(field("copies", FieldType.NUMBER), value) == [("form.copies", "not-a-number", {})]


# ---- choices -----------------------------------------------------------------------------------------


def test_a_choice_among_the_options_is_accepted() -> None:
    assert accepts(field("child_sex", FieldType.SELECT, options=("nam", "nu")), "nu")


@pytest.mark.parametrize("value", ["Nam", "nữ", "khac", 1, True])
def test_a_choice_outside_the_options_names_the_options(value: Any) -> None:
    assert errors_of(field("child_sex", FieldType.SELECT, options=("nam", "nu")), value) == [
        ("form.child_sex", "not-an-option", {"options": "nam, nu"})
    ]


def test_a_choice_is_not_trimmed_into_an_option() -> None:
    assert errors_of(field("child_sex", FieldType.SELECT, options=("nam", "nu")), " nam ") == [
        ("form.child_sex", "not-an-option", {"options": "nam, nu"})
    ]


# ---- booleans ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", [True, False])
def test_a_boolean_is_true_or_false(value: bool) -> None:
    assert accepts(field("by_post", FieldType.BOOLEAN), value)


@pytest.mark.parametrize("value", ["true", "yes", 1, 0])
def test_a_boolean_written_as_anything_else_is_not_a_boolean(value: Any) -> None:
    assert errors_of(field("by_post", FieldType.BOOLEAN), value) == [("form.by_post", "not-a-boolean", {})]


# ---- the whole form ----------------------------------------------------------------------------------


def test_every_problem_of_a_form_is_reported_at_once_and_only_valid_answers_are_kept() -> None:
    fields = (
        field("full_name", FieldType.TEXT, required=True),
        field("born", FieldType.DATE, required=True),
        field("copies", FieldType.NUMBER),
        field("child_sex", FieldType.SELECT, options=("nam", "nu")),
    )
    form = {"extra": 1, "born": "1800-01-01", "copies": 2, "child_sex": "x"}
    cleaned, errors = validate_form(fields, form)
    assert cleaned == {"copies": 2}
    assert errors == [
        ("form.extra", "unknown-field", {}),
        ("form.full_name", "required", {}),
        ("form.born", "date-out-of-range", {"min": "1900-01-01", "max": "2100-12-31"}),
        ("form.child_sex", "not-an-option", {"options": "nam, nu"}),
    ]


def test_error_paths_start_with_the_prefix_given() -> None:
    fields = (field("full_name", FieldType.TEXT, required=True),)
    _, errors = validate_form(fields, {"nick": "x"}, prefix="applicant.extra")
    assert errors == [("applicant.extra.nick", "unknown-field", {}), ("applicant.extra.full_name", "required", {})]
