"""Citizen-typed Vietnamese addresses, read into the 2025 two-tier form. Pure: no I/O but reading data.

Since 1/7/2025 Vietnam has 34 provinces and no district level (Nghị quyết 202/2025/QH15): an address
is "<street>, <ward/commune/special zone>, <province>". Citizens still type the old three-tier form
("Phường Bến Nghé, Quận 1, TP.HCM"), the new one ("12 Lê Lợi, phường Bến Thành, TP.HCM"),
abbreviations ("P.", "Q1", "F.12", "TPHCM", "SG", "HN"), or no diacritics at all.

The list of units and the old → new mapping come from the data underthesea ships
(``underthesea/address/data/mapping.json``, source "vietnamadminunits" 1.0.4, 63 old → 34 new
provinces, 3,321 new units). The file is read directly (lazily, once), without importing underthesea,
whose import takes about a second. Matching is done on folded forms (lowercase, no diacritics);
exact matches win, then rapidfuzz tolerates typos in ward names within the known province.

That data has no numeric unit codes, only name keys unique within a province, so a unit's
``ward_code`` is ``"<new province code>:<dataset key>"``, e.g. ``"79:phuongbenthanh"``. A few units
whose names differ only by diacritics (Xã Thanh An and Xã Thạnh An in province 79) have an empty
name and a key with diacritics in the data (``"xãthạnhan"``); their key is kept as is and their
name is rebuilt from it.
"""

from __future__ import annotations

import importlib.util
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Literal, TypeAlias

import msgspec
from rapidfuzz import fuzz, process

__all__ = ("NewUnit", "NormalizedAddress", "Status", "new_units", "normalize_address", "province_rank")

Status: TypeAlias = Literal["resolved", "province_only", "unresolved"]
UnitKind: TypeAlias = Literal["phuong", "xa", "dac_khu"]


class NormalizedAddress(msgspec.Struct, frozen=True):
    raw: str
    normalized: str | None  # e.g. "12 Lê Lợi, Phường Bến Thành, Thành phố Hồ Chí Minh"
    province: str | None  # "Thành phố Hồ Chí Minh"
    ward: str | None  # "Phường Bến Thành"
    ward_code: str | None  # "79:phuongbenthanh"
    status: Status


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
    return _data(province_code).units


def province_rank(province_code: str) -> int:
    """The position (from 1) of the province among the 63 before the reform, sorted by name without
    diacritics, of the one whose name this province kept (Tỉnh Bắc Ninh: the old Bắc Ninh, 6th)."""
    d = _data(province_code)
    key = d.key_of_code[province_code]
    return d.old_order.index(key) + 1


# --------------------------------------------------------------------------------------------------
# Folding. The table maps every character below U+2000 to exactly one character (a lowercase ASCII
# letter or digit, or a space), so a folded string lines up with its source and token spans found
# in the folded text cut the original text.


def _fold_table() -> dict[int, str]:
    table: dict[int, str] = {}
    for cp in range(0x2000):
        ch = chr(cp)
        if ch in "đĐ":
            out = "d"
        elif ch.isalnum():
            base = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
            base = base.lower()
            out = base if len(base) == 1 and base.isascii() and base.isalnum() else " "
        else:
            out = " "
        if out != ch:
            table[cp] = out
    return table


_FOLD = _fold_table()
_TOKEN = re.compile(r"[a-z0-9]+")
_PARTS = re.compile(r"[,;|\n]+")
_SPACES = re.compile(r"\s+")
_TRAILER = re.compile(r"(?:(?:^|[\s,;.\-–—]+)(?:vi[eệ]t\s*nam|vn|\d{5,6}))+[\s.]*$", re.IGNORECASE)
_EDGE_PUNCT = " \t,.;:-–—_"
_GLUED = re.compile(r"(p|f|q|phuong|quan)([0-9]{1,2})")


@dataclass(frozen=True, slots=True)
class _Token:
    folded: str
    raw: str  # the same span of the NFC text, lowercased
    start: int
    end: int


def _tokens(text: str) -> list[_Token]:
    folded = text.translate(_FOLD)
    return [_Token(m.group(), text[m.start() : m.end()].lower(), m.start(), m.end()) for m in _TOKEN.finditer(folded)]


def _accented(text: str) -> bool:
    return any(ord(c) > 127 and c.isalpha() for c in text)


def _num(tok: str) -> str:
    return str(int(tok)) if tok.isdigit() else tok


