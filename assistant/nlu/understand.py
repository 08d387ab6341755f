"""One message understood: its intent and the procedure it names, each with a confidence, and what
is too close to call.

* Exact rules first (:mod:`.rules`): a dossier's code is a status question, a request for a person
  a hand-off, a bare greeting a greeting.
* Otherwise the learned models (:mod:`.model`) read the message: the intent head picks one of the
  twelve intents, the procedure head one of the procedures or none.
* A procedure is named when the procedure head believes it more than any other and than "none",
  clearly enough. When two or more are believed alike ("bằng lái" is a renewal or a re-issue), none
  is chosen and they are returned as candidates to ask about.
* Two procedure questions believed alike (fee or duration?) are returned too, so the reply can ask.
* An out-of-scope message is ``fallback`` and names no procedure.

What the conversation already knows (the procedure of earlier turns, a question pending) is not
used here: :mod:`assistant.conversation` decides with it. Pure.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Final

import msgspec

from .intents import PROCEDURE_INTENTS, QUESTION_INTENTS, SOCIAL_INTENTS, Intent
from .model import Model, load_model
from .normalize import Normalized
from .rules import asks_for_a_person, has_dossier_code, is_bare_greeting

__all__ = ("FALLBACK_CONFIDENCE", "NAMED", "Understander", "Understanding")

NONE: Final = "none"
NAMED: Final = 0.35
"""The least belief in the best procedure for the message to name it."""
RIVAL: Final = 0.5
"""A second procedure believed at least this share of the best makes the two too close."""
SURE: Final = 0.8
"""Belief in the best procedure above which no rival counts."""
CANDIDATE_SHARE: Final = 0.3
"""Procedures believed at least this share of the best are offered when asking which is meant."""
MAX_CANDIDATES: Final = 4
NOTICED: Final = 0.1
"""Belief in a procedure worth passing on, though too little to name it."""
INTENT_RIVAL: Final = 0.75
"""A second question intent believed this share of the best, when the best is unsure, is asked about."""
INTENT_SURE: Final = 0.6
OUT_OF_SCOPE_SURE: Final = 0.7
"""Belief in ``fallback`` under which a procedure named clearly overrules it."""
NAMED_OVER_FALLBACK: Final = 0.7
"""Belief in the procedure named that overrules an unsure ``fallback``."""
FALLBACK_CONFIDENCE: Final = 0.3
"""The highest confidence ever given to ``fallback``: the app reads a low confidence as "not understood"."""
_RULE_CONFIDENCE: Final = 0.95
_FOLLOW_UP: Final = re.compile(
    r"^(?:(?:the|vay|a|o|ok|u|da|roi|the thi) )?con\b|^(?:and|what about|how about)\b|^(?:the|vay) con\b"
)


class Understanding(msgspec.Struct, frozen=True, kw_only=True):
    intent: Intent
    confidence: float
    """Of the intent, 0..1."""
    procedure: str | None = None
    """The slug of the procedure the message names, if one clearly is."""
    procedure_confidence: float = 0.0
    """The belief that the message names ``procedure``, or, with candidates, one of them (their sum: a
    name two procedures share splits the belief between them, yet names one of them clearly)."""
    candidates: tuple[str, ...] = ()
    """Slugs to offer when the message names a procedure but not clearly which."""
    intents: tuple[Intent, ...] = ()
    """Two procedure questions believed alike: the reply may ask which is meant."""
    out_of_scope: bool = False
    follow_up: bool = False
    """The message follows on from the last one ("còn tạm vắng thì sao", "what about a passport")."""
    beliefs: tuple[tuple[str, float], ...] = ()
    """The procedures believed at all (``NOTICED`` or more), most first: a word of one ("quay lại khai
    sinh", "cái bằng") may pick it among those the conversation knows."""


def _out_of_scope(confidence: float) -> Understanding:
    return Understanding(
        intent=Intent.FALLBACK, confidence=round(min(confidence, FALLBACK_CONFIDENCE), 3), out_of_scope=True
    )


def _ranked(probabilities: dict[str, float]) -> list[tuple[str, float]]:
    return sorted(probabilities.items(), key=lambda item: -item[1])


class Understander:
    """Built once: the model, the procedures the catalog serves (others are never named), and the
    exact texts of quick replies with the intent each asks (folded)."""

    def __init__(
        self,
        procedures: Iterable[str] | None = None,
        *,
        model: Model | None = None,
        exact: Mapping[str, str] | None = None,
    ) -> None:
        self._exact = {text: Intent(intent) for text, intent in (exact or {}).items()}
        self._model = model or load_model()
        self._intents = self._model.heads["intent"]
        self._procedures = self._model.heads["procedure"]
        self._served = frozenset(procedures) if procedures is not None else None

    def __call__(self, message: Normalized) -> Understanding:
        follow_up = bool(_FOLLOW_UP.search(message.folded)) or message.raw.lstrip().lower().startswith(
            ("còn ", "thế còn", "vậy còn")
        )
        if message.folded in self._exact:
            return Understanding(intent=self._exact[message.folded], confidence=_RULE_CONFIDENCE)
        if asks_for_a_person(message):
            return Understanding(intent=Intent.HUMAN_HANDOFF, confidence=_RULE_CONFIDENCE)
        if has_dossier_code(message):
            return Understanding(intent=Intent.DOSSIER_STATUS, confidence=_RULE_CONFIDENCE)
        if is_bare_greeting(message):
            return Understanding(intent=Intent.GREETING, confidence=_RULE_CONFIDENCE)
        vector = self._model.vectorize(message.folded)
        if vector.empty:  # nothing the models know: no words, or none ever seen
            return _out_of_scope(0.0)
        intents = [(Intent(i), p) for i, p in _ranked(self._intents.probabilities(vector))]
        intent, confidence = intents[0]
        if intent is Intent.FALLBACK and (len(intents) == 1 or confidence >= OUT_OF_SCOPE_SURE):
            return _out_of_scope(confidence)
        procedures = self._served_ranking(self._procedures.probabilities(vector))
        procedure, procedure_confidence, candidates = self._procedure(procedures)
        if intent is Intent.FALLBACK:
            # the intent head unsure it is out of scope while the procedure head names one clearly: a
            # situation told around a procedure ("mới mua nhà, muốn nhập hộ khẩu") is about it
            if procedure is None or procedure_confidence < NAMED_OVER_FALLBACK:
                return _out_of_scope(confidence)
            intent, confidence = intents[1]
        if intent in SOCIAL_INTENTS and (procedure or candidates):  # "chào ad, làm hộ chiếu"
            intent = Intent.PROCEDURE_INFO
        close: tuple[Intent, ...] = ()
        if intent in QUESTION_INTENTS and len(intents) > 1:
            second, p2 = intents[1]
            if second in QUESTION_INTENTS and confidence < INTENT_SURE and p2 >= INTENT_RIVAL * confidence:
                close = (intent, second)
        beliefs = tuple((slug, round(p, 3)) for slug, p in procedures[1][:MAX_CANDIDATES] if p >= NOTICED)
        return Understanding(
            intent=intent,
            confidence=round(confidence, 3),
            procedure=procedure,
            procedure_confidence=round(procedure_confidence, 3),
            candidates=candidates,
            intents=close,
            follow_up=follow_up and intent in PROCEDURE_INTENTS,
            beliefs=beliefs,
        )

    def _served_ranking(self, probabilities: dict[str, float]) -> tuple[float, list[tuple[str, float]]]:
        """The belief in no procedure, and the procedures served, most believed first."""
        ranked = [
            (s, p) for s, p in _ranked(probabilities) if s != NONE and (self._served is None or s in self._served)
        ]
        return probabilities.get(NONE, 0.0), ranked

    def _procedure(
        self, procedures: tuple[float, list[tuple[str, float]]]
    ) -> tuple[str | None, float, tuple[str, ...]]:
        none, ranked = procedures
        if not ranked:
            return None, 0.0, ()
        best, p1 = ranked[0]
        p2 = ranked[1][1] if len(ranked) > 1 else 0.0
        if p1 >= NAMED and p1 >= none and (p1 >= SURE or p2 < RIVAL * p1):
            return best, p1, ()
        together = [(s, p) for s, p in ranked[:MAX_CANDIDATES] if p >= CANDIDATE_SHARE * p1]
        if len(together) > 1 and sum(p for _, p in together) >= max(NAMED, none):
            return None, sum(p for _, p in together), tuple(s for s, _ in together)
        return None, 0.0, ()

    def ranking(self, message: Normalized, limit: int = 5) -> list[tuple[str, float]]:
        """The procedures the message may be about, most believed first (catalog search)."""
        vector = self._model.vectorize(message.folded)
        if vector.empty:
            return []
        return self._served_ranking(self._procedures.probabilities(vector))[1][:limit]
