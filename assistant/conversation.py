"""What one turn is about, given the message understood and what the conversation already knows.

* The conversation keeps its procedure: "cần giấy tờ gì" after "làm khai sinh" is about birth
  registration; a message that names another procedure clearly switches to it. One believed only
  weakly (a word of it in "chủ trọ làm giúp được không", "can the landlord file it online?") does
  not: the talk's procedure is the likelier reading. A status question naming a procedure ("my
  vehicle dossier, ready yet?") makes it the talk's procedure for the questions after it.
* "Còn tạm vắng thì sao" after a question about papers asks about the papers of the new procedure;
  one with a question of its own ("còn cccd thì làm lại ntn", "còn bán bánh có cần giấy attp không")
  asks that, and a follow-up naming none ("what about online?") asks what its own words ask.
* A procedure's name alone (as a quick reply offers it) after a question asks that question about
  it, whether or not the assistant had asked which procedure was meant.
* A name several procedures share ("bằng lái") is asked about, unless the conversation is, or was a
  few questions ago, about one of them, or its procedure is believed of the name too ("xin phép" in a talk
  about a construction permit); the answer to that question (the quick reply, or any message naming one of
  the candidates) gets the question that was pending. A question naming none instead ("cần giấy tờ gì") is
  about the likeliest candidate, the others offered beside the answer.
* "Chào" opens a conversation and closes one: after a turn that asked something, a greeting in
  those words ("chào bạn nhé", "chào, hẹn lần sau") is a farewell, and a bare "ok" a thanks.
* Two questions believed alike (fee or duration?) are asked about once the procedure is known.
* A question about a procedure that names none, in a conversation about none, asks which one;
  a bare "tell me about it" with nothing to be about is out of scope, but a situation told to open
  a talk ("vợ em sinh bé được 1 tuần") is about the procedure it clearly leans to.
* A procedure named weakly, or a shared name, that the talk was about a few questions ago ("quay lại
  căn cước / sổ đỏ, …") is gone back to, even right after a status question; otherwise, right after
  one, "sao lâu vậy" is still about the dossier. Going back in words that name nothing the talk knows
  ("quay lại vụ đất, …") is going back to the procedure before the present one.
* Where the asker lives, said in a question about where to file ("không phải chỗ hộ khẩu thì nộp ở
  đâu"), names a residence procedure without switching the talk to it, unless it names one outright.
  So does the registration a civil status record came from, in a talk about copying or correcting
  that record ("phải về nơi đã đăng ký kết hôn hả"). A home's ownership told in a talk about registering
  residence ("nhà do tôi đứng tên, cần giấy gì", "the landlord has the red book") is that talk's, not
  a land procedure's, unless land is dealt in ("sang tên", "làm sổ").
* A paper another procedure issues, said needed in a talk ("có cần giấy xác nhận độc thân không"
  about a marriage, "hồ sơ cần gì, có cần lý lịch tư pháp không" about a work permit), asks about the
  talk's papers; asked about as needed too or to be obtained at all ("Does she also need a single status
  certificate?", "có phải xin giấy xác nhận độc thân không"), it is answered while the talk stays; how to get
  it ("xin giấy đó cần gì") is its own talk, and so is "giấy đó xin ở đâu" right after, or the paper named
  again even weakly a few questions later.
* In a talk, a thing said needed, naming no procedure ("cần hđ thuê trọ không", "does his degree need
  to be legalised?"), asks about the talk's papers, unless it is a thing to do ("có cần đi cùng không").
* Right after a status question, a question asked in general ("thường thì mất bao lâu", "bt thì mấy
  ngày"), or whether both must come, is about the procedure, not the dossier.
* A greeting that tells a situation ("em chào anh chị, em muốn mở quán cà phê nhỏ") stays a greeting, but
  the talk is about the procedure it leans to clearly from then on.
* Another procedure named, even weakly, after words that say a next step, a return or an alternative
  ("làm xong khai sinh thì làm hộ chiếu luôn", "sau khi nhận cha thì đổi họ cho bé", "bán thêm rượu",
  "quay lại vụ passport", "we'll also ...", "or would a company be better?") is what the message is about,
  and so is one a message naming none leans to clearly after words of another thing done besides ("nếu
  bán thêm rượu vang thì sao"); named weakly without them, the talk goes back to one it knows that the
  message leans to ("trợ cấp thì nộp ở đâu" after the allowance), or stays.
* Right after a payment question, the money itself ("bao lâu thì tiền về tài khoản", "ck lúc 9h") is
  still the payment, not the procedure's time or a dossier's status.
* A place or a firm to recommend ("bạn biết chỗ nào in băng rôn rẻ không") is out of scope, whatever it names.
* In a talk, a message the understanding thinks out of scope, but not surely, asks the question it
  reads as next about the talk's procedure ("Is it done on the spot?"), unless it is an aside ("by the
  way, ...") or asks for a place or a person ("bạn biết chỗ nào ..."). One asking what to bring, or
  whether a paper is needed ("có cần bản án ly hôn không"), asks about the talk's papers even when read
  as surely out of scope, unless it goes on to another thing ("còn bán thuốc lá thì cần giấy gì").

Pure: the state is read and changed in memory, saving it is the caller's business.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Final

import msgspec

from assistant.dialogue import DialogueState
from assistant.nlu.intents import PROCEDURE_INTENTS, QUESTION_INTENTS, SOCIAL_INTENTS, Intent
from assistant.nlu.normalize import Normalized
from assistant.nlu.rules import is_bare_acknowledgement
from assistant.nlu.understand import FOLLOW_UP, NEED, Understanding, asks_whether_both_come, clear_lead

__all__ = ("KEEP", "Turn", "follow")

TALKED: Final = 4
"""How many of the talk's procedures are remembered (a name they share is taken as one of them)."""
_EXTRACT_COPY: Final = "civil-status-extract-copy"
_ISSUES_AN_EXTRACT: Final = frozenset({"birth-registration", "death-registration", "marriage-registration"})
"""Registrations whose result is an extract ("trích lục"): "bao lâu có trích lục" in a talk about one of
them asks when that registration's extract comes, not about the procedure for copies of extracts."""
_ON_THE_RECORD: Final = frozenset({_EXTRACT_COPY, "civil-status-change"})
"""Procedures on a civil status record a registration made, which the catalog's filing rules (with their
legal basis, ``api/catalog/data/filing.json``) let one file where that record was registered."""
_ABOUT_THE_RESULT: Final = frozenset({Intent.PROCEDURE_DURATION, Intent.PROCEDURE_FEE})
_ABOUT_THE_DOSSIER: Final = frozenset({Intent.PROCEDURE_DURATION, Intent.PROCEDURE_INFO})
"""What a question naming nothing right after a status question still asks about the dossier ("sao lâu vậy")."""
_ASIDE: Final = re.compile(
    r"^(?:also|by the way|btw|unrelated|a ma|ma|tien hoi|nhan tien|ngoai ra)\b|\b(?:biet|know|recommend|cho nao)\b"
)
"""An aside in a talk ("à mà", "by the way") or a place or person asked about ("bạn biết chỗ nào ..."):
out of scope as it reads, even when unsure."""
_A_RECOMMENDATION: Final = re.compile(
    r"\b(?:biet|know|recommend|gioi thieu)\b.*\b(?:re|uy tin|ngon|tot|good|cheap|best|reliable)\b"
)
"""A place or a firm to recommend ("bạn biết chỗ nào in băng rôn rẻ không", "do you know a good school"):
no procedure's question, whatever it names."""
_IN_GENERAL: Final = re.compile(
    r"\b(?:thuong thi|binh thuong|bt thi|thong thuong|theo quy dinh|thuong mat|normally|usually|typically|in general)\b"
)
"""A question asked of the procedure in general, not of one's dossier: "thường thì mất bao lâu"."""
_GOING_BACK: Final = r"quay lai|tro lai|back to"
_MOVES_ON: Final = re.compile(
    rf"\b(?:{_GOING_BACK}|also|after that|sau do|sau khi|xong|them|nua|luon|instead|thay vi)\b"
    r"|^(?:or|hay la|hoac la)\b"
)
"""A next step, a return or an alternative said outright ("làm xong khai sinh thì ...", "sau khi nhận cha thì
...", "bán thêm rượu", "cần lltp nữa", "quay lại vụ passport", "we'll also ...", "or would a company be better?";
not "the ward or the province"): another procedure it names, even weakly, is what the message is about."""
_THE_MONEY: Final = re.compile(
    r"\b(?:tien|ck|chuyen|bi tru|hoan|refund|money|giao dich|transaction|transfer(?:red)?)\b"
)
"""The money itself ("tiền về chưa", "ck lúc 9h", "ảnh giao dịch"), not the result paid for: said right
after a payment question, still about the payment."""
_A_THING_NEEDED: Final = re.compile(
    r"^(?:(?:the|vay|co|thi) )*(?:co )?can (?!(?:lam|di|phai|co mat|den|len|ve|xin|dang ky|dk)\b)\w+.*"
    r"\b(?:khong|ko|k|hong|khom|khog|kg)\w*$"
    r"|\b(?:need|needs|have|has) to be (?!filed|submitted)\w+(?:ed|en)\b"
    r"|(?<!what )\b(?:do|does|will) (?:i|we|you|he|she|they|it) (?:also )?need (?:a|an|the|any|my|his|her|our|their)\b"
)
"""A thing said needed, not a thing to do: "cần hđ thuê trọ không", "có cần xét nghiệm ADN không", "does his
degree need to be legalised" (not "có cần đi cùng không", "does it need to be filed in person")."""
_ITS_OWN_QUESTION: Final = re.compile(
    r"\b(?:the nao|ntn|lam sao|lm sao|kieu gi|lai sao|thu tuc|how)\b"
    r"|\b(?:co|phai)\b.*\b(?:khong|ko|k|hong|kg|khg)\b"
    r"|\b(?:do|does|is|are|should|must)\b (?:i|we|you|he|she|they|it|the|my|our|her|his|this|that)\b"
)
"""A question of its own after "còn X": how it is done ("còn cccd thì làm lại ntn"), or whether it is needed
or allowed ("còn bán thêm bánh kẹo có cần giấy attp không", "and does the bakery need one?"), not the
question before asked again of X ("còn hộ chiếu thì sao")."""
_PAPERS_ASKED: Final = re.compile(
    r"\b(?:can|mang|nop|chuan bi) (?:\w+ ){0,5}?(?:gi|j)\b|\bwhat (?:do|does|should|must) (?:i|we|he|she|they|you) "
    r"(?:need|bring|prepare)\b|\bphai nop (?:them )?(?:\w+ ){1,6}?(?:khong|ko|k|hong|kg|khg)\b"
)
"""What to bring asked ("cần mang thêm gì", "mang bản gốc vs j nữa", "có phải nộp thêm quyết định của tòa
không", "what do I need?")."""
_THAT_PAPER: Final = re.compile(r"\b(?:giay|cai|to) (?:do|nay|kia|ay)\b|\bthat (?:paper|certificate|document|one)\b")
"""The paper just spoken of ("xin giấy đó ở đâu", "cái đó mất bao lâu", "where do I get that certificate")."""
_GETTING_IT: Final = re.compile(r"\b(?:get|gets|obtain|xin|lay)\b")
"""Getting a paper ("where does she get it?", "xin ở phường được không"): right after it was weighed, that paper,
as is "giấy đó" even with another procedure named weakly ("giấy đó lấy mất bao lâu")."""
KEEP: Final = 0.8
"""In a conversation about a procedure, another one named with less belief than this does not switch it."""
LEANS: Final = 0.25
"""A situation told to open a talk ("we just had a baby"), or a payment question naming no procedure
outright ("lỡ thanh toán hai lần phí lý lịch tư pháp", where a payment's words outweigh the procedure's),
is about the procedure believed this much, twice any other, though too little to name it in a question."""


