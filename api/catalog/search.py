"""Procedure search: names in vi and en, the slug, and the colloquial keywords of the catalog."""

from __future__ import annotations

from collections.abc import Sequence

from api.catalog.models import Procedure
from i18n.phrases import PhraseIndex


def procedure_phrases(p: Procedure) -> list[tuple[str, float]]:
    return [(p.names.vi, 1.0), (p.names.en, 0.98), (p.slug.replace("-", " "), 0.9), *((k, 0.97) for k in p.keywords)]


class ProcedureIndex(PhraseIndex):
    def __init__(self, procedures: Sequence[Procedure]) -> None:
        super().__init__([(p.slug, procedure_phrases(p)) for p in procedures])
