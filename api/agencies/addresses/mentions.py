"""Reading one unit mention out of typed text: "Phường Bến Thành", "P. 12", "Q1", "huyện Cần Giờ".

Matching is done on folded forms (lowercase, no diacritics) that line up character for character with
the typed text, so a span found in the folded form cuts the original.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, TypeAlias

# --------------------------------------------------------------------------------------------------
# Folding. The table maps every character below U+2000 to exactly one character (a lowercase ASCII
# letter or digit, or a space), so a folded string lines up with its source and token spans found
# in the folded text cut the original text.


def _fold_table() -> dict[int, str]:
    table: dict[int, str] = {}
    for cp in range(0x2000):
        ch = chr(cp)
        if ch in "đĐ":
            out = "d"
        elif ch.isalnum():
            base = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
            base = base.lower()
            out = base if len(base) == 1 and base.isascii() and base.isalnum() else " "
        else:
            out = " "
        if out != ch:
            table[cp] = out
    return table


FOLD = _fold_table()
TOKEN = re.compile(r"[a-z0-9]+")
EDGE_PUNCT = " \t,.;:-–—_"
_GLUED = re.compile(r"(p|f|q|phuong|quan)([0-9]{1,2})")


@dataclass(frozen=True, slots=True)
class Token:
    folded: str
    raw: str  # the same span of the NFC text, lowercased
    start: int
    end: int


def tokens(text: str) -> list[Token]:
    folded = text.translate(FOLD)
    return [Token(m.group(), text[m.start() : m.end()].lower(), m.start(), m.end()) for m in TOKEN.finditer(folded)]


def has_diacritics(text: str) -> bool:
    return any(ord(c) > 127 and c.isalpha() for c in text)


def as_number(tok: str) -> str:
    return str(int(tok)) if tok.isdigit() else tok


# --------------------------------------------------------------------------------------------------
# Unit mentions: "Phường Bến Thành", "P. 12", "Q1", "huyện Cần Giờ", "Bến Thành".

Level: TypeAlias = Literal["ward", "district", "none"]

# folded marker words -> (level, kind, accented spelling). ASCII spellings are accepted too, except
# a bare "xa" in text that has diacritics elsewhere ("Xa lộ Hà Nội" is a street).
_MARKERS: dict[tuple[str, ...], tuple[Level, str, str]] = {
    ("thi", "tran"): ("ward", "thi_tran", "thị trấn"),
    ("dac", "khu"): ("ward", "dac_khu", "đặc khu"),
    ("thi", "xa"): ("district", "thi_xa", "thị xã"),
    ("thanh", "pho"): ("district", "thanh_pho", "thành phố"),
    ("phuong",): ("ward", "phuong", "phường"),
    ("xa",): ("ward", "xa", "xã"),
    ("quan",): ("district", "quan", "quận"),
    ("huyen",): ("district", "huyen", "huyện"),
    ("p",): ("ward", "phuong", ""),
    ("f",): ("ward", "phuong", ""),
    ("x",): ("ward", "xa", ""),
    ("tt",): ("ward", "thi_tran", ""),
    ("q",): ("district", "quan", ""),
    ("h",): ("district", "huyen", ""),
    ("tx",): ("district", "thi_xa", ""),
    ("tp",): ("district", "thanh_pho", ""),
    ("ward",): ("ward", "phuong", ""),
    ("commune",): ("ward", "xa", ""),
    ("district",): ("district", "quan", ""),
}


@dataclass(frozen=True, slots=True)
class Marker:
    level: Level
    kind: str
    width: int  # tokens taken by the marker (0 for a glued "Q1": the number is the body)
    strong: bool  # safe to split a part at it: a full accented word, "P." style, or glued "P12"


def marker_at(text: str, toks: Sequence[Token], i: int, *, accented: bool) -> Marker | None:
    t = toks[i]
    glued = _GLUED.fullmatch(t.folded)
    if glued:
        glued_level, glued_kind, _ = _MARKERS[(glued.group(1),)]
        return Marker(glued_level, glued_kind, 0, strong=True)
    for width in (2, 1):
        words = tuple(x.folded for x in toks[i : i + width])
        info = _MARKERS.get(words) if len(words) == width else None
        if info is None:
            continue
        level, kind, spelled = info
        typed = " ".join(x.raw for x in toks[i : i + width])
        ascii_form = " ".join(words)
        if spelled and typed not in (spelled, ascii_form):
            return None  # "Phương", "Quán", "Thành Phố"-like words that only fold to a marker
        if typed == "xa" and accented:
            return None
        last = toks[i + width - 1]
        dotted = text[last.end : last.end + 1] == "."
        strong = (bool(spelled) and typed == spelled) or dotted or (not accented and bool(spelled))
        return Marker(level, kind, width, strong)
    return None


@dataclass(frozen=True, slots=True)
class Mention:
    level: Level
    kind: str | None
    key: str  # compact folded body: "benthanh", "1"
    spaced: str  # "ben thanh"
    vi: str  # compact lowercase body with diacritics: "bếnthành"
    accented: bool
    text: str  # the mention as typed (cleaned)


def mention_from(text: str, toks: Sequence[Token], marker: Marker | None) -> Mention | None:
    if marker is None:
        body = list(toks)
        level: Level = "none"
        kind = None
    elif marker.width == 0:
        glued = _GLUED.fullmatch(toks[0].folded)
        assert glued is not None
        number = as_number(glued.group(2))
        if len(toks) > 1:
            return None
        typed = text[toks[0].start : toks[0].end].strip(EDGE_PUNCT)
        return Mention(marker.level, marker.kind, number, number, number, False, typed)
    else:
        body = list(toks[marker.width :])
        level, kind = marker.level, marker.kind
    if not body:
        return None
    words = [as_number(t.folded) for t in body]
    body_text = text[body[0].start : body[-1].end]
    vi = "".join(c for c in body_text.lower() if c.isalnum())
    typed = text[toks[0].start : toks[-1].end].strip(EDGE_PUNCT)
    # Diacritics anywhere in the part ("Xã Thanh An") mean a body without them was typed so.
    return Mention(level, kind, "".join(words), " ".join(words), vi, has_diacritics(text), typed)


def read_mention(text: str) -> Mention | None:
    toks = tokens(text)
    if not toks:
        return None
    marker = marker_at(text, toks, 0, accented=has_diacritics(text))
    return mention_from(text, toks, marker) or mention_from(text, toks, None)
