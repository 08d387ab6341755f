"""Vietnamese text folding: what a phone keyboard without diacritics would have typed."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")
_PUNCT = re.compile(r"[^\w\s]", re.UNICODE)


def strip_diacritics(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text)
    bare = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return bare.replace("đ", "d").replace("Đ", "D")


def fold(text: str) -> str:
    """Lowercase, no diacritics, punctuation as spaces, single spaces."""
    folded = strip_diacritics(unicodedata.normalize("NFC", text)).lower()
    return _SPACES.sub(" ", _PUNCT.sub(" ", folded)).strip()
