"""Ranked, typo-tolerant matching of what people type against named things (procedures, ...).

Every phrase (a name in vi or en, a colloquial keyword) and the query are folded (no diacritics,
lower case). A phrase scores by how much of the query it covers (each query word matched exactly,
with a typo, or as the prefix of a word still being typed) and, less, by how much of the phrase
the query covers; a thing takes its best phrase. Queries whose words mostly match nothing return
nothing. Pure."""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from i18n.text import fold

_TYPO_MIN = 74.0  # "sihn" for "sinh" is 75
_MIN_QUERY_COVERAGE = 0.6
_MIN_SCORE = 65.0
_REMEMBERED_WORDS = 4096  # query words whose matches are kept (cleared whole when full)
_SOUNDS_ALIKE = 0.85
# Initials many Vietnamese speakers pronounce alike and so misspell ("tạm chú" for "tạm trú", "xổ đỏ", "dấy
# tờ", "nàm"): folded to one, a short word typed with the other still matches.
_ALIKE_INITIALS = (("tr", "ch"), ("gi", "d"), ("r", "d"), ("x", "s"), ("l", "n"))


def _sound(word: str) -> str:
    for initial, alike in _ALIKE_INITIALS:
        if word.startswith(initial):
            return alike + word[len(initial) :]
    return word


@dataclass(frozen=True)
class _Phrase:
    key: str
    text: str
    words: tuple[str, ...]
    weight: float
    joined: str  # the text without spaces, for words run together ("khaisinh")


class PhraseIndex:
    """`entries` are (key, [(phrase, weight), ...]) in tie-breaking order (earlier wins ties).

    Built once per set of things: an inverted index from each word to the phrases holding it, so a
    query visits only the phrases its words reach, and each query word's matches (exact, typo,
    prefix) are found by rapidfuzz over the vocabulary in one call and remembered."""

    def __init__(self, entries: Sequence[tuple[str, Iterable[tuple[str, float]]]]) -> None:
        self._order = {key: i for i, (key, _) in enumerate(entries)}
        phrases: list[_Phrase] = []
        for key, texts in entries:
            for text, weight in texts:
                folded = fold(text)
                if folded:
                    phrases.append(_Phrase(key, folded, tuple(folded.split()), weight, folded.replace(" ", "")))
        self._phrases = phrases
        self._vocabulary = sorted({w for ph in phrases for w in ph.words})
        self._known = frozenset(self._vocabulary)
        self._typo_candidates = [w for w in self._vocabulary if len(w) >= 4]
        self._alike: dict[str, list[str]] = {}
        for w in self._vocabulary:
            self._alike.setdefault(_sound(w), []).append(w)
        self._joined = [ph.joined for ph in phrases]
        holding: dict[str, list[int]] = {}
        for i, ph in enumerate(phrases):
            for w in dict.fromkeys(ph.words):
                holding.setdefault(w, []).append(i)
        self._holding = holding
        self._matches: dict[tuple[str, bool], dict[str, float]] = {}

    def _word_matches(self, word: str, *, last: bool) -> dict[str, float]:
        """How well `word` stands for each vocabulary word (1.0 exact, less for typos/prefixes)."""
        found = self._matches.get((word, last))
        if found is None:
            found = self._find_matches(word, last=last)
            if len(self._matches) >= _REMEMBERED_WORDS:
                self._matches.clear()
            self._matches[(word, last)] = found
        return found

    def _find_matches(self, word: str, *, last: bool) -> dict[str, float]:
        found: dict[str, float] = {}
        if len(word) >= 4:
            for candidate, ratio, _ in process.extract(
                word, self._typo_candidates, scorer=fuzz.ratio, score_cutoff=_TYPO_MIN, limit=None
            ):
                found[candidate] = ratio / 100 * 0.9
        if last and len(word) >= 2:
            start = bisect.bisect_left(self._vocabulary, word)
            for candidate in itertools.islice(self._vocabulary, start, None):
                if not candidate.startswith(word):
                    break
                found[candidate] = 0.85
        for candidate in self._alike.get(_sound(word), ()):
            found[candidate] = max(found.get(candidate, 0.0), _SOUNDS_ALIKE)
        if word in self._known:
            found[word] = 1.0
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
        hits = self._hits(query_words)
        whole = self._whole(q) if len(query_words) <= 2 else {}
        best: dict[str, float] = {}
        for i in hits.keys() | whole.keys():
            phrase = self._phrases[i]
            found = hits.get(i)
            covered = sum(weight for weight, _ in found) if found else 0.0
            query_coverage = covered / len(query_words)
            if query_coverage < min_coverage:
                if i not in whole:
                    continue
                score = whole[i] * 0.95
            else:
                used = {w for _, w in found} if found else set()
                phrase_coverage = sum(1 for w in phrase.words if w in used) / len(phrase.words)
                score = 100 * (0.75 * query_coverage + 0.25 * phrase_coverage)
            score *= phrase.weight
            if score >= _MIN_SCORE and score > best.get(phrase.key, 0.0):
                best[phrase.key] = score
        ranked = sorted(best.items(), key=lambda item: (-item[1], self._order[item[0]]))
        return [(key, round(score, 2)) for key, score in ranked[:limit]]

    def _hits(self, query_words: Sequence[str]) -> dict[int, list[tuple[float, str]]]:
        """For each phrase some query word reaches: per query word, in order, its best (weight, word)
        among the phrase's words (ties to the greater word), (0.0, "") where it reaches none."""
        hits: dict[int, list[tuple[float, str]]] = {}
        empty = (0.0, "")
        for j, word in enumerate(query_words):
            for candidate, weight in self._word_matches(word, last=j == len(query_words) - 1).items():
                for i in self._holding.get(candidate, ()):
                    row = hits.get(i)
                    if row is None:
                        row = hits[i] = [empty] * len(query_words)
                    row[j] = max(row[j], (weight, candidate))
        return hits

    def _whole(self, q: str) -> dict[int, float]:
        """Words run together or split oddly ("khaisinh"): the phrases whose whole string is close
        to the query's (85 or more), with that score."""
        joined = q.replace(" ", "")
        found = {
            i: score
            for _, score, i in process.extract(joined, self._joined, scorer=fuzz.ratio, score_cutoff=85, limit=None)
        }
        if len(joined) >= 6:
            for _, score, i in process.extract(
                joined, self._joined, scorer=fuzz.partial_ratio, score_cutoff=85, limit=None
            ):
                found[i] = max(found.get(i, 0.0), score)
        return found

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
