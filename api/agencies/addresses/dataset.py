"""The province and ward dataset: the 2025 units and the old wards, districts and provinces that became them.

The list of units and the old → new mapping come from the data underthesea ships
(``underthesea/address/data/mapping.json``, source "vietnamadminunits" 1.0.4, 63 old → 34 new
provinces, 3,321 new units). The file is read directly (lazily, once), without importing underthesea,
whose import takes about a second.

That data has no numeric unit codes, only name keys unique within a province, so a unit's
``ward_code`` is ``"<new province code>:<dataset key>"``, e.g. ``"79:phuongbenthanh"``. A few units
whose names differ only by diacritics (Xã Thanh An and Xã Thạnh An in province 79) have an empty
name and a key with diacritics in the data (``"xãthạnhan"``); their key is kept as is and their
name is rebuilt from it.
"""

from __future__ import annotations

import importlib.util
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Literal, TypeAlias

import msgspec

from api.agencies.addresses.mentions import FOLD, as_number, read_mention, tokens

UnitKind: TypeAlias = Literal["phuong", "xa", "dac_khu"]


class NewUnit(msgspec.Struct, frozen=True, kw_only=True):
    """A commune-level unit after the reform (phường, xã or đặc khu)."""

    code: str  # "<province code>:<dataset key>", e.g. "79:phuongbenthanh"
    key: str  # the dataset key, unique within the province
    name: str  # "Phường Bến Thành"
    kind: UnitKind
    province_code: str  # "79"
    province: str  # "Thành phố Hồ Chí Minh"


def new_units(province_code: str | None = None) -> tuple[NewUnit, ...]:
    """All new units (3,321), or those of one province, sorted by province code then dataset key."""
    return address_data(province_code).units


def province_rank(province_code: str) -> int:
    """The position (from 1) of the province among the 63 before the reform, sorted by name without
    diacritics, of the one whose name this province kept (Tỉnh Bắc Ninh: the old Bắc Ninh, 6th)."""
    d = address_data(province_code)
    key = d.key_of_code[province_code]
    return d.old_order.index(key) + 1


@dataclass(frozen=True, slots=True)
class OldWard:
    """One row of the mapping: an old ward (in an old district and province) to a new unit."""

    prov: str
    dist: str
    dist_kind: str | None
    ward: str
    ward_kind: str | None
    vi: str
    new: NewUnit
    default: bool


@dataclass(slots=True)
class AddressData:
    """The indexes address reading looks things up in, built once per scope by `address_data`."""

    units: tuple[NewUnit, ...] = ()
    unit_vi: dict[str, str] = field(default_factory=dict)  # unit code -> compact accented body
    key_of_code: dict[str, str] = field(default_factory=dict)  # "79" -> "thanhphohochiminh"
    old_order: list[str] = field(default_factory=list)  # the 63 old province keys by folded short name
    province_names: dict[str, str] = field(default_factory=dict)  # new key -> official name
    olds_of: dict[str, list[str]] = field(default_factory=dict)  # new key -> old keys
    alias: dict[str, tuple[str, str | None]] = field(default_factory=dict)  # compact -> (new, old)
    alias_choices: list[str] = field(default_factory=list)
    alias_targets: list[tuple[str, str | None]] = field(default_factory=list)
    new_exact: dict[tuple[str, str], list[NewUnit]] = field(default_factory=dict)
    new_any: dict[str, list[NewUnit]] = field(default_factory=dict)
    new_choices: dict[str, tuple[list[str], list[NewUnit]]] = field(default_factory=dict)
    districts: dict[tuple[str, str], list[tuple[str, str | None]]] = field(default_factory=dict)
    districts_any: dict[str, list[tuple[str, str, str | None]]] = field(default_factory=dict)
    old_exact: dict[tuple[str, str, str], list[OldWard]] = field(default_factory=dict)
    old_ward: dict[tuple[str, str], list[OldWard]] = field(default_factory=dict)
    old_ward_any: dict[str, list[OldWard]] = field(default_factory=dict)
    old_by_dist: dict[tuple[str, str], list[OldWard]] = field(default_factory=dict)
    old_choices: dict[tuple[str, str], tuple[list[str], list[list[OldWard]]]] = field(default_factory=dict)


_PREFIX_NAMES: dict[str, tuple[UnitKind, str]] = {
    "phuong": ("phuong", "Phường"),
    "xa": ("xa", "Xã"),
    "dackhu": ("dac_khu", "Đặc khu"),
}
_EXTRA_ALIASES: dict[str, str] = {
    # compact folded alias -> old province key
    "hcm": "thanhphohochiminh",
    "hcmc": "thanhphohochiminh",
    "tphcm": "thanhphohochiminh",
    "tphcmc": "thanhphohochiminh",
    "hochiminhcity": "thanhphohochiminh",
    "hcmcity": "thanhphohochiminh",
    "saigon": "thanhphohochiminh",
    "sg": "thanhphohochiminh",
    "tpsg": "thanhphohochiminh",
    "hn": "thanhphohanoi",
    "tphn": "thanhphohanoi",
    "hanoicity": "thanhphohanoi",
    "thudohanoi": "thanhphohanoi",
    "tphp": "thanhphohaiphong",
    "danangcity": "thanhphodanang",
    "brvt": "tinhbariavungtau",
    "thuathienhue": "thanhphohue",
    "tthue": "thanhphohue",
    "daclac": "tinhdaklak",
}


