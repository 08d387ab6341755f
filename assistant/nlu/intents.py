"""Intent detection for citizen messages: cue phrases (``data/intents.json``) matched on folded text.

Scoring, per cue found in the message:

* an exact match at word boundaries scores ``0.6 + 0.1 × words`` (capped at 4 words), so longer cues
  beat shorter ones ("mất bao nhiêu ngày" → duration beats "mất bao nhiêu" → fee);
* a cue of 5+ characters not found exactly may still match fuzzily: rapidfuzz ``ratio`` ≥ 90 against the
  whole words ``partial_ratio`` aligns it with, scaled down by the similarity, which catches typos
  ("chuyen khoang", "thanh tona", "bao nhiu") but not neighbours ("ban nhieu", "ho so dang");
* the intent's ``weight`` scales its cues (``procedure_info`` cues such as "làm", "hộ chiếu" are weak),
  and each further distinct cue of the same intent adds a small bonus;
* cues of the ``fallback`` pseudo-intent ("thời tiết", "giá vàng", "sinh nhật") are out-of-scope topics:
  they compete like the others and block any cue they overlap ("khai sinh nhật" is not "khai sinh").

Social intents (greeting, thanks, goodbye) give way to any task intent in the same message. The
confidence is the winning score, lowered when the runner-up is close; below :data:`MIN_SCORE` the
answer is ``fallback`` with a low confidence (at most :data:`FALLBACK_CONFIDENCE`).

Pure: the only I/O is reading the packaged data file once, at import.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Container
from enum import StrEnum
from functools import lru_cache
from importlib import resources
from typing import Final

import msgspec
from rapidfuzz import fuzz, process

from i18n.text import fold

from .normalize import Normalized, normalize

__all__ = (
    "CUE_WORDS",
    "FALLBACK_CONFIDENCE",
    "MIN_SCORE",
    "Intent",
    "IntentGuess",
    "asked_positions",
    "clear_caches",
    "detect_intent",
    "off_topic_positions",
)


class Intent(StrEnum):
    PROCEDURE_INFO = "procedure_info"
    PROCEDURE_DOCUMENTS = "procedure_documents"
    PROCEDURE_FEE = "procedure_fee"
    PROCEDURE_DURATION = "procedure_duration"
    PROCEDURE_LOCATION = "procedure_location"
    DOSSIER_STATUS = "dossier_status"
    PAYMENT_HELP = "payment_help"
    GREETING = "greeting"
    THANKS = "thanks"
    GOODBYE = "goodbye"
    HUMAN_HANDOFF = "human_handoff"
    FALLBACK = "fallback"


class IntentGuess(msgspec.Struct, frozen=True):
    intent: Intent
    confidence: float
    """0..1."""
    out_of_scope: bool = False
    """``fallback`` because the message is about a topic outside administrative procedures."""


MIN_SCORE: Final = 0.4
"""Below this best score the message is ``fallback``."""
FALLBACK_CONFIDENCE: Final = 0.3
"""The highest confidence ever given to ``fallback``."""
_FUZZY_MIN_LEN: Final = 5
_FUZZY_CUTOFF: Final = 90.0
_FUZZY_PREFILTER: Final = 85.0
_FUZZY_PENALTY: Final = 0.9
_BONUS_PER_CUE: Final = 0.04
_MAX_BONUS_CUES: Final = 2
_CODE_SCORE: Final = 0.75
# A dossier code (``<agency>-<yymmdd>-<seq>``) or an 8-character receipt lookup key, in the raw message.
_DOSSIER_CODE: Final = re.compile(r"\d{6}-\d{4,}|\b(?=[A-Z2-9]*\d)(?=[A-Z2-9]*[A-Z])[A-Z2-9]{8}\b")


class _Cue(msgspec.Struct, frozen=True):
    intent: Intent
    folded: str
    padded: str
    score: float


def _cue_score(folded: str, weight: float) -> float:
    words = len(folded.split())
    return (0.6 + 0.1 * min(words, 4) + 0.001 * len(folded)) * weight


def _load() -> tuple[tuple[_Cue, ...], frozenset[Intent]]:
    data = json.loads(resources.files(__package__).joinpath("data/intents.json").read_text("utf-8"))
    cues: dict[tuple[Intent, str], _Cue] = {}
    social: set[Intent] = set()
    for name, spec in data.items():
        if name.startswith("_"):
            continue
        intent = Intent(name)
        if spec.get("social"):
            social.add(intent)
        weight = float(spec["weight"])
        # Vietnamese cues are normalized like messages ("ubnd nào" must match "ủy ban nhân dân nào").
        phrases = [normalize(p).folded for p in spec.get("vi", ())] + [fold(p) for p in spec.get("en", ())]
        for folded in phrases:
            if folded:
                cues[intent, folded] = _Cue(intent, folded, f" {folded} ", _cue_score(folded, weight))
    return tuple(cues.values()), frozenset(social)


_CUES, _SOCIAL = _load()
CUE_WORDS: Final = frozenset(
    w for c in _CUES if c.intent not in {Intent.FALLBACK, Intent.PROCEDURE_INFO} for w in c.folded.split()
)
"""Every word of the cues that ask something (folded); ``procedure_info`` cues mostly name things."""
_CUE_VOCABULARY: Final = frozenset(w for c in _CUES for w in c.folded.split())
_FUZZY_CUES: Final = tuple(c for c in _CUES if len(c.folded) >= _FUZZY_MIN_LEN)
_FUZZY_CHOICES: Final = [c.folded for c in _FUZZY_CUES]


_BY_FIRST_WORD: Final[dict[str, tuple[_Cue, ...]]] = {}
for _cue in _CUES:
    _BY_FIRST_WORD[_cue.folded.split()[0]] = (*_BY_FIRST_WORD.get(_cue.folded.split()[0], ()), _cue)


@lru_cache(maxsize=2048)
def _exact(padded: str) -> tuple[tuple[_Cue, int, int], ...]:
    """Cues found at word boundaries (the first time each occurs), with their span in ``padded``;
    looked up by their first word, so the cost grows with the message, not with the cue list."""
    words = padded.split()
    found: list[tuple[_Cue, int, int]] = []
    seen: set[str] = set()
    start = 1
    for word in words:
        for cue in _BY_FIRST_WORD.get(word, ()):
            key = f"{cue.intent}:{cue.folded}"
            if key not in seen and padded.startswith(cue.padded, start - 1):
                seen.add(key)
                found.append((cue, start, start + len(cue.folded)))
        start += len(word) + 1
    return tuple(found)


def _positions(message: Normalized, wanted: Callable[[Intent], bool]) -> frozenset[int]:
    padded = f" {message.folded} "
    starts = [i for i, ch in enumerate(padded) if ch == " "][:-1]  # the space before each word
    spots: set[int] = set()
    for cue, start, end in _exact(padded):
        if wanted(cue.intent):
            spots.update(i for i, s in enumerate(starts) if start <= s + 1 < end)
    return frozenset(spots)


def asked_positions(message: Normalized) -> frozenset[int]:
    """Positions in ``message.words`` of the words a question cue uses ("mất" in "mất bao lâu"), so that
    procedure matching does not read them as names ("mất bằng lái")."""
    return _positions(message, lambda i: i not in {Intent.FALLBACK, Intent.PROCEDURE_INFO} and i not in _SOCIAL)


def off_topic_positions(message: Normalized) -> frozenset[int]:
    """Positions in ``message.words`` of the words an out-of-scope cue uses ("sinh nhật", "restaurant")."""
    return _positions(message, lambda i: i is Intent.FALLBACK)


def _word_aligned_ratio(cue: str, padded: str) -> float:
    """Similarity of ``cue`` to the whole words of ``padded`` it best aligns with (so that "ho so da"
    does not match inside "ho so dang ky")."""
    alignment = fuzz.partial_ratio_alignment(cue, padded)
    if alignment is None:
        return 0.0
    start = padded.rfind(" ", 0, alignment.dest_start + 1) + 1
    end = padded.find(" ", max(alignment.dest_end - 1, start))
    return float(fuzz.ratio(cue, padded[start : end if end >= 0 else len(padded)]))


@lru_cache(maxsize=2048)
def _near(folded: str) -> tuple[tuple[str, int], ...]:
    """Fuzzy cues roughly present in ``folded`` (rapidfuzz ``partial_ratio`` prefilter), with their index."""
    if len(folded) < _FUZZY_MIN_LEN:
        return ()
    found = process.extract(
        folded, _FUZZY_CHOICES, scorer=fuzz.partial_ratio, score_cutoff=_FUZZY_PREFILTER, limit=None
    )
    return tuple((choice, index) for choice, _, index in found)


def _near_within(folded: str, within: str) -> tuple[tuple[str, int], ...]:
    """:func:`_near` for ``folded``, a part of the message ``within``: only ``within``'s fuzzy cues can match."""
    if len(folded) < _FUZZY_MIN_LEN:
        return ()
    return tuple(
        (choice, index) for choice, index in _near(within) if fuzz.partial_ratio(choice, folded) >= _FUZZY_PREFILTER
    )


