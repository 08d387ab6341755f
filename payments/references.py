"""Payment references ("MC" + 8 characters) and finding them again in bank transfer memos."""

from __future__ import annotations

import re
import secrets
import unicodedata
from collections.abc import Callable

PREFIX = "MC"
# No 0/O, 1/I/L: a citizen copies the reference by hand into a banking app.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
BODY_LENGTH = 8

# Largest multiple of the alphabet size that fits in a byte: bytes at or above it are rejected,
# so every character is equally likely (plain `byte % 31` would favour the first 8 characters).
_LIMIT = 256 - 256 % len(ALPHABET)

_CHAR = "[2-9A-HJKMNP-Za-hjkmnp-z]"
# What payers and banks put inside a reference: spaces, dashes, dots, underscores, a few at most.
_SEP = r"[\s.\-_]{0,3}"
# Starts and ends where no letter or digit (any script) touches it, so it is never cut out of a
# longer word or id; separators may sit between any two of its characters.
_REFERENCE = re.compile(
    rf"(?<![^\W_])[Mm]{_SEP}[Cc]" + rf"(?:{_SEP}{_CHAR})" * BODY_LENGTH + r"(?![^\W_])",
)
_NOT_ALNUM = re.compile(r"[^0-9A-Za-z]")


def new_reference(rand: Callable[[int], bytes] = secrets.token_bytes) -> str:
    chars: list[str] = []
    while len(chars) < BODY_LENGTH:
        for byte in rand(BODY_LENGTH - len(chars)):
            if byte < _LIMIT and len(chars) < BODY_LENGTH:
                chars.append(ALPHABET[byte % len(ALPHABET)])
    return PREFIX + "".join(chars)


def find_reference(memo: str) -> str | None:
    """The one reference in a transfer memo, canonical uppercase; None if there is none or two differ.

    Forgives only what banks and keyboards do (case, separators, text around it). Never guesses
    0→O or 1→I: such a string is not a reference we issued, and a wrong guess would credit
    someone else's dossier.
    """
    # NFKC folds full-width letters and keeps precomposed Vietnamese letters whole, so "Á" after a
    # reference is a letter touching it rather than "A" followed by a stray accent.
    text = unicodedata.normalize("NFKC", memo)
    found = {_NOT_ALNUM.sub("", match.group()).upper() for match in _REFERENCE.finditer(text)}
    return found.pop() if len(found) == 1 else None
