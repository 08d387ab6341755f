"""The training corpus of the learned understanding, built from the hand-written material of
``data/corpus.json`` (carriers per intent, courtesy, chat spellings) and ``data/aliases.json`` (how
citizens name each procedure).

A carrier ("{p} nộp ở đâu", "can I {v} online") is filled with names of procedures, wrapped in the
courtesy people add ("cho em hỏi", "ạ", "ad ơi"), then typed in the ways people type: as written,
without diacritics, in chat spellings and abbreviations ("ko", "dc", "j", "lltp"), with typos
(letters swapped, dropped, doubled, a neighbouring key), or with English words mixed in. A name
several procedures share ("bằng lái", "bảo hiểm") is labelled with all of them, so the model learns
that it does not choose.

Deterministic for a seed. Pure: the only I/O is reading the packaged data files.
"""

from __future__ import annotations

import json
import random
import re
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from importlib import resources
from typing import Any, Final

import msgspec

from i18n.text import strip_diacritics

__all__ = ("PROCEDURE_INTENTS", "Sample", "build_corpus", "data_digest")

PROCEDURE_INTENTS: Final = (
    "procedure_info",
    "procedure_documents",
    "procedure_fee",
    "procedure_duration",
    "procedure_location",
)
_FILES: Final = ("corpus.json", "aliases.json", "abbreviations.json")
"""What the corpus is built from (the chat spellings too: the training messages are normalized with them)."""
_VI_PER_PROCEDURE: Final = 12
"""Vietnamese messages per procedure and procedure intent (each then typed two more ways)."""
_EN_PER_PROCEDURE: Final = 4
_SHARED_PER_INTENT: Final = 7
_FILLS: Final = 5
"""Procedures named in each status, payment or hand-off carrier that takes one."""
_MIN_PER_INTENT: Final = 420
"""Messages written (before the typing variants) for each intent that names no procedure."""
_ENGLISH_IN_VIETNAMESE: Final = 0.08
_PREFIX: Final = 0.3
_SUFFIX: Final = 0.35
_CONTEXT: Final = 0.18
"""Share of procedure questions told after a word about the asker's situation ("tôi là người nước
ngoài, ..."): such words name no procedure and ask nothing."""
_NEIGHBOURS: Final = {
    a: b
    for a, b in zip(
        "qwertyuiopasdfghjklzxcvbnm",
        [
            "wa",
            "qe",
            "wr",
            "et",
            "ry",
            "tu",
            "yi",
            "uo",
            "ip",
            "o",
            "qs",
            "ad",
            "sf",
            "dg",
            "fh",
            "gj",
            "hk",
            "jl",
            "k",
            "x",
            "zc",
            "xv",
            "cb",
            "vn",
            "bm",
            "n",
        ],
        strict=True,
    )
}

_MARK_SLIPS: Final = {
    "ơ": "ưô",
    "ư": "ơu",
    "ô": "ơo",
    "â": "ăa",
    "ă": "âa",
    "ê": "e",
    "ờ": "ừồ",
    "ừ": "ờ",
    "ớ": "ứố",
    "ứ": "ớ",
    "ả": "àá",
    "ấ": "ầẩ",
    "ầ": "ấ",
    "ị": "ì",
    "ệ": "ề",
    "ạ": "à",
}
"""Marks slipped onto a neighbouring one: a vowel with its hook, hat or breve confused, a tone
put on the wrong key."""


class Sample(msgspec.Struct, frozen=True):
    text: str
    intent: str
    procedures: tuple[str, ...]
    """() when the message names no procedure; several when it uses a name they share."""
    style: str


def _read(name: str) -> Any:
    return json.loads(resources.files(__package__).joinpath(f"data/{name}").read_text("utf-8"))


def data_digest() -> str:
    """What the corpus is built from, so that a model can say which material it was trained on."""
    import hashlib

    digest = hashlib.sha256()
    for name in _FILES:
        digest.update(resources.files(__package__).joinpath(f"data/{name}").read_bytes())
    return digest.hexdigest()


