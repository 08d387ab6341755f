"""What the learned models see of a message: words, word pairs and letter sequences of its folded text.

The same function builds the features when training (scikit-learn calls it as its analyzer) and
when answering, so the two can never drift apart. Pure.

* ``w:`` each word, ``b:`` each pair of neighbouring words (with the message's start and end, so
  that a bare "sổ đỏ" differs from "sang tên sổ đỏ");
* ``c:`` every sequence of 2 to 5 characters of the text with a space at each end: these carry
  typos ("ho chiue" shares "ho c", "chi" with "ho chieu"), run-together words and endings.

Only the first :data:`MAX_CHARS` characters count: a longer message costs no more.
"""

from __future__ import annotations

from itertools import pairwise
from typing import Final

__all__ = ("MAX_CHARS", "features")

MAX_CHARS: Final = 300
_CHAR_RANGE: Final = range(2, 6)


def features(folded: str) -> list[str]:
    """``folded``: lower case, no diacritics, single spaces (``Normalized.folded``)."""
    text = folded[:MAX_CHARS]
    words = text.split()
    out = [f"w:{w}" for w in words]
    edged = ["<", *words, ">"]
    out += [f"b:{a} {b}" for a, b in pairwise(edged)]
    padded = f" {' '.join(words)} "
    size = len(padded)
    for n in _CHAR_RANGE:
        out += [f"c:{padded[i : i + n]}" for i in range(size - n + 1)]
    return out