class Turn(msgspec.Struct, frozen=True, kw_only=True):
    intent: Intent
    confidence: float
    procedure: str | None = None
    """The procedure the reply is about."""
    candidates: tuple[str, ...] = ()
    """Ask which of these procedures is meant (empty with no procedure: ask which procedure at all)."""
    intents: tuple[Intent, ...] = ()
    """Ask which of these questions is meant, about ``procedure``."""
    others: tuple[str, ...] = ()
    """Other procedures the turn may be about, offered beside the answer about ``procedure``."""

    @property
    def asks_which_procedure(self) -> bool:
        return self.intent in PROCEDURE_INTENTS and self.procedure is None


def _answered(candidates: Sequence[str], understood: Understanding, message: Normalized,
              names: Mapping[str, Sequence[str]]) -> str | None:  # fmt: skip
    """The candidate the message picks: named by the understanding, or typed as its name."""
    if understood.procedure in candidates:
        return understood.procedure
    for slug in candidates:
        if message.folded in names.get(slug, ()):
            return slug
    within = [s for s in understood.candidates if s in candidates]
    if len(within) == 1:
        return within[0]
    return _most_believed(understood, candidates)


def _most_believed(understood: Understanding, among: Sequence[str]) -> str | None:
    """The one of ``among`` the message leans to ("bằng em mất rồi": the re-issue), if it clearly does."""
    return clear_lead([(slug, p) for slug, p in understood.beliefs if slug in among])


