"""One message understood: its intent and the procedure it names, each with a confidence, and what
is too close to call.

* Exact rules first (:mod:`.rules`): a dossier's code is a status question (with the procedure it
  names beside the code, for the talk), a request for a person a hand-off, a bare greeting a greeting.
* Otherwise the learned models (:mod:`.model`) read the message: the intent head picks one of the
  twelve intents, the procedure head one of the procedures or none.
* A procedure is named when the procedure head believes it more than any other and than "none",
  clearly enough. When two or more are believed alike ("bằng lái" is a renewal or a re-issue), none
  is chosen and they are returned as candidates to ask about, unless the last sentence, a question, names
  one of them ("… Lý lịch tư pháp thì xin ở đâu?"). A follow-up naming none as a whole names its topic
  between "còn" and "thì" ("còn việc cải chính thì bao lâu xong").
* Two procedure questions believed alike (fee or duration?) are returned too, so the reply can ask.
* "Where do I start?" asks the way to go about a procedure, not where to file it; "can it be mailed to
  me?" asks where and how the result is had; "can I swap my UK licence for a Vietnamese one?" asks
  whether one may, unless it names a place or a way ("can I do it online?"); whether one must do it at
  all, or both come, is information; "what do we need to register the birth?" asks for papers; how long
  a result stays valid is what it is, not how long it takes.
* A greeting that tells who writes and asks nothing ("Hi, I'm a teacher working here.") is a greeting.
* A papers question saying a paper is needed is read again with the catalog's papers: "đăng ký kết hôn
  có cần giấy xác nhận độc thân không" is about the marriage, the procedure named before the paper;
  "quán ăn nhỏ có cần giấy attp không", a licence no dossier asks for, asks whether one needs it, and so
  does a paper dossiers ask for said needed with nothing before it that needs it ("tôi cần phiếu lý lịch
  tư pháp để đi du học").
* An out-of-scope message is ``fallback`` and names no procedure; when unsure, it keeps the question
  it reads as next, for the conversation.
* A hand-off the model is unsure of, in a message naming a procedure clearly, is a question about it:
  the people of a situation told ("tôi và hai người bạn muốn góp vốn thành lập công ty"), not a person
  asked for (the rules hear that).

What the conversation already knows (the procedure of earlier turns, a question pending) is not
used here: :mod:`assistant.conversation` decides with it. Pure.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Final

import msgspec

from .intents import PROCEDURE_INTENTS, QUESTION_INTENTS, SOCIAL_INTENTS, Intent
from .model import Model, Vector, load_model
from .normalize import Normalized, normalize
from .rules import asks_for_a_person, has_dossier_code, is_bare_greeting

__all__ = (
    "FALLBACK_CONFIDENCE",
    "FOLLOW_UP",
    "NAMED",
    "NEED",
    "Understander",
    "Understanding",
    "asks_whether_both_come",
    "clear_lead",
)

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
UNSURE_OUT_OF_SCOPE: Final = 0.6
"""Belief in ``fallback`` under which the question a message reads as next is kept (``else_asks``)."""
NAMED_OVER_FALLBACK: Final = 0.7
"""Belief in the procedure named that overrules an unsure ``fallback``."""
UNSURE_HANDOFF: Final = 0.5
"""Belief in a hand-off under which a procedure named clearly makes the message a question about it: what
the model reads as a person asked for ("tôi và hai người bạn muốn góp vốn thành lập công ty") is the people of
a situation told, unless a rule heard a person asked for outright."""
FALLBACK_CONFIDENCE: Final = 0.3
"""The highest confidence ever given to ``fallback``: the app reads a low confidence as "not understood"."""
ISSUES: Final = 0.5
"""Belief in another procedure at which a paper a dossier asks for is taken as that procedure's result."""
NEED: Final = re.compile(
    r"\b(?:co can|can|need|needs|needed|require|required|phai co|bat buoc|have to be|has to be|must be)\b"
)
"""A paper or a licence said needed ("có cần", "phải có", "does it need", "has to be attested")."""
_NOT_A_HOLDER: Final = re.compile(r"\bmat\b|\b(?:toi|em|minh|nen|i|we)$")
_WHAT: Final = re.compile(
    r"\b(?:gi|j|nao|what|which|gom|nhung|mang|bring|list|giay to|ho so|nop|ban (?:sao|goc|chinh)|photos?|id"
    r"|documents?|papers|paperwork|docs|originals?)\b"
)
"""A question about papers ("cần giấy tờ gì", "có cần nộp ... không"), not whether a licence is needed."""
GREETS: Final = 0.5
"""Belief in a greeting at which one that also names a procedure, asking nothing, stays a greeting ("hi, I run
a small company here"); under it, the procedure it tells of is the question ("hi, we're hiring from India")."""
_ASKS: Final = re.compile(
    r"\b(?:khong|ko|k|hong|gi|j|sao|nao|dau|bao|may|ntn|ha|duoc|dc|how|what|where|when|which|can|do|does|is)\b"
)
"""A question word, typed with or without marks (read on the folded text, which keeps no "?")."""
_WHERE_TO_START: Final = re.compile(
    r"\bwhere (?:do|should|can|would) (?:i|we) (?:even |actually )?(?:start|begin)\b|\bbat dau (?:tu|o) dau\b"
)
""""Where do I start?", "bắt đầu từ đâu": the way to go about it, not a place to file."""
_BY_POST: Final = re.compile(
    r"\b(?:can|could|will|would)\b.*\bbe (?:mailed|posted|sent|delivered)\b"
    r"|\bnhan (?:ket qua |kq )?qua (?:buu dien|duong buu dien|chuyen phat)\b"
)
"""A result asked to come by post ("can it be mailed to me?", "nhận kết quả qua bưu điện không"): a
question about where and how the result is had, unless it asks when or how much."""
_AT_ALL: Final = re.compile(
    r"\b(?:can(?! (?:ngheo|cuoc|ho|nha)\b)|phai|bat buoc)\b (?:(?!giay|ban|noi)\w+ ){0,2}?"
    r"(?:dang ky|dk|xin phep|thong bao|tb|bao cao|register)\b"
    r".*\b(?:khong|ko|k|hong|khom|khg|kg)\b"
    r"|\b(?:do|does|must|should)\b (?:\w+ ){1,3}?(?:need|have) to "
    r"(?:register|apply for|notify|get (?:a )?(?:permit|licen[cs]e|permission))\b"
)
_NOT_AT_ALL: Final = re.compile(
    r"\b(?:gi|j|nao|what|which|nhung|mang|giay to|ho so|documents?|papers|o dau|where|tai dau|cho nao|duoc khong"
    r"|dc khong|duoc ko|dc ko|bao lau|how long|when|bao nhieu|how much|how many|may ngay|days?|advance|phi|fee"
    r"|noi)\b"
)
"""Whether one must do the procedure at all ("bán online có phải đăng ký hộ kinh doanh không", "do I need to
register temporary residence?"): what it is and who must, not its papers or place, unless those are asked."""
_WHAT_TO_BRING: Final = re.compile(
    r"^(?:so |and |ok )?what (?:do|does|will|would|should) (?:i|we|you|he|she|they|my \w+|our \w+) "
    r"(?:need|have|bring)\b(?! to (?:do|know|qualify)\b)"
)
_WHAT_TO_DO: Final = re.compile(r"\bwhat (?:do|does|should) (?:\w+ ){1,2}need to (?:do|know)\b|\bneed to qualify\b")
""""What do we need to register the birth?" asks for papers; "what do I need to do / to know / to qualify"
asks how, or who may."""
_BOTH_PRESENT: Final = re.compile(
    r"\b(?:ca hai|ca 2|hai vo chong|2 vo chong|hai dua|2 dua|ca hai ben|ca 2 ben|hai ben|2 ben|both(?: of us)?)\b"
    r".*\b(?:phai|can|co mat|cung di|cung len|present|come|in person|attend|be there|sign)\b"
)
_ASKED_BESIDE: Final = re.compile(
    r"\b(?:online|o dau|where|mang|gi|j|nhung|bring|documents?|giay to|ho so|khi nao|bao lau|how long)\b"
)
"""Whether both must come ("hai vợ chồng có phải cùng có mặt khi nhận không", "do both of us have to be
there?"), unless a place, a channel, papers or a time are asked too."""
_GIVEN_FREE: Final = re.compile(r"\bduoc (?:cap|huong|nhan|lam) (?:\w+ ){1,6}?mien phi\b|\bget (?:a |the )?free\b")
""""Có được cấp thẻ bảo hiểm y tế miễn phí không", "does she get a free card?": whether one is entitled to
it, not what its procedure costs ("đăng ký kết hôn có được miễn phí không")."""
_HOW_TO_PAY: Final = re.compile(
    r"\b(?:dong|nop|tra|thanh toan|chuyen khoan|ck) (?:le )?(?:phi|tien)\b.*"
    r"\b(?:the nao|ntn|nhu the nao|o dau|bang gi|sao|cach nao|qua dau)\b|\bhow (?:do|can|should) (?:i|we) pay\b"
)
"""How to pay, asked right after telling a dossier filed ("vừa nộp hồ sơ trên app, giờ đóng phí thế nào"):
the payment, not the dossier's status."""
_GREETING_FIRST: Final = re.compile(r"^(?:da |a )?(?:hi|hello|hey|chao|xin chao|good (?:morning|afternoon|evening))\b")
"""A message that opens with a greeting (then perhaps tells who writes)."""


