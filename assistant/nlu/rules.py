"""The few things said exactly enough for a rule: a dossier's code, a bare greeting, a bare "ok", a request
for a person.

Everything else is left to the learned models. Pure.
"""

from __future__ import annotations

import re
from typing import Final

from .normalize import Normalized

__all__ = ("DOSSIER_CODE", "asks_for_a_person", "has_dossier_code", "is_bare_acknowledgement", "is_bare_greeting")

DOSSIER_CODE: Final = re.compile(r"\b([0-9A-Z]{2,3}(?:\.[0-9A-Z]{2,3}){2,3}-\d{6}-\d{4,7})\b", re.IGNORECASE)
"""A dossier's code as printed on its receipt (``000.00.12.H29-261105-0042``)."""
_CODE_TAIL: Final = re.compile(r"\b\d{6}-\d{4,7}\b")
"""The date and number of a code typed without its office part."""

_GREETING: Final = frozenset(["chao", "xin", "hello", "hi", "alo", "hey", "helo", "hallo", "hii"])
_COURTESY: Final = frozenset(
    [
        "admin", "ad", "ban", "em", "anh", "chi", "a", "oi", "moi", "nguoi", "ca", "nha", "bac", "chu", "co", "da",
        "tro", "ly", "can", "bo", "buoi", "sang", "chieu", "toi", "trua", "good", "morning", "afternoon",
        "evening", "there", "everyone", "all", "you", "ah", "the", "mot", "cua",
    ]
)  # fmt: skip
_LEAVE_TO_ASK: Final = frozenset(["cho", "hoi", "chut", "ti", "xiu", "ty", "phep", "voi", "nhe", "1", "thu"])
"""Asking leave to ask ("cho em hỏi chút", "xin phép hỏi tí"), said before the question itself."""
_ACKNOWLEDGING: Final = frozenset(
    ["ok", "oke", "oki", "okie", "okay", "okela", "oce", "uh", "u", "um", "vang", "noted"]
)
_SOFTENING: Final = _COURTESY | {"nhe", "ne", "roi", "nhen", "vay"}
"""Said around an "ok": the courtesy a greeting carries, and the particles that soften a reply."""
_PERSON: Final = (
    r"(?:can bo|nhan vien|nguoi that|tong dai vien|chuyen vien|nguoi tu van|nguoi ho tro|admin that|"
    r"nguoi phu trach|lanh dao|nguoi de hoi|mot nguoi|nguoi)"
)
_ASK_PERSON: Final = re.compile(
    rf"\b(?:gap|noi chuyen voi|chuyen (?:cho|toi|sang|qua|den)|ket noi (?:voi|toi|den)|goi (?:cho toi )?(?:mot )?)"
    rf"\s*(?:mot |voi )?{_PERSON}\b"
    r"|\b(?:talk|speak|chat) (?:to|with) (?:a |an |the )?(?:real |live )?"
    r"(?:human|person|officer|agent|someone|staff|people)"
    r"|\b(?:connect|transfer|put) me (?:to|through to|with) (?:a |an |the )?(?:real |live )?"
    r"(?:human|person|officer|agent|someone|staff)"
    r"|\bkhong (?:muon|thich) (?:noi chuyen|chat) voi (?:bot|may)"
    r"|\b(?:phan anh|khieu nai|feedback|gop y|complain) (?:\w+ ){0,2}?(?:voi|len|toi|den) (?:cap tren|lanh dao)\b"
    r"|\bescalate\b"
)


def has_dossier_code(message: Normalized) -> bool:
    return DOSSIER_CODE.search(message.raw) is not None or _CODE_TAIL.search(message.raw) is not None


def is_bare_greeting(message: Normalized) -> bool:
    """Only greeting and courtesy words ("chào ad", "xin chào mọi người", "hello there"), a call and
    nothing else ("ad ơi", "chị ơi"), or leave to ask alone ("dạ cho em hỏi chút ạ"): the asker is still to
    say what about."""
    words = message.words
    calls = any(w in _GREETING for w in words) or "oi" in words
    if bool(words) and calls and all(w in _GREETING or w in _COURTESY for w in words):
        return True
    return "hoi" in words and all(w in _GREETING or w in _COURTESY or w in _LEAVE_TO_ASK for w in words)


def is_bare_acknowledgement(message: Normalized) -> bool:
    """ "Ok", "oki ad", "vâng ạ" and nothing else: the answer taken, as a thanks is."""
    words = message.words
    return bool(words) and words[0] in _ACKNOWLEDGING and all(w in _ACKNOWLEDGING or w in _SOFTENING for w in words)


def asks_for_a_person(message: Normalized) -> bool:
    """An explicit request for an officer or a person ("cho tôi gặp cán bộ", "talk to a human"), or to take a
    matter to those in charge ("muốn phản ánh với lãnh đạo", "I want to escalate this")."""
    return _ASK_PERSON.search(message.folded) is not None