def clear_caches() -> None:
    """Forget the per-message caches (benchmarks measure unseen messages)."""
    _exact.cache_clear()
    _near.cache_clear()


def _scores(message: Normalized, within: str | None = None, *, fuzzy: bool = True) -> dict[Intent, float]:
    folded = message.folded
    padded = f" {folded} "
    exact = _exact(padded)
    blockers = [(s, e) for cue, s, e in exact if cue.intent is Intent.FALLBACK]
    matched: dict[Intent, list[_Cue]] = {}
    for cue, start, end in exact:
        if cue.intent is not Intent.FALLBACK and any(s < end and start < e for s, e in blockers):
            continue
        matched.setdefault(cue.intent, []).append(cue)
    seen = {cue.folded for cue, _, _ in exact}  # blocked cues must not come back fuzzily
    if fuzzy and len(folded) >= _FUZZY_MIN_LEN:
        for choice, index in _near(folded) if within is None else _near_within(folded, within):
            cue = _FUZZY_CUES[index]
            if choice in seen or len(choice) > len(folded) or cue.intent is Intent.FALLBACK:
                continue
            ratio = _word_aligned_ratio(choice, padded)
            if ratio >= _FUZZY_CUTOFF:
                near = _Cue(cue.intent, cue.folded, cue.padded, cue.score * _FUZZY_PENALTY * ratio / 100)
                matched.setdefault(cue.intent, []).append(near)
    scores: dict[Intent, float] = {}
    for intent, cues in matched.items():
        best = max(cues, key=lambda c: c.score)
        others = sum(1 for c in cues if c.folded not in best.folded)
        scores[intent] = best.score + _BONUS_PER_CUE * min(others, _MAX_BONUS_CUES)
    if _DOSSIER_CODE.search(message.raw):
        scores[Intent.DOSSIER_STATUS] = max(scores.get(Intent.DOSSIER_STATUS, 0.0), _CODE_SCORE)
    return scores


