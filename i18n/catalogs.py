"""The gettext catalogs (i18n/locales/<locale>/LC_MESSAGES/messages.po) the texts are looked up in.

Vietnamese is the source language: a message's msgid is its Vietnamese text, so a text missing from a
catalog still reads in Vietnamese. The .po files are read once, on first use; no compiled .mo file is
kept next to them, so what is reviewed is what runs."""

from __future__ import annotations

import gettext
from collections.abc import Callable
from functools import cache
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po

LOCALES_DIR = Path(__file__).parent / "locales"
DOMAIN = "messages"
LOCALES = ("vi", "en")

Key = tuple[str | None, str]  # (msgctxt, msgid)


def po_path(locale: str, base: Path = LOCALES_DIR) -> Path:
    return base / locale / "LC_MESSAGES" / f"{DOMAIN}.po"


def load(path: Path, locale: str) -> Catalog:
    with path.open("rb") as f:
        return read_po(f, locale=locale, domain=DOMAIN)


def source_of(message: Message) -> str:
    """The msgid, or a plural message's singular msgid."""
    return message.id if isinstance(message.id, str) else message.id[0]


def strings_of(message: Message) -> tuple[str, ...]:
    """The msgstr, or a plural message's msgstr[n] in order."""
    found = message.string
    if isinstance(found, str):
        return (found,)
    return tuple(found or ())


def is_plural(message: Message) -> bool:
    return not isinstance(message.id, str)


class Translations:
    """One locale's translated strings: singulars by key, plural forms with the locale's plural rule."""

    def __init__(self, catalog: Catalog) -> None:
        self.singular: dict[Key, str] = {}
        self.plural: dict[Key, tuple[str, ...]] = {}
        self._rule: Callable[[int], int] = gettext.c2py(catalog.plural_expr)
        for message in catalog:
            if not message.id or message.fuzzy:
                continue
            key = (message.context, source_of(message))
            forms = strings_of(message)
            if is_plural(message):
                if forms and all(forms):
                    self.plural[key] = forms
            elif forms[0]:
                self.singular[key] = forms[0]

    def form(self, key: Key, n: int) -> str | None:
        forms = self.plural.get(key)
        if forms is None:
            return None
        index = self._rule(n)
        return forms[index] if index < len(forms) else forms[-1]


@cache
def translations(locale: str) -> Translations | None:
    path = po_path(locale)
    return Translations(load(path, locale)) if path.exists() else None


def preload() -> None:
    """Read every catalog now, so that no request pays for it."""
    for locale in LOCALES:
        translations(locale)


def translate(locale: str, msgid: str, context: str | None = None) -> str:
    found = translations(locale)
    return (found.singular.get((context, msgid)) if found else None) or msgid


def translate_plural(locale: str, msgid: str, n: int, context: str | None = None) -> str:
    found = translations(locale)
    return (found.form((context, msgid), n) if found else None) or msgid
