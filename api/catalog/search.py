"""Ranked, typo-tolerant procedure search over names and colloquial keywords. Pure.

Every phrase (a name in vi or en, or a keyword) and the query are folded (no diacritics, lower
case). A phrase scores by how much of the query it covers (each query word matched exactly, with a
typo, or as the prefix of a word still being typed) and, less, by how much of the phrase the query
covers; a procedure takes its best phrase. Queries whose words mostly match nothing return nothing."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz

from api.catalog.models import Procedure
from i18n.text import fold

_TYPO_MIN = 74.0  # "sihn" for "sinh" is 75
_MIN_QUERY_COVERAGE = 0.6
_MIN_SCORE = 65.0


@dataclass(frozen=True)
class _Phrase:
    slug: str
    text: str
    words: tuple[str, ...]
    weight: float


class ProcedureIndex:
    def __init__(self, procedures: Sequence[Procedure]) -> None:
        self._order = {p.slug: i for i, p in enumerate(procedures)}
        phrases: list[_Phrase] = []
        for p in procedures:
            for text, weight in (
                (p.names.vi, 1.0),
                (p.names.en, 0.98),
                (p.slug.replace("-", " "), 0.9),
                *((k, 0.97) for k in p.keywords),
            ):
                folded = fold(text)
                if folded:
                    phrases.append(_Phrase(p.slug, folded, tuple(folded.split()), weight))
        self._phrases = phrases
        self._vocabulary = sorted({w for ph in phrases for w in ph.words})

    def _word_matches(self, word: str, *, last: bool) -> dict[str, float]:
        """How well `word` stands for each vocabulary word (1.0 exact, less for typos/prefixes)."""
        found: dict[str, float] = {}
        for candidate in self._vocabulary:
            if candidate == word:
                found[candidate] = 1.0
            elif last and len(word) >= 2 and candidate.startswith(word):
                found[candidate] = 0.85
            elif len(word) >= 4 and len(candidate) >= 4:
                ratio = fuzz.ratio(word, candidate)
                if ratio >= _TYPO_MIN:
                    found[candidate] = ratio / 100 * 0.9
        return found

    def search(self, query: str, limit: int = 100) -> list[tuple[str, float]]:
        """(slug, score 0-100) best first; empty when nothing is close enough."""
        q = fold(query)
        if not q:
            return []
        words = q.split()
        matches = [self._word_matches(w, last=i == len(words) - 1) for i, w in enumerate(words)]
        best: dict[str, float] = {}
        for phrase in self._phrases:
            covered = 0.0
            used: set[str] = set()
            for m in matches:
                hit = max(((m[w], w) for w in phrase.words if w in m), default=(0.0, ""))
                covered += hit[0]
                if hit[1]:
                    used.add(hit[1])
            query_coverage = covered / len(words)
            phrase_coverage = sum(1 for w in phrase.words if w in used) / len(phrase.words)
            score = 100 * (0.75 * query_coverage + 0.25 * phrase_coverage)
            if query_coverage < _MIN_QUERY_COVERAGE:
                # words run together or split oddly ("khaisinh"): compare whole strings instead
                joined, target = q.replace(" ", ""), phrase.text.replace(" ", "")
                whole = max(fuzz.ratio(joined, target), fuzz.partial_ratio(joined, target) if len(joined) >= 6 else 0)
                if whole < 85:
                    continue
                score = whole * 0.95
            score *= phrase.weight
            if score >= _MIN_SCORE and score > best.get(phrase.slug, 0.0):
                best[phrase.slug] = score
        ranked = sorted(best.items(), key=lambda item: (-item[1], self._order[item[0]]))
        return [(slug, round(score, 2)) for slug, score in ranked[:limit]]