def follow(
    understood: Understanding,
    message: Normalized,
    state: DialogueState,
    names: Mapping[str, Sequence[str]] = {},
) -> Turn:
    """The turn, and ``state`` brought up to date. ``names``: each procedure's names, folded (what a
    quick reply offering it says)."""
    turn = _turn(understood, message, state, names)
    state.previous = turn.intent.value
    return turn


def _turn(
    understood: Understanding, message: Normalized, state: DialogueState, names: Mapping[str, Sequence[str]]
) -> Turn:
    intent, confidence = understood.intent, understood.confidence
    intent = _counted(intent, message, state)
    pending, asked, weighed = state.candidates, state.pending_intent, state.weighed
    state.candidates, state.pending_intent, state.weighed = [], None, None
    if pending:
        answer = _after_asking(pending, asked, understood, message, state, names, intent)
        if answer is not None:
            return answer
    if (
        state.previous == Intent.PAYMENT_HELP
        and intent is not Intent.HUMAN_HANDOFF
        and _THE_MONEY.search(message.folded)
    ):
        intent = Intent.PAYMENT_HELP  # "bao lâu thì tiền về tài khoản" after "làm sao được hoàn lại"
    if intent in {Intent.PAYMENT_HELP, Intent.DOSSIER_STATUS}:
        return _paid_or_status(understood, state, intent)
    if intent in PROCEDURE_INTENTS and _A_RECOMMENDATION.search(message.folded):
        return Turn(intent=Intent.FALLBACK, confidence=min(confidence, 0.3))  # "bạn biết chỗ nào in băng rôn rẻ không"
    if intent is Intent.FALLBACK and state.procedure and not _ASIDE.search(message.folded):
        intent = _asked_of_the_talk(understood, message)
    if intent not in PROCEDURE_INTENTS:
        _greeted_with_a_situation(understood, state, intent)
        return Turn(intent=intent, confidence=confidence)
    if (
        state.previous == Intent.DOSSIER_STATUS
        and intent in _ABOUT_THE_DOSSIER
        and not _named(understood)
        and _recalled(understood, state) is None
        and not (
            state.procedure is not None and (_IN_GENERAL.search(message.folded) or asks_whether_both_come(message))
        )
    ):
        return Turn(intent=Intent.DOSSIER_STATUS, confidence=confidence)  # "hồ sơ tới đâu rồi" — "sao lâu vậy"
    if asked is None and state.last_intent in QUESTION_INTENTS and any(message.folded in n for n in names.values()):
        asked = state.last_intent  # a procedure's name alone after a question, as a quick reply: that question
    extract_of = _the_talks_extract(understood, message, state, intent)
    if extract_of is not None:
        return _about(state, intent, confidence, extract_of, understood.intents)
    papers = _the_talks_papers(understood, message, state, intent, weighed)
    if papers is not None:
        return papers
    return _question(understood, message, state, intent, confidence, asked)