_VALID_FOR: Final = re.compile(
    r"\b(?:co thoi han|thoi han (?:su dung|bao lau|bn|bao nhieu|may)|co gia tri|gia tri (?:su dung|trong|bao lau)"
    r"|han su dung|valid|validity|dung duoc bao lau)\b"
)
_TIME_TO_DECIDE: Final = re.compile(r"\b(?:giai quyet|xu ly|processing|tra ket qua|to process)\b")
""""Giấy xác nhận độc thân có thời hạn bao lâu", "how long is it valid for?": how long the result stays good,
which is what it is, not how long it takes ("thời hạn giải quyết")."""


_OFFICE: Final = (
    r"(?:xa|phuong|huyen|tinh|truong|co quan(?: \w+)?|ubnd|uy ban(?: \w+)?|cong an(?: \w+)?|(?:van phong )?cong chung"
    r"|ward|commune|district|province|notary|(?:\w+ )?office|embassy"
    r"|(?:noi|cho) (?:\w+ )?(?:o|song|thuong tru|tam tru))"
)
_OFFICES_WEIGHED: Final = re.compile(
    rf"\b(?:o|tai|len|ra|den|at|to|the) (?:\w+ ){{0,2}}?{_OFFICE}\b (?:\w+ ){{0,3}}?(?:hay|hoac|or)\b"
    rf" (?:\w+ ){{0,4}}?(?:{_OFFICE}|o dau|cho nao|somewhere else|elsewhere|another)\b"
)
"""Two offices weighed ("có làm ở ủy ban xã được không hay phải ra văn phòng công chứng", "at the ward office or
do I need a notary?"): where to file, though the words around ask whether."""
_HOW_LONG: Final = re.compile(
    r"\bmat (?:may|bao nhieu|bn|vai) (?:ngay|tuan|thang|nam|hom|bua)\b"
    r"|\b(?:may|bao nhieu|bn) (?:tuan|thang) (?:moi|thi|la) (?:co|cap|xong|duoc|nhan)\b|\btimeline\b"
)
""""Sổ đỏ cấp lần đầu mất mấy tháng", "mấy tuần mới cấp", "timeline for …": how long it takes, though "mất" is
also what is lost."""
_PAID_WRONG: Final = re.compile(
    r"\b(?:tru|thanh toan|dong|nop|ck|chuyen khoan|chuyen|charged|paid|pay) (?:\w+ ){0,4}?(?:2|hai|two) (?:lan|times)\b"
    r"|\bcharged twice\b|\bhoan (?:lai )?(?:tien|phi)\b|\brefund(?:ed)?\b"
    r"|\b(?:ck|chuyen khoan|chuyen tien|nop|dong) (?:nham|thua|du|sai)\b"
)
"""Money paid twice, too much or wrongly, or asked back ("bị trừ tiền hai lần phí làm căn cước", "nộp thừa
thì hoàn lại thế nào"): the payment, not what the fee is."""
_A_STEP_AFTER: Final = re.compile(
    r"^(?!.*\b(?:lau|bao gio|khi nao|ngay|hom|bua|tuan|thang|nam|nhanh|som|kip|gap|han|tre|when|how|soon|long)\b)"
    r".*\bsau khi\b"
)
"""A step after another asked, with no time in it ("sau khi nhận cha thì đổi họ cho bé được không", "sang tên sau
khi ký hợp đồng thì next step là gì"): what is done then, not how long it takes."""
_THE_STEP_AFTER: Final = re.compile(r"\bsau khi\b.+?\b(?:thi|roi)\b (.+)")
"""The step after another ("sau khi nhận cha thì đổi họ cho bé theo bố"), named after "thì"."""
_PAID_NOT_SEEN: Final = re.compile(
    r"^(?!.*\b(?:lua dao|scam|xung la|gia danh)\b).*"
    r"\b(?:ck|chuyen khoan|chuyen tien|pay|paid|thanh toan|tt|nop tien|dong tien|dong phi|nop phi|dong le phi"
    r"|nop le phi|tra tien)\b.*\b(?:cap nhat|update|updated|confirm|confirmed|xac nhan|chua tt|chua thanh toan"
    r"|cho thanh toan|unpaid|awaiting payment)\b"
)
"""Money sent and not yet seen, or asked when it will be ("ck r mà hs vẫn báo chưa tt", "chuyển khoản bao lâu thì
được xác nhận", "I paid but it still says unpaid"): the payment, whatever else the words read as, unless a scam
is told."""
_WHEN_THE_MONEY: Final = re.compile(
    r"\b(?:bao lau|bao nhieu lau|how long|how soon)\b.*\b(?:co|nhan|ve|linh|get|receive) (?:duoc )?(?:tien|money)\b"
)
"""When the money comes ("bn lâu có tiền", "trợ cấp bao lâu thì có tiền"): how long it takes, not what it costs."""
_GRANTED: Final = re.compile(r"\bduoc cap (?:lai |moi )?(\w+(?: \w+)+)")
"""A paper asked to be granted, named after "được cấp" ("người hưởng trợ cấp có được cấp thẻ bhyt không")."""
_HELP_WITH: Final = re.compile(r"\b(?:some |a little )?(?:help|information|info) (?:with|about|on|regarding)\b")
""""I need help with my driving licence": a topic opened, as "a question about" it is, not a loss or a trouble
told; a name several procedures share is asked about."""
_READ_AGAIN: Final = (
    (Intent.DOSSIER_STATUS, _HOW_TO_PAY, Intent.PAYMENT_HELP),
    (Intent.PROCEDURE_FEE, _GIVEN_FREE, Intent.PROCEDURE_INFO),
    (Intent.PROCEDURE_INFO, _WHAT_TO_BRING, Intent.PROCEDURE_DOCUMENTS),
    (Intent.PROCEDURE_DOCUMENTS, _WHAT_TO_DO, Intent.PROCEDURE_INFO),
    (Intent.PROCEDURE_INFO, _OFFICES_WEIGHED, Intent.PROCEDURE_LOCATION),
    (Intent.PROCEDURE_INFO, _HOW_LONG, Intent.PROCEDURE_DURATION),
    (Intent.PROCEDURE_FEE, _PAID_WRONG, Intent.PAYMENT_HELP),
    (Intent.PROCEDURE_DURATION, _A_STEP_AFTER, Intent.PROCEDURE_INFO),
    (Intent.PROCEDURE_FEE, _WHEN_THE_MONEY, Intent.PROCEDURE_DURATION),
)
"""Read as the first, its words say the last: the re-readings of :func:`_asked_as` that need nothing else."""
_CAN_I: Final = re.compile(r"\b(?:can|could|may) (?:i|we)\b")
_A_PLACE_OR_WAY: Final = re.compile(
    r"\b(?:where|online|vneid|portal|app|website|here|there|at|in|ward|commune|office|post|mail|mailed|posted"
    r"|sent|send|home|abroad|embassy|back|person|police|province|city|district|town)\b"
)
"""Whether one may do a thing ("can I swap my UK licence for a Vietnamese one?") asks whether, unless it
names a place, a channel or a way of having it ("can I apply in Saigon?", "can I do it online?")."""
_WHEN_OR_HOW_MUCH: Final = re.compile(
    r"\b(?:how long|when|bao lau|bao gio|khi nao|may ngay|how much|fee|cost|phi|tien|bao nhieu)\b"
)
_RULE_CONFIDENCE: Final = 0.95
_SENTENCES: Final = re.compile(r"(?<=[.!?])\s+")
"""Where one sentence of a message ends and the next begins (on the raw text, which keeps its marks)."""
_TOPIC: Final = re.compile(
    r"^(?:(?:the|vay|a|o|ok|u|da|roi) )?con (?:(?:viec|vu|chuyen|thu tuc|ve|lam) )*(.+?) (?:thi|the)\b"
)
"""The topic of a follow-up, between "còn" and "thì" ("còn việc cải chính thì bao lâu xong"); "việc", "vụ"
before it are not part of it, "cái" is (folded, it is also "cải")."""
FOLLOW_UP: Final = re.compile(
    r"^(?:(?:the|vay|a|o|ok|u|da|roi|the thi) )?con\b|^(?:and|what about|how about)\b|^(?:the|vay) con\b"
)
"""A message that goes on to another thing ("còn tạm vắng thì sao", "and the ID card?")."""


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
    else_asks: Intent | None = None
    """Of a message believed out of scope, but not surely, the question about a procedure it reads as
    next: in a talk about one, "Is it done on the spot?" asks that (:mod:`assistant.conversation`)."""
    a_paper: bool = False
    """What the message names issues a paper other procedures' dossiers ask for ("giấy xác nhận tình
    trạng hôn nhân" for a marriage), unlike a licence to run a business ("giấy attp")."""
    paper_needed: bool = False
    """That paper itself said needed, with nothing named that needs it ("có cần giấy xác nhận độc thân
    không", "I need a police check for my visa"): how to get it, out of a talk; in a talk, the talk's papers."""


