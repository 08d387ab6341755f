"""Reading a province's official office codes and names (a CSV with the columns code, name, level,
ward, and optionally kind) onto the seeded offices. Pure: every row is checked before anything is
applied, and one bad row refuses the whole file.

A row names its office by level and ward: a commune-level row by the ward, commune or special zone
(its name after the reform, with or without "Phường"/"Xã", or its ward code) and, since each has a
People's Committee and a police office, by its name ("UBND …", "Ủy ban nhân dân …", "Công an …") or
a `kind` column; a province-level row by the department its name starts with ("Sở Tư pháp …")."""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from dataclasses import dataclass

from api.agencies.models import Office
from api.agencies.offices import PROVINCIAL
from api.catalog.models import Level
from i18n.text import fold

COLUMNS = ("code", "name", "level", "ward")
# the national shape G4.G3.G2.G1 of Quyết định 20/2020/QĐ-TTg, e.g. 000.21.30.H29
CODE = re.compile(r"^[0-9A-Z]{3}\.[0-9A-Z]{2}\.[0-9A-Z]{2}\.[A-Z][0-9]{2}$")
MAX_NAME = 200
# folded name starts -> kind, for rows without a kind column
COMMUNE_NAMES = [("cong an", "CONG-AN-XA"), ("ubnd", "UBND-XA"), ("uy ban nhan dan", "UBND-XA")]
DEPARTMENT_NAMES = [(fold(vi), kind) for kind, vi, _ in PROVINCIAL]


@dataclass(frozen=True)
class Change:
    old_code: str
    code: str
    name: str


@dataclass(frozen=True)
class _Row:
    line: int
    code: str
    name: str
    level: str
    ward: str
    kind: str


def parse(text: str) -> tuple[list[_Row], list[str]]:
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [h.strip().lower() for h in reader.fieldnames or []]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        return [], [f"line 1: the header needs the columns {', '.join(COLUMNS)} (missing: {', '.join(missing)})"]
    reader.fieldnames = header
    rows = []
    for record in reader:
        values = {k: (v or "").strip() for k, v in record.items() if isinstance(k, str)}
        if not any(values.values()):
            continue
        rows.append(
            _Row(
                line=reader.line_num,
                code=values.get("code", ""),
                name=" ".join(values.get("name", "").split()),
                level=values.get("level", "").lower(),
                ward=values.get("ward", ""),
                kind=values.get("kind", "").upper(),
            )
        )
    return rows, [] if rows else ["line 2: the file has no rows"]


def _kind_by_name(name: str, prefixes: list[tuple[str, str]]) -> str | None:
    folded = fold(name)
    found = [(len(p), kind) for p, kind in prefixes if folded == p or folded.startswith(p + " ")]
    return max(found)[1] if found else None


def _ward(text: str, offices: list[Office]) -> tuple[str | None, str | None]:
    """(ward code, None) of the unit a row names, or (None, why not)."""
    units = {o.ward_code: o.ward or "" for o in offices if o.ward_code}
    if text in units:
        return text, None
    wanted = fold(text)
    matches = [c for c, name in units.items() if wanted in (fold(name), fold(name.split(" ", 1)[-1]))]
    if name_matches := [c for c in matches if text in (units[c], units[c].split(" ", 1)[-1])]:
        matches = name_matches  # "Thạnh An" is not "Thanh An" when written with its diacritics
    if not matches:
        return None, f"no ward, commune or special zone {text!r} in the province"
    if len(matches) > 1:
        return None, f"{text!r} names several: {', '.join(sorted(units[c] for c in matches))}"
    return matches[0], None


def _target(row: _Row, offices: list[Office]) -> tuple[Office | None, str]:
    if row.level not in {Level.PROVINCE.value, Level.COMMUNE.value}:
        return None, f"level must be province or commune, not {row.level!r}"
    level = Level(row.level)
    kinds = {o.kind for o in offices if o.level is level}
    if row.kind and row.kind not in kinds:
        return None, f"kind {row.kind!r} is not one of {', '.join(sorted(kinds))}"
    if level is Level.PROVINCE:
        if row.ward:
            return None, "a province-level office has no ward"
        kind = row.kind or _kind_by_name(row.name, DEPARTMENT_NAMES)
        if kind is None:
            return None, f"which department is {row.name!r}? (add a kind column)"
        return next((o for o in offices if o.kind == kind and o.level is level), None), f"no {kind} office"
    if not row.ward:
        return None, "a commune-level office needs its ward"
    kind = row.kind or _kind_by_name(row.name, COMMUNE_NAMES)
    if kind is None:
        return None, f"is {row.name!r} the People's Committee or the police? (add a kind column)"
    ward, why = _ward(row.ward, offices)
    if ward is None:
        return None, why or ""
    return next((o for o in offices if o.kind == kind and o.ward_code == ward), None), f"no {kind} office there"


def match(text: str, offices: list[Office], taken: set[str]) -> tuple[list[Change], list[str]]:
    """The changes a file asks for of the province's `offices`, or every error in it ("line N: …",
    in the order of the lines); `taken` is every office code in use, of any province."""
    rows, file_errors = parse(text)
    if file_errors:
        return [], file_errors
    errors: list[tuple[int, str]] = []
    changes: list[tuple[_Row, Office]] = []
    for row in rows:
        problems = []
        if not CODE.match(row.code):
            problems.append(f"code {row.code!r} is not in the national format (e.g. 000.21.30.H29)")
        if not row.name or len(row.name) > MAX_NAME:
            problems.append(f"a name of 1 to {MAX_NAME} characters is needed")
        office, why = _target(row, offices)
        if office is None:
            problems.append(why)
        errors += [(row.line, p) for p in problems]
        if office is not None and not problems:
            changes.append((row, office))
    targets = Counter(o.code for _, o in changes)
    codes = Counter(r.code for r, _ in changes)
    kept = taken - set(targets)
    for row, office in changes:
        if targets[office.code] > 1:
            errors.append((row.line, f"{office.names.vi} is named by several rows"))
        if codes[row.code] > 1:
            errors.append((row.line, f"code {row.code} is given to several offices"))
        if row.code in kept:
            errors.append((row.line, f"code {row.code} belongs to another office"))
    if errors:
        return [], [f"line {line}: {message}" for line, message in sorted(errors, key=lambda e: e[0])]
    return [Change(old_code=o.code, code=r.code, name=r.name) for r, o in changes], []
