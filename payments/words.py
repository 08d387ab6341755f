"""Amounts in words for receipts ("Bằng chữ: ..."), in Vietnamese and English."""

from __future__ import annotations

_DIGITS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")
_BILLION = 10**9
# Below a billion: groups of three digits, largest first.
_SCALES = (("triệu", 10**6), ("nghìn", 10**3), ("", 1))


def _group(n: int, *, full: bool) -> list[str]:
    """0 < n < 1000. full: digits stand before this group, so zero hundreds are read ("không trăm")."""
    hundreds, tens, units = n // 100, n // 10 % 10, n % 10
    words: list[str] = []
    if full or hundreds:
        words += [_DIGITS[hundreds], "trăm"]
    if tens == 0:
        if units:
            words += ["linh", _DIGITS[units]] if words else [_DIGITS[units]]
    elif tens == 1:
        words.append("mười")
        if units:
            words.append("lăm" if units == 5 else _DIGITS[units])
    else:
        words += [_DIGITS[tens], "mươi"]
        if units:
            # Only after "mươi" does 1 become "mốt"; "mười một" keeps "một".
            words.append({1: "mốt", 5: "lăm"}.get(units, _DIGITS[units]))
    return words


def _below_billion(n: int, *, leading: bool) -> list[str]:
    words: list[str] = []
    full = not leading
    for scale, size in _SCALES:
        group = n // size % 1000
        if group:
            words += _group(group, full=full)
            if scale:
                words.append(scale)
            full = True
    return words


def _vietnamese(n: int, *, leading: bool) -> list[str]:
    if n < _BILLION:
        return _below_billion(n, leading=leading)
    # Vietnamese has no word above "tỷ": 10^12 is "nghìn tỷ", 10^18 "tỷ tỷ".
    high, low = divmod(n, _BILLION)
    words = [*_vietnamese(high, leading=leading), "tỷ"]
    return words + _below_billion(low, leading=False) if low else words


def _check(amount: int) -> None:
    if isinstance(amount, bool) or amount < 0:
        raise ValueError("amount must be a non-negative whole number of VND")


def vnd_in_words(amount: int) -> str:
    """1005000 → "Một triệu không trăm linh năm nghìn đồng"."""
    _check(amount)
    text = " ".join(_vietnamese(amount, leading=True)) if amount else "không"
    return f"{text[0].upper()}{text[1:]} đồng"


_ONES = (
    *("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"),
    *("ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"),
)
_TENS = ("", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
_EN_SCALES = ("", "thousand", "million", "billion", "trillion", "quadrillion", "quintillion")


def _english_group(n: int) -> list[str]:
    hundreds, rest = divmod(n, 100)
    words = [_ONES[hundreds], "hundred"] if hundreds else []
    if rest >= 20:
        tens, units = divmod(rest, 10)
        words.append(_TENS[tens] + (f"-{_ONES[units]}" if units else ""))
    elif rest:
        words.append(_ONES[rest])
    return words


def vnd_in_words_en(amount: int) -> str:
    """200000 → "Two hundred thousand dong" (short scale, no "and", hyphenated tens)."""
    _check(amount)
    if amount >= 1000 ** len(_EN_SCALES):
        raise ValueError("amount too large to spell in English")
    if amount == 0:
        return "Zero dong"
    words: list[str] = []
    for power in range(len(_EN_SCALES) - 1, -1, -1):
        group = amount // 1000**power % 1000
        if group:
            words += _english_group(group)
            if _EN_SCALES[power]:
                words.append(_EN_SCALES[power])
    text = " ".join(words)
    return f"{text[0].upper()}{text[1:]} dong"