# --------------------------------------------------------------------------------------------------
# Unit mentions: "Phường Bến Thành", "P. 12", "Q1", "huyện Cần Giờ", "Bến Thành".

Level: TypeAlias = Literal["ward", "district", "none"]

# folded marker words -> (level, kind, accented spelling). ASCII spellings are accepted too, except
# a bare "xa" in text that has diacritics elsewhere ("Xa lộ Hà Nội" is a street).
_MARKERS: dict[tuple[str, ...], tuple[Level, str, str]] = {
    ("thi", "tran"): ("ward", "thi_tran", "thị trấn"),
    ("dac", "khu"): ("ward", "dac_khu", "đặc khu"),
    ("thi", "xa"): ("district", "thi_xa", "thị xã"),
    ("thanh", "pho"): ("district", "thanh_pho", "thành phố"),
    ("phuong",): ("ward", "phuong", "phường"),
    ("xa",): ("ward", "xa", "xã"),
    ("quan",): ("district", "quan", "quận"),
    ("huyen",): ("district", "huyen", "huyện"),
    ("p",): ("ward", "phuong", ""),
    ("f",): ("ward", "phuong", ""),
    ("x",): ("ward", "xa", ""),
    ("tt",): ("ward", "thi_tran", ""),
    ("q",): ("district", "quan", ""),
    ("h",): ("district", "huyen", ""),
    ("tx",): ("district", "thi_xa", ""),
    ("tp",): ("district", "thanh_pho", ""),
    ("ward",): ("ward", "phuong", ""),
    ("commune",): ("ward", "xa", ""),
    ("district",): ("district", "quan", ""),
}


@dataclass(frozen=True, slots=True)
class _Marker:
    level: Level
    kind: str
    width: int  # tokens taken by the marker (0 for a glued "Q1": the number is the body)
    strong: bool  # safe to split a part at it: a full accented word, "P." style, or glued "P12"


def _marker_at(text: str, toks: Sequence[_Token], i: int, *, accented: bool) -> _Marker | None:
    t = toks[i]
    glued = _GLUED.fullmatch(t.folded)
    if glued:
        glued_level, glued_kind, _ = _MARKERS[(glued.group(1),)]
        return _Marker(glued_level, glued_kind, 0, strong=True)
    for width in (2, 1):
        words = tuple(x.folded for x in toks[i : i + width])
        info = _MARKERS.get(words) if len(words) == width else None
        if info is None:
            continue
        level, kind, spelled = info
        typed = " ".join(x.raw for x in toks[i : i + width])
        ascii_form = " ".join(words)
        if spelled and typed not in (spelled, ascii_form):
            return None  # "Phương", "Quán", "Thành Phố"-like words that only fold to a marker
        if typed == "xa" and accented:
            return None
        last = toks[i + width - 1]
        dotted = text[last.end : last.end + 1] == "."
        strong = (bool(spelled) and typed == spelled) or dotted or (not accented and bool(spelled))
        return _Marker(level, kind, width, strong)
    return None


@dataclass(frozen=True, slots=True)
class _Mention:
    level: Level
    kind: str | None
    key: str  # compact folded body: "benthanh", "1"
    spaced: str  # "ben thanh"
    vi: str  # compact lowercase body with diacritics: "bếnthành"
    accented: bool
    text: str  # the mention as typed (cleaned)


def _mention_from(text: str, toks: Sequence[_Token], marker: _Marker | None) -> _Mention | None:
    if marker is None:
        body = list(toks)
        level: Level = "none"
        kind = None
    elif marker.width == 0:
        glued = _GLUED.fullmatch(toks[0].folded)
        assert glued is not None
        number = _num(glued.group(2))
        if len(toks) > 1:
            return None
        typed = text[toks[0].start : toks[0].end].strip(_EDGE_PUNCT)
        return _Mention(marker.level, marker.kind, number, number, number, False, typed)
    else:
        body = list(toks[marker.width :])
        level, kind = marker.level, marker.kind
    if not body:
        return None
    words = [_num(t.folded) for t in body]
    body_text = text[body[0].start : body[-1].end]
    vi = "".join(c for c in body_text.lower() if c.isalnum())
    typed = text[toks[0].start : toks[-1].end].strip(_EDGE_PUNCT)
    # Diacritics anywhere in the part ("Xã Thanh An") mean a body without them was typed so.
    return _Mention(level, kind, "".join(words), " ".join(words), vi, _accented(text), typed)


