"""Normalization of citizen messages: NFC, lowercase, teencode expanded, folded twin, English flag.

Tone marks placed the old way or the new ("thuỷ", "thủy") need no care: everything the models
read is folded (no diacritics at all).

Pure: the only I/O is reading the packaged ``data/abbreviations.json`` once, at import.
"""

from __future__ import annotations

import json
import re
import unicodedata
from functools import lru_cache
from importlib import resources
from typing import Final

import msgspec

from i18n.text import fold

__all__ = ("ABBREVIATIONS", "ENGLISH_WORDS", "Normalized", "is_english", "normalize")


class Normalized(msgspec.Struct, frozen=True):
    raw: str
    """The message exactly as received."""
    text: str
    """NFC, tone marks normalized, lowercased, teencode/abbreviations expanded; keeps diacritics."""
    folded: str
    """``text`` without diacritics or punctuation (:func:`i18n.text.fold`)."""
    words: tuple[str, ...]
    """The words of ``folded``."""
    english: bool
    """The message looks like English (then nothing is expanded)."""


def _load_abbreviations() -> dict[str, str]:
    data = json.loads(resources.files(__package__).joinpath("data/abbreviations.json").read_text("utf-8"))
    return {fold(key): value for key, value in data.items() if not key.startswith("_")}


ABBREVIATIONS: Final[dict[str, str]] = _load_abbreviations()
"""Folded teencode or abbreviation → expansion with diacritics."""

# Common English words that are not also Vietnamese syllables typed without diacritics
# ("can", "to", "do", "long", "no", "in", "on", "me", "ban", "a", "an", "hay", "sang" ... are left out).
_ENGLISH: Final[frozenset[str]] = frozenset(
    [
        "the",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "am",
        "i",
        "you",
        "your",
        "my",
        "me",
        "we",
        "our",
        "it",
        "its",
        "this",
        "that",
        "these",
        "those",
        "what",
        "which",
        "who",
        "whom",
        "whose",
        "where",
        "when",
        "why",
        "how",
        "much",
        "many",
        "does",
        "did",
        "done",
        "have",
        "has",
        "had",
        "will",
        "would",
        "should",
        "could",
        "may",
        "might",
        "must",
        "shall",
        "of",
        "for",
        "with",
        "from",
        "at",
        "by",
        "about",
        "into",
        "there",
        "here",
        "please",
        "thanks",
        "thank",
        "hello",
        "hey",
        "hi",
        "bye",
        "goodbye",
        "good",
        "morning",
        "afternoon",
        "evening",
        "need",
        "want",
        "get",
        "got",
        "make",
        "apply",
        "application",
        "applications",
        "applying",
        "register",
        "registration",
        "renew",
        "renewal",
        "certificate",
        "birth",
        "death",
        "marriage",
        "passport",
        "license",
        "licence",
        "driving",
        "driver",
        "id",
        "card",
        "fee",
        "fees",
        "cost",
        "costs",
        "price",
        "pay",
        "paid",
        "payment",
        "transfer",
        "bank",
        "status",
        "check",
        "track",
        "tracking",
        "long",
        "days",
        "day",
        "weeks",
        "week",
        "time",
        "take",
        "takes",
        "office",
        "documents",
        "document",
        "papers",
        "paper",
        "required",
        "requirements",
        "bring",
        "submit",
        "submitted",
        "where's",
        "what's",
        "how's",
        "it's",
        "i'm",
        "talk",
        "speak",
        "person",
        "human",
        "agent",
        "staff",
        "officer",
        "someone",
        "real",
        "help",
        "support",
        "issue",
        "issued",
        "process",
        "processing",
        "ready",
        "yet",
        "still",
        "any",
        "anything",
        "there",
        "just",
        "know",
        "tell",
        "give",
        "send",
        "see",
        "okay",
        "thx",
        "ty",
        "cheers",
        "later",
        "see",
        "soon",
        "new",
        "lost",
        "replace",
        "change",
        "address",
        "business",
        "household",
        "residence",
        "temporary",
        "permanent",
        "land",
        "house",
        "building",
    ]
)
ENGLISH_WORDS: Final = _ENGLISH
"""Common English words (folded) that are no Vietnamese syllable typed without diacritics."""
_WORD: Final = re.compile(r"\w+", re.UNICODE)
_ELONGATED: Final = re.compile(r"(\D)\1+$")
_ELONGATED_3: Final = re.compile(r"(\D)\1{2,}")
_PLAIN_UU: Final = re.compile(r"(?:^|[^aeiouy])uu$")


