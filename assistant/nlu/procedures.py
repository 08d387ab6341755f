"""Which procedure a message names, with a confidence.

Each procedure has phrases: its names (vi, en), the catalog's keywords and the colloquial ways of
naming it in ``data/procedures.json`` (with and without diacritics, in English). Phrases and
messages are normalized alike (teencode expanded, folded, foreign words stemmed).

A phrase scores by how much of its weight the message covers. Words weigh by rarity across
procedures (``idf``: "khai sinh" says more than "làm" or "giấy"), so "đổi bằng lái" and "làm lại bằng
lái bị mất" are told apart by the words that differ. Pairs of neighbouring phrase words found next
to each other in the message add a little, and so does the total weight covered (a longer phrase
fully present beats a shorter one inside it: "sửa giấy khai sinh" beats "giấy khai sinh"). A
procedure takes its best phrase.

Typos: a message word unknown to every phrase is corrected to its nearest phrase word (optimal
string alignment, so swapped letters count as one edit), freely when it cannot be a Vietnamese
syllable ("tne", "bnag"), and only when the correction forms a known word pair with a neighbour
when it can ("nhap ho khua" → "khau"). Accented messages are also split into compounds by
``underthesea.word_tokenize``: a compound no phrase contains ("sinh nhật") lends its words only
half their weight and breaks the pairs it straddles, so "khai sinh nhật" is not "khai sinh".

Pure: the only I/O is reading the packaged data file once, at import.
"""

from __future__ import annotations

import itertools
import json
import math
import re
import unicodedata
from collections.abc import Container, Iterable, Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Final

import msgspec
from rapidfuzz import process
from rapidfuzz.distance import OSA

from i18n.text import fold

from .normalize import Normalized, normalize
from .words import compounds, is_syllable, stem

__all__ = ("TRAINING", "ProcedureMatch", "ProcedureMatcher", "Terms")

_WORD: Final = re.compile(r"\w+", re.UNICODE)
_TYPO_MIN: Final = 0.6
_TYPO_MIN_LEN: Final = 3
_UNKNOWN_COMPOUND_CREDIT: Final = 0.5
_ACCENT_MISMATCH_CREDIT: Final = 0.6
_MASS_FULL: Final = 3.5
_MASS_BONUS: Final = 0.012
_MASS_BONUS_CAP: Final = 12.0
_EXTRA_BONUS: Final = 0.03
_EXTRA_MIN_IDF: Final = 2.0
_MIN_COVERAGE: Final = 0.5
_ASKED_CREDIT: Final = 0.5
_UNEXPLAINED_SHARE: Final = 0.3
"""How much a phrase's score depends on explaining the rest of the message ("sang tên sổ đỏ" is
better explained by "sang tên sổ đỏ" than by "sổ đỏ")."""


class ProcedureMatch(msgspec.Struct, frozen=True):
    slug: str
    score: float
    """About 0..1.1: the share of the best phrase's weight found in the message, plus small bonuses."""
    used: frozenset[int] = frozenset()
    """Positions in the message's words that the phrase used."""


def _load_training() -> dict[str, list[str]]:
    raw = json.loads(resources.files(__package__).joinpath("data/procedures.json").read_text("utf-8"))
    return {slug: [*spec.get("vi", ()), *spec.get("en", ())] for slug, spec in raw.items() if not slug.startswith("_")}


TRAINING: Final[dict[str, list[str]]] = _load_training()
"""Colloquial phrases per procedure slug."""


@dataclass(frozen=True)
class Terms:
    """A message as matching sees it: stemmed folded words, their accented forms, and the
    credit (0..1) each word may give (less inside a compound no phrase knows)."""

    words: tuple[str, ...]
    accented: tuple[str, ...]
    """Each word as typed when it carries diacritics, else ""."""
    credit: tuple[float, ...]
    breaks: frozenset[int]
    """Positions ``i`` where words ``i`` and ``i + 1`` belong to different compounds."""


@dataclass(frozen=True)
class _Phrase:
    slug: str
    words: tuple[str, ...]
    accented: tuple[str, ...]
    weights: tuple[float, ...]
    total: float


