"""One message understood: the intent and the procedure, decided separately, each with a confidence.

* The intent comes from cue phrases (:mod:`.intents`), the procedure from names and colloquial
  phrases (:mod:`.procedures`).
* A procedure named with no question ("sang tên sổ đỏ") is ``procedure_info``.
* When the best procedure is weak, or the runner-up is too close, nothing is guessed: the
  candidates are returned so that the reply can ask which one is meant.
* An out-of-scope topic ("thời tiết", "khai sinh nhật") is ``fallback``. So is a procedure question
  that names no procedure but says other things ("lái xe đi Đà Lạt mất bao lâu", "học lái xe mất bao
  lâu"), whereas a bare question ("mất bao lâu") is left to the conversation's current procedure.

Pure.
"""

from __future__ import annotations

from typing import Final

import msgspec

from .intents import CUE_WORDS, Intent, asked_positions, detect_intent, off_topic_positions
from .normalize import ENGLISH_WORDS, Normalized
from .procedures import ProcedureMatch, ProcedureMatcher

__all__ = ("PROCEDURE_INTENTS", "Understanding", "understand")

PROCEDURE_INTENTS: Final = frozenset(
    {
        Intent.PROCEDURE_INFO,
        Intent.PROCEDURE_DOCUMENTS,
        Intent.PROCEDURE_FEE,
        Intent.PROCEDURE_DURATION,
        Intent.PROCEDURE_LOCATION,
    }
)
_NOT_ABOUT_A_PROCEDURE: Final = frozenset({Intent.DOSSIER_STATUS, Intent.HUMAN_HANDOFF})
PROCEDURE_MIN: Final = 0.62
"""A procedure scoring below this is not named by the message."""
CANDIDATE_MIN: Final = 0.5
"""Procedures scoring at least this may be offered when asking which one is meant."""
CLOSE: Final = 0.04
"""Two procedures closer than this are too close to choose between."""
PARTIAL: Final = 0.9
"""Below this score the best phrase is only partly in the message."""
PARTIAL_SHARE: Final = 0.9
"""A runner-up within this share of a partial best match is too close as well."""
MAX_CANDIDATES: Final = 4
_INFO_CONFIDENCE: Final = 0.7

# Words that carry no topic: people, politeness, question words. A procedure question that names no
# procedure but has other words than these and the intent cues is about something else.
_FILLER: Final = frozenset(
    [
        "toi",
        "minh",
        "em",
        "anh",
        "chi",
        "ban",
        "ad",
        "admin",
        "ba",
        "ong",
        "co",
        "chu",
        "bac",
        "con",
        "be",
        "chau",
        "vo",
        "chong",
        "me",
        "bo",
        "cha",
        "nguoi",
        "nha",
        "a",
        "ah",
        "ak",
        "oi",
        "nhe",
        "nha",
        "nhi",
        "voi",
        "vay",
        "the",
        "thi",
        "la",
        "va",
        "hay",
        "hoac",
        "ma",
        "nhung",
        "cac",
        "moi",
        "mot",
        "hai",
        "nay",
        "do",
        "kia",
        "cho",
        "hoi",
        "xin",
        "muon",
        "can",
        "phai",
        "nen",
        "duoc",
        "khong",
        "chua",
        "roi",
        "da",
        "dang",
        "se",
        "co",
        "ve",
        "tu",
        "den",
        "tai",
        "o",
        "trong",
        "cua",
        "de",
        "gi",
        "sao",
        "nao",
        "bao",
        "nhieu",
        "may",
        "dau",
        "khi",
        "lam",
        "u",
        "ok",
        "vang",
        "da",
        "duoc",
        "vs",
        "thu",
        "tuc",
        "huong",
        "dan",
        "cach",
        "i",
        "my",
        "me",
        "we",
        "our",
        "you",
        "your",
        "the",
        "a",
        "an",
        "to",
        "for",
        "of",
        "in",
        "on",
        "at",
        "is",
        "are",
        "do",
        "does",
        "can",
        "how",
        "what",
        "where",
        "when",
        "much",
        "many",
        "long",
        "it",
        "this",
        "that",
        "please",
        "want",
        "need",
        "get",
    ]
)


_PLAIN: Final = _FILLER | CUE_WORDS
_KEEP: Final = _PLAIN | ENGLISH_WORDS


class Understanding(msgspec.Struct, frozen=True, kw_only=True):
    intent: Intent
    confidence: float
    """Of the intent, 0..1."""
    procedure: str | None
    """The slug of the procedure the message names, if one clearly is."""
    procedure_confidence: float
    candidates: tuple[str, ...] = ()
    """Slugs to offer when the message names a procedure but not clearly which."""
    out_of_scope: bool = False


def _unexplained(message: Normalized, matcher: ProcedureMatcher) -> tuple[list[str], bool]:
    """The words that are neither fillers nor question cues, and whether one of them is unknown to
    every procedure."""
    rest = [w for w in message.words if w not in _PLAIN and not w.isdigit()]
    return rest, any(not matcher.knows(w) for w in rest)


