"""Locale negotiation: ?lang= wins over Accept-Language; Vietnamese is the default."""

from __future__ import annotations

SUPPORTED = ("vi", "en")
DEFAULT = "vi"
MAX_RANGES = 16  # a browser sends a handful; a header of thousands is read no further than this


def negotiate(lang_param: str | None, accept_language: str | None) -> str:
    if lang_param:
        tag = lang_param.strip().lower()[:2]
        if tag in SUPPORTED:
            return tag
    if accept_language:
        ranked: list[tuple[float, int, str]] = []
        for index, part in enumerate(accept_language.split(",", MAX_RANGES)[:MAX_RANGES]):
            pieces = part.strip().split(";")
            tag = pieces[0].strip().lower()[:2]
            quality = 1.0
            for param in pieces[1:]:
                name, _, value = param.strip().partition("=")
                if name == "q":
                    try:
                        quality = float(value)
                    except ValueError:
                        quality = 0.0
            if tag in SUPPORTED and quality > 0:
                ranked.append((-quality, index, tag))
        if ranked:
            return min(ranked)[2]
    return DEFAULT
