"""One turn of the conversation: understand (:mod:`assistant.nlu`), follow the conversation
(:mod:`assistant.conversation`), answer from facts, remember."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import NamedTuple

import msgspec
from redis.asyncio import Redis

from assistant import answers, dialogue
from assistant.conversation import Turn, follow
from assistant.nlu.intents import PROCEDURE_INTENTS, Intent
from assistant.nlu.normalize import Normalized, normalize
from assistant.nlu.understand import Understander, Understanding
from assistant.ports import CatalogReader, DossierReader, HandoffDesk, OfficeFinder, ProcedureFacts
from core.bounds import MessageText
from core.dossier_status import DossierStatus

# Citizens repeat the same short messages (quick replies, "lệ phí bao nhiêu"), and understanding one
# costs more than the rest of a turn; a few thousand short texts are well under a few MB.
UNDERSTOOD_CACHE_SIZE = 4096
MAX_TEXT = 1000

_CODE = re.compile(r"\b([0-9A-Z]{2,3}(?:\.[0-9A-Z]{2,3}){2,3}-\d{6}-\d{4,7})\b", re.IGNORECASE)
# a lookup key as printed on the receipt (api/dossiers/codes.py), typed in any case
_KEY = re.compile(r"(?<!\w)([2-9A-HJKMNP-Z]{8})(?!\w)", re.IGNORECASE)
# each candidate is a guess at a secret: a message may carry only a few
MAX_KEY_CANDIDATES = 3


def lookup_keys(text: str) -> list[str]:
    """The words of a message that could be a dossier's lookup key, upper-cased."""
    return [m.group(1).upper() for m in _KEY.finditer(text)][:MAX_KEY_CANDIDATES]


class ProcedureRef(msgspec.Struct, frozen=True):
    slug: str
    name: str


class AssistantIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    text: MessageText
    session_id: str | None = None
    locale: str | None = None


class AssistantOut(msgspec.Struct, frozen=True, kw_only=True):
    session_id: str
    intent: Intent
    procedure: ProcedureRef | None
    reply: str
    quick_replies: list[str]
    confidence: float


@dataclass(frozen=True, slots=True)
class _Asked:
    """One turn's question: the text as sent, who asks where, and how it was read."""

    text: str
    code: re.Match[str] | None  # a dossier code in the text
    user_id: uuid.UUID | None
    channel: str
    session_id: str
    locale: str
    understood: Understanding
    turn: Turn


class _Answered(NamedTuple):
    intent: Intent
    confidence: float
    answer: answers.Answer
    procedure: ProcedureFacts | None = None  # the procedure the answer is about, named in the reply