def _mapping_path() -> Path:
    spec = importlib.util.find_spec("underthesea")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("underthesea is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "address" / "data" / "mapping.json"


def _split_key(key: str) -> tuple[str, str]:
    """``"xãthạnhan"`` -> (``"xa"``, ``"thạnhan"``): folded prefix and the rest as written."""
    folded = key.lower().translate(FOLD)
    for prefix in ("thitran", "dackhu", "phuong", "xa"):
        if folded.startswith(prefix):
            return prefix, key.lower()[len(prefix) :]
    return "", key.lower()


def _segment(word: str, syllables: dict[str, int]) -> list[str]:
    """Split a run of syllables written without spaces into known syllables: as few as possible,
    then the most frequent ones."""
    best: list[tuple[int, int, list[str]] | None] = [(0, 0, [])] + [None] * len(word)
    for end in range(1, len(word) + 1):
        for start in range(max(0, end - 7), end):
            head, piece = best[start], word[start:end]
            if head is None or piece not in syllables:
                continue
            cand = (head[0] + 1, head[1] - syllables[piece], [*head[2], piece])
            current = best[end]
            if current is None or cand[:2] < current[:2]:
                best[end] = cand
    last = best[-1]
    return last[2] if last is not None else [word]


def _unit_name(record_name: str, key: str, known: dict[str, str], syllables: dict[str, int]) -> tuple[UnitKind, str]:
    """(kind, name) of a new unit; a lost name is rebuilt from its key, preferably as a name the data
    spells elsewhere (an old ward or district of the same name), else from known syllables."""
    if record_name:
        folded = tokens(record_name)
        first = folded[0].folded + (folded[1].folded if folded[0].folded == "dac" else "")
        return _PREFIX_NAMES[first][0], record_name
    prefix, rest = _split_key(key)
    kind, spelled = _PREFIX_NAMES[prefix]
    words = known.get(rest) or " ".join(w[:1].upper() + w[1:] for w in _segment(rest, syllables))
    return kind, f"{spelled} {words}"


def _known_bodies(records: Iterable[_Row], wanted: set[str]) -> tuple[dict[str, str], dict[str, int]]:
    """Unit names without their kind, by compact lowercase spelling, for the spellings `wanted`; and
    syllable counts. Only a name ending in a wanted spelling is read as a unit mention (the costly
    part), which finds the same names."""
    known: dict[str, str] = {}
    syllables: dict[str, int] = defaultdict(int)
    ends = tuple(wanted)
    for r in records:
        for name in (r.old_ward, r.old_district, r.new_ward):
            words = name.split()
            for w in words:
                syllables[w.lower()] += 1
            if not words or not "".join(words).lower().endswith(ends):
                continue
            m = read_mention(name)
            if m is not None and m.level != "none":
                body = " ".join(words[len(words) - len(m.spaced.split()) :])
                known.setdefault(body.lower().replace(" ", ""), body)
    return known, dict(syllables)


def _old_ward_parts(name: str, key: str) -> tuple[str | None, str, str, str]:
    """(kind, compact folded body, spaced folded body, compact accented body) of an old ward, from
    its name or, when the data lost the name, its key."""
    if name:
        m = read_mention(name)
        if m is None:
            return None, "", "", ""
        return m.kind, m.key, m.spaced, m.vi
    if not key:
        return None, "", "", ""
    prefix, rest = _split_key(key)
    kinds = {"phuong": "phuong", "xa": "xa", "thitran": "thi_tran", "dackhu": "dac_khu"}
    body = as_number(rest.translate(FOLD).replace(" ", ""))
    return kinds.get(prefix), body, body, rest


class _Row(msgspec.Struct, frozen=True):
    """One row of ``ward_mapping``: an old ward and the new unit it went to (other fields ignored)."""

    old_province_key: str
    old_district: str
    old_district_key: str
    old_ward: str
    old_ward_key: str
    new_province_key: str
    new_ward: str
    new_ward_key: str
    is_default: bool = False


class _ProvinceName(msgspec.Struct, frozen=True):
    name: str
    short: str
    code: str


class _Mapping(msgspec.Struct, frozen=True):
    province_mapping: dict[str, str]
    province_names: dict[str, _ProvinceName]
    old_province_names: dict[str, _ProvinceName]
    ward_mapping: list[_Row]


@cache
def address_data(scope: str | None) -> AddressData:
    """The indexes address reading uses: of the whole country, or (``scope``, a new province code) of
    one province only, which is what a deployment serving that province needs: its own units and the
    old wards, districts and provinces that became them, in about a thirtieth of the memory."""
    raw = msgspec.json.decode(_mapping_path().read_bytes(), type=_Mapping)
    d = AddressData()
    new_codes: dict[str, str] = {}
    for key, info in raw.province_names.items():
        d.province_names[key] = info.name
        new_codes[key] = info.code
        d.key_of_code[info.code] = key
    for old_key, new_key in raw.province_mapping.items():
        d.olds_of.setdefault(new_key, []).append(old_key)
    old_names = raw.old_province_names
    d.old_order = sorted(old_names, key=lambda k: _fold_spaced(old_names[k].short))
    _build_aliases(d, raw)

    everything = raw.ward_mapping
    records = everything if scope is None else [r for r in everything if new_codes[r.new_province_key] == scope]
    del raw
    lost = {_split_key(r.new_ward_key)[1] for r in records if not r.new_ward}
    # a unit name the data lost is rebuilt from what the whole country spells, so it reads the same
    # whatever the scope
    known, syllables = _known_bodies(everything, lost) if lost else ({}, {})
    del everything
    units: dict[tuple[str, str], NewUnit] = {}
    for r in records:
        pkey, wkey = r.new_province_key, r.new_ward_key
        if (pkey, wkey) not in units:
            kind, name = _unit_name(r.new_ward, wkey, known, syllables)
            code = new_codes[pkey]
            units[(pkey, wkey)] = NewUnit(
                code=f"{code}:{wkey}",
                key=wkey,
                name=name,
                kind=kind,
                province_code=code,
                province=d.province_names[pkey],
            )
    d.units = tuple(sorted(units.values(), key=lambda u: (u.province_code, u.key)))
    _index_units(d, units)
    _index_old_wards(d, records, units)
    return d


def _index_units(d: AddressData, units: dict[tuple[str, str], NewUnit]) -> None:
    choices: dict[str, tuple[list[str], list[NewUnit]]] = defaultdict(lambda: ([], []))
    for (pkey, _), unit in units.items():
        m = read_mention(unit.name)
        assert m is not None
        d.new_exact.setdefault((pkey, m.key), []).append(unit)
        d.new_any.setdefault(m.key, []).append(unit)
        d.unit_vi[unit.code] = m.vi
        choices[pkey][0].append(m.spaced)
        choices[pkey][1].append(unit)
    d.new_choices = dict(choices)


def _index_old_wards(d: AddressData, records: list[_Row], units: dict[tuple[str, str], NewUnit]) -> None:
    old_choices: dict[tuple[str, str], dict[str, list[OldWard]]] = defaultdict(dict)
    for r in records:
        prov, dist = r.old_province_key, r.old_district_key
        dm = read_mention(r.old_district)
        dist_kind = dm.kind if dm else None
        if dm is not None:
            seen = d.districts.setdefault((prov, dm.key), [])
            if (dist, dist_kind) not in seen:
                seen.append((dist, dist_kind))
                d.districts_any.setdefault(dm.key, []).append((prov, dist, dist_kind))
        ward_kind, ward_key, spaced, vi = _old_ward_parts(r.old_ward, r.old_ward_key)
        unit = units[(r.new_province_key, r.new_ward_key)]
        old = OldWard(prov, dist, dist_kind, r.old_ward_key, ward_kind, vi, unit, r.is_default)
        d.old_by_dist.setdefault((prov, dist), []).append(old)
        if not ward_key:
            continue
        d.old_exact.setdefault((prov, dist, ward_key), []).append(old)
        d.old_ward.setdefault((prov, ward_key), []).append(old)
        d.old_ward_any.setdefault(ward_key, []).append(old)
        for scope_key in ((prov, ""), (prov, dist)):
            old_choices[scope_key].setdefault(spaced, []).append(old)
    d.old_choices = {k: (list(v), list(v.values())) for k, v in old_choices.items()}


def _fold_spaced(text: str) -> str:
    return " ".join(t.folded for t in tokens(text))


def _build_aliases(d: AddressData, raw: _Mapping) -> None:
    targets: dict[str, tuple[str, str | None]] = {}
    spaced: dict[str, tuple[str, str | None]] = {}

    def add(form: str, target: tuple[str, str | None]) -> None:
        folded = _fold_spaced(form)
        targets.setdefault(folded.replace(" ", ""), target)
        spaced.setdefault(folded, target)

    mapping = raw.province_mapping
    # New names first: "Hồ Chí Minh" is both an old and a new name; the new reading wins.
    for source, is_new in ((raw.province_names, True), (raw.old_province_names, False)):
        for key, info in source.items():
            new_key = key if is_new else mapping[key]
            target = (new_key, key if key in mapping else None)
            add(info.name, target)
            add(info.short, target)
            if info.name.startswith("Thành phố"):
                add("tp " + info.short, target)
    for alias, old in _EXTRA_ALIASES.items():
        targets.setdefault(alias, (str(mapping[old]), old))
    d.alias = targets
    d.alias_choices = list(spaced)
    d.alias_targets = list(spaced.values())
