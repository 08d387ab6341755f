"""Vietnamese mobile numbers: normalise, format as E.164, mask. Pure.

The national form is ``0`` + 9 digits. Valid mobile prefixes after the 2018 renumbering
(11-digit numbers moved to 10 digits): 032–039, 052/055/056/058/059, 070/076/077/078/079,
081–089 and 090–099.
"""

from __future__ import annotations

import re

__all__ = ("mask_phone", "normalize_phone", "to_e164")

_SEPARATORS = re.compile(r"[\s.\-()]")
_NATIONAL = re.compile(r"0[0-9]{9}")
_MOBILE_PREFIXES = frozenset(
    {f"03{d}" for d in "23456789"}
    | {"052", "055", "056", "058", "059"}
    | {"070", "076", "077", "078", "079"}
    | {f"08{d}" for d in "123456789"}
    | {f"09{d}" for d in "0123456789"}
)


def normalize_phone(raw: str) -> str:
    """The national form ``0XXXXXXXXX`` of a Vietnamese mobile number.

    Accepts ``0912345678``, ``+84912345678``, ``84912345678`` and the same with spaces, dots, dashes
    and parentheses (``0912 345 678``, ``091.234.5678``, ``(+84) 912-345-678``). Raises ``ValueError``
    for anything else, including landlines and unassigned prefixes.
    """
    compact = _SEPARATORS.sub("", raw)
    if compact.startswith("+84"):
        national = "0" + compact[3:]
    elif compact.startswith("84") and len(compact) == 11:
        national = "0" + compact[2:]
    else:
        national = compact
    if not _NATIONAL.fullmatch(national):
        raise ValueError("not a 10-digit Vietnamese phone number")
    if national[:3] not in _MOBILE_PREFIXES:
        raise ValueError("not a Vietnamese mobile prefix")
    return national


def to_e164(phone: str) -> str:
    """``+84XXXXXXXXX`` for any input :func:`normalize_phone` accepts."""
    return "+84" + normalize_phone(phone)[1:]


def mask_phone(phone: str) -> str:
    """``0912***678``: the first 4 and last 3 digits of the national form.

    Raises ``ValueError`` like :func:`normalize_phone`.
    """
    national = normalize_phone(phone)
    return f"{national[:4]}***{national[-3:]}"
