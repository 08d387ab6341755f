"""Procedure search: the assistant's understanding of procedure names first, then the catalog's
names in vi and en, the slug and the colloquial keywords.

The assistant's procedure model knows how citizens name procedures beyond the catalog's words:
abbreviations ("lltp", "gplx", "đk xe"), everyday names ("giấy độc thân", "sổ đỏ", "cà vẹt") and
English ("criminal record"). The procedures it believes the query names lead, most believed
first, and so does the one a situation typed as a query leans to clearly ("bán đất cho hàng xóm"); the
phrase index adds what is typed partly or misspelt ("khai s", "ho chieu"), as before.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Final

from api.catalog.models import Procedure
from i18n.phrases import PhraseIndex

if TYPE_CHECKING:
    from assistant.nlu.understand import Understander

LEAD: Final = 0.2
"""The least belief of the procedure model for a procedure to lead the results."""
LEANS: Final = 0.08
CLEARLY: Final = 3.0
"""A query the model believes names no procedure may still lean to one (at least ``LEANS``, ``CLEARLY``
times any other): a situation typed into a search box ("bán đất cho hàng xóm", "dẫn khách tây đi
tour") looks for a procedure, which a chat message telling it need not."""
WHOLE_NAME: Final = 97.0
"""A phrase score only a name or keyword typed in full reaches (weights in `procedure_phrases`): such
a procedure leads even the model's beliefs, so one an administrator just added is found by its name
before the model has ever seen it."""
_SHORTHANDS: Final[dict[str, tuple[str, ...]]] = {
    "tt": ("tạm trú", "thường trú"),
    "ct": ("chứng thực", "công ty"),
    "ck": ("chữ ký",),
    "kt": ("khai tử",),
    "hd": ("hợp đồng",),
    "hđ": ("hợp đồng",),
    "tn": ("thất nghiệp", "tốt nghiệp"),
    "btxh": ("bảo trợ xã hội",),
}
"""Shorthands typed in a search box that the assistant's list leaves out, since each stands for two things
("tt" is tạm trú, thường trú, thủ tục, thanh toán): a search can try each meaning that names a procedure
and show what any of them finds, which a chat reply, answering one question, cannot. The meanings that name
none (thủ tục, thanh toán, chuyển khoản, kiểm tra, hướng dẫn) are left out."""
_GLUED: Final = re.compile(r"([đd]k)([a-zđ]{2,3})")
_MEANINGS: Final = 4
"""At most this many readings of a query are tried beside it as typed (each shorthand's meanings, combined)."""
_LEAD_SCORE: Final = 100.0
_REMEMBERED: Final = 2048  # queries whose results are kept (a list of a few slugs each); the oldest go first


def procedure_phrases(p: Procedure) -> list[tuple[str, float]]:
    return [(p.names.vi, 1.0), (p.names.en, 0.98), (p.slug.replace("-", " "), 0.9), *((k, 0.97) for k in p.keywords)]


class ProcedureIndex(PhraseIndex):
    def __init__(self, procedures: Sequence[Procedure]) -> None:
        # the model (numpy and its weights) is read when a catalog is held, not when this module is
        # imported: `motcua serve` seeds the catalog before its workers start, without it
        from assistant.nlu.understand import Understander

        super().__init__([(p.slug, procedure_phrases(p)) for p in procedures])
        self._understander: Understander = Understander([p.slug for p in procedures])
        self._answered: dict[tuple[str, int, tuple[str, ...] | None, float | None], list[tuple[str, float]]] = {}

    def search(
        self,
        query: str,
        limit: int = 100,
        *,
        words: Sequence[str] | None = None,
        min_coverage: float | None = None,
    ) -> list[tuple[str, float]]:
        """(slug, score) best first: the procedures the model believes the query names (scores above
        100), then the phrase matches (0-100). A query asked again is answered from memory (this index
        is built again when the catalog changes)."""
        key = (query, limit, tuple(words) if words is not None else None, min_coverage)
        found = self._answered.get(key)
        if found is None:
            best: dict[str, float] = {}
            for reading in _readings(query) if words is None else [query]:
                for slug, score in self._search(reading, limit, words=words, min_coverage=min_coverage):
                    best[slug] = max(best.get(slug, 0.0), score)
            found = sorted(best.items(), key=lambda item: -item[1])[:limit]
            if len(self._answered) >= _REMEMBERED:
                del self._answered[next(iter(self._answered))]
            self._answered[key] = found
        return list(found)

    def _search(
        self, query: str, limit: int, *, words: Sequence[str] | None, min_coverage: float | None
    ) -> list[tuple[str, float]]:
        from assistant.nlu.normalize import normalize
        from assistant.nlu.understand import clear_lead

        phrases = (
            super().search(query, limit, words=words)
            if min_coverage is None
            else super().search(query, limit, words=words, min_coverage=min_coverage)
        )
        ranking = self._understander.ranking(normalize(query), limit=5)
        leading = [(slug, p) for slug, p in ranking if p >= LEAD]
        if not leading and clear_lead(ranking, LEANS, CLEARLY) is not None:
            leading = ranking[:1]  # a situation typed as a query ("bán đất cho hàng xóm") looks for a procedure
        believed = [(slug, round(_LEAD_SCORE * (1 + p), 2)) for slug, p in leading]
        named = [(slug, _LEAD_SCORE * 2 + score) for slug, score in phrases if score >= WHOLE_NAME]
        led = {slug for slug, _ in named}
        believed = [(slug, score) for slug, score in believed if slug not in led]
        led |= {slug for slug, _ in believed}
        return [*named, *believed, *((slug, score) for slug, score in phrases if slug not in led)][:limit]


def _unglued(word: str) -> list[str]:
    """ "đk" typed glued to the shorthand of what is registered ("đkdn", "đktt") as two words, unless the
    whole is a shorthand the assistant knows ("đkkd", "đkkh")."""
    from assistant.nlu.normalize import ABBREVIATIONS

    glued = _GLUED.fullmatch(word.lower())
    if glued is None or word.lower().replace("đ", "d") in ABBREVIATIONS:
        return [word]
    return [glued[1], glued[2]]


def _readings(query: str) -> list[str]:
    """The query as typed, then with each shorthand it holds read each way it may be meant ("đk tt": "đk tạm
    trú", "đk thường trú"; "đkdn": "đk dn"), at most ``_MEANINGS`` of those."""
    words = [part for word in query.split() for part in _unglued(word)]
    readings = [words]
    for i, word in enumerate(words):
        meanings = _SHORTHANDS.get(word.lower(), (word,))
        readings = [[*r[:i], meaning, *r[i + 1 :]] for r in readings for meaning in meanings][:_MEANINGS]
    return [query, *(" ".join(r) for r in readings if r != query.split())]