class _Known:
    """Words that are no typo: procedure words and fillers."""

    def __init__(self, matcher: ProcedureMatcher) -> None:
        self._matcher = matcher

    def __contains__(self, word: object) -> bool:
        return isinstance(word, str) and (word in _FILLER or self._matcher.knows(word))


def _naming(used: frozenset[int], asked: frozenset[int]) -> frozenset[int]:
    """The words the procedure's name took: a word a question cue also uses stays with the question
    unless it sits inside the name ("land transfer" names; "họp ... bao lâu" asks)."""
    return frozenset(p for p in used if p not in asked or p - 1 in used or p + 1 in used)


def _without(message: Normalized, used: frozenset[int]) -> Normalized:
    """The message without the words that named the procedure, so that they do not also count as a
    question ("bản sao" names a copy of an extract; it does not ask for documents)."""
    words = tuple(w for i, w in enumerate(message.words) if i not in used)
    folded = " ".join(words)
    return Normalized(raw=message.raw, text=folded, folded=folded, words=words, english=message.english)


def understand(message: Normalized, matcher: ProcedureMatcher) -> Understanding:
    known = _Known(matcher)
    guess = detect_intent(message, known=known)
    asked = asked_positions(message)
    matches = matcher.match(message, asked=asked, plain=_PLAIN, keep=_KEEP)
    top: ProcedureMatch | None = matches[0] if matches and matches[0].score >= PROCEDURE_MIN else None
    # an out-of-scope topic wins, unless a procedure is fully named apart from it ("food safety
    # certificate for my restaurant"; but "khai sinh nhật", "học lái xe" share their words)
    if guess.out_of_scope and not (
        top is not None and top.score >= PARTIAL and not top.used & off_topic_positions(message)
    ):
        return Understanding(
            intent=Intent.FALLBACK,
            confidence=guess.confidence,
            procedure=None,
            procedure_confidence=0.0,
            out_of_scope=True,
        )
    if top is not None and top.used:
        guess = detect_intent(_without(message, _naming(top.used, asked)), within=message, known=known)
    intent, confidence = guess.intent, guess.confidence
    if intent in _NOT_ABOUT_A_PROCEDURE or (intent is Intent.PAYMENT_HELP and top is None):
        return Understanding(intent=intent, confidence=confidence, procedure=None, procedure_confidence=0.0)
    if top is None:
        rest, unknown = _unexplained(message, matcher)
        weak = tuple(m.slug for m in matches if m.score >= CANDIDATE_MIN)
        if weak and not unknown and intent in {*PROCEDURE_INTENTS, Intent.FALLBACK}:  # "bằng lái": which one?
            intent = intent if intent in PROCEDURE_INTENTS else Intent.PROCEDURE_INFO
            return Understanding(
                intent=intent, confidence=confidence, procedure=None, procedure_confidence=0.0, candidates=weak
            )
        if unknown and intent in PROCEDURE_INTENTS:  # a question about something else
            return Understanding(
                intent=Intent.FALLBACK, confidence=0.3, procedure=None, procedure_confidence=0.0, out_of_scope=True
            )
        generic = matcher.containing(rest) if rest and not unknown else []
        if generic and intent in {*PROCEDURE_INTENTS, Intent.FALLBACK}:
            intent = intent if intent in PROCEDURE_INTENTS else Intent.PROCEDURE_INFO
            offered = tuple(generic) if len(generic) <= MAX_CANDIDATES else ()  # too many: the popular ones
            return Understanding(
                intent=intent, confidence=confidence, procedure=None, procedure_confidence=0.0, candidates=offered
            )
        return Understanding(intent=intent, confidence=confidence, procedure=None, procedure_confidence=0.0)
    if intent is Intent.PAYMENT_HELP:
        intent = Intent.PROCEDURE_FEE
    elif intent not in PROCEDURE_INTENTS:  # a procedure named with no question: tell about it
        intent, confidence = Intent.PROCEDURE_INFO, min(confidence, _INFO_CONFIDENCE) or _INFO_CONFIDENCE
    # a partial match ("bằng lái" in "đổi bằng lái" and "mất bằng lái") must also win by a share
    close = tuple(
        m.slug
        for m in matches[1:]
        if m.score >= CANDIDATE_MIN
        and (top.score - m.score < CLOSE or (top.score < PARTIAL and m.score >= PARTIAL_SHARE * top.score))
    )
    runner_up = matches[1].score if len(matches) > 1 else 0.0
    certainty = round(min(1.0, top.score) * (1 - 0.5 * (runner_up / top.score) ** 4), 3)
    if close:
        return Understanding(
            intent=intent,
            confidence=confidence,
            procedure=None,
            procedure_confidence=certainty,
            candidates=(top.slug, *close),
        )
    return Understanding(intent=intent, confidence=confidence, procedure=top.slug, procedure_confidence=certainty)
