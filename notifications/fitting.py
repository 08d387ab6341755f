"""Fitting a push into a lock screen: titles within TITLE_MAX, bodies within BODY_MAX, the event's own
words (names, notes, reasons) shortened to share the room a body template leaves. Pure."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Final, NamedTuple

TITLE_MAX: Final = 40
BODY_MAX: Final = 180

Render = Callable[[int], str]
"""A variable part of a body: the best text it can be within the given number of characters."""

_TERMINAL: Final = (".", "!", "?", "…")
_ROOMY: Final = 100_000


class Slot(NamedTuple):
    render: Render
    optional: bool = False  # gets only what the essential parts leave over


def fit(template: str, values: Mapping[str, str], slots: Mapping[str, Slot], limit: int = BODY_MAX) -> str:
    """Fill `template`: `values` as they are, `slots` shortened to share what is left of `limit`,
    the essential ones first."""
    chosen: dict[str, str] = dict.fromkeys(slots, "")
    budget = limit - len(template.format(**values, **chosen))
    for optional in (False, True):
        tier = {name: slot.render for name, slot in slots.items() if slot.optional is optional}
        budget -= _share(tier, budget, chosen)
    return clip(template.format(**values, **chosen), limit)


def _share(renders: Mapping[str, Render], budget: int, out: dict[str, str]) -> int:
    """Max-min fair: the shortest parts take what they need, the longest split the rest."""
    natural = {name: len(r(_ROOMY)) for name, r in renders.items()}
    used = 0
    order = sorted(renders, key=natural.__getitem__)
    for index, name in enumerate(order):
        cap = min(natural[name], max(0, budget - used) // (len(order) - index))
        text = renders[name](cap)
        text = text if len(text) <= cap else clip(text, cap)
        out[name] = text
        used += len(text)
    return used


def free_text(
    value: str | None, *, prefix: str = "", suffix: str = "", sentence: bool = False, least: int = 6
) -> Render:
    """Free text from the event with its decoration; a sentence gets its full stop. Nothing at all
    when fewer than `least` of its characters would fit."""
    core = one_line(value)
    stop = "." if sentence and core and not core.endswith(_TERMINAL) else ""

    def render(room: int) -> str:
        if not core:
            return ""
        space = room - len(prefix) - len(suffix)
        if space >= len(core) + len(stop):
            return prefix + core + stop + suffix
        if space < min(least, len(core)):
            return ""
        return prefix + clip(core, space) + suffix

    return render


def one_line(value: str | None) -> str:
    """One line, single spaces."""
    return " ".join(value.split()) if value else ""


def clip(text: str, limit: int) -> str:
    """At most `limit` characters, cut at a word boundary when one is near, marked with "…"."""
    if len(text) <= limit:
        return text
    if limit <= 1:
        return "…"[:limit]
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space >= max(1, len(cut) - 12):
        cut = cut[:space]
    return cut.rstrip(" ,;:.-–(") + "…"
