"""Vietnamese text: folding (what a phone keyboard without diacritics would have typed) and masked names."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")
_PUNCT = re.compile(r"[^\w\s]", re.UNICODE)
# A word of a masked name shows at most this many stars, so long names do not reveal their length
# ("Nguyễn" → "N***").
_MAX_NAME_STARS = 3


def strip_diacritics(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text)
    bare = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return bare.replace("đ", "d").replace("Đ", "D")


def fold(text: str) -> str:
    """Lowercase, no diacritics, punctuation as spaces, single spaces."""
    folded = strip_diacritics(unicodedata.normalize("NFC", text)).lower()
    return _SPACES.sub(" ", _PUNCT.sub(" ", folded)).strip()


def mask_name(full_name: str) -> str:
    """``Nguyễn Thị Lan`` → ``N*** T** Lan``: the last word kept, the others reduced to their initial.

    Each masked word keeps its first letter followed by one ``*`` per remaining letter, capped at 3
    stars. Whitespace is collapsed and the text NFC-normalised (so ``ễ`` counts as one letter).
    Raises ``ValueError`` for a blank name.
    """
    words = unicodedata.normalize("NFC", full_name).split()
    if not words:
        raise ValueError("name is blank")
    masked = [word[0] + "*" * min(len(word) - 1, _MAX_NAME_STARS) for word in words[:-1]]
    return " ".join([*masked, words[-1]])