def _out_of_scope(
    confidence: float,
    intents: Sequence[tuple[Intent, float]] = (),
    message: Normalized | None = None,
    beliefs: tuple[tuple[str, float], ...] = (),
) -> Understanding:
    second = intents[1][0] if len(intents) > 1 and confidence < UNSURE_OUT_OF_SCOPE else None
    if second in PROCEDURE_INTENTS and message is not None:
        second = _asked_as(second, message)  # "Can I, as a foreigner, be the owner?" asks whether, not where
    return Understanding(
        intent=Intent.FALLBACK,
        confidence=round(min(confidence, FALLBACK_CONFIDENCE), 3),
        out_of_scope=True,
        else_asks=second if second in PROCEDURE_INTENTS else None,
        beliefs=beliefs,
    )


def _asked_as(intent: Intent, message: Normalized) -> Intent:
    """A question read again where its words say outright what it asks: "where do I start?" the way, not a
    place; "can I swap my licence?" whether, if it names no place; "can it be mailed to me?" where and how
    the result is had; "có phải đăng ký hộ kinh doanh không" and "do both of us have to come?" whether one
    must, and who; "what do we need to register the birth?" the papers; "có được cấp thẻ bhyt miễn phí
    không" whether one is entitled; "vừa nộp hồ sơ, giờ đóng phí thế nào" the payment; "có thời hạn bao
    lâu" how long the result stays valid, what it is, not how long it takes; two offices weighed ("ở ủy ban
    xã được không hay phải ra công chứng") where; "mất mấy tháng" how long; "bị trừ tiền hai lần" the payment;
    "sau khi nhận cha thì đổi họ cho bé được không" the step after, not how long; "bn lâu có tiền" how long."""
    folded = message.folded
    if (
        intent in {Intent.PROCEDURE_DOCUMENTS, Intent.PROCEDURE_LOCATION, Intent.PROCEDURE_DURATION}
        and _AT_ALL.search(folded)
        and not _NOT_AT_ALL.search(folded)
    ):
        return Intent.PROCEDURE_INFO
    if intent in PROCEDURE_INTENTS and asks_whether_both_come(message):
        return Intent.PROCEDURE_INFO
    if intent is Intent.PROCEDURE_DURATION and _VALID_FOR.search(folded) and not _TIME_TO_DECIDE.search(folded):
        return Intent.PROCEDURE_INFO
    for read, words, asked in _READ_AGAIN:
        if intent is read and words.search(folded):
            return asked
    if intent is Intent.PROCEDURE_LOCATION and (
        _WHERE_TO_START.search(folded) or (_CAN_I.search(folded) and not _A_PLACE_OR_WAY.search(folded))
    ):
        return Intent.PROCEDURE_INFO
    if intent not in PROCEDURE_INTENTS or not _BY_POST.search(folded):
        return intent
    return intent if _WHEN_OR_HOW_MUCH.search(folded) else Intent.PROCEDURE_LOCATION