def _words_re(phrase: str) -> re.Pattern[str]:
    return re.compile(rf"(?<!\w){re.escape(phrase)}(?!\w)")


class _Typist:
    """Types a written message the ways people do."""

    def __init__(self, data: dict[str, Any], rng: random.Random) -> None:
        self._rng = rng
        self._teencode = [(_words_re(k), v) for k, v in sorted(data["teencode"].items(), key=lambda kv: -len(kv[0]))]
        self._mix = [(_words_re(k), v) for k, v in sorted(data["mix"].items(), key=lambda kv: -len(kv[0]))]

    def _substitute(self, text: str, table: list[tuple[re.Pattern[str], list[str]]], share: float) -> str:
        for pattern, choices in table:
            if pattern.search(text) and self._rng.random() < share:
                text = pattern.sub(self._picker(choices), text)
        return text

    def _picker(self, choices: list[str]) -> Callable[[re.Match[str]], str]:
        """Each occurrence spelt its own way."""

        def pick(_: re.Match[str]) -> str:
            return self._rng.choice(choices)

        return pick

    def unaccented(self, text: str) -> str:
        return strip_diacritics(text)

    def teencode(self, text: str) -> str:
        text = self._substitute(text, self._teencode, 0.65)
        return strip_diacritics(text) if self._rng.random() < 0.7 else text

    def mixed(self, text: str) -> str:
        return self._substitute(text, self._mix, 0.6)

    def typos(self, text: str) -> str:
        words = text.split()
        spots = [i for i, w in enumerate(words) if len(w) >= 3 and w.isalpha()]
        for i in self._rng.sample(spots, min(len(spots), self._rng.choice((1, 1, 2)))):
            words[i] = self._typo(words[i])
        typed = " ".join(words)
        return strip_diacritics(typed) if self._rng.random() < 0.6 else typed

    def held_key(self, text: str) -> str:
        """A key held at the end of a word ("khôngg", "nhiềuu"), maybe without diacritics."""
        words = text.split()
        spots = [i for i, w in enumerate(words) if len(w) >= 2 and w.isalpha()]
        if spots:
            i = self._rng.choice(spots)
            words[i] += words[i][-1]
        typed = " ".join(words)
        return strip_diacritics(typed) if self._rng.random() < 0.5 else typed

    def _typo(self, word: str) -> str:
        rng = self._rng
        marked = [j for j, ch in enumerate(word) if ch in _MARK_SLIPS]
        if marked and rng.random() < 0.2:  # the wrong mark on a vowel ("cảm ưn", "đâù")
            j = rng.choice(marked)
            return word[:j] + rng.choice(_MARK_SLIPS[word[j]]) + word[j + 1 :]
        i = rng.randrange(len(word) - 1)
        kind = rng.randrange(5)
        if kind == 0:  # swapped
            return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
        if kind == 1:  # dropped
            return word[:i] + word[i + 1 :]
        if kind == 2:  # doubled
            return word[: i + 1] + word[i] + word[i + 1 :]
        near = _NEIGHBOURS.get(strip_diacritics(word[i]).lower())
        if kind == 3 and near:  # a neighbouring key
            return word[:i] + rng.choice(near) + word[i + 1 :]
        return word[:i] + strip_diacritics(word[i]) + word[i + 1 :]  # a mark forgotten


