"""One turn of the conversation: understand, remember, answer from facts."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field

import msgspec
from redis.asyncio import Redis

from assistant import answers, dialogue
from assistant.nlu.intents import Intent, detect_intent
from assistant.nlu.normalize import normalize
from assistant.ports import CatalogReader, DossierReader, HandoffDesk, ProcedureFacts
from i18n.phrases import PhraseIndex

PROCEDURE_INTENTS = frozenset(
    {
        Intent.PROCEDURE_INFO,
        Intent.PROCEDURE_DOCUMENTS,
        Intent.PROCEDURE_FEE,
        Intent.PROCEDURE_DURATION,
        Intent.PROCEDURE_LOCATION,
    }
)
# words that ask rather than name: kept out of procedure matching (folded)
_QUESTION_WORDS = frozenset(
    {
        "lam",
        "can",
        "gi",
        "giay",
        "to",
        "ho",
        "so",
        "thu",
        "tuc",
        "bao",
        "nhieu",
        "tien",
        "mat",
        "may",
        "ngay",
        "lau",
        "o",
        "dau",
        "nop",
        "cho",
        "con",
        "toi",
        "minh",
        "em",
        "anh",
        "chi",
        "muon",
        "xin",
        "hoi",
        "cach",
        "nhu",
        "the",
        "nao",
        "thi",
        "la",
        "va",
        "voi",
        "a",
        "ah",
        "oi",
        "nhe",
        "khong",
        "co",
        "duoc",
        "phai",
        "di",
        "phi",
        "le",
        "gom",
        "nhung",
        "what",
        "how",
        "much",
        "many",
        "long",
        "where",
        "do",
        "i",
        "need",
        "for",
        "is",
        "my",
        "of",
        "it",
        "cost",
        "fee",
        "documents",
        "papers",
    }
)
_CODE = re.compile(r"\b([0-9A-Z]{2,3}(?:\.[0-9A-Z]{2,3}){2,3}-\d{6}-\d{4,7})\b", re.IGNORECASE)
_MATCH_MIN = 78.0
_CLOSE = 4.0


class ProcedureRef(msgspec.Struct, frozen=True):
    slug: str
    name: str


class AssistantIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    text: str
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
    _by_slug: dict[str, ProcedureFacts] = field(init=False)
    _index: PhraseIndex = field(init=False)

    def __post_init__(self) -> None:
        procedures = list(self.catalog.procedures())
        self._by_slug = {p.slug: p for p in procedures}
        self._index = PhraseIndex(
            [
                (p.slug, [(p.names["vi"], 1.0), (p.names["en"], 0.98), *((k, 0.97) for k in p.keywords)])
                for p in procedures
            ]
        )

    def _match(self, words: list[str], *, asking: bool) -> list[tuple[ProcedureFacts, float]]:
        """Procedures the message names. A message that asks something (a cue was found) may say more
        than the name; one that asks nothing must be mostly the name, so chatter stays fallback."""
        content = [w for w in words if w not in _QUESTION_WORDS]
        if not content:
            return []
        found = [m for m in self._index.search("", 3, words=content, min_coverage=0.75) if m[1] >= _MATCH_MIN]
        if not found and asking:  # whole message: names contain words like "làm", "mất", "giấy"
            found = [m for m in self._index.contained(words) if m[1] >= _MATCH_MIN]
        return [(self._by_slug[slug], score) for slug, score in found]

    async def reply(self, body: AssistantIn, *, user_id: uuid.UUID | None, channel: str = "app") -> AssistantOut:
        session_id = body.session_id or uuid.uuid4().hex
        state = await dialogue.load(self.redis, session_id)
        message = normalize(body.text[:1000])
        locale = body.locale if body.locale in {"vi", "en"} else ("en" if message.english else state.locale)
        guess = detect_intent(message)
        intent, confidence = guess.intent, guess.confidence
        procedure: ProcedureFacts | None = None
        answer: answers.Answer

        code = _CODE.search(body.text)
        matches = self._match(list(message.words), asking=intent is not Intent.FALLBACK)
        if code:
            intent, confidence = Intent.DOSSIER_STATUS, max(confidence, 0.9)
            found = await self.dossiers.by_code(code.group(1).upper())
            answer = answers.dossier_status([found] if found else [], locale, by_code=True)
        elif intent is Intent.DOSSIER_STATUS:
            mine = await self.dossiers.active_for(user_id) if user_id else None
            answer = answers.dossier_status(mine, locale)
        elif intent is Intent.PAYMENT_HELP and not matches:
            mine = await self.dossiers.active_for(user_id) if user_id else None
            unpaid = [d for d in mine or [] if d.status == "awaiting_payment"]
            answer = answers.payment_help(unpaid if user_id else None, locale)
        elif intent in PROCEDURE_INTENTS or matches:
            if intent not in PROCEDURE_INTENTS:  # a procedure named with no question: tell about it
                intent, confidence = Intent.PROCEDURE_INFO, min(confidence, 0.7) if confidence else 0.7
            if len(matches) >= 2 and matches[0][1] - matches[1][1] < _CLOSE:
                answer = answers.ask_which_procedure([p for p, _ in matches[:3]], locale, [])
                confidence = min(confidence, 0.5)
            elif matches:
                procedure = matches[0][0]
                confidence = round(min(1.0, (confidence + matches[0][1] / 100) / 2), 2)
            elif state.procedure in self._by_slug:  # "mất mấy ngày" after "làm khai sinh"
                procedure = self._by_slug[state.procedure]
            if procedure is not None:
                answer = answers.about_procedure(intent, procedure, locale)
            elif not (len(matches) >= 2):
                answer = answers.ask_which_procedure([], locale, list(self._by_slug.values()))
        else:
            if intent is Intent.HUMAN_HANDOFF:
                await self.handoffs.open(
                    session_id=session_id,
                    user_id=user_id,
                    message=body.text[:1000],
                    procedure_slug=state.procedure,
                    channel=channel,
                )
            answer = answers.small_talk(intent, locale, self.hotline)

        state.procedure = procedure.slug if procedure else state.procedure
        state.locale = locale
        state.turns += 1
        await dialogue.save(self.redis, session_id, state)
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