def detect_intent(
    message: Normalized, *, within: Normalized | None = None, known: Container[str] | None = None
) -> IntentGuess:
    """``within``: the whole message when ``message`` is a part of it (then only the fuzzy cues near
    the whole message are tried, which keeps the second look cheap). ``known``: words that are no
    typo (cue and procedure words); a message made only of them skips fuzzy matching, the costly part."""
    typed_right = known is not None and all(w in known or w in _CUE_VOCABULARY for w in message.words)
    scores = _scores(message, within.folded if within is not None else None, fuzzy=not typed_right)
    out_of_scope = scores.pop(Intent.FALLBACK, 0.0)
    tasks = {i: s for i, s in scores.items() if i not in _SOCIAL and s >= MIN_SCORE}
    pool = tasks or ({} if out_of_scope else scores)  # "chán quá ad ơi" is chatter, not a greeting
    ranked = sorted(pool.items(), key=lambda item: item[1], reverse=True)
    if not ranked or ranked[0][1] < MIN_SCORE or out_of_scope >= ranked[0][1]:
        best = ranked[0][1] if ranked else 0.0
        confidence = FALLBACK_CONFIDENCE if out_of_scope else min(FALLBACK_CONFIDENCE, 0.1 + best / 4)
        return IntentGuess(Intent.FALLBACK, round(confidence, 3), out_of_scope=bool(out_of_scope))
    intent, best = ranked[0]
    runner_up = max(ranked[1][1] if len(ranked) > 1 else 0.0, out_of_scope)
    confidence = min(best, 1.0) * (1 - 0.4 * (runner_up / best) ** 2)
    return IntentGuess(intent, round(max(0.0, min(confidence, 1.0)), 3))