def _collapse(token: str) -> str:
    """Undo phone elongation: a letter typed three times or more anywhere ("chàooo"), or a doubled
    final letter ("dauu", "ơnn"): no Vietnamese syllable ends in a doubled letter, but for the "ưu"
    of "cứu", "lưu", "hữu" typed without diacritics ("tra cuu")."""
    token = _ELONGATED_3.sub(r"\1", token)
    if len(token) <= 2 or _PLAIN_UU.search(token):
        return token
    return _ELONGATED.sub(r"\1", token)


_SYLLABLE: Final = re.compile(
    r"(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdghklmnprstvx])?[aeiouy]{1,3}(?:ch|ng|nh|[cmnpt])?"
)
"""The shape of a Vietnamese syllable typed without diacritics: an onset, one to three vowels, a final."""


_CONTRACTED: Final = frozenset({"m", "s", "t", "re", "ve", "ll"})
"""What is left of "I'm", "it's", "don't", "we're", "I've", "I'll" once the apostrophe splits the word."""


def _english_word(word: str) -> bool:
    """A common English word, or a word no Vietnamese syllable is shaped like ("student", "hire",
    "restaurant") that is no chat spelling either ("ko", "dc", "lltp")."""
    if word in _ENGLISH or word in _CONTRACTED:
        return True
    return (
        len(word) > 1
        and word.isascii()
        and word.isalpha()
        and word not in ABBREVIATIONS
        and not (
            _SYLLABLE.fullmatch(_collapse(word))  # "chàooo" is a Vietnamese syllable typed long
        )
    )


def is_english(folded_words: tuple[str, ...] | list[str]) -> bool:
    """At least half of the (non-numeric) words are English, and two of them unless the message is
    one word. Vietnamese typed without diacritics shares few words with the list, and its syllables
    have a shape most English words do not."""
    words = [w for w in folded_words if not w.isdigit()]
    if not words:
        return False
    hits = sum(1 for w in words if _english_word(w))
    return hits * 2 >= len(words) and (hits >= 2 or len(words) == 1)


@lru_cache(maxsize=16384)
def _fold_word(token: str) -> str:
    """:func:`fold` for one token; tokens repeat, so it is remembered (a bounded cache)."""
    return fold(token)


def _plain(token: str) -> bool:
    """Typed without diacritics (``đ`` allowed: ``đc``, ``đki`` are teencode too)."""
    return _fold_word(token) == token.replace("đ", "d")


_ONE_SPELLING: Final = {"ki": "ky", "li": "ly"}
"""Vietnamese writes these syllables with i or y alike ("đăng kí" and "đăng ký", "lí lịch" and "lý lịch"):
folded, they are one word, whichever spelling the citizen learned."""


def normalize(text: str) -> Normalized:
    nfc = unicodedata.normalize("NFC", text)
    lowered = nfc.lower()
    tokens = _WORD.findall(lowered)
    english = is_english([_fold_word(t) for t in tokens])
    if english:
        out = tokens
    else:
        out = []
        for typed in tokens:
            typed_key = _fold_word(typed)
            token = typed if typed_key in ABBREVIATIONS or typed_key in _ENGLISH else _collapse(typed)
            key = _fold_word(token)
            expansion = ABBREVIATIONS.get(key) if _plain(token) else None
            out.append(expansion if expansion is not None else token)
    expanded = " ".join(out)
    folded = fold(expanded)
    words = tuple(folded.split())
    if not english and any(word in _ONE_SPELLING for word in words):
        words = tuple(_ONE_SPELLING.get(word, word) for word in words)
        folded = " ".join(words)
    return Normalized(raw=text, text=expanded, folded=folded, words=words, english=english)