def _the_talks_papers(understood: Understanding, message: Normalized, state: DialogueState, intent: Intent,
                      weighed: str | None) -> Turn | None:  # fmt: skip
    """In a talk, a thing or a paper another procedure issues said needed is the talk's papers; that paper
    is remembered among the talk's procedures and as the one just weighed, so "giấy đó xin ở đâu" next asks
    about getting it. Such a paper asked about as needed in a question about itself is answered, and weighed,
    but the talk stays on its procedure."""
    talk, confidence = state.procedure, understood.confidence
    if talk is not None and _a_thing_for_the_talk(understood, message, intent):
        return _about(state, Intent.PROCEDURE_DOCUMENTS, confidence, talk, understood.intents)
    if talk is not None and _a_paper_for_the_talk(understood, message, state, intent):
        paper = understood.procedure if understood.procedure_confidence >= KEEP else None
        if paper == talk:
            paper = None  # "có cần giấy báo tử không" about a death: its own result
        if paper is not None:
            _remember(state, paper)
        turn = _about(state, Intent.PROCEDURE_DOCUMENTS, confidence, talk, understood.intents)
        state.weighed = paper
        return turn
    if talk is not None:
        paper = _a_paper_weighed(understood, message, talk, intent)
        if paper is not None:
            turn = _about(state, intent, confidence, paper, understood.intents)
            _remember(state, talk)
            state.weighed = paper
            return turn
    that = _THAT_PAPER.search(message.folded)
    if (
        weighed is not None
        and (that or _GETTING_IT.search(message.folded))
        and (
            not _named(understood) - {weighed}
            or (that and understood.procedure_confidence < KEEP)
            or _only_a_place(understood, state, intent)
        )
    ):
        return _about(state, intent, confidence, weighed, understood.intents)
    return None


