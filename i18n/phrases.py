"""Ranked, typo-tolerant matching of what people type against named things (procedures, ...).

Every phrase (a name in vi or en, a colloquial keyword) and the query are folded (no diacritics,
lower case). A phrase scores by how much of the query it covers (each query word matched exactly,
with a typo, or as the prefix of a word still being typed) and, less, by how much of the phrase
the query covers; a thing takes its best phrase. Queries whose words mostly match nothing return
nothing. Pure."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz

from i18n.text import fold

_TYPO_MIN = 74.0  # "sihn" for "sinh" is 75
_MIN_QUERY_COVERAGE = 0.6
_MIN_SCORE = 65.0


@dataclass(frozen=True)
class _Phrase:
    key: str
    text: str
    words: tuple[str, ...]
    weight: float


class PhraseIndex:
    """`entries` are (key, [(phrase, weight), ...]) in tie-breaking order (earlier wins ties)."""

    def __init__(self, entries: Sequence[tuple[str, Iterable[tuple[str, float]]]]) -> None:
        self._order = {key: i for i, (key, _) in enumerate(entries)}
        phrases: list[_Phrase] = []
        for key, texts in entries:
            for text, weight in texts:
                folded = fold(text)
                if folded:
                    phrases.append(_Phrase(key, folded, tuple(folded.split()), weight))
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

    def search(
        self,
        query: str,
        limit: int = 100,
        *,
        words: Sequence[str] | None = None,
        min_coverage: float = _MIN_QUERY_COVERAGE,
    ) -> list[tuple[str, float]]:
        """(key, score 0-100) best first; empty when nothing is close enough. `words` restricts the
        query to those folded words (e.g. a message with its question words taken out);
        `min_coverage` is the share of the query a phrase must explain."""
        q = " ".join(words) if words is not None else fold(query)
        if not q:
            return []
        query_words = q.split()
        matches = [self._word_matches(w, last=i == len(query_words) - 1) for i, w in enumerate(query_words)]
        best: dict[str, float] = {}
        for phrase in self._phrases:
            covered = 0.0
            used: set[str] = set()
            for m in matches:
                hit = max(((m[w], w) for w in phrase.words if w in m), default=(0.0, ""))
                covered += hit[0]
                if hit[1]:
                    used.add(hit[1])
            query_coverage = covered / len(query_words)
            phrase_coverage = sum(1 for w in phrase.words if w in used) / len(phrase.words)
            score = 100 * (0.75 * query_coverage + 0.25 * phrase_coverage)
            if query_coverage < min_coverage:
                if len(query_words) > 2:  # words not explained by the phrase: another subject ("khai sinh nhật")
                    continue
                # words run together or split oddly ("khaisinh"): compare whole strings instead
                joined, target = q.replace(" ", ""), phrase.text.replace(" ", "")
                whole = max(fuzz.ratio(joined, target), fuzz.partial_ratio(joined, target) if len(joined) >= 6 else 0)
                if whole < 85:
                    continue
                score = whole * 0.95
            score *= phrase.weight
            if score >= _MIN_SCORE and score > best.get(phrase.key, 0.0):
                best[phrase.key] = score
        ranked = sorted(best.items(), key=lambda item: (-item[1], self._order[item[0]]))
        return [(key, round(score, 2)) for key, score in ranked[:limit]]

    def contained(self, words: Sequence[str], limit: int = 3) -> list[tuple[str, float]]:
        """Things whose phrase is (nearly) all present in `words`, a message that says more than the
        name ("bố mất rồi làm khai tử thế nào"): best first, longer phrases preferred."""
        matches: dict[str, float] = {}
        for i, word in enumerate(words):
            for candidate, weight in self._word_matches(word, last=i == len(words) - 1).items():
                matches[candidate] = max(matches.get(candidate, 0.0), weight)
        best: dict[str, float] = {}
        for phrase in self._phrases:
            if len(phrase.words) < 2 and not (phrase.words and len(phrase.words[0]) >= 4):
                continue  # one short word names nothing on its own
            coverage = sum(matches.get(w, 0.0) for w in phrase.words) / len(phrase.words)
            if coverage < 0.8:
                continue
            score = (coverage * 90 + min(len(phrase.words), 5) * 2) * phrase.weight
            if score > best.get(phrase.key, 0.0):
                best[phrase.key] = score
        ranked = sorted(best.items(), key=lambda item: (-item[1], self._order[item[0]]))
        return [(key, round(score, 2)) for key, score in ranked[:limit]]