def _mention(text: str) -> _Mention | None:
    toks = _tokens(text)
    if not toks:
        return None
    marker = _marker_at(text, toks, 0, accented=_accented(text))
    return _mention_from(text, toks, marker) or _mention_from(text, toks, None)


# --------------------------------------------------------------------------------------------------
# Data


@dataclass(frozen=True, slots=True)
class _Old:
    """One row of the mapping: an old ward (in an old district and province) to a new unit."""

    prov: str
    dist: str
    dist_kind: str | None
    ward: str
    ward_kind: str | None
    vi: str
    new: NewUnit
    default: bool


@dataclass(frozen=True, slots=True)
class _Province:
    new: str  # new province key
    name: str
    tiers: tuple[tuple[str, ...], ...]  # old province keys to search, narrowest first


@dataclass(slots=True)
class _Data:
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
    old_exact: dict[tuple[str, str, str], list[_Old]] = field(default_factory=dict)
    old_ward: dict[tuple[str, str], list[_Old]] = field(default_factory=dict)
    old_ward_any: dict[str, list[_Old]] = field(default_factory=dict)
    old_by_dist: dict[tuple[str, str], list[_Old]] = field(default_factory=dict)
    old_choices: dict[tuple[str, str], tuple[list[str], list[list[_Old]]]] = field(default_factory=dict)


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
    folded = key.lower().translate(_FOLD)
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
        folded = _tokens(record_name)
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
            m = _mention(name)
            if m is not None and m.level != "none":
                body = " ".join(words[len(words) - len(m.spaced.split()) :])
                known.setdefault(body.lower().replace(" ", ""), body)
    return known, dict(syllables)


def _old_ward_parts(name: str, key: str) -> tuple[str | None, str, str, str]:
    """(kind, compact folded body, spaced folded body, compact accented body) of an old ward, from
    its name or, when the data lost the name, its key."""
    if name:
        m = _mention(name)
        if m is None:
            return None, "", "", ""
        return m.kind, m.key, m.spaced, m.vi
    if not key:
        return None, "", "", ""
    prefix, rest = _split_key(key)
    kinds = {"phuong": "phuong", "xa": "xa", "thitran": "thi_tran", "dackhu": "dac_khu"}
    body = _num(rest.translate(_FOLD).replace(" ", ""))
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
def _data(scope: str | None) -> _Data:
    """The indexes address reading uses: of the whole country, or (``scope``, a new province code) of
    one province only, which is what a deployment serving that province needs: its own units and the
    old wards, districts and provinces that became them, in about a thirtieth of the memory."""
    raw = msgspec.json.decode(_mapping_path().read_bytes(), type=_Mapping)
    d = _Data()
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


def _index_units(d: _Data, units: dict[tuple[str, str], NewUnit]) -> None:
    choices: dict[str, tuple[list[str], list[NewUnit]]] = defaultdict(lambda: ([], []))
    for (pkey, _), unit in units.items():
        m = _mention(unit.name)
        assert m is not None
        d.new_exact.setdefault((pkey, m.key), []).append(unit)
        d.new_any.setdefault(m.key, []).append(unit)
        d.unit_vi[unit.code] = m.vi
        choices[pkey][0].append(m.spaced)
        choices[pkey][1].append(unit)
    d.new_choices = dict(choices)


def _index_old_wards(d: _Data, records: list[_Row], units: dict[tuple[str, str], NewUnit]) -> None:
    old_choices: dict[tuple[str, str], dict[str, list[_Old]]] = defaultdict(dict)
    for r in records:
        prov, dist = r.old_province_key, r.old_district_key
        dm = _mention(r.old_district)
        dist_kind = dm.kind if dm else None
        if dm is not None:
            seen = d.districts.setdefault((prov, dm.key), [])
            if (dist, dist_kind) not in seen:
                seen.append((dist, dist_kind))
                d.districts_any.setdefault(dm.key, []).append((prov, dist, dist_kind))
        ward_kind, ward_key, spaced, vi = _old_ward_parts(r.old_ward, r.old_ward_key)
        unit = units[(r.new_province_key, r.new_ward_key)]
        old = _Old(prov, dist, dist_kind, r.old_ward_key, ward_kind, vi, unit, r.is_default)
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
    return " ".join(t.folded for t in _tokens(text))


def _build_aliases(d: _Data, raw: _Mapping) -> None:
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


# --------------------------------------------------------------------------------------------------
# Province


def _province(d: _Data, target: tuple[str, str | None]) -> _Province:
    new, old = target
    others = tuple(o for o in d.olds_of.get(new, []) if o != old)
    tiers = ((old,), others) if old else (others,)
    return _Province(new, d.province_names[new], tuple(t for t in tiers if t))