class _Builder:
    def __init__(self, seed: int) -> None:
        self._seed = seed
        self.rng = random.Random(seed)  # noqa: S311 - reproducible training data, no secret
        self.data = _read("corpus.json")
        aliases = _read("aliases.json")
        self.aliases: dict[str, dict[str, list[str]]] = {k: v for k, v in aliases.items() if not k.startswith("_")}
        self.slugs = sorted(self.aliases)
        self.typist = _Typist(self.data, self.rng)
        self.samples: list[Sample] = []

    # -- writing -------------------------------------------------------------------------------

    def _fill(self, carrier: str, slug: str) -> str | None:
        names = self.aliases[slug]
        if "{p}" in carrier:
            use_english = self.rng.random() < _ENGLISH_IN_VIETNAMESE and names.get("en")
            return carrier.replace("{p}", self.rng.choice(names["en"] if use_english else names["vi"]))
        if "{n}" in carrier:
            return carrier.replace("{n}", self.rng.choice(names["en"])) if names.get("en") else None
        if "{v}" in carrier:
            return carrier.replace("{v}", self.rng.choice(names["en_do"])) if names.get("en_do") else None
        return carrier

    def _dress(self, text: str, lang: str) -> str:
        rng = self.rng
        if rng.random() < _PREFIX:
            text = f"{rng.choice(self.data['prefixes'][lang])} {text}"
        if rng.random() < _SUFFIX:
            text = f"{text} {rng.choice(self.data['suffixes'][lang])}"
        return text

    def _situate(self, text: str, lang: str) -> str:
        """The question after a word about the asker's situation, now and then."""
        if self.rng.random() < _CONTEXT:
            return f"{self.rng.choice(self.data['contexts'][lang])}, {text}"
        return text

    def _add(
        self, text: str, intent: str, procedures: Sequence[str], lang: str, *, dress: bool = True, ways: int = 2
    ) -> None:
        """The message as written, then typed ``ways`` other ways (English: maybe once, with typos).
        A ``{d}`` is a paper or a thing a dossier may need ("bản vẽ", "a DNA test"): a question
        about it is one about the papers, whichever it is. An ``{a}`` is what the asker does ("bán
        hàng online"): "{a} có cần {p} không" asks about the procedure itself, not its papers."""
        for slot, pool in (("{d}", "papers"), ("{a}", "activities")):
            if slot in text:
                text = text.replace(slot, self.rng.choice(self.data[pool][lang]))
        written = self._dress(text, lang) if dress else text
        labels = tuple(procedures)
        if lang == "en":
            self.samples.append(Sample(written, intent, labels, "english"))
            if self.rng.random() < 0.5:
                self.samples.append(Sample(self.typist.typos(written), intent, labels, "english"))
            return
        self.samples.append(Sample(written, intent, labels, "accented"))
        styles = ["unaccented", "teencode", "teencode", "typos", "typos", "mixed", "mixed"]
        for style in self.rng.sample(styles, ways):
            typed = getattr(self.typist, style)(written)
            if typed != written:
                self.samples.append(Sample(typed, intent, labels, style))

    # -- the parts of the corpus ---------------------------------------------------------------

    def procedure_questions(self) -> None:
        carriers = self.data["carriers"]
        for intent in PROCEDURE_INTENTS:
            for slug in self.slugs:
                for carrier in self.rng.sample(carriers[intent]["vi"], _VI_PER_PROCEDURE):
                    self._add(self._situate(self._fill(carrier, slug) or carrier, "vi"), intent, [slug], "vi")
                done = 0
                for carrier in self.rng.sample(carriers[intent]["en"], len(carriers[intent]["en"])):
                    text = self._fill(carrier, slug)
                    if text is not None:
                        self._add(self._situate(text, "en"), intent, [slug], "en")
                        done += 1
                    if done == _EN_PER_PROCEDURE:
                        break

    def names_alone(self) -> None:
        """A procedure named with no question is a question about it."""
        for slug in self.slugs:
            names = self.aliases[slug]
            for name in names["vi"]:
                self._add(name, "procedure_info", [slug], "vi", dress=self.rng.random() < 0.3, ways=1)
            for name in names.get("en", ()):
                self._add(name, "procedure_info", [slug], "en", dress=False)

    def shared_names(self) -> None:
        self._shared(self.data["shared"])

    def _shared(self, groups: list[dict[str, Any]]) -> None:
        """Each name several procedures share, alone and in carriers of every procedure question,
        labelled with all of them (the model learns to believe them alike: the reply asks)."""
        carriers = self.data["carriers"]
        for group in groups:
            labels = group["procedures"]
            for name in group["names"]:
                english = name.isascii() and not any(c in name for c in "ăâđêôơư")
                self._add(name, "procedure_info", labels, "en" if english else "vi", dress=False)
                for intent in PROCEDURE_INTENTS:
                    pool = [c for c in carriers[intent]["en" if english else "vi"] if "{p}" in c or "{n}" in c]
                    for carrier in self.rng.sample(pool, _SHARED_PER_INTENT):
                        text = carrier.replace("{p}", name).replace("{n}", name)
                        self._add(text, intent, labels, "en" if english else "vi")

    def topics_asked(self) -> None:
        self._topics(self.data["topics"])

    def _topics(self, topics_by_lang: dict[str, list[str]]) -> None:
        """Out-of-scope topics asked like procedures ("học lái xe mất bao lâu"): the question's
        words alone make no procedure question."""
        carriers = self.data["carriers"]
        for lang, topics in topics_by_lang.items():
            for topic in topics:
                for intent in self.rng.sample(PROCEDURE_INTENTS, 2):
                    pool = [c for c in carriers[intent][lang] if "{p}" in c or "{n}" in c]
                    text = self.rng.choice(pool).replace("{p}", topic).replace("{n}", topic)
                    self._add(text, "fallback", [], lang)

    def bare_questions(self) -> None:
        """Questions that lean on the conversation for their procedure ("mất bao lâu")."""
        for intent, langs in self.data["bare"].items():
            for lang, texts in langs.items():
                for text in texts:
                    for _ in range(4):
                        self._add(text, intent, [], lang)

    def other_intents(self) -> None:
        carriers = self.data["carriers"]
        for intent in ("dossier_status", "payment_help", "greeting", "thanks", "goodbye", "human_handoff", "fallback"):
            written = 0
            rounds = 0
            while written < _MIN_PER_INTENT and rounds < 50:
                rounds += 1
                for lang in ("vi", "en"):
                    for carrier in carriers[intent].get(lang, ()):
                        if any(slot in carrier for slot in ("{p}", "{n}")):
                            for slug in self.rng.sample(self.slugs, _FILLS if rounds == 1 else 1):
                                text = self._fill(carrier, slug)
                                if text is not None:
                                    self._add(text, intent, [slug], lang)
                                    written += 1
                        else:
                            social = intent in {"greeting", "thanks", "goodbye"}
                            self._add(carrier, intent, [], lang, dress=rounds > 1 and not social)
                            written += 1
            if intent == "dossier_status":
                for _ in range(60):
                    self._add(self._code_question(), intent, [], "vi")

    def shared_asks(self) -> None:
        """A shared name asked about ("hỏi về sổ đỏ", "tell me about a business licence") is a
        question to ask back, every time. Drawn last, with a generator of its own, so that adding
        it leaves every other message as it was."""
        rng, self.rng = self.rng, random.Random(self._seed + 1)  # noqa: S311 - reproducible, no secret
        self.typist = _Typist(self.data, self.rng)
        for group in self.data["shared"]:
            for name in group["names"]:
                lang = "en" if name.isascii() and not any(c in name for c in "ăâđêôơư") else "vi"
                for ask in self.rng.sample(self.data["shared_asks"][lang], 3):
                    text = ask.replace("{p}", name).replace("{n}", name)
                    self._add(text, "procedure_info", group["procedures"], lang, dress=False, ways=1)
        self.rng = rng
        self.typist = _Typist(self.data, rng)

    def courtesy_typed(self) -> None:
        """Thanks, farewells and greetings mistyped ("cảm ơm", "thankss"): short, so one slip
        changes much of them. Drawn last, with a generator of its own, like :meth:`shared_asks`."""
        rng, self.rng = self.rng, random.Random(self._seed + 2)  # noqa: S311 - reproducible, no secret
        self.typist = _Typist(self.data, self.rng)
        for intent in ("thanks", "goodbye", "greeting"):
            for lang, carriers in self.data["carriers"][intent].items():
                style = "english" if lang == "en" else "typos"
                for carrier in carriers:
                    for typed in (self.typist.typos(carrier), self.typist.held_key(carrier)):
                        if typed != carrier:
                            self.samples.append(Sample(typed, intent, (), style))
        self.rng = rng
        self.typist = _Typist(self.data, rng)

    def added_material(self) -> None:
        """The material written after the corpus was first drawn (``added`` in corpus.json, then each
        block of ``rounds``): more names, carriers, bare questions, words about the asker's
        situation, and situations told with no question ("em vừa mua lại chiếc xe máy cũ": a question
        about the procedure it implies). Drawn last, each block with a generator of its own, like
        :meth:`shared_asks`, so that adding a block leaves every earlier message as it was and what
        the block changes is what it adds."""
        rng = self.rng
        blocks = [(self.data["added"], self._seed + 3)]
        blocks += [(block, self._seed + 100 + i) for i, block in enumerate(self.data.get("rounds", ()))]
        for block, seed in blocks:
            self.rng = random.Random(seed)  # noqa: S311 - reproducible, no secret
            self.typist = _Typist(self.data, self.rng)
            self._draw_block(block)
        self.rng = rng
        self.typist = _Typist(self.data, rng)

    def _draw_block(self, block: dict[str, Any]) -> None:
        self._added_names(block.get("names", {}))
        self._shared(block.get("shared", []))
        for _ in range(3):  # a topic of a block stands for many messages of the first material's kind
            self._topics(block.get("topics", {}))
        for intent, langs in block.get("carriers", {}).items():
            for lang, texts in langs.items():
                for carrier in texts:
                    self._added_carrier(carrier, intent, lang)
        for intent, langs in block.get("bare", {}).items():
            for lang, texts in langs.items():
                for text in texts:
                    for _ in range(4):
                        self._add(text, intent, [], lang)
        self._added_contexts(block.get("contexts", {}))
        self._told(block.get("told", {}), block.get("told_tails", self.data["added"]["told_tails"]))
        self._told_then_asked(block.get("told_asked", {}))
        for text, intent, slug in block.get("said", ()):  # a question only its own words make, labelled whole
            self._add(text, intent, [slug] if slug else [], "en" if text.isascii() else "vi")

    def _added_names(self, names_by_slug: dict[str, dict[str, list[str]]]) -> None:
        """A name alone, then in two carriers of each procedure question (one in English)."""
        carriers = self.data["carriers"]
        for slug, langs in names_by_slug.items():
            for lang, names in langs.items():
                slot = "{p}" if lang == "vi" else "{n}"
                for name in names:
                    self._add(name, "procedure_info", [slug], lang, dress=False, ways=1)
                    for intent in PROCEDURE_INTENTS:
                        pool = [c for c in carriers[intent][lang] if slot in c]
                        for carrier in self.rng.sample(pool, 2 if lang == "vi" else 1):
                            self._add(carrier.replace(slot, name), intent, [slug], lang)

    def _added_contexts(self, contexts_by_lang: dict[str, list[str]]) -> None:
        """Each word about the asker's situation before questions about procedures drawn at random."""
        carriers = self.data["carriers"]
        for lang, contexts in contexts_by_lang.items():
            for context in contexts:
                for _ in range(24):
                    slug, intent = self.rng.choice(self.slugs), self.rng.choice(PROCEDURE_INTENTS)
                    text = self._fill(self.rng.choice(carriers[intent][lang]), slug)
                    if text is not None:
                        self._add(f"{context}, {text}", intent, [slug], lang)

    def _each_told(self, told_by_slug: dict[str, Any]) -> Iterator[tuple[str, str, str]]:
        """Each situation told, added alone as a question about its procedure, then given to the caller
        (slug, situation, language) to add what follows it."""
        for slug, situations in told_by_slug.items():
            if slug.startswith("_"):
                continue
            for told in situations:
                lang = "en" if told.isascii() else "vi"
                self._add(told, "procedure_info", [slug], lang, dress=False)
                yield slug, told, lang

    def _told(self, told_by_slug: dict[str, Any], tails: dict[str, list[str]]) -> None:
        """A situation told alone, then with two tails asking what to do."""
        for slug, told, lang in self._each_told(told_by_slug):
            for tail in self.rng.sample(tails[lang], 2):
                self._add(f"{told}, {tail}", "procedure_info", [slug], lang)

    def _told_then_asked(self, told_by_slug: dict[str, list[str]]) -> None:
        """A situation told, then each kind of question about the procedure it implies ("bố em mất
        hôm qua, cần giấy tờ gì"): what is asked, not the telling or its time, is the intent."""
        bare = self.data["bare"]
        for slug, told, lang in self._each_told(told_by_slug):
            for intent in (i for i in PROCEDURE_INTENTS if i != "procedure_info"):  # the telling is that one
                self._add(f"{told}, {self.rng.choice(bare[intent][lang])}", intent, [slug], lang, dress=False)

    def _added_carrier(self, carrier: str, intent: str, lang: str) -> None:
        """A carrier of the added material, drawn about as often as one of the first material."""
        if intent in PROCEDURE_INTENTS:
            for slug in self.rng.sample(self.slugs, 8):
                text = self._fill(carrier, slug)
                if text is not None:
                    self._add(self._situate(text, lang), intent, [slug], lang)
        elif any(slot in carrier for slot in ("{p}", "{n}")):
            for slug in self.rng.sample(self.slugs, _FILLS):
                text = self._fill(carrier, slug)
                if text is not None:
                    self._add(text, intent, [slug], lang)
        else:
            social = intent in {"greeting", "thanks", "goodbye"}
            for turn in range(2 if social else 6):
                self._add(carrier, intent, [], lang, dress=turn > 0 and not social)

    def _code_question(self) -> str:
        rng = self.rng
        code = f"000.00.{rng.randrange(1, 40):02d}.H{rng.randrange(10, 99)}-26{rng.randrange(1, 13):02d}" + (
            f"{rng.randrange(1, 29):02d}-{rng.randrange(1, 9999):04d}"
        )
        return rng.choice(
            [
                f"hồ sơ {code} đến đâu rồi",
                f"kiểm tra mã {code}",
                f"{code}",
                f"mã hồ sơ {code} xong chưa",
                f"tra cứu {code}",
            ]
        )


def build_corpus(seed: int = 2026) -> list[Sample]:
    """Every message once (the first label wins when two ways of writing meet)."""
    builder = _Builder(seed)
    builder.procedure_questions()
    builder.names_alone()
    builder.shared_names()
    builder.topics_asked()
    builder.bare_questions()
    builder.other_intents()
    builder.shared_asks()
    builder.courtesy_typed()
    builder.added_material()
    seen: set[str] = set()
    out: list[Sample] = []
    for sample in builder.samples:
        key = " ".join(sample.text.lower().split())
        if key and key not in seen:
            seen.add(key)
            out.append(sample)
    return out


def summary(samples: Sequence[Sample]) -> Iterator[str]:
    """Counts by intent and by style, for the training report."""
    yield f"{len(samples)} messages"
    for name, counter in (
        ("intent", Counter(s.intent for s in samples)),
        ("style", Counter(s.style for s in samples)),
    ):
        yield f"by {name}: " + ", ".join(f"{k} {v}" for k, v in counter.most_common())