def _greeted_with_a_situation(understood: Understanding, state: DialogueState, intent: Intent) -> None:
    """A greeting that tells a situation leaning clearly to a procedure ("em chào anh chị, em muốn mở quán
    cà phê nhỏ"), in a talk about none, stays a greeting, but "nộp ở đâu" next is about that procedure."""
    if intent is Intent.GREETING and state.procedure is None:
        told = _leaned_to(understood)
        if told is not None:
            _remember(state, told)


def _paid_or_status(understood: Understanding, state: DialogueState, intent: Intent) -> Turn:
    """A payment question is about the talk's procedure, or the one it names; a status reply is about dossiers."""
    paid_for = understood.procedure
    if paid_for is None and intent is Intent.PAYMENT_HELP and state.procedure is None:
        paid_for = _leaned_to(understood)  # "lỡ thanh toán hai lần phí lý lịch tư pháp"
    if paid_for is not None:
        _remember(state, paid_for)
    about = state.procedure if intent is Intent.PAYMENT_HELP else None
    return Turn(intent=intent, confidence=understood.confidence, procedure=about)


def _after_asking(pending: Sequence[str], asked: str | None, understood: Understanding, message: Normalized,
                  state: DialogueState, names: Mapping[str, Sequence[str]], intent: Intent) -> Turn | None:  # fmt: skip
    """The turn after asking which procedure was meant: the one picked gets the pending question; a question
    naming none instead is about the likeliest candidate, the others offered beside the answer."""
    picked = _answered(pending, understood, message, names)
    confidence = understood.confidence
    if picked is not None and intent in {*PROCEDURE_INTENTS, Intent.FALLBACK}:
        intent = Intent(asked) if asked and intent in {Intent.PROCEDURE_INFO, Intent.FALLBACK} else intent
        return _about(state, intent, max(confidence, 0.8), picked)
    if picked is None and state.procedure is None and intent in PROCEDURE_INTENTS and not _named(understood):
        turn = _about(state, intent, min(confidence, 0.5), pending[0], understood.intents)
        return msgspec.structs.replace(turn, others=tuple(pending[1:]))
    return None


def _asked_of_the_talk(understood: Understanding, message: Normalized) -> Intent:
    """A message read as out of scope in a talk, not an aside: whether both must come ("hai vợ chồng có phải
    cùng có mặt không"), the question it reads as next, if unsure ("is it done on the spot?"), or its papers,
    asked for ("có cần bản án ly hôn không", "mang bản gốc với gì nữa"), unless it goes on to another thing
    ("còn bán thuốc lá thì cần giấy gì")."""
    if asks_whether_both_come(message):
        return Intent.PROCEDURE_INFO  # "hai vợ chồng có phải cùng có mặt khi nhận không"
    if understood.else_asks:
        return understood.else_asks
    folded = message.folded
    if not FOLLOW_UP.search(folded) and (_PAPERS_ASKED.search(folded) or _A_THING_NEEDED.search(folded)):
        return Intent.PROCEDURE_DOCUMENTS
    return Intent.FALLBACK


def _a_thing_for_the_talk(understood: Understanding, message: Normalized, intent: Intent) -> bool:
    """A thing said needed in a talk, naming no procedure ("cần hđ thuê trọ không"): whether its dossier
    asks for it."""
    return intent is Intent.PROCEDURE_INFO and not _named(understood) and bool(_A_THING_NEEDED.search(message.folded))


