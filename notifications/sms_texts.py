"""What a citizen without the app reads by SMS when their dossier takes a step they must hear about:
received (with the code and the appointment date), papers to supplement, a result ready, a rejection.

Pure. Vietnamese without diacritics (a message with them goes as Unicode, 70 characters a part, and
some phones show it badly) and in one part of at most SMS_MAX characters, every one of them in the
GSM 03.38 basic set so none counts double. What came from the event (procedure name, papers, reason)
is shortened to make room, never the code, the date or the amount."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from typing import Final

from core.dossier_status import DossierStatus
from core.events import DossierStatusChanged
from i18n.format import short_date
from i18n.text import strip_diacritics

SMS_MAX: Final = 160
_ELLIPSIS: Final = "..."
# characters with no plain GSM form, and those of its extension table (two septets each)
_PLAIN: Final = str.maketrans(
    {
        "…": "...",
        "“": '"',
        "”": '"',
        "‘": "'",
        "’": "'",
        "–": "-",
        "—": "-",
        "₫": "d",
        "[": "(",
        "]": ")",
        "{": "(",
        "}": ")",
        "\\": "/",
        "|": "/",
        "^": "",
        "~": "-",
        "`": "'",
        "€": "EUR",
    }
)
_NOT_PLAIN = re.compile(r"[^ -~]")

_RECEIVED = "Ho so {code}{proc} da duoc tiep nhan.{due}"
_RECEIVED_PAY = "Ho so {code}{proc} da duoc tiep nhan, can nop phi, le phi {amount}.{due}"
_RECEIVED_PROCESSING = "Ho so {code}{proc} da duoc tiep nhan va dang duoc giai quyet.{due}"
_DUE = " Ngay hen tra ket qua: {date}."
_SUPPLEMENT = "Ho so {code} can bo sung: {missing}. Vui long bo sung tai bo phan mot cua hoac tren ung dung Mot Cua."
_SUPPLEMENT_UNNAMED = "Ho so {code} can bo sung giay to. Vui long lien he bo phan mot cua."
_RESULT_READY = "Ho so {code}{proc} da co ket qua. Moi ong/ba den bo phan mot cua de nhan ket qua."
_REJECTED = "Ho so {code}{proc} bi tu choi giai quyet. Ly do: {reason}"
_REJECTED_NO_REASON = "Ho so {code}{proc} bi tu choi giai quyet. Vui long lien he bo phan mot cua."


def plain(text: str | None) -> str:
    """`text` as an SMS in the GSM basic set carries it: no diacritics, one line, nothing else."""
    if not text:
        return ""
    folded = strip_diacritics(unicodedata.normalize("NFC", text)).translate(_PLAIN)
    return " ".join(_NOT_PLAIN.sub(" ", folded).split())


def clip(text: str, limit: int) -> str:
    """At most `limit` characters, cut at a word when one is near, marked with "..."."""
    if len(text) <= limit:
        return text
    if limit <= len(_ELLIPSIS):
        return ""
    cut = text[: limit - len(_ELLIPSIS)]
    space = cut.rfind(" ")
    if space >= max(1, len(cut) - 12):
        cut = cut[:space]
    return cut.rstrip(" ,;:.-(") + _ELLIPSIS


def sms_text(event: DossierStatusChanged) -> str | None:
    """The SMS of a step, None for a step told by no SMS (or told by the next one: a reception the
    system moved on from at once is told with that move, as the push is)."""
    status = event.to_status
    just_received = event.from_status == DossierStatus.RECEIVED and event.actor_role == "system"
    values = {"code": plain(event.code) or "cua ban"}  # "Ho so cua ban": a step before the code is given
    due = _DUE.format(date=short_date(event.appointment_date)) if event.appointment_date else ""
    procedure = plain(event.procedure_names.get("vi"))
    match status:
        case DossierStatus.RECEIVED if event.moved_on_to is None:
            return _fit(_RECEIVED, {**values, "due": due}, optional={"proc": procedure})
        case DossierStatus.AWAITING_PAYMENT if just_received:
            amount = f"{event.fee:,}".replace(",", ".") + " dong"
            return _fit(_RECEIVED_PAY, {**values, "due": due, "amount": amount}, optional={"proc": procedure})
        case DossierStatus.PROCESSING if just_received:
            return _fit(_RECEIVED_PROCESSING, {**values, "due": due}, optional={"proc": procedure})
        case DossierStatus.SUPPLEMENT_REQUESTED:
            names = _papers(event.missing_names.get("vi") or [])
            if not names:
                return _fit(_SUPPLEMENT_UNNAMED, values)
            return _fit(_SUPPLEMENT, values, essential={"missing": names})
        case DossierStatus.RESULT_READY:
            return _fit(_RESULT_READY, values, optional={"proc": procedure})
        case DossierStatus.REJECTED:
            reason = plain(event.reason or event.note)
            if not reason:
                return _fit(_REJECTED_NO_REASON, values, optional={"proc": procedure})
            text = reason if reason.endswith((".", "!", "?")) else reason + "."
            return _fit(_REJECTED, values, essential={"reason": text}, optional={"proc": procedure})
    return None


def _papers(names: Sequence[str]) -> str:
    return ", ".join(found for name in names if (found := plain(name)))


def _fit(
    template: str,
    values: dict[str, str],
    *,
    essential: dict[str, str] | None = None,
    optional: dict[str, str] | None = None,
) -> str:
    """`template` filled within SMS_MAX: `values` whole, `essential` parts shortened to what is left,
    then `optional` ones (a procedure name, as " (name)") only where enough room remains."""
    essential = essential or {}
    optional = optional or {}
    chosen = dict.fromkeys([*essential, *optional], "")
    room = SMS_MAX - len(template.format(**values, **chosen))
    for name, text in essential.items():
        chosen[name] = clip(text, max(room, 0))
        room -= len(chosen[name])
    for name, text in optional.items():
        if text and room >= 12:
            chosen[name] = " (" + clip(text, room - 3) + ")"
            room -= len(chosen[name])
    return clip(template.format(**values, **chosen), SMS_MAX)