def _greets_and_tells(message: Normalized) -> bool:
    """A greeting, then who writes, asking nothing yet ("Hi, I'm an Australian teacher working here.",
    "chào bạn, tôi làm bánh kem tại nhà để bán online"): the question is still to come."""
    if not _GREETING_FIRST.search(message.folded) or "?" in message.raw:
        return False
    return message.english or not _ASKS.search(message.folded)


def _greeted(intent: Intent, confidence: float, message: Normalized, names: bool) -> Intent:
    """A greeting with a question about a procedure is the question ("chào ad, làm hộ chiếu thế nào"); one
    that tells who writes, asking nothing, is a greeting ("hi, I run a small company", "Hi, my daughter is 6
    and has dual nationality.")."""
    asks = "?" in message.raw or _ASKS.search(message.folded) is not None
    greets = intent is Intent.GREETING and confidence >= GREETS and not asks
    if intent in SOCIAL_INTENTS and names and not greets:
        return Intent.PROCEDURE_INFO
    if intent is Intent.PROCEDURE_INFO and not names and _greets_and_tells(message):
        return Intent.GREETING
    return intent


def _close(intent: Intent, confidence: float, intents: Sequence[tuple[Intent, float]]) -> tuple[Intent, ...]:
    """Two procedure questions believed alike (fee or duration?): the reply may ask which is meant."""
    if intent not in QUESTION_INTENTS or len(intents) < 2:
        return ()
    second, p2 = intents[1]
    close_call = second is not intent and confidence < INTENT_SURE and p2 >= INTENT_RIVAL * confidence
    return (intent, second) if second in QUESTION_INTENTS and close_call else ()


