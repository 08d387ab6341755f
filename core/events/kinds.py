"""The events packages share: one frozen Struct per kind, versioned, its outbox topic as its tag."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Literal

import msgspec


class Event(msgspec.Struct, frozen=True, kw_only=True, tag_field="topic"):
    """One kind of event per subclass; its tag is its outbox topic, written nowhere else."""

    event_id: uuid.UUID
    occurred_at: datetime
    version: int = 1


class DossierStatusChanged(Event, frozen=True, kw_only=True, tag="dossier.status_changed"):
    """A dossier moved; carries what consumers need so they never read the dossier tables."""

    dossier_id: uuid.UUID
    code: str | None
    owner_id: uuid.UUID | None
    agency_code: str
    procedure_slug: str
    procedure_names: dict[str, str]
    from_status: str | None
    to_status: str
    action: str
    actor_role: str
    note: str | None = None
    reason: str | None = None
    missing: list[str] = msgspec.field(default_factory=list)
    missing_names: dict[str, list[str]] = msgspec.field(default_factory=dict)
    appointment_date: date | None = None
    fee: int = 0
    # the status the system moved the dossier on to in the same transaction (received, then waiting
    # for the fee): that move's own event follows, and one push tells the citizen both
    moved_on_to: str | None = None
    channel: str = "online"  # online | counter
    # the phone given at the counter, only while no account owns the dossier: where its SMS go
    contact_phone: str | None = None

    @property
    def type(self) -> str:
        return f"dossier.{self.to_status}"


class PaymentEvent(Event, frozen=True, kw_only=True):
    """What every payment event says of the payment and its dossier."""

    payment_id: uuid.UUID
    dossier_id: uuid.UUID
    dossier_code: str | None
    owner_id: uuid.UUID | None
    agency_code: str
    procedure_slug: str
    procedure_names: dict[str, str]
    method: str
    amount: int
    reference: str


class PaymentSucceeded(PaymentEvent, frozen=True, kw_only=True, tag="payment.succeeded"):
    settled_by: str


class PaymentFailed(PaymentEvent, frozen=True, kw_only=True, tag="payment.failed"):
    reason: str


class PaymentExpired(PaymentEvent, frozen=True, kw_only=True, tag="payment.expired"):
    replaced: bool = False  # the citizen chose another method: nothing to tell them


class PaymentRefunded(PaymentEvent, frozen=True, kw_only=True, tag="payment.refunded"):
    reason: str


class ChatMessageReceived(Event, frozen=True, kw_only=True, tag="chat.message_received"):
    """A citizen wrote to the OA on Zalo or the page on Messenger; the worker answers it."""

    message_id: uuid.UUID  # the stored chat_messages row
    channel: str  # zalo | messenger
    sender_id: str  # the platform's id of the citizen, where the reply goes


class DeadlineApproaching(Event, frozen=True, kw_only=True, tag="dossier.deadline_approaching"):
    """An open dossier is about to miss a deadline; for the officers of its office, once per deadline."""

    dossier_id: uuid.UUID
    code: str | None
    agency_code: str
    procedure_slug: str
    procedure_names: dict[str, str]
    status: str
    deadline: Literal["reception", "processing"]
    due_at: datetime

    @property
    def type(self) -> str:
        return topic_of(type(self))


class DeadlineBacklog(Event, frozen=True, kw_only=True, tag="dossier.deadline_backlog"):
    """Open dossiers of one office that missed a deadline long ago (before the worker first ran, or
    while it was down) and were never announced: told to its officers once, as one digest."""

    agency_code: str
    deadline: Literal["reception", "processing"]
    dossiers: int
    oldest_due: date  # the earliest missed deadline among them, in Vietnam

    @property
    def type(self) -> str:
        return topic_of(type(self))


class HandoffOpened(Event, frozen=True, kw_only=True, tag="handoff.opened"):
    """The assistant handed a conversation to a person; for the officers of `agency_code`, or of the
    province-wide queue when it is None. Published once per open hand-off of a conversation."""

    handoff_id: uuid.UUID
    session_id: str
    channel: str  # app | zalo | messenger: where the officer answers
    agency_code: str | None
    procedure_slug: str | None
    procedure_names: dict[str, str] = msgspec.field(default_factory=dict)
    message: str

    @property
    def type(self) -> str:
        return topic_of(type(self))


# the dossier and payment events a citizen is told about
AnyEvent = DossierStatusChanged | PaymentSucceeded | PaymentFailed | PaymentExpired | PaymentRefunded
# every event the outbox carries
OutboxEvent = AnyEvent | ChatMessageReceived | DeadlineApproaching | DeadlineBacklog | HandoffOpened


def topic_of(event_type: type[Event]) -> str:
    """The outbox topic of a kind of event: its tag, the one place the string is written."""
    tag = event_type.__struct_config__.tag
    if not isinstance(tag, str):
        raise TypeError(f"{event_type.__name__} is not a kind of event the outbox carries")
    return tag
