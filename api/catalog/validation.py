"""What a procedure document must satisfy beyond its shape, every problem at once. Pure: no I/O.

The shape (types, required fields, patterns) is msgspec's to check; these rules need the whole document
or the catalog around it: known agency kinds, periods that make sense and do not overlap, unique keys."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from datetime import date
from typing import Any

import msgspec

from api.catalog.models import CHANNEL, IDENTITY_LEVEL, FeeLine, FieldType, FormField, Procedure

FIRST_DAY = date(1900, 1, 1)  # the date bounds of contracts.md "Privacy, bounds and audit"
LAST_DAY = date(2100, 12, 31)

Error = tuple[str, str, dict[str, Any]]  # (field, message key, parameters), as core.errors.ValidationError


def decode_error(exc: msgspec.ValidationError, prefix: str = "") -> Error:
    """msgspec's message names the path (`... - at `$.fees[0].amount``); the field is that path."""
    text = str(exc)
    field = text.rpartition("at `$")[2].rstrip("`").lstrip(".") if "at `$" in text else ""
    key = "required" if text.startswith("Object missing required field") else "invalid"
    if key == "required":
        missing = text.split("`")[1] if "`" in text else ""
        field = f"{field}.{missing}" if field else missing
    return (_join(prefix, field), key, {})


def _join(prefix: str, field: str) -> str:
    if not prefix:
        return field
    return f"{prefix}{field}" if not field or field.startswith("[") else f"{prefix}.{field}"


def _dates(field: str, values: Iterable[tuple[str, date | None]]) -> list[Error]:
    return [
        (f"{field}.{name}", "invalid-date", {})
        for name, d in values
        if d is not None and not FIRST_DAY <= d <= LAST_DAY
    ]


def _periods(field: str, lines: Sequence[Any]) -> list[Error]:
    """Each period starts before it ends; two periods of one case (or one agency, one duration) never overlap."""
    errors: list[Error] = []
    for i, line in enumerate(lines):
        errors += _dates(f"{field}[{i}]", (("from", line.from_), ("to", line.to)))
        if line.to is not None and line.to < line.from_:
            errors.append((f"{field}[{i}].to", "period-ends-before-start", {}))
    for i, line in enumerate(lines):
        for j in range(i):
            other = lines[j]
            if _case(line) != _case(other):
                continue
            if _overlap(line.from_, line.to, other.from_, other.to):
                errors.append((f"{field}[{i}].from", "period-overlaps", {"other": f"{field}[{j}]"}))
    return errors


def _case(line: Any) -> str:
    return line.case if isinstance(line, FeeLine) else ""


def _overlap(a_from: date, a_to: date | None, b_from: date, b_to: date | None) -> bool:
    return (b_to is None or a_from <= b_to) and (a_to is None or b_from <= a_to)


def _fee_lines(field: str, lines: Sequence[FeeLine]) -> list[Error]:
    if not lines:
        return [(field, "empty-list", {})]
    errors: list[Error] = [
        (f"{field}[{i}].case", "case-label-mismatch", {}) for i, line in enumerate(lines) if line.case != line.cases.vi
    ]
    return errors + _periods(field, lines)


def _conditions(field: str, lines: Sequence[FeeLine], form_fields: Sequence[FormField]) -> list[Error]:
    """A line's `when` names answers a dossier can give: a field of the form, or how it is filed."""
    answers: dict[str, set[str]] = {CHANNEL: {"online", "counter"}, IDENTITY_LEVEL: {"0", "1", "2"}}
    for f in form_fields:
        if f.type is FieldType.SELECT:
            answers[f.key] = set(f.options or ())
        elif f.type is FieldType.BOOLEAN:
            answers[f.key] = {"true", "false"}
    errors: list[Error] = []
    for i, line in enumerate(lines):
        for key, values in line.when.items():
            if key not in answers:
                errors.append((f"{field}[{i}].when.{key}", "unknown-form-field", {}))
            elif not values or not set(values) <= answers[key]:
                errors.append((f"{field}[{i}].when.{key}", "invalid", {}))
    return errors


def check_procedure(p: Procedure, *, agency_kinds: Collection[str], today: date, prefix: str = "") -> list[Error]:
    """Every rule a stored procedure keeps; [] when it may be stored."""
    errors = _fees(p, today) + _offices(p, agency_kinds) + _sourced(p, today) + _shape(p)
    return [(_join(prefix, field), key, params) for field, key, params in errors]


def _fees(p: Procedure, today: date) -> list[Error]:
    """The fee lines, national and each province's: their conditions, cases and periods, and their sources."""
    errors = _conditions("fees", p.fees, p.form_fields) + _fee_lines("fees", p.fees)
    if p.provinces and not p.provincial_fee:
        errors.append(("provinces", "provinces-without-provincial-fee", {}))
    for code, override in sorted(p.provinces.items()):
        errors += _conditions(f"provinces.{code}.fees", override.fees, p.form_fields)
        errors += _fee_lines(f"provinces.{code}.fees", override.fees)
        errors += _checked(f"provinces.{code}", override.sources, override.verified_on, today)
    return errors


def _offices(p: Procedure, agency_kinds: Collection[str]) -> list[Error]:
    """Today's office and those of other periods are kinds of office the catalog knows; periods do not overlap."""
    errors: list[Error] = [] if p.agency in agency_kinds else [("agency", "unknown-agency", {})]
    errors += [
        (f"agencies[{i}].agency", "unknown-agency", {})
        for i, a in enumerate(p.agencies)
        if a.agency not in agency_kinds
    ]
    return errors + _periods("agencies", p.agencies) + _periods("durations", p.durations)


def _sourced(p: Procedure, today: date) -> list[Error]:
    errors = _checked("", p.sources, p.verified_on, today)
    if p.verified_on is None and p.unconfirmed is None:
        errors.append(("unconfirmed", "unconfirmed-needs-note", {}))
    return errors


def _shape(p: Procedure) -> list[Error]:
    """Keys unique, a mandatory paper at least, options where a field is a choice, a legal basis."""
    errors: list[Error] = []
    for field, keys in (
        ("requirements", [r.key for r in p.requirements]),
        ("form_fields", [f.key for f in p.form_fields]),
    ):
        seen: set[str] = set()
        for i, k in enumerate(keys):
            if k in seen:
                errors.append((f"{field}[{i}].key", "duplicate-key", {}))
            seen.add(k)
    if not any(r.mandatory for r in p.requirements):
        errors.append(("requirements", "empty-list", {}))
    for i, f in enumerate(p.form_fields):
        if (f.type is FieldType.SELECT) != bool(f.options):
            errors.append((f"form_fields[{i}].options", "invalid", {}))
    if not [b for b in p.legal_basis if b.strip()]:
        errors.append(("legal_basis", "empty-list", {}))
    return errors


def _checked(field: str, sources: Sequence[Any], verified_on: date | None, today: date) -> list[Error]:
    """A day a fact was checked is a day that has come."""
    base = f"{field}." if field else ""
    errors: list[Error] = [] if sources else [(f"{base}sources", "empty-list", {})]
    for i, s in enumerate(sources):
        if s.checked_on > today:
            errors.append((f"{base}sources[{i}].checked_on", "future-date", {}))
        errors += _dates(f"{base}sources[{i}]", (("checked_on", s.checked_on),))
    if verified_on is not None and verified_on > today:
        errors.append((f"{base}verified_on", "future-date", {}))
    return errors


def changed_fields(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    """The top-level fields of a procedure document that differ, in the document's order."""
    names = list(after) + [k for k in before if k not in after]
    return [k for k in names if before.get(k) != after.get(k)]
