"""A dossier's fee where the catalog's fee is per copy or per page: the quantity asked for is in the
form, and the circular setting the fee says how it counts. Pure.

The catalog's `fee` of these procedures is the fee of one copy (or one page), as their fee notes
say; everywhere else a dossier's fee is the catalog's `fee` as it is."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from api.catalog.models import Procedure, Resolved, fee_for_form
from api.dossiers.models import FieldErrors

MAX_COPIES = 100  # a request for more is a mistake, or for another channel than a phone
MAX_PAGES = 1000

Rule = Callable[[int, Mapping[str, object]], tuple[int, FieldErrors]]


def _quantity(form: Mapping[str, object], key: str, most: int) -> tuple[int, FieldErrors]:
    value = form.get(key)
    if value is None:  # a required field left out is already an error of the form
        return 1, []
    if isinstance(value, bool) or not isinstance(value, int | float) or value != int(value) or not 1 <= value <= most:
        return 1, [(f"form.{key}", "invalid", {})]
    return int(value), []


def _per_copy(key: str) -> Rule:
    def fee(one: int, form: Mapping[str, object]) -> tuple[int, FieldErrors]:
        copies, errors = _quantity(form, key, MAX_COPIES)
        return one * copies, errors

    return fee


def _certified_copy(one_page: int, form: Mapping[str, object]) -> tuple[int, FieldErrors]:
    """Thông tư 226/2016/TT-BTC: the first two pages at the page fee, 1,000 đồng each page from the
    third, at most 200,000 đồng a copy."""
    copies, errors = _quantity(form, "number_of_copies", MAX_COPIES)
    pages, page_errors = _quantity(form, "pages_per_copy", MAX_PAGES)
    per_copy = min(one_page * min(pages, 2) + 1_000 * max(0, pages - 2), 200_000)
    return per_copy * copies, errors + page_errors


RULES: dict[str, Rule] = {
    "civil-status-extract-copy": _per_copy("copies"),  # Thông tư 281/2016/TT-BTC: per copy
    # no rule for extra judicial record certificates: Thông tư 244/2016/TT-BTC counted them (5,000 đồng
    # from the third), and whether Thông tư 16/2025/TT-BTC, in force now, keeps that is not confirmed
    "certified-copy": _certified_copy,
}


def dossier_fee(
    procedure: Procedure, form: Mapping[str, object], resolved: Resolved, channel: str, identity_level: int = 0
) -> tuple[int, FieldErrors]:
    """The fee the dossier owes for what its form asks under the law of `resolved`'s day, or the errors
    of the quantities asked: the fee line its answers (and the filing account's verified identity) make
    its case (of one copy or page where the procedure counts them)."""
    unit = fee_for_form(resolved, form, channel, identity_level)
    rule = RULES.get(procedure.slug)
    if rule is None or unit == 0:
        return unit, []
    return rule(unit, form)