def _split(message: Normalized) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Stemmed folded words, and each word as typed when it carries diacritics (else "")."""
    typed = _WORD.findall(message.text)
    folded = tuple(stem(w) for w in message.words)
    if len(typed) != len(folded):
        return folded, ("",) * len(folded)
    return folded, tuple(t if t != w else "" for t, w in zip(typed, message.words, strict=True))


class ProcedureMatcher:
    """Built once from the catalog: ``(slug, phrases)`` with the names and keywords of each procedure."""

    def __init__(self, procedures: Sequence[tuple[str, Iterable[str]]]) -> None:
        self._order = {slug: i for i, (slug, _) in enumerate(procedures)}
        raw: list[tuple[str, tuple[str, ...], tuple[str, ...]]] = []
        for slug, texts in procedures:
            seen: set[tuple[str, ...]] = set()
            for text in [*texts, *TRAINING.get(slug, ())]:
                folded, accented = _split(normalize(text))
                if folded and folded not in seen:
                    seen.add(folded)
                    raw.append((slug, folded, accented))
        documents: dict[str, set[str]] = {}
        for slug, folded, _ in raw:
            documents.setdefault(slug, set()).update(folded)
        count = len(documents) or 1
        frequency: dict[str, int] = {}
        for words in documents.values():
            for w in words:
                frequency[w] = frequency.get(w, 0) + 1
        self._idf = {w: math.log(1 + count / n) for w, n in frequency.items()}
        self._unknown = math.log(1 + count)
        self._documents = documents
        self._phrases = [_Phrase(slug, f, a, ws := tuple(self._idf[w] for w in f), sum(ws)) for slug, f, a in raw]
        self._by_word: dict[str, list[int]] = {}
        for i, phrase in enumerate(self._phrases):
            for w in set(phrase.words):
                self._by_word.setdefault(w, []).append(i)
        self._pairs = {(p.words[i], p.words[i + 1]) for p in self._phrases for i in range(len(p.words) - 1)}
        self._vocabulary = sorted(self._idf)
        self._known = frozenset(self._idf)

    @property
    def vocabulary(self) -> frozenset[str]:
        """Every (stemmed, folded) word of the phrases."""
        return self._known

    def knows(self, word: str) -> bool:
        """``word`` (folded) is a word of some phrase, once stemmed."""
        return stem(word) in self._known

    def containing(self, words: Iterable[str]) -> list[str]:
        """Procedures whose phrases use every one of ``words`` (folded), in catalog order: those a
        message of only generic words ("chứng thực", "bảo hiểm") may be about."""
        wanted = {stem(w) for w in words}
        return sorted(
            (s for s, vocabulary in self._documents.items() if wanted <= vocabulary), key=self._order.__getitem__
        )

    def _correct(self, words: list[str], keep: Container[str]) -> list[tuple[str, float]]:
        """Each word with the credit it gives: 1 when a phrase has it, less for a corrected typo, 0
        when nothing is near. Words in ``keep`` are right as typed ("how" is not "low")."""
        out: list[tuple[str, float]] = []
        for i, word in enumerate(words):
            if word in self._idf or len(word) < _TYPO_MIN_LEN or word.isdigit() or word in keep:
                out.append((word, 1.0 if word in self._idf else 0.0))
                continue
            found = process.extract(
                word, self._vocabulary, scorer=OSA.normalized_similarity, score_cutoff=_TYPO_MIN, limit=None
            )
            before = words[i - 1] if i > 0 else ""
            after = words[i + 1] if i + 1 < len(words) else ""

            def paired(candidate: str, before: str = before, after: str = after) -> int:
                """How many neighbours the candidate makes a known word pair with."""
                return ((before, candidate) in self._pairs) + ((candidate, after) in self._pairs)

            free = not is_syllable(word)
            options = [(paired(c), s, c) for c, s, _ in found if (free or paired(c)) and abs(len(c) - len(word)) <= 2]
            if not options:
                out.append((word, 0.0))
                continue
            _, similarity, best = max(options)
            out.append((best, 0.5 + 0.45 * similarity))
        return out

    def terms(self, message: Normalized, keep: Container[str] = frozenset()) -> Terms:
        folded, accented = _split(message)
        corrected = self._correct(list(folded), keep)
        credit = [c for _, c in corrected]
        words = tuple(w for w, _ in corrected)
        breaks: set[int] = set()
        if _typed_with_diacritics(message.raw):  # the tokenizer needs them to find compounds
            position = 0
            for unit in compounds(message.text):
                parts = fold(unit).split()
                start = _find(words, tuple(stem(p) for p in parts), position)
                if start < 0:
                    continue
                end = start + len(parts)
                if start > 0:
                    breaks.add(start - 1)
                breaks.add(end - 1)
                known = all((words[j], words[j + 1]) in self._pairs for j in range(start, end - 1))
                if not known:
                    for j in range(start, end):
                        credit[j] *= _UNKNOWN_COMPOUND_CREDIT
                    breaks.update(range(start, end - 1))
                position = end
        return Terms(words, accented, tuple(credit), frozenset(breaks))

    def match(
        self,
        message: Normalized,
        limit: int = 3,
        *,
        asked: frozenset[int] = frozenset(),
        plain: frozenset[str] = frozenset(),
        keep: Container[str] = frozenset(),
    ) -> list[ProcedureMatch]:
        """Best procedures first. ``asked``: positions of words a question cue uses (they count half);
        ``plain``: words that name nothing (people, politeness, question words); ``keep``: words
        never taken for typos."""
        return self.match_terms(self.terms(message, keep), limit, asked=asked, plain=plain)

    def _weight(self, word: str, credit: float) -> float:
        if word in self._idf:
            return self._idf[word] * credit
        return 0.0 if len(word) < 2 or word.isdigit() else self._unknown

    def match_terms(
        self, terms: Terms, limit: int = 3, *, asked: frozenset[int] = frozenset(), plain: frozenset[str] = frozenset()
    ) -> list[ProcedureMatch]:
        if asked:
            terms = Terms(
                terms.words,
                terms.accented,
                tuple(c * _ASKED_CREDIT if i in asked else c for i, c in enumerate(terms.credit)),
                terms.breaks,
            )
        where: dict[str, list[int]] = {}
        for i, w in enumerate(terms.words):
            if terms.credit[i] > 0:
                where.setdefault(w, []).append(i)
        # what the message says beyond its question: unknown words weigh like the rarest known ones
        said = {
            i: self._weight(w, terms.credit[i]) for i, w in enumerate(terms.words) if w not in plain and i not in asked
        }
        said_mass = sum(said.values())
        # only phrases whose words present could reach the coverage needed are scored
        reach: dict[int, float] = {}
        for w in where:
            for i in self._by_word.get(w, ()):
                reach[i] = reach.get(i, 0.0) + self._idf[w]
        candidates = [i for i, mass in reach.items() if mass >= _MIN_COVERAGE * self._phrases[i].total]
        best: dict[str, float] = {}
        best_words: dict[str, tuple[str, ...]] = {}
        best_used: dict[str, set[int]] = {}
        for index in candidates:
            phrase = self._phrases[index]
            scored = self._phrase_score(phrase, terms, where)
            if scored is None:
                continue
            score, used = scored
            if said_mass:
                explained = sum(said.get(i, 0.0) for i in used) / said_mass
                score *= 1 - _UNEXPLAINED_SHARE + _UNEXPLAINED_SHARE * explained
            if score > best.get(phrase.slug, 0.0):
                best[phrase.slug] = score
                best_words[phrase.slug] = phrase.words
                best_used[phrase.slug] = used
        for slug in best:
            extra = {
                w
                for w in where
                if w not in best_words[slug] and w in self._documents[slug] and self._idf[w] >= _EXTRA_MIN_IDF
            }
            best[slug] += _EXTRA_BONUS * min(len(extra), 2)
        ranked = sorted(best.items(), key=lambda item: (-item[1], self._order.get(item[0], 0)))
        return [ProcedureMatch(slug, round(score, 4), frozenset(best_used[slug])) for slug, score in ranked[:limit]]

    def _phrase_score(
        self, phrase: _Phrase, terms: Terms, where: dict[str, list[int]]
    ) -> tuple[float, set[int]] | None:
        covered = 0.0
        positions: list[int | None] = []
        for word, accent, weight in zip(phrase.words, phrase.accented, phrase.weights, strict=True):
            spots = where.get(word)
            if not spots:
                positions.append(None)
                continue
            credit = 0.0
            chosen = -1
            for spot in spots:
                if spot in positions:  # one typed word stands for one phrase word ("lại" ≠ "lái" twice)
                    continue
                c = terms.credit[spot]
                typed = terms.accented[spot]
                if typed and accent and typed != accent:  # both typed with diacritics, differently
                    c *= _ACCENT_MISMATCH_CREDIT
                if c > credit:
                    credit, chosen = c, spot
            covered += weight * credit
            positions.append(chosen if chosen >= 0 else None)
        coverage = covered / phrase.total if phrase.total else 0.0
        if coverage < _MIN_COVERAGE:
            return None
        pairs = len(phrase.words) - 1
        if pairs:
            adjacent = sum(
                1
                for a, b in itertools.pairwise(positions)
                if a is not None and b is not None and b == a + 1 and a not in terms.breaks
            )
            coverage *= 0.85 + 0.15 * adjacent / pairs
        coverage *= min(1.0, covered / _MASS_FULL)
        return coverage + _MASS_BONUS * min(covered, _MASS_BONUS_CAP), {p for p in positions if p is not None}


def _typed_with_diacritics(raw: str) -> bool:
    return any(unicodedata.combining(c) for c in unicodedata.normalize("NFD", raw)) or "đ" in raw.lower()


def _find(words: tuple[str, ...], part: tuple[str, ...], start: int) -> int:
    n = len(part)
    for i in range(start, len(words) - n + 1):
        if words[i : i + n] == part:
            return i
    return -1
