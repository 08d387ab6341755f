"""One turn of the conversation: understand (:mod:`assistant.nlu`), follow the conversation
(:mod:`assistant.conversation`), answer from facts, remember."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

import msgspec
from redis.asyncio import Redis

from assistant import answers, dialogue
from assistant.conversation import follow
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
        self._understander = Understander(self._by_slug, exact=answers.quick_reply_intents())
        self._understood = lru_cache(maxsize=UNDERSTOOD_CACHE_SIZE)(self._understand)

    def _understand(self, text: str) -> tuple[Normalized, Understanding]:
        """Pure in ``text`` (the models never change), so its result may be remembered."""
        message = normalize(text)
        return message, self._understander(message)

    async def _status_by_code(
        self, text: str, code: re.Match[str], *, user_id: uuid.UUID | None, locale: str, channel: str
    ) -> answers.Answer:
        keys = lookup_keys(text[: code.start()] + " " + text[code.end() :])
        found = await self.dossiers.lookup(code.group(1).upper(), user_id=user_id, keys=keys)
        if found is not None:
            return answers.dossier_status([found], locale, by_code=True)
        # an unknown code, a stranger's, a wrong key: one answer, naming nothing of any dossier
        return answers.dossier_key_needed(locale, can_sign_in=channel == dialogue.APP)

    async def reply(
        self,
        body: AssistantIn,
        *,
        user_id: uuid.UUID | None,
        channel: str = dialogue.APP,
        conversation: str | None = None,
    ) -> AssistantOut:
        """One turn. In the app the session is the one the client names, if this server minted it for
        this caller; a chat platform's adapter names its conversation itself (`conversation`)."""
        if channel == dialogue.APP or conversation is None:
            session_id, state = await dialogue.resume_app_session(self.redis, body.session_id, user_id)
        else:
            session_id = conversation
            state = await dialogue.load(self.redis, session_id, channel=channel) or dialogue.DialogueState()
        message, understood = self._understood(body.text[:MAX_TEXT])
        locale = body.locale if body.locale in {"vi", "en"} else ("en" if message.english else state.locale)
        procedure: ProcedureFacts | None = None
        answer: answers.Answer

        code = _CODE.search(body.text)
        turn = follow(understood, message, state, self._names)
        intent, confidence = turn.intent, turn.confidence
        candidates = [self._by_slug[s] for s in turn.candidates if s in self._by_slug]
        if code and intent is not Intent.HUMAN_HANDOFF:  # "cho em gặp cán bộ về hồ sơ ..." is a hand-off
            intent, confidence = Intent.DOSSIER_STATUS, max(confidence, 0.9)
            state.dossier_code = code.group(1).upper()
            answer = await self._status_by_code(body.text, code, user_id=user_id, locale=locale, channel=channel)
        elif intent is Intent.DOSSIER_STATUS:
            if user_id is None:
                answer = answers.dossier_key_needed(locale, can_sign_in=channel == dialogue.APP)
            else:
                answer = answers.dossier_status(await self.dossiers.active_for(user_id), locale)
        elif intent is Intent.PAYMENT_HELP:
            mine = await self.dossiers.active_for(user_id) if user_id else None
            unpaid = [d for d in mine or [] if d.status == DossierStatus.AWAITING_PAYMENT]
            procedure = self._by_slug.get(turn.procedure or "")
            answer = answers.payment_help(unpaid if user_id else None, locale, procedure)
        elif intent in PROCEDURE_INTENTS:
            procedure = self._by_slug.get(turn.procedure or "")
            if procedure is not None:
                if understood.procedure == procedure.slug:  # named now, not carried from earlier turns
                    confidence = round(min(1.0, (confidence + understood.procedure_confidence) / 2), 2)
                if turn.intents:  # two questions read alike: which one?
                    answer = answers.ask_which_question(turn.intents, procedure, locale)
                else:
                    office = None
                    if intent is Intent.PROCEDURE_LOCATION and self.offices is not None:
                        office = await self.offices.office_for(procedure.agency, user_id)
                    answer = answers.about_procedure(intent, procedure, locale, office)
            else:  # named, but not clearly which, or not at all: ask, with the candidates as quick replies
                answer = answers.ask_which_procedure(candidates, locale, list(self._by_slug.values()))
        else:
            if intent is Intent.HUMAN_HANDOFF:
                await self.handoffs.open(
                    session_id=session_id,
                    user_id=user_id,
                    message=body.text[:MAX_TEXT],
                    procedure_slug=state.procedure,
                    channel=channel,
                    dossier_code=code.group(1).upper() if code else state.dossier_code,
                )
            answer = answers.small_talk(intent, locale, self.hotline)

        state.locale = locale
        state.turns += 1
        await dialogue.save(self.redis, session_id, state, channel=channel)
        return AssistantOut(
            session_id=session_id,
            intent=intent,
            procedure=ProcedureRef(slug=procedure.slug, name=procedure.names.get(locale) or procedure.names["vi"])
            if procedure
            else None,
            reply=answer.reply,
            quick_replies=answer.quick_replies,
            confidence=round(confidence, 2),
        )
