"""Dossier codes (mã hồ sơ) and receipt lookup keys (mã tra cứu). Pure: randomness is an input.

A dossier code is ``<agency code>-<yymmdd>-<daily sequence>``, e.g. ``000.00.01.H29-260216-0001``,
the pattern provincial one-stop systems share with the national portal. The agency code (Quyết định
20/2020/QĐ-TTg) is dot-separated and may contain dashes, so codes are parsed from the right.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from datetime import date

__all__ = (
    "LOOKUP_KEY_ALPHABET",
    "LOOKUP_KEY_LENGTH",
    "dossier_code",
    "lookup_key",
    "parse_dossier_code",
)

LOOKUP_KEY_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
"""Uppercase letters and digits without the look-alikes 0/O, 1/I/L."""
LOOKUP_KEY_LENGTH = 8

_DAY = re.compile(r"[0-9]{6}")
_SEQ = re.compile(r"[0-9]{4,}")
_NO_WHITESPACE = re.compile(r"\S+")
# The largest multiple of the alphabet size that fits in a byte: bytes at or above it are rejected
# so that every character is equally likely.
_BYTE_LIMIT = 256 - 256 % len(LOOKUP_KEY_ALPHABET)


def dossier_code(agency_code: str, day: date, seq: int) -> str:
    """``<agency_code>-<yymmdd>-<seq>``, the sequence zero-padded to 4 digits (never truncated).

    ``day`` is the receipt day in Asia/Ho_Chi_Minh, chosen by the caller. Raises ``ValueError`` for an
    empty agency code or one with whitespace, a ``seq`` below 1, or a year outside 2000–2099 (the
    two-digit year could not be read back).
    """
    if not _NO_WHITESPACE.fullmatch(agency_code):
        raise ValueError("agency code must be non-empty and without whitespace")
    if seq < 1:
        raise ValueError("sequence must be at least 1")
    if not 2000 <= day.year <= 2099:
        raise ValueError("day must be in the years 2000-2099")
    return f"{agency_code}-{day:%y%m%d}-{seq:04d}"


def parse_dossier_code(code: str) -> tuple[str, date, int] | None:
    """``(agency_code, day, seq)`` from a code made by :func:`dossier_code`, or ``None``.

    Surrounding whitespace is ignored. The sequence may have more than 4 digits; the year is read
    as 20yy.
    """
    parts = code.strip().rsplit("-", 2)
    if len(parts) != 3:
        return None
    agency, day_part, seq_part = parts
    if not (_NO_WHITESPACE.fullmatch(agency) and _DAY.fullmatch(day_part) and _SEQ.fullmatch(seq_part)):
        return None
    try:
        day = date(2000 + int(day_part[:2]), int(day_part[2:4]), int(day_part[4:]))
    except ValueError:
        return None
    seq = int(seq_part)
    if seq < 1:
        return None
    return agency, day, seq


def lookup_key(rand: Callable[[int], bytes] = secrets.token_bytes) -> str:
    """An 8-character secret from :data:`LOOKUP_KEY_ALPHABET`, uniformly distributed.

    ``rand(n)`` must return ``n`` random bytes (``secrets.token_bytes`` by default; tests pass their
    own). Bytes that would bias the result (248–255) are rejected and only as many more as still
    needed are drawn.
    """
    chars: list[str] = []
    while len(chars) < LOOKUP_KEY_LENGTH:
        batch = rand(LOOKUP_KEY_LENGTH - len(chars))
        if not batch:
            raise ValueError("rand returned no bytes")
        chars.extend(LOOKUP_KEY_ALPHABET[b % len(LOOKUP_KEY_ALPHABET)] for b in batch if b < _BYTE_LIMIT)
    return "".join(chars[:LOOKUP_KEY_LENGTH])