def _question(understood: Understanding, message: Normalized, state: DialogueState, intent: Intent,
              confidence: float, asked: str | None) -> Turn:  # fmt: skip
    """A question about a procedure: which one it is about, with what the talk knows."""
    named = _named(understood)
    if (
        understood.follow_up
        and named
        and intent is Intent.PROCEDURE_INFO
        and state.last_intent in QUESTION_INTENTS
        and not _ITS_OWN_QUESTION.search(message.folded)
    ):
        intent = Intent(state.last_intent or intent)  # "còn tạm vắng thì sao" asks the same again
    if not named:  # "quay lại khai sinh, mấy ngày thì có"
        recalled = _recalled(understood, state) or _gone_back_to(message, state)
        recalled = recalled or _gone_on_to(understood, message, state)
        if recalled is not None:
            return _about(state, intent, confidence, recalled, understood.intents)
    if state.procedure is not None and (
        _only_a_place(understood, state, intent) or _a_home_owned(understood, message, state)
    ):
        return _about(state, intent, confidence, state.procedure, understood.intents)
    if (
        state.procedure is not None
        and _weakly_elsewhere(understood, state.procedure)
        and not (understood.procedure is not None and _MOVES_ON.search(message.folded))
    ):
        # "quay lại căn cước / sổ đỏ, …" a few questions later, or a word of one the talk knows: back to it
        back = _talked_of(understood, state) or _recalled(understood, state)
        return _about(state, intent, confidence, back or state.procedure, understood.intents)
    if understood.procedure is not None:
        if intent is Intent.PROCEDURE_INFO and asked in QUESTION_INTENTS:  # "lệ phí?" "— hộ chiếu"
            intent = Intent(asked or intent)
        return _about(state, intent, confidence, understood.procedure, understood.intents)
    if understood.candidates:
        earlier = _talked_of(understood, state) or _believed_of_the_talk(understood, state)
        if earlier is not None:  # "bằng lái" in a talk about renewing it, now or a few questions ago
            return _about(state, intent, confidence, earlier, understood.intents)
        state.candidates = list(understood.candidates)
        state.pending_intent = intent
        return Turn(intent=intent, confidence=min(confidence, 0.5), candidates=understood.candidates)
    if state.procedure is not None:
        return _about(state, intent, confidence, state.procedure, understood.intents)
    return _in_a_talk_about_nothing(understood, state, intent, confidence)


def _in_a_talk_about_nothing(understood: Understanding, state: DialogueState, intent: Intent,
                             confidence: float) -> Turn:  # fmt: skip
    """A question naming no procedure, with none talked about: a situation told is about what it leans
    to ("vợ em sinh bé được 1 tuần"), a bare "tell me about it" is out of scope, any other asks which."""
    if intent is Intent.PROCEDURE_INFO:
        told = _leaned_to(understood)
        if told is not None:
            return _about(state, intent, min(confidence, 0.5), told, understood.intents)
        return Turn(intent=Intent.FALLBACK, confidence=min(confidence, 0.3))
    state.pending_intent = intent
    return Turn(intent=intent, confidence=min(confidence, 0.5))


_LEAVE_PHRASES: Final = ("tam biet", "hen gap lai", "hen lan sau")


def _counted(intent: Intent, message: Normalized, state: DialogueState) -> Intent:
    """The turn counted; after something was asked, a greeting in words that also take leave is a farewell,
    and a bare "ok" takes the answer as a thanks does."""
    state.turns += 1
    leaves = "chao" in message.words or any(phrase in message.folded for phrase in _LEAVE_PHRASES)
    if intent is Intent.GREETING and state.asked and leaves:
        intent = Intent.GOODBYE
    if state.asked and is_bare_acknowledgement(message):  # "ok ad" after an answer
        intent = Intent.THANKS
    state.asked = state.asked or intent not in SOCIAL_INTENTS
    return intent


def _the_talks_extract(
    understood: Understanding, message: Normalized, state: DialogueState, intent: Intent
) -> str | None:
    """The registration whose extract "bao lâu có trích lục" asks about in a talk about it (not copies of one)."""
    if state.procedure not in _ISSUES_AN_EXTRACT or understood.procedure != _EXTRACT_COPY:
        return None
    if intent not in _ABOUT_THE_RESULT or any(word in message.folded for word in ("ban sao", "copy", "copies")):
        return None
    return state.procedure