def _alias(d: _Data, compact: str) -> tuple[str, str | None] | None:
    hit = d.alias.get(compact)
    if hit is not None:
        return hit
    for prefix in ("thanhpho", "tinh", "tp"):
        if compact.startswith(prefix) and len(compact) > len(prefix):
            hit = d.alias.get(compact[len(prefix) :])
            if hit is not None:
                return hit
    return None


def _known_unit(d: _Data, m: _Mention) -> bool:
    if m.level == "ward":
        return m.key in d.new_any or m.key in d.old_ward_any
    return m.level == "district" and m.key in d.districts_any


def _find_province(d: _Data, parts: list[str]) -> tuple[_Province | None, list[str]]:
    last = parts[-1]
    toks = _tokens(last)
    hit = _alias(d, "".join(t.folded for t in toks))
    if hit is not None:
        return _province(d, hit), parts[:-1]
    whole = _mention(last)
    if whole is not None and whole.level != "none" and _known_unit(d, whole):
        return None, parts
    accented = _accented(last)
    for k in range(min(6, len(toks) - 1), 0, -1):
        before = len(toks) - k - 1  # "Xã Long An" is a commune, not the province Long An
        one = _marker_at(last, toks, before, accented=accented)
        two = _marker_at(last, toks, before - 1, accented=accented) if before > 0 else None
        if (one is not None and one.width == 1) or (two is not None and two.width == 2):
            continue
        hit = _alias(d, "".join(t.folded for t in toks[-k:]))
        if hit is not None:
            head = last[: toks[-k].start].strip(_EDGE_PUNCT)
            return _province(d, hit), [*parts[:-1], head]
    spaced = " ".join(t.folded for t in toks)
    typo_ok = whole is not None and (whole.level == "none" or whole.kind == "thanh_pho")
    if typo_ok and sum(c.isalpha() for c in spaced) >= 4:
        found = process.extractOne(spaced, d.alias_choices, scorer=fuzz.ratio, score_cutoff=88)
        if found is not None:
            return _province(d, d.alias_targets[found[2]]), parts[:-1]
    return None, parts


# --------------------------------------------------------------------------------------------------
# Locating the ward and district mentions among the parts


@dataclass(slots=True)
class _Located:
    street: list[str]
    district: _Mention | None = None
    ward: _Mention | None = None
    rest: list[str] = field(default_factory=list)  # locality parts as typed, for province-only output


def _district_keys(d: _Data, prov: _Province | None, m: _Mention) -> list[tuple[str, str]]:
    if prov is None:
        found = [(p, k, kind) for p, k, kind in d.districts_any.get(m.key, [])]
    else:
        found = [(p, k, kind) for tier in prov.tiers for p in tier for k, kind in d.districts.get((p, m.key), [])]
    same = [(p, k) for p, k, kind in found if kind == m.kind]
    return same or [(p, k) for p, k, _ in found]


def _ward_known(d: _Data, prov: _Province | None, m: _Mention) -> bool:
    if prov is None:
        return m.key in d.new_any or m.key in d.old_ward_any
    if (prov.new, m.key) in d.new_exact:
        return True
    return any((p, m.key) in d.old_ward for tier in prov.tiers for p in tier)


def _inner_split(d: _Data, text: str, prov: _Province | None, *, want_district: bool) -> tuple[str, _Mention] | None:
    """The rightmost trustworthy "<head> <marker> <body>" split of one part, if any."""
    toks = _tokens(text)
    accented = _accented(text)
    lead = _marker_at(text, toks, 0, accented=accented) if toks else None
    for i in range(len(toks) - 1, 0, -1):
        marker = _marker_at(text, toks, i, accented=accented)
        if marker is None or not marker.strong:
            continue
        if lead is not None and i == lead.width:
            continue  # "Phường Phường Đúc": a marker right after the leading one is part of the name
        prev = _marker_at(text, toks, i - 1, accented=accented)
        if prev is not None and prev.width == 2:
            continue  # the "xã" of "thị xã"
        tail = _mention_from(text, toks[i:], marker)
        if tail is None:
            continue
        if tail.level == "district":
            if not want_district or not _district_keys(d, prov, tail):
                continue
        elif not accented and not _ward_known(d, prov, tail):
            continue
        return text[: toks[i].start].strip(_EDGE_PUNCT), tail
    return None


