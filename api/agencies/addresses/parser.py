"""Reading a typed address: find the province at its end, then the ward (and old district) before it,
and write it back as "<street>, <ward>, <province>" in the official new names."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal, TypeAlias

import msgspec
from rapidfuzz import fuzz, process

from api.agencies.addresses.dataset import AddressData, NewUnit, address_data
from api.agencies.addresses.mentions import (
    EDGE_PUNCT,
    FOLD,
    TOKEN,
    Mention,
    has_diacritics,
    marker_at,
    mention_from,
    read_mention,
    tokens,
)
from api.agencies.addresses.ward_mapping import (
    Pick,
    ProvinceScope,
    district_keys,
    province_scope,
    resolve_district,
    resolve_ward,
    ward_known,
)

Status: TypeAlias = Literal["resolved", "province_only", "unresolved"]

_PARTS = re.compile(r"[,;|\n]+")
_SPACES = re.compile(r"\s+")
_TRAILER = re.compile(r"(?:(?:^|[\s,;.\-–—]+)(?:vi[eệ]t\s*nam|vn|\d{5,6}))+[\s.]*$", re.IGNORECASE)


class NormalizedAddress(msgspec.Struct, frozen=True):
    raw: str
    normalized: str | None  # e.g. "12 Lê Lợi, Phường Bến Thành, Thành phố Hồ Chí Minh"
    province: str | None  # "Thành phố Hồ Chí Minh"
    ward: str | None  # "Phường Bến Thành"
    ward_code: str | None  # "79:phuongbenthanh"
    status: Status


# --------------------------------------------------------------------------------------------------
# The province, read from the last part


def _alias(d: AddressData, compact: str) -> tuple[str, str | None] | None:
    hit = d.alias.get(compact)
    if hit is not None:
        return hit
    for prefix in ("thanhpho", "tinh", "tp"):
        if compact.startswith(prefix) and len(compact) > len(prefix):
            hit = d.alias.get(compact[len(prefix) :])
            if hit is not None:
                return hit
    return None


def _known_unit(d: AddressData, m: Mention) -> bool:
    if m.level == "ward":
        return m.key in d.new_any or m.key in d.old_ward_any
    return m.level == "district" and m.key in d.districts_any


def _find_province(d: AddressData, parts: list[str]) -> tuple[ProvinceScope | None, list[str]]:
    last = parts[-1]
    toks = tokens(last)
    hit = _alias(d, "".join(t.folded for t in toks))
    if hit is not None:
        return province_scope(d, hit), parts[:-1]
    whole = read_mention(last)
    if whole is not None and whole.level != "none" and _known_unit(d, whole):
        return None, parts
    accented = has_diacritics(last)
    for k in range(min(6, len(toks) - 1), 0, -1):
        before = len(toks) - k - 1  # "Xã Long An" is a commune, not the province Long An
        one = marker_at(last, toks, before, accented=accented)
        two = marker_at(last, toks, before - 1, accented=accented) if before > 0 else None
        if (one is not None and one.width == 1) or (two is not None and two.width == 2):
            continue
        hit = _alias(d, "".join(t.folded for t in toks[-k:]))
        if hit is not None:
            head = last[: toks[-k].start].strip(EDGE_PUNCT)
            return province_scope(d, hit), [*parts[:-1], head]
    spaced = " ".join(t.folded for t in toks)
    typo_ok = whole is not None and (whole.level == "none" or whole.kind == "thanh_pho")
    if typo_ok and sum(c.isalpha() for c in spaced) >= 4:
        found = process.extractOne(spaced, d.alias_choices, scorer=fuzz.ratio, score_cutoff=88)
        if found is not None:
            return province_scope(d, d.alias_targets[found[2]]), parts[:-1]
    return None, parts


# --------------------------------------------------------------------------------------------------
# Locating the ward and district mentions among the parts


@dataclass(slots=True)
class _Located:
    street: list[str]
    district: Mention | None = None
    ward: Mention | None = None
    rest: list[str] = field(default_factory=list)  # locality parts as typed, for province-only output


def _inner_split(
    d: AddressData, text: str, prov: ProvinceScope | None, *, want_district: bool
) -> tuple[str, Mention] | None:
    """The rightmost trustworthy "<head> <marker> <body>" split of one part, if any."""
    toks = tokens(text)
    accented = has_diacritics(text)
    lead = marker_at(text, toks, 0, accented=accented) if toks else None
    for i in range(len(toks) - 1, 0, -1):
        marker = marker_at(text, toks, i, accented=accented)
        if marker is None or not marker.strong:
            continue
        if lead is not None and i == lead.width:
            continue  # "Phường Phường Đúc": a marker right after the leading one is part of the name
        prev = marker_at(text, toks, i - 1, accented=accented)
        if prev is not None and prev.width == 2:
            continue  # the "xã" of "thị xã"
        tail = mention_from(text, toks[i:], marker)
        if tail is None:
            continue
        if tail.level == "district":
            if not want_district or not district_keys(d, prov, tail):
                continue
        elif not accented and not ward_known(d, prov, tail):
            continue
        return text[: toks[i].start].strip(EDGE_PUNCT), tail
    return None


def _locate(d: AddressData, parts: list[str], prov: ProvinceScope | None) -> _Located:
    parts = list(parts)
    district: Mention | None = None
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
        m = read_mention(part)
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
            if district is None and district_keys(d, prov, m):
                district = m
                i -= 1
                continue
            if ward_known(d, prov, m):
                return _Located(parts[:i], district, m, [m.text] + ([district.text] if district else []))
        break
    return _Located(parts[: i + 1], district, None, [district.text] if district else [])


# --------------------------------------------------------------------------------------------------
# The whole address


def _clean(raw: str) -> str:
    text = unicodedata.normalize("NFC", raw)
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = _SPACES.sub(" ", text.replace("\n", ",")).strip()
    return _TRAILER.sub("", text)


def _join(items: Iterable[str]) -> str:
    return ", ".join(x for x in (_SPACES.sub(" ", s).strip(EDGE_PUNCT) for s in items) if x)


def normalize_address(raw: str, province: str | None = None) -> NormalizedAddress:
    """Read a typed address into its post-reform form (see the package docstring).

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
    parts = [p.strip(EDGE_PUNCT) for p in _PARTS.split(_clean(raw))]
    parts = [p for p in parts if TOKEN.search(p.translate(FOLD))]
    if not parts:
        return unresolved
    d = address_data(province)
    prov, parts = _find_province(d, parts)
    parts = [p for p in parts if p]
    loc = _locate(d, parts, prov)
    pick: Pick = None
    if loc.ward is not None:
        pick = resolve_ward(d, prov, loc.district, loc.ward)
    elif loc.district is not None:
        covering = resolve_district(d, prov, loc.district)
        pick = next(iter(covering)) if len(covering) == 1 else None
        if prov is None and covering and len({u.province_code for u in covering}) == 1:
            unit = next(iter(covering))
            prov = province_scope(d, (d.key_of_code[unit.province_code], None))
    if isinstance(pick, NewUnit):
        street = _join(loc.street)
        normalized = _join([street, pick.name, pick.province])
        return NormalizedAddress(raw, normalized, pick.province, pick.name, pick.code, "resolved")
    if prov is None:
        return unresolved
    normalized = _join([*loc.street, *loc.rest, prov.name])
    return NormalizedAddress(raw, normalized, prov.name, None, None, "province_only")
