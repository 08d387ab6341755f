"""The rows api/dossiers/queries.py reads, as typed Structs (core.db.fetch_one_as / fetch_all_as). Pure."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Literal

import msgspec

from core.dossier_status import DossierStatus

# JSON columns (applicant, form, delivery, history data) stay JSON objects here: their shapes are read
# where they are used (StoredApplicant, Delivery), as they were before the row was typed.
JsonObject = dict[str, object]


class Clocks(msgspec.Struct, frozen=True, kw_only=True):
    """A dossier's dates and deadlines."""

    submitted_at: datetime | None
    received_at: datetime | None
    appointment_date: date | None
    resolved_at: datetime | None
    returned_at: datetime | None
    reception_due_at: datetime | None
    reception_warn_at: datetime | None
    reception_answered_at: datetime | None

    @classmethod
    def of(cls, row: Clocks) -> Clocks:
        """The clocks alone of a row that has them."""
        return cls(**{name: getattr(row, name) for name in cls.__struct_fields__})


class MoveRow(Clocks, frozen=True, kw_only=True):
    """What a move decides on and its event tells of a dossier (queries._MOVE_COLUMNS)."""

    id: uuid.UUID
    code: str | None
    lookup_key: str | None
    status: DossierStatus
    procedure_slug: str
    agency_code: str
    owner_id: uuid.UUID | None
    channel: Literal["online", "counter"]
    fee: int
    paid_at: datetime | None
    result_document: uuid.UUID | None
    applicant_phone: str | None  # a walk-in's SMS go there while no account owns the dossier

    @property
    def at_counter(self) -> bool:
        return self.channel == "counter"


class DossierRow(MoveRow, frozen=True, kw_only=True):
    """A whole dossier as the API shows it (queries._DOSSIER_COLUMNS)."""

    applicant: JsonObject
    form: JsonObject
    delivery: JsonObject
    address_flagged: bool
    digitized: bool
    created_at: datetime
    updated_at: datetime

    @property
    def applicant_name(self) -> str:
        return str(self.applicant["full_name"])


class ListedDossierRow(DossierRow, frozen=True, kw_only=True):
    """A dossier of a list page, with the size of the whole list."""

    total: int


class AttachmentRow(msgspec.Struct, frozen=True, kw_only=True):
    dossier_id: uuid.UUID
    id: uuid.UUID
    requirement: str
    document_id: uuid.UUID
    created_at: datetime
    file_name: str
    content_type: str
    size: int
    sha256: str


class OriginalSeenRow(msgspec.Struct, frozen=True, kw_only=True):
    dossier_id: uuid.UUID
    requirement: str


class HistoryRow(msgspec.Struct, frozen=True, kw_only=True):
    from_status: DossierStatus | None
    to_status: DossierStatus
    action: str
    actor_role: str
    actor_name: str | None
    note: str | None
    data: JsonObject
    at: datetime


class DocumentRow(msgspec.Struct, frozen=True, kw_only=True):
    id: uuid.UUID
    owner_id: uuid.UUID | None
    sha256: str
    file_name: str
    content_type: str
    size: int
    created_at: datetime


class WalletRow(msgspec.Struct, frozen=True, kw_only=True):
    id: uuid.UUID
    sha256: str
    file_name: str
    content_type: str
    size: int
    created_at: datetime
    total: int


class AuditRow(msgspec.Struct, frozen=True, kw_only=True):
    at: datetime
    actor_id: str | None
    actor_role: str
    action: str
    detail: JsonObject | None


class PayableRow(msgspec.Struct, frozen=True, kw_only=True):
    """What settling needs of a dossier (queries.GET_PAYABLE_DOSSIERS_FOR_UPDATE)."""

    id: uuid.UUID
    code: str | None
    status: DossierStatus
    fee: int
    agency_code: str
    owner_id: uuid.UUID | None
    procedure_slug: str
    payer_name: str


class WarningRow(msgspec.Struct, frozen=True, kw_only=True):
    """A dossier whose deadline is near."""

    id: uuid.UUID
    code: str | None
    agency_code: str
    procedure_slug: str
    status: DossierStatus


class ReceptionWarningRow(WarningRow, frozen=True, kw_only=True):
    """queries.RECEPTION_WARNINGS_DUE"""

    reception_due_at: datetime


class ProcessingWarningRow(WarningRow, frozen=True, kw_only=True):
    """queries.PROCESSING_WARNINGS_DUE"""

    appointment_date: date


class BacklogRow(msgspec.Struct, frozen=True, kw_only=True):
    """An office's deadlines missed long ago (queries.RECEPTION_BACKLOG, PROCESSING_BACKLOG)."""

    agency_code: str
    dossiers: int
    oldest_due: date


class RequirementRow(msgspec.Struct, frozen=True, kw_only=True):
    requirement: str


class SeenRow(msgspec.Struct, frozen=True, kw_only=True):
    requirement: str
    created_at: datetime
