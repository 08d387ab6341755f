"""What the assistant reads, provided by the dossier side and wired in asgi.py."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date
from typing import Protocol

import msgspec


class RequirementFacts(msgspec.Struct, frozen=True, kw_only=True):
    names: dict[str, str]
    mandatory: bool
    original: bool


class FeeFacts(msgspec.Struct, frozen=True, kw_only=True):
    """Another fee in force today beside the procedure's own (another case, a conditional waiver)."""

    amount: int
    cases: dict[str, str]
    until: date | None  # the last day it holds; None: until changed


class ProcedureFacts(msgspec.Struct, frozen=True, kw_only=True):
    slug: str
    names: dict[str, str]
    keywords: tuple[str, ...]
    agency_names: dict[str, str]
    commune_level: bool
    online: str  # full | partial
    fee: int  # in force today
    fee_note: dict[str, str] | None
    processing_days: int
    requirements: tuple[RequirementFacts, ...]
    guidance: dict[str, str]
    fee_until: date | None = None  # the last day today's fee holds (a reduction that ends); None: until changed
    other_fees: tuple[FeeFacts, ...] = ()
    fee_confirmed: bool = True  # False: the province sets it and this province's rate is not confirmed
    agency: str = ""
    """The kind of office (a catalog agency code): with the citizen's address, which office it is."""
    result: str = "paper"  # electronic | paper
    where: dict[str, str] | None = None
    """Where one may file, by the residence rules (the commune where either parent lives, any
    provincial police, where the land is, ...), in the words of a reply."""
    vneid: bool = False
    """Also offered in the VNeID app."""
    by_post: bool = True
    """The result may be sent by post (false when it must be received in person)."""


class DossierFacts(msgspec.Struct, frozen=True, kw_only=True):
    code: str | None
    procedure_names: dict[str, str]
    status: str
    status_labels: dict[str, str]
    appointment_date: date | None
    fee: int
    paid: bool


class CatalogReader(Protocol):
    def procedures(self) -> Sequence[ProcedureFacts]: ...


class OfficeFinder(Protocol):
    async def office_for(self, agency: str, user_id: uuid.UUID | None) -> dict[str, str] | None:
        """The names (vi, en) of the office that would take the citizen's dossier of this kind: the
        province's department, or the commune office of the citizen's last address on a dossier;
        None when not known."""


class HandoffDesk(Protocol):
    async def open(
        self,
        *,
        session_id: str,
        user_id: uuid.UUID | None,
        message: str,
        procedure_slug: str | None,
        channel: str = "app",
        dossier_code: str | None = None,
    ) -> None:
        """Leave the conversation for an officer (at most one open hand-off per session); `channel` is
        where to answer: app, zalo or messenger; `dossier_code` the dossier it is about, if one was named."""


class DossierReader(Protocol):
    async def active_for(self, user_id: uuid.UUID) -> list[DossierFacts]: ...

    async def lookup(self, code: str, *, user_id: uuid.UUID | None, keys: Sequence[str]) -> DossierFacts | None:
        """The dossier of that code if the caller may know it: it is `user_id`'s own, or one of `keys`
        is its lookup key. Otherwise None, alike for an unknown code and a stranger's dossier."""
