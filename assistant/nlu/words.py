"""Word-level tools for matching: is a folded word a possible Vietnamese syllable, English stemming,
and the word groups ``underthesea.word_tokenize`` finds in an accented message.

A folded word that cannot be a Vietnamese syllable ("tne", "pahm", "thnag", "registration") is a
typo or a foreign word: it may be corrected freely, and foreign words are stemmed so that
"registering", "registration" and "register" meet. A word that is a syllable ("lia", "khua") is
only corrected when the correction makes a known word pair with a neighbour. Pure.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Final

from underthesea import word_tokenize

__all__ = ("compounds", "is_syllable", "stem")

_SYLLABLE: Final = re.compile(
    r"^(?:ngh(?=[iey])|gh(?=[iey])|ng|nh|ch|gi|kh|ph|th|tr|qu|[bcdghklmnprstvx])?"
    r"[aeiouy]{1,3}"
    r"(?:ch|ng|nh|[cmnpt])?$"
)
_STEM_LEN: Final = 5


@lru_cache(maxsize=8192)
def is_syllable(word: str) -> bool:
    """``word`` (folded) could be one Vietnamese syllable typed without diacritics."""
    return _SYLLABLE.match(word) is not None


@lru_cache(maxsize=8192)
def stem(word: str) -> str:
    """Foreign words (not a syllable, 5+ letters) lose their plural and keep their first letters:
    "registration", "registering" → "regis"; "licence", "license" → "licen"; "copies" → "copy"."""
    if len(word) < _STEM_LEN or is_syllable(word) or not word.isalpha():
        return word
    if word.endswith("ies"):
        word = word[:-3] + "y"
    elif word.endswith("s") and not word.endswith("ss"):
        word = word[:-1]
    return word[:_STEM_LEN]


def compounds(accented: str) -> list[str]:
    """Multi-word units of an accented message ("sinh nhật", "khai sinh"), lowercased; empty when
    the tokenizer fails (it is third-party code and must never take the assistant down)."""
    try:
        tokens = word_tokenize(accented)
    except Exception:
        return []
    return [t.lower() for t in tokens if isinstance(t, str) and " " in t]