def _locate(d: _Data, parts: list[str], prov: _Province | None) -> _Located:
    parts = list(parts)
    district: _Mention | None = None
    i = len(parts) - 1
    while i >= 0:
        part = parts[i]
        split = _inner_split(d, part, prov, want_district=district is None)
        if split is not None:
            head, tail = split
            if tail.level == "district":
                district = tail
                parts[i] = head
                continue
            street = [*parts[:i], head] if head else parts[:i]
            return _Located(street, district, tail, [tail.text] + ([district.text] if district else []))
        m = _mention(part)
        if m is None:
            i -= 1
            continue
        if m.level == "district" and district is None:
            district = m
            i -= 1
            continue
        if m.level == "ward":
            return _Located(parts[:i], district, m, [m.text] + ([district.text] if district else []))
        if m.level == "none" and prov is not None:
            if district is None and _district_keys(d, prov, m):
                district = m
                i -= 1
                continue
            if _ward_known(d, prov, m):
                return _Located(parts[:i], district, m, [m.text] + ([district.text] if district else []))
        break
    return _Located(parts[: i + 1], district, None, [district.text] if district else [])


# --------------------------------------------------------------------------------------------------
# Resolution

_Ambiguous: TypeAlias = Literal["ambiguous"]
_Pick: TypeAlias = NewUnit | _Ambiguous | None


def _pick_old(recs: list[_Old], m: _Mention, *, strict: bool = False) -> _Pick:
    """The new unit of matching old wards: when ``strict`` only those of the typed kind and, if typed
    with diacritics, the same spelling; else preferably those."""
    if m.kind is not None:
        same = [o for o in recs if o.ward_kind == m.kind]
        recs = same if strict else (same or recs)
    if strict and m.accented:
        recs = [o for o in recs if o.vi == m.vi]
    if not recs:
        return None
    if len({o.new.code for o in recs}) > 1 and m.accented:
        recs = [o for o in recs if o.vi == m.vi] or recs
    if len({o.new.code for o in recs}) == 1:
        return recs[0].new
    groups = {(o.prov, o.dist, o.ward) for o in recs}
    if len(groups) == 1:  # one old ward split between new units: the dataset's default one
        return next((o.new for o in recs if o.default), recs[0].new)
    return "ambiguous"


def _pick_new(d: _Data, units: list[NewUnit], m: _Mention, *, strict: bool) -> _Pick:
    """Like :func:`_pick_old` for new units (no new unit is a thị trấn)."""
    if m.kind is not None:
        same = [u for u in units if u.kind == m.kind]
        units = same if strict else (same or units)
    if strict and m.accented:
        units = [u for u in units if d.unit_vi[u.code] == m.vi]
    if not units:
        return None
    if len(units) > 1 and m.accented:
        units = [u for u in units if d.unit_vi[u.code] == m.vi] or units
    return units[0] if len(units) == 1 else "ambiguous"


_FUZZY_CUTOFF = 90  # one typo in a name of 10 letters; "hoa minh" is not "hoa binh" (87.5)


def _fuzzy(d: _Data, prov: _Province, dists: list[tuple[str, str]], m: _Mention) -> _Pick:
    """A typo in a ward name: the closest unit of the typed kind in the province, if clearly closest."""
    if m.level != "ward" or sum(c.isalpha() for c in m.key) < 4:
        return None
    cutoff = _FUZZY_CUTOFF
    new_kind = "xa" if m.kind == "thi_tran" else m.kind
    found: list[tuple[float, NewUnit]] = []
    names, units = d.new_choices.get(prov.new, ([], []))
    for _, score, idx in process.extract(m.spaced, names, scorer=fuzz.ratio, limit=5, score_cutoff=cutoff):
        if units[idx].kind == new_kind:
            found.append((score, units[idx]))
    scopes = dists or [(p, "") for tier in prov.tiers for p in tier]
    for scope in scopes:
        old_names, olds = d.old_choices.get(scope, ([], []))
        for _, score, idx in process.extract(m.spaced, old_names, scorer=fuzz.ratio, limit=5, score_cutoff=cutoff):
            pick = _pick_old([o for o in olds[idx] if o.ward_kind == m.kind], m)
            if isinstance(pick, NewUnit):
                found.append((score, pick))
    if not found:
        return None
    found.sort(key=lambda x: -x[0])
    best_score, best = found[0]
    if any(u.code != best.code and best_score - s < 3 for s, u in found[1:]):
        return "ambiguous"
    return best