def asks_whether_both_come(message: Normalized) -> bool:
    """Whether both must come ("hai vợ chồng có phải cùng có mặt khi nhận không", "do both of us have to be
    there?"): who must file, not a place, a fee or a paper, unless one is asked for too."""
    return bool(_BOTH_PRESENT.search(message.folded)) and not _ASKED_BESIDE.search(message.folded)


def clear_lead(ranked: Sequence[tuple[str, float]], least: float = 0.0, times: float = 2.0) -> str | None:
    """The first of procedures believed, most first, if believed at least ``least`` and more than ``times``
    as much as any other: what a message leans to clearly, though perhaps too little to name it."""
    if not ranked or ranked[0][1] < least:
        return None
    second = ranked[1][1] if len(ranked) > 1 else 0.0
    return ranked[0][0] if ranked[0][1] > times * second else None


def _holder(head: str, ranked: list[tuple[str, float]], paper: str) -> tuple[str, float] | None:
    """The procedure ``head`` (what comes before "cần") names clearly, if another than ``paper``'s."""
    if _NOT_A_HOLDER.search(head.strip()):  # "mất giấy kết hôn, cần ...", "muốn kết hôn nên cần giấy ...": that paper
        return None
    lead = clear_lead(ranked, ISSUES, 1 / RIVAL)
    return ranked[0] if lead is not None and lead != paper else None


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
        papers: Mapping[str, Iterable[str]] | None = None,
    ) -> None:
        """``papers``: each procedure's papers, by name as the catalog lists them."""
        self._exact = {text: Intent(intent) for text, intent in (exact or {}).items()}
        self._model = model or load_model()
        self._intents = self._model.heads["intent"]
        self._procedures = self._model.heads["procedure"]
        self._served = frozenset(procedures) if procedures is not None else None
        self.issue_papers = self._issuing(papers or {})
        """The procedures whose result another procedure's dossier asks for."""

    def _issuing(self, papers: Mapping[str, Iterable[str]]) -> frozenset[str]:
        """The procedures a paper of another procedure's dossier names: its name read like a message."""
        issuing = set()
        for slug, names in papers.items():
            for name in names:
                ranked = self.ranking(normalize(name), 1)
                if ranked and ranked[0][0] != slug and ranked[0][1] >= ISSUES:
                    issuing.add(ranked[0][0])
        return frozenset(issuing)

    def __call__(self, message: Normalized) -> Understanding:
        follow_up = bool(FOLLOW_UP.search(message.folded)) or message.raw.lstrip().lower().startswith(
            ("còn ", "thế còn", "vậy còn")
        )
        ruled = self._ruled(message)
        if ruled is not None:
            return ruled
        vector = self._model.vectorize(message.folded)
        if vector.empty:  # nothing the models know: no words, or none ever seen
            return _out_of_scope(0.0)
        intents = [(Intent(i), p) for i, p in _ranked(self._intents.probabilities(vector))]
        intent, confidence = intents[0]
        if intent is not Intent.HUMAN_HANDOFF and _PAID_NOT_SEEN.search(message.folded):
            intent = Intent.PAYMENT_HELP  # "ck r mà hs vẫn báo chưa tt", "bao lâu sau khi chuyển khoản thì xác nhận"
        if intent is Intent.FALLBACK and _greets_and_tells(message):
            return Understanding(intent=Intent.GREETING, confidence=GREETS)  # "Hi, I'm a teacher from Australia."
        about = _HELP_WITH.sub("a question about", message.folded)
        procedures = self._procedure_beliefs(vector if about == message.folded else self._model.vectorize(about))
        beliefs = tuple((slug, round(p, 3)) for slug, p in procedures[1][:MAX_CANDIDATES] if p >= NOTICED)
        if intent is Intent.FALLBACK and (len(intents) == 1 or confidence >= OUT_OF_SCOPE_SURE):
            return _out_of_scope(confidence, intents, message, beliefs)
        procedure, procedure_confidence, candidates = self._named(message, procedures, follow_up)
        a_paper = bool(procedure or candidates) and {procedure, *candidates} - {None} <= self.issue_papers
        paper_needed = False
        if intent is Intent.PROCEDURE_DOCUMENTS and procedure is not None:
            intent, named = self._paper_needed(message, procedure)
            if named is not None:
                (procedure, procedure_confidence), a_paper = named, False
            paper_needed = a_paper and intent is Intent.PROCEDURE_INFO
        if intent is Intent.FALLBACK:
            # the intent head unsure it is out of scope while the procedure head names one clearly: a
            # situation told around a procedure ("mới mua nhà, muốn nhập hộ khẩu") is about it
            if procedure is None or procedure_confidence < NAMED_OVER_FALLBACK:
                return _out_of_scope(confidence, intents, message, beliefs)
            intent, confidence = intents[1]
        unsure_handoff = intent is Intent.HUMAN_HANDOFF and confidence < UNSURE_HANDOFF
        if unsure_handoff and procedure is not None and procedure_confidence >= NAMED_OVER_FALLBACK:
            intent = Intent.PROCEDURE_INFO  # "tôi và hai người bạn muốn góp vốn thành lập công ty"
        intent = _greeted(_asked_as(intent, message), confidence, message, bool(procedure or candidates))
        return Understanding(
            intent=intent,
            confidence=round(confidence, 3),
            procedure=procedure,
            procedure_confidence=round(procedure_confidence, 3),
            candidates=candidates,
            intents=_close(intent, confidence, intents),
            follow_up=follow_up and intent in PROCEDURE_INTENTS,
            beliefs=beliefs,
            a_paper=a_paper,
            paper_needed=paper_needed,
        )

    def _ruled(self, message: Normalized) -> Understanding | None:
        ruled = self._by_rule(message)
        if ruled is Intent.DOSSIER_STATUS:
            return self._status_of(message)
        return Understanding(intent=ruled, confidence=_RULE_CONFIDENCE) if ruled is not None else None

    def _status_of(self, message: Normalized) -> Understanding:
        """A dossier's code makes a status question; the procedure it names beside the code ("hồ sơ đăng ký
        hộ kinh doanh, mã 240915-0033") is what the talk is about after it (a payment asked next)."""
        vector = self._model.vectorize(message.folded)
        if vector.empty:
            return Understanding(intent=Intent.DOSSIER_STATUS, confidence=_RULE_CONFIDENCE)
        procedure, procedure_confidence, _ = self._procedure(self._procedure_beliefs(vector))
        return Understanding(
            intent=Intent.DOSSIER_STATUS,
            confidence=_RULE_CONFIDENCE,
            procedure=procedure,
            procedure_confidence=round(procedure_confidence, 3) if procedure else 0.0,
        )

    def _procedure_beliefs(self, vector: Vector) -> tuple[float, list[tuple[str, float]]]:
        """The belief in no procedure, and the procedures served, most believed first."""
        probabilities = self._procedures.probabilities(vector)
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

    def _by_rule(self, message: Normalized) -> Intent | None:
        """The intent of a message said exactly enough for a rule: a quick reply, a request for a person,
        a dossier's code, a bare greeting."""
        if message.folded in self._exact:
            return self._exact[message.folded]
        if asks_for_a_person(message):
            return Intent.HUMAN_HANDOFF
        if has_dossier_code(message):
            return Intent.DOSSIER_STATUS
        return Intent.GREETING if is_bare_greeting(message) else None

    def _named(
        self, message: Normalized, procedures: tuple[float, list[tuple[str, float]]], follow_up: bool
    ) -> tuple[str | None, float, tuple[str, ...]]:
        """The procedure the message names, or those it names alike; of those, the one its last sentence asks
        about; with none, the topic of a follow-up. The step after another ("sau khi nhận cha thì đổi họ") and
        a paper asked to be granted ("có được cấp thẻ bhyt không") name the procedure asked about."""
        then = self._the_step_after(message, procedures) or self._granted(message)
        if then is not None:
            return (*then, ())
        procedure, procedure_confidence, candidates = self._procedure(procedures)
        if candidates:
            asked = self._asked_last(message, candidates)
            return (*asked, ()) if asked is not None else (procedure, procedure_confidence, candidates)
        if procedure is None and follow_up:
            topic = self._topic(message)
            if topic is not None:
                return (*topic, ())
        return procedure, procedure_confidence, candidates

    def _the_step_after(
        self, message: Normalized, procedures: tuple[float, list[tuple[str, float]]]
    ) -> tuple[str, float] | None:
        """The procedure of the step after another ("sau khi nhận cha thì đổi họ cho bé theo bố"): named clearly
        after "thì", and believed of the whole message too."""
        step = _THE_STEP_AFTER.search(message.folded)
        then = self._clearly_named(normalize(step[1])) if step is not None else None
        if then is None or then[0] not in {slug for slug, p in procedures[1] if p >= NOTICED}:
            return None
        return then

    def _granted(self, message: Normalized) -> tuple[str, float] | None:
        """The paper asked to be granted ("người hưởng trợ cấp có được cấp thẻ bảo hiểm y tế không"), named
        surely after "được cấp", whatever the asker is told to be before it."""
        granted = _GRANTED.search(message.folded)
        return self._clearly_named(normalize(granted[1]), SURE) if granted is not None else None

    def _topic(self, message: Normalized) -> tuple[str, float] | None:
        """The procedure a follow-up names as its topic, between "còn" and "thì" ("còn việc cải chính thì bao
        lâu xong"), though the question's own words drown it in the whole message."""
        topic = _TOPIC.search(message.folded)
        return self._clearly_named(normalize(topic[1])) if topic is not None else None

    def _asked_last(self, message: Normalized, candidates: Sequence[str]) -> tuple[str, float] | None:
        """Of procedures a message names alike, the one its last sentence asks about, where sentences before
        it tell ("Công ty yêu cầu lý lịch tư pháp và bản sao có chứng thực. Lý lịch tư pháp thì xin ở đâu?")."""
        sentences = [s for s in _SENTENCES.split(message.raw) if s.strip()]
        if len(sentences) < 2:
            return None
        last = normalize(sentences[-1])
        if "?" not in last.raw and not _ASKS.search(last.folded):
            return None
        named = self._clearly_named(last)
        return named if named is not None and named[0] in candidates else None

    def _clearly_named(self, part: Normalized, least: float = NAMED) -> tuple[str, float] | None:
        """The procedure a part of a message names, if it names one clearly (believed ``least`` or more, twice
        any other), with the belief in it."""
        ranked = self.ranking(part, 2)
        return ranked[0] if clear_lead(ranked, least) is not None else None

    def _paper_needed(self, message: Normalized, procedure: str) -> tuple[Intent, tuple[str, float] | None]:
        """A papers question saying a paper is needed, read again in its two parts, what comes before
        "cần" and what after: the procedure named before a paper of another ("đăng ký kết hôn có cần giấy
        xác nhận độc thân không": the marriage's papers), or the licence itself said needed, asking for
        no papers ("quán ăn nhỏ có cần giấy attp không": whether one needs it, information)."""
        need = NEED.search(message.folded)
        if need is None:
            return Intent.PROCEDURE_DOCUMENTS, None
        head = message.folded[: need.start()]
        before = self.ranking(normalize(head), 2)
        papers_asked = _WHAT.search(message.folded) is not None
        if procedure in self.issue_papers:
            # the paper itself said needed only with nothing before "cần" that needs it ("tôi cần phiếu lý
            # lịch tư pháp để đi du học"); else the papers of what needs it, or of the talk
            holder = _holder(head, before, procedure)
            if holder is not None or papers_asked or (before and before[0][1] >= NOTICED):
                return Intent.PROCEDURE_DOCUMENTS, holder
        # papers asked for, or a paper for the procedure named first ("làm bhtn cần sổ bhxh không")
        elif papers_asked or (before and before[0][0] == procedure and before[0][1] >= NOTICED):
            return Intent.PROCEDURE_DOCUMENTS, None
        after = self.ranking(normalize(message.folded[need.end() :]), 1)
        itself = bool(after) and after[0][0] == procedure and after[0][1] >= ISSUES
        return (Intent.PROCEDURE_INFO if itself else Intent.PROCEDURE_DOCUMENTS), None

    def ranking(self, message: Normalized, limit: int = 5) -> list[tuple[str, float]]:
        """The procedures the message may be about, most believed first (catalog search)."""
        vector = self._model.vectorize(message.folded)
        if vector.empty:
            return []
        return self._procedure_beliefs(vector)[1][:limit]
