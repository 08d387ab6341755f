"""Dossier shapes as the app receives them (contracts.md "Dossiers")."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any, Literal

import msgspec

from api.catalog.views import AgencyRef
from api.dossiers.models import Delivery
from core.dossier_status import DossierStatus


class Ref(msgspec.Struct, frozen=True):
    slug: str
    name: str


class AddressOut(msgspec.Struct, frozen=True, kw_only=True):
    raw: str
    normalized: str | None
    province: str | None
    ward: str | None


class ApplicantOut(msgspec.Struct, frozen=True, kw_only=True):
    full_name: str
    identity_number_masked: str
    date_of_birth: date
    phone: str
    email: str | None
    address: AddressOut


class DocumentOut(msgspec.Struct, frozen=True, kw_only=True):
    id: uuid.UUID
    requirement: str
    document_id: uuid.UUID
    file_name: str
    content_type: str
    size: int
    sha256: str
    created_at: datetime


class WalletDocument(msgspec.Struct, frozen=True, kw_only=True):
    id: uuid.UUID
    file_name: str
    content_type: str
    size: int
    sha256: str
    created_at: datetime


class Dossier(msgspec.Struct, frozen=True, kw_only=True):
    id: uuid.UUID
    code: str | None
    status: DossierStatus
    status_label: str
    procedure: Ref
    agency: AgencyRef
    channel: Literal["online", "counter"]
    applicant: ApplicantOut
    form: dict[str, Any]
    delivery: Delivery
    fee: int
    paid: bool
    documents: list[DocumentOut]
    originals_seen: list[str]  # requirements seen in the original at the counter, not scanned
    digitized: bool
    has_result: bool
    address_flagged: bool
    submitted_at: datetime | None
    received_at: datetime | None
    appointment_date: date | None
    reception_due_at: datetime | None
    overdue: Literal["reception", "processing"] | None
    lookup_key: str | None
    created_at: datetime
    updated_at: datetime


class OriginalSeen(msgspec.Struct, frozen=True, kw_only=True):
    requirement: str
    original_seen: bool
    created_at: datetime


class ReceiptDocument(msgspec.Struct, frozen=True):
    requirement: str
    name: str
    file_name: str


class Receipt(msgspec.Struct, frozen=True, kw_only=True):
    dossier_id: uuid.UUID
    code: str
    status: DossierStatus
    procedure: Ref
    agency: AgencyRef
    applicant_name: str
    documents: list[ReceiptDocument]
    submitted_at: datetime
    appointment_date: date | None
    processing_days: int
    fee: int
    delivery: Delivery
    lookup_key: str
    tracking_url: str
    qr_png_url: str


class HistoryItem(msgspec.Struct, frozen=True, kw_only=True):
    from_status: DossierStatus | None
    to_status: DossierStatus
    action: str
    actor_role: str
    actor_name: str | None
    note: str | None
    data: dict[str, Any]
    at: datetime


class History(msgspec.Struct, frozen=True):
    items: list[HistoryItem]


class TrackHistoryItem(msgspec.Struct, frozen=True):
    status: DossierStatus
    status_label: str
    at: datetime


class Tracking(msgspec.Struct, frozen=True, kw_only=True):
    code: str
    procedure: Ref
    agency: AgencyRef
    status: DossierStatus
    status_label: str
    appointment_date: date | None
    applicant_name: str
    history: list[TrackHistoryItem]


class Rating(msgspec.Struct, frozen=True, kw_only=True):
    dossier_id: uuid.UUID
    score: int
    comment: str | None
    created_at: datetime


class AuditActorOut(msgspec.Struct, frozen=True):
    id: str | None  # a user id; for the one-stop system, its id of the officer (when it gave one)
    role: str  # officer, admin or one-stop


class AuditItem(msgspec.Struct, frozen=True, kw_only=True):
    at: datetime
    actor: AuditActorOut
    action: str  # view, download, or the action taken (receive, request_supplement, refund, ...)
    detail: dict[str, Any] | None


class OnTimeStats(msgspec.Struct, frozen=True, kw_only=True):
    agency: str
    from_: date = msgspec.field(name="from")
    to: date
    received: int
    resolved: int
    early: int
    on_time: int
    late: int
    on_time_rate: float | None
    pending_overdue: int
