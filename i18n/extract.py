"""Keeping the catalogs in step with the code: `motcua i18n extract` and `motcua i18n check`.

Messages are marked in the code with `Text("Vietnamese source")` (optionally `ctx="..."`) and
`Plural("... {n} ...")`; Babel's Python extractor collects them from the packages into messages.pot,
and each locale's messages.po is updated from it (Babel's fuzzy matching proposes the old translation
of an edited text, which stays refused until a person checks it)."""

from __future__ import annotations

import copy
import string
from collections.abc import Iterable, Iterator
from datetime import datetime
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

from i18n.catalogs import DOMAIN, LOCALES, LOCALES_DIR, Key, is_plural, load, po_path, source_of, strings_of

SOURCE_LOCALE = "vi"
PROJECT = "Một Cửa"
# Where person-facing texts live (tests and benchmarks say nothing to citizens).
SOURCES = ("api", "assistant", "core", "documents", "i18n", "notifications", "payments", "asgi.py", "cli.py")
# Text(source) or Text(source, ctx=...); Plural(source[, ctx=...]) has one Vietnamese form for both.
_Spec = tuple[int | tuple[int, int] | tuple[int, str], ...]  # Babel's keyword spec, by number of arguments
KEYWORDS: dict[str, dict[int | None, _Spec | None] | _Spec | None] = {
    "Text": {1: (1,), 2: ((2, "c"), 1)},
    "Plural": {1: (1, 1), 2: ((2, "c"), 1, 1)},
}
WIDTH = 116


def pot_path(base: Path = LOCALES_DIR) -> Path:
    return base / f"{DOMAIN}.pot"


def _method_map() -> list[tuple[str, str]]:
    return [(s if s.endswith(".py") else f"{s}/**.py", "python") for s in SOURCES]


def extracted(root: Path, creation_date: datetime | None = None) -> Catalog:
    """The template: every marked message of the code under `root`, with where it is used."""
    template = Catalog(domain=DOMAIN, project=PROJECT, fuzzy=False, creation_date=creation_date)
    found = extract_from_dir(root, _method_map(), keywords=KEYWORDS, comment_tags=("i18n:",), strip_comment_tags=True)
    for filename, lineno, message, comments, context in found:
        template.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return template


def _key(message: Message) -> Key:
    return (message.context, source_of(message))


def _messages(catalog: Catalog) -> dict[Key, Message]:
    return {_key(m): m for m in catalog if m.id}


def _new_catalog(locale: str) -> Catalog:
    header = (
        f"# {locale} messages of {PROJECT}. The msgids are the Vietnamese source texts of the code.\n"
        "# Regenerate with `motcua i18n extract`; `motcua i18n check` (and the test suite) must pass."
    )
    return Catalog(locale=locale, domain=DOMAIN, project=PROJECT, header_comment=header, fuzzy=False)


def _write(path: Path, catalog: Catalog) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as f:
        write_po(f, catalog, width=WIDTH, include_lineno=False, ignore_obsolete=True, include_previous=False)


def _same_as_source(message: Message, forms: int) -> str | tuple[str, ...]:
    return (source_of(message),) * forms if is_plural(message) else source_of(message)


def extract(root: Path, base: Path = LOCALES_DIR) -> list[Path]:
    """Regenerate messages.pot from the code and update every locale's catalog; returns the files written."""
    pot = pot_path(base)
    previous = None
    if pot.exists():
        with pot.open("rb") as f:
            previous = read_po(f)
    created = previous.creation_date if previous else None
    template = extracted(root, creation_date=created if isinstance(created, datetime) else None)
    _write(pot, template)
    written = [pot]
    for locale in LOCALES:
        path = po_path(locale, base)
        catalog = load(path, locale) if path.exists() else _new_catalog(locale)
        # update() may adopt the template's Message objects: each locale gets its own copy
        catalog.update(copy.deepcopy(template), update_creation_date=False)
        if locale == SOURCE_LOCALE:
            # the source language translates to itself; written out so the catalog is complete for tools
            for message in catalog:
                if message.id:
                    message.string = _same_as_source(message, catalog.num_plurals)
                    message.flags.discard("fuzzy")
        _write(path, catalog)
        written.append(path)
    return written


def _fields(text: str) -> set[str] | None:
    """The str.format fields of a text; None when it is no valid format string."""
    try:
        return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}
    except ValueError:
        return None


def _label(key: Key) -> str:
    context, msgid = key
    return f"{msgid!r}" + (f" (context {context!r})" if context else "")


def _translation_problems(locale: str, key: Key, message: Message, forms: int) -> Iterator[str]:
    plural = is_plural(message)
    strings = strings_of(message)
    where = f"{locale}: {_label(key)}"
    if message.fuzzy:
        yield f"{where} is marked fuzzy: check the translation and drop the mark"
    if locale == SOURCE_LOCALE:
        if any(s and s != key[1] for s in strings):
            yield f"{where} differs from its source; change the text in the code instead"
        return
    if len(strings) != (forms if plural else 1) or not all(strings):
        yield f"{where} is not translated"
        return
    expected = _fields(key[1])
    if expected is None:
        yield f"{where} is not a valid format string"
        return
    for text in strings:
        got = _fields(str(text))
        if got != expected:
            yield f"{where} has placeholders {sorted(got or ())}, its source {sorted(expected)}"


def problems(template: Catalog, catalogs: dict[str, Catalog], pot: Catalog | None = None) -> list[str]:
    """What stands between the code's messages and complete catalogs, one line each."""
    wanted = _messages(template)
    found: list[str] = []
    if pot is not None and set(_messages(pot)) != set(wanted):
        found.append(f"{DOMAIN}.pot is out of date: run `motcua i18n extract`")
    for locale, catalog in catalogs.items():
        have = _messages(catalog)
        found += [f"{locale}: {_label(k)} is missing (run `motcua i18n extract`)" for k in wanted if k not in have]
        found += [f"{locale}: {_label(k)} is no longer used by the code" for k in have if k not in wanted]
        found += [f"{locale}: {_label(_key(m))} is obsolete (#~); remove it" for m in catalog.obsolete.values()]
        for key, message in have.items():
            if key in wanted:
                found += _translation_problems(locale, key, message, catalog.num_plurals)
    return found


def check(root: Path, base: Path = LOCALES_DIR, locales: Iterable[str] = LOCALES) -> list[str]:
    catalogs = {}
    missing = []
    for locale in locales:
        path = po_path(locale, base)
        if path.exists():
            catalogs[locale] = load(path, locale)
        else:
            missing.append(f"{locale}: {path.relative_to(base)} does not exist (run `motcua i18n extract`)")
    pot = None
    if pot_path(base).exists():
        with pot_path(base).open("rb") as f:
            pot = read_po(f)
    else:
        missing.append(f"{DOMAIN}.pot does not exist (run `motcua i18n extract`)")
    return missing + problems(extracted(root), catalogs, pot)
