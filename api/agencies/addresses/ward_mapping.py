"""Which new unit a ward mention names: through the old wards (and old district, if typed) that
became it, or the new units of the province; exact matches win, then rapidfuzz tolerates typos in
ward names within the known province."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, TypeAlias

from rapidfuzz import fuzz, process

from api.agencies.addresses.dataset import AddressData, NewUnit, OldWard
from api.agencies.addresses.mentions import Mention


@dataclass(frozen=True, slots=True)
class ProvinceScope:
    """The province an address names, and the old provinces whose wards may be typed in it."""

    new: str  # new province key
    name: str
    tiers: tuple[tuple[str, ...], ...]  # old province keys to search, narrowest first


def province_scope(d: AddressData, target: tuple[str, str | None]) -> ProvinceScope:
    new, old = target
    others = tuple(o for o in d.olds_of.get(new, []) if o != old)
    tiers = ((old,), others) if old else (others,)
    return ProvinceScope(new, d.province_names[new], tuple(t for t in tiers if t))


def district_keys(d: AddressData, prov: ProvinceScope | None, m: Mention) -> list[tuple[str, str]]:
    if prov is None:
        found = [(p, k, kind) for p, k, kind in d.districts_any.get(m.key, [])]
    else:
        found = [(p, k, kind) for tier in prov.tiers for p in tier for k, kind in d.districts.get((p, m.key), [])]
    same = [(p, k) for p, k, kind in found if kind == m.kind]
    return same or [(p, k) for p, k, _ in found]


def ward_known(d: AddressData, prov: ProvinceScope | None, m: Mention) -> bool:
    if prov is None:
        return m.key in d.new_any or m.key in d.old_ward_any
    if (prov.new, m.key) in d.new_exact:
        return True
    return any((p, m.key) in d.old_ward for tier in prov.tiers for p in tier)


# "ambiguous": several units fit equally, so the address reads as province only.
Ambiguous: TypeAlias = Literal["ambiguous"]
Pick: TypeAlias = NewUnit | Ambiguous | None


def _pick_old(recs: list[OldWard], m: Mention, *, strict: bool = False) -> Pick:
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


def _pick_new(d: AddressData, units: list[NewUnit], m: Mention, *, strict: bool) -> Pick:
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


def _fuzzy(d: AddressData, prov: ProvinceScope, dists: list[tuple[str, str]], m: Mention) -> Pick:
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


def resolve_ward(d: AddressData, prov: ProvinceScope | None, district: Mention | None, ward: Mention) -> Pick:
    dists = district_keys(d, prov, district) if district else []
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


def resolve_district(d: AddressData, prov: ProvinceScope | None, district: Mention) -> set[NewUnit]:
    """The new units covering an old district (when there is only one, the district names it)."""
    return {o.new for p, k in district_keys(d, prov, district) for o in d.old_by_dist.get((p, k), [])}