_ASKS_ITS_OWN: Final = re.compile(
    r"\b(?:gi|j|what|which|how|gom|the nao|ntn|sao|quay lai|back|tro lai|xin|get|apply|lam|also|cung can"
    r"|chung thuc|attest|attested)\b"
)
"""What to bring, how to get it, doing it too, going back: a question about the paper's own procedure."""


_THE_DOSSIER_ASKED: Final = re.compile(
    r"\b(?:ho so|giay to|documents?|papers?) (?:can|gom|need|needed|include)\w* (?:co )?(?:nhung )?(?:gi|j|what)\b"
)
"""The talk's papers asked in general beside a paper weighed ("hồ sơ cần gì ạ, có cần criminal record bên Nhật
không"): not a question about that paper's own procedure."""


def _a_paper_for_the_talk(understood: Understanding, message: Normalized, state: DialogueState,
                          intent: Intent) -> bool:  # fmt: skip
    """Whether a paper that another procedure issues is needed, asked in a talk about one that may ask for
    it ("có cần giấy xác nhận độc thân không" about a marriage): the talk's papers, not how to get that one.
    A licence to run a business is no such paper: "có cần giấy attp không" while registering a shop asks
    whether the shop needs it. That paper said needed with nothing named that needs it is the talk's, even
    the talk's own result ("có cần giấy báo tử không" about a death)."""
    if understood.paper_needed:
        return True
    if intent is not Intent.PROCEDURE_DOCUMENTS or understood.follow_up or not understood.a_paper:
        return False
    if state.procedure in _named(understood):
        return False
    folded = _THE_DOSSIER_ASKED.sub("", message.folded)
    return NEED.search(folded) is not None and _ASKS_ITS_OWN.search(folded) is None


_NEEDED_TOO: Final = re.compile(r"\b(?:also|cung) (?=need|needs|can\b)")
"""Needed too ("Does she also need …", "cũng cần"): a paper said needed, not another thing done too."""
_TO_OBTAIN: Final = re.compile(r"\b(?:co )?phai xin\b")
"""Whether a paper must be obtained at all ("có phải xin giấy xác nhận độc thân không"): said needed, not asked
how to get."""


def _a_paper_weighed(understood: Understanding, message: Normalized, talk: str, intent: Intent) -> str | None:
    """The paper another procedure issues, clearly named, that a talk about another one asks about as needed
    ("Does she need a single status certificate too?" while registering a marriage): answered about that
    paper, while the talk's next questions ("Where do we file?") are still about the talk."""
    paper = understood.procedure
    folded = _TO_OBTAIN.sub("can", _NEEDED_TOO.sub("", message.folded))
    weighed = (
        paper is not None
        and paper != talk
        and understood.a_paper
        and understood.procedure_confidence >= KEEP
        and intent is Intent.PROCEDURE_INFO
        and NEED.search(folded) is not None
        and _ASKS_ITS_OWN.search(folded) is None
        and _MOVES_ON.search(folded) is None
    )
    return paper if weighed else None


def _leaned_to(understood: Understanding) -> str | None:
    """The procedure a situation told, or a payment, leans to, if it leans clearly enough."""
    return clear_lead(understood.beliefs, LEANS)


_RESIDENCE: Final = frozenset(
    {"permanent-residence-registration", "temporary-residence-registration", "residence-confirmation"}
)
OUTRIGHT: Final = 0.98
"""Belief in a residence procedure at which a question about where to file asks about it ("xin giấy xác
nhận cư trú ở đâu"), not where one lives ("nộp ở xã nơi cháu thường trú à")."""


def _only_a_place(understood: Understanding, state: DialogueState, intent: Intent) -> bool:
    """A question about where to file, in a talk about another procedure, that names a procedure only
    as a place: a residence procedure as where the asker lives ("không phải chỗ hộ khẩu", "nơi thường
    trú"), or, in a talk about copying or correcting a civil status record, the registration that made
    it, as where that was done ("phải về nơi đã đăng ký kết hôn hả"): the question is about the talk's
    procedure and where it may be filed, not about registering anew."""
    named = _named(understood)
    if intent is not Intent.PROCEDURE_LOCATION or understood.follow_up or not named:
        return False
    if state.procedure in _ON_THE_RECORD and named <= _ISSUES_AN_EXTRACT:
        return True
    return state.procedure not in _RESIDENCE and named <= _RESIDENCE and understood.procedure_confidence < OUTRIGHT