def _resolve_ward(d: _Data, prov: _Province | None, district: _Mention | None, ward: _Mention) -> _Pick:
    dists = _district_keys(d, prov, district) if district else []
    tiers = prov.tiers if prov else (tuple(p for p, _ in dists),)
    if dists:
        for tier in tiers:
            recs = [o for p, k in dists if p in tier for o in d.old_exact.get((p, k, ward.key), [])]
            pick = _pick_old(recs, ward)
            if pick is not None:
                return pick
    units = d.new_exact.get((prov.new, ward.key), []) if prov else d.new_any.get(ward.key, [])
    if prov is None:
        olds = [d.old_ward_any.get(ward.key, [])]
    else:
        olds = [[o for p in tier for o in d.old_ward.get((p, ward.key), [])] for tier in prov.tiers]
    if dists:
        # an old ward named with its old district is that district's alone: "Phường 2, thành phố Tân An"
        # is not the Phường 2 of Thị xã Kiến Tường (the data lacks Tân An's numbered wards)
        named = set(dists)
        olds = [[o for o in recs if (o.prov, o.dist) in named] for recs in olds]
    # A new unit of the typed kind and spelling, then such an old ward ("Thị trấn Củ Chi" is old),
    # then either of another kind or with other diacritics.
    for strict in (True, False):
        pick = _pick_new(d, units, ward, strict=strict)
        if pick is not None:
            return pick
        for recs in olds:
            # without a district, an old ward must be of the typed kind: "Phường Minh Tân" is not
            # the old "Xã Minh Tân"
            same = [o for o in recs if o.ward_kind == ward.kind] if ward.kind else recs
            pick = _pick_old(same, ward, strict=strict)
            if pick is not None:
                return pick
    return None if prov is None else _fuzzy(d, prov, dists, ward)


def _resolve_district(d: _Data, prov: _Province | None, district: _Mention) -> set[NewUnit]:
    """The new units covering an old district (when there is only one, the district names it)."""
    return {o.new for p, k in _district_keys(d, prov, district) for o in d.old_by_dist.get((p, k), [])}


# --------------------------------------------------------------------------------------------------


def _clean(raw: str) -> str:
    text = unicodedata.normalize("NFC", raw)
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = _SPACES.sub(" ", text.replace("\n", ",")).strip()
    return _TRAILER.sub("", text)


def _join(items: Iterable[str]) -> str:
    return ", ".join(x for x in (_SPACES.sub(" ", s).strip(_EDGE_PUNCT) for s in items) if x)


def normalize_address(raw: str, province: str | None = None) -> NormalizedAddress:
    """Read a typed address into its post-reform form (see the module docstring).

    With ``province`` (a new province code) only that province's units are known: an address in
    another province reads as ``province_only`` (the province named) or ``unresolved``, which is
    all a deployment serving one province needs to tell, and its data takes a fraction of the memory.

    ``resolved``: province and ward found; ``normalized`` is "<street>, <ward>, <province>" with the
    street as typed and the ward and province in their official new names (old districts dropped).
    ``province_only``: the province is known but not the ward (missing, unknown or ambiguous);
    ``normalized`` keeps the other parts as typed before the official province name.
    ``unresolved``: no province could be read (and no ward identifies one).
    """
    unresolved = NormalizedAddress(raw, None, None, None, None, "unresolved")
    parts = [p.strip(_EDGE_PUNCT) for p in _PARTS.split(_clean(raw))]
    parts = [p for p in parts if _TOKEN.search(p.translate(_FOLD))]
    if not parts:
        return unresolved
    d = _data(province)
    prov, parts = _find_province(d, parts)
    parts = [p for p in parts if p]
    loc = _locate(d, parts, prov)
    pick: _Pick = None
    if loc.ward is not None:
        pick = _resolve_ward(d, prov, loc.district, loc.ward)
    elif loc.district is not None:
        covering = _resolve_district(d, prov, loc.district)
        pick = next(iter(covering)) if len(covering) == 1 else None
        if prov is None and covering and len({u.province_code for u in covering}) == 1:
            unit = next(iter(covering))
            prov = _province(d, (d.key_of_code[unit.province_code], None))
    if isinstance(pick, NewUnit):
        street = _join(loc.street)
        normalized = _join([street, pick.name, pick.province])
        return NormalizedAddress(raw, normalized, pick.province, pick.name, pick.code, "resolved")
    if prov is None:
        return unresolved
    normalized = _join([*loc.street, *loc.rest, prov.name])
    return NormalizedAddress(raw, normalized, prov.name, None, None, "province_only")