@dataclass
class Assistant:
    redis: Redis
    catalog: CatalogReader
    dossiers: DossierReader
    handoffs: HandoffDesk
    hotline: str
    offices: OfficeFinder | None = None
    _by_slug: dict[str, ProcedureFacts] = field(init=False)
    _names: dict[str, list[str]] = field(init=False)
    _understander: Understander = field(init=False)
    _understood: Callable[[str], tuple[Normalized, Understanding]] = field(init=False)

    def __post_init__(self) -> None:
        procedures = list(self.catalog.procedures())
        self._by_slug = {p.slug: p for p in procedures}
        self._names = {p.slug: [normalize(n).folded for n in p.names.values()] for p in procedures}
        papers = {p.slug: [n for r in p.requirements for n in r.names.values()] for p in procedures}
        self._understander = Understander(self._by_slug, exact=answers.quick_reply_intents(), papers=papers)
        self._understood = lru_cache(maxsize=UNDERSTOOD_CACHE_SIZE)(self._understand)

    def _understand(self, text: str) -> tuple[Normalized, Understanding]:
        """Pure in ``text`` (the models never change), so its result may be remembered."""
        message = normalize(text)
        return message, self._understander(message)

    async def reply(
        self,
        body: AssistantIn,
        *,
        user_id: uuid.UUID | None,
        channel: str = dialogue.APP,
        conversation: str | None = None,
    ) -> AssistantOut:
        """One turn: find the session, read the message, answer it, remember the turn."""
        session_id, state = await self._session(body.session_id, user_id, channel, conversation)
        message, understood = self._understood(body.text[:MAX_TEXT])
        locale = body.locale if body.locale in {"vi", "en"} else ("en" if message.english else state.locale)
        code = _CODE.search(body.text)
        turn = follow(understood, message, state, self._names)
        asked = _Asked(body.text, code, user_id, channel, session_id, locale, understood, turn)
        answered = await self._answer(asked, state)
        state.locale = locale
        await dialogue.save(self.redis, session_id, state, channel=channel)
        procedure = answered.procedure
        return AssistantOut(
            session_id=session_id,
            intent=answered.intent,
            procedure=ProcedureRef(slug=procedure.slug, name=procedure.names.get(locale) or procedure.names["vi"])
            if procedure
            else None,
            reply=answered.answer.reply,
            quick_replies=answered.answer.quick_replies,
            confidence=round(answered.confidence, 2),
        )

    async def _session(
        self, client_session: str | None, user_id: uuid.UUID | None, channel: str, conversation: str | None
    ) -> tuple[str, dialogue.DialogueState]:
        """In the app the session is the one the client names, if this server minted it for this caller;
        a chat platform's adapter names its conversation itself (`conversation`)."""
        if channel == dialogue.APP or conversation is None:
            return await dialogue.resume_app_session(self.redis, client_session, user_id)
        state = await dialogue.load(self.redis, conversation, channel=channel) or dialogue.DialogueState()
        return conversation, state

    async def _answer(self, asked: _Asked, state: dialogue.DialogueState) -> _Answered:
        """The answer to what the turn asks; a dossier code in the message outranks everything but a
        request for a person ("cho em gặp cán bộ về hồ sơ ..." is a hand-off)."""
        intent, confidence, locale = asked.turn.intent, asked.turn.confidence, asked.locale
        if asked.code and intent is not Intent.HUMAN_HANDOFF:
            state.dossier_code = asked.code.group(1).upper()
            answer = await self._status_by_code(asked, asked.code)
            return _Answered(Intent.DOSSIER_STATUS, max(confidence, 0.9), answer)
        if intent is Intent.DOSSIER_STATUS:
            if asked.user_id is None:
                answer = answers.dossier_key_needed(locale, can_sign_in=asked.channel == dialogue.APP)
            else:
                answer = answers.dossier_status(await self.dossiers.active_for(asked.user_id), locale)
            return _Answered(intent, confidence, answer)
        if intent is Intent.PAYMENT_HELP:
            mine = await self.dossiers.active_for(asked.user_id) if asked.user_id else None
            unpaid = [d for d in mine or [] if d.status == DossierStatus.AWAITING_PAYMENT]
            procedure = self._by_slug.get(asked.turn.procedure or "")
            answer = answers.payment_help(unpaid if asked.user_id else None, locale, procedure)
            return _Answered(intent, confidence, answer, procedure)
        if intent in PROCEDURE_INTENTS:
            return await self._about_procedure(asked)
        if intent is Intent.HUMAN_HANDOFF:
            await self.handoffs.open(
                session_id=asked.session_id,
                user_id=asked.user_id,
                message=asked.text[:MAX_TEXT],
                procedure_slug=state.procedure,
                channel=asked.channel,
                dossier_code=asked.code.group(1).upper() if asked.code else state.dossier_code,
            )
        return _Answered(intent, confidence, answers.small_talk(intent, locale, self.hotline))

    async def _about_procedure(self, asked: _Asked) -> _Answered:
        intent, confidence, locale = asked.turn.intent, asked.turn.confidence, asked.locale
        procedure = self._by_slug.get(asked.turn.procedure or "")
        if procedure is None:  # named, but not clearly which, or not at all: ask, with the candidates as quick replies
            candidates = [self._by_slug[s] for s in asked.turn.candidates if s in self._by_slug]
            answer = answers.ask_which_procedure(candidates, locale, list(self._by_slug.values()))
            return _Answered(intent, confidence, answer)
        if asked.understood.procedure == procedure.slug:  # named now, not carried from earlier turns
            confidence = round(min(1.0, (confidence + asked.understood.procedure_confidence) / 2), 2)
        if asked.turn.intents:  # two questions read alike: which one?
            return _Answered(
                intent, confidence, answers.ask_which_question(asked.turn.intents, procedure, locale), procedure
            )
        office = None
        if intent is Intent.PROCEDURE_LOCATION and self.offices is not None:
            office = await self.offices.office_for(procedure.agency, asked.user_id)
        answer = answers.about_procedure(intent, procedure, locale, office)
        others = [self._by_slug[s] for s in asked.turn.others if s in self._by_slug]
        if others:
            answer = answers.with_others(answer, others, locale)
        return _Answered(intent, confidence, answer, procedure)

    async def _status_by_code(self, asked: _Asked, code: re.Match[str]) -> answers.Answer:
        text = asked.text
        keys = lookup_keys(text[: code.start()] + " " + text[code.end() :])
        found = await self.dossiers.lookup(code.group(1).upper(), user_id=asked.user_id, keys=keys)
        if found is not None:
            return answers.dossier_status([found], asked.locale, by_code=True)
        # an unknown code, a stranger's, a wrong key: one answer, naming nothing of any dossier
        return answers.dossier_key_needed(asked.locale, can_sign_in=asked.channel == dialogue.APP)