_LAND: Final = frozenset({"land-use-certificate", "land-transfer-registration"})
_DEALS_IN_LAND: Final = re.compile(
    r"\b(?:sang ten|tach thua|cap so|lam so|mua ban|tang cho|thua ke|chuyen nhuong|transfer|inherit|buy|sell)\w*"
)
"""Land dealt in ("sang tên", "làm sổ", "mua bán", "transfer"): a land procedure asked about, not a home's proof."""


def _a_home_owned(understood: Understanding, message: Normalized, state: DialogueState) -> bool:
    """A home's ownership told in a talk about registering residence there ("nhà do tôi đứng tên, cần giấy
    gì", "nhà chồng có sổ đỏ", "the landlord has the red book"): the residence's question, not land's."""
    named = _named(understood)
    return (
        state.procedure in _RESIDENCE and bool(named) and named <= _LAND and not _DEALS_IN_LAND.search(message.folded)
    )


def _recalled(understood: Understanding, state: DialogueState) -> str | None:
    """Another procedure the talk was about that a message naming none leans to ("quay lại khai sinh"); in a
    talk about land, not the other land procedure ("bao lâu có sổ mới" while transferring land: its new
    certificate, though the words lean to the first one's)."""
    land = state.procedure in _LAND
    return _most_believed(
        understood, [slug for slug in state.talked if slug != state.procedure and not (land and slug in _LAND)]
    )


_GOES_BACK: Final = re.compile(rf"^(?:(?:thoi|a|ok|u|vay|going) )?(?:{_GOING_BACK})\b")
"""Going back, said first ("quay lại vụ đất, …", "thôi quay lại, …", "going back to ...")."""


def _gone_back_to(message: Normalized, state: DialogueState) -> str | None:
    """The procedure the talk was about before its present one, gone back to in words that name neither
    ("quay lại vụ đất, hồ sơ cần những gì" after a death was asked about in a talk about land)."""
    if not _GOES_BACK.search(message.folded) or len(state.talked) < 2 or state.talked[-1] != state.procedure:
        return None
    return state.talked[-2]


_ANOTHER_THING: Final = re.compile(r"(?<!nop )(?<!can )(?<!mang )\b(?:them|nua)\b|\b(?:also|instead|thay vi)\b")
"""Another thing done besides ("bán thêm rượu vang", "we also want to hang a banner"), not more papers ("cần nộp
thêm gì")."""


def _gone_on_to(understood: Understanding, message: Normalized, state: DialogueState) -> str | None:
    """In a talk, another thing done besides, naming no procedure but leaning clearly to one ("nếu bán thêm
    rượu vang cho khách thì sao", "We also want to hang a banner"): that one."""
    if state.procedure is None or not _ANOTHER_THING.search(message.folded):
        return None
    return _leaned_to(understood)


def _believed_of_the_talk(understood: Understanding, state: DialogueState) -> str | None:
    """The talk's procedure, when a name several procedures share is believed of it too, though less than of
    those offered ("xin phép mất bao lâu" in a talk about a construction permit)."""
    return state.procedure if state.procedure in dict(understood.beliefs) else None


def _talked_of(understood: Understanding, state: DialogueState) -> str | None:
    """The procedure the message names, or one of those its shared name may be, that the talk was
    about lately (the latest of them)."""
    named = _named(understood)
    return next((slug for slug in reversed(state.talked) if slug in named), None)


def _named(understood: Understanding) -> set[str]:
    """The procedure the message names, or those its shared name may be."""
    return {understood.procedure} if understood.procedure is not None else set(understood.candidates)


def _weakly_elsewhere(understood: Understanding, procedure: str) -> bool:
    """The message names another procedure than the talk's, or a few, but believes it little."""
    other = understood.procedure not in {None, procedure} or bool(understood.candidates)
    return other and understood.procedure_confidence < KEEP


def _remember(state: DialogueState, procedure: str) -> None:
    """The talk is about ``procedure`` now, and remembers it among the last few it was about."""
    state.procedure = procedure
    state.talked = [*(slug for slug in state.talked if slug != procedure), procedure][-TALKED:]


def _about(
    state: DialogueState, intent: Intent, confidence: float, procedure: str, intents: tuple[Intent, ...] = ()
) -> Turn:
    _remember(state, procedure)
    state.last_intent = intent
    return Turn(intent=intent, confidence=confidence, procedure=procedure, intents=intents)
