"""The dossier state machine and the shapes of dossier requests. Pure: no I/O, time is an input."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Any, Literal

import msgspec
from msgspec import Meta

from api.catalog.models import FieldType, FormField
from core.bounds import MAX_DAY, MIN_DAY, day_in_range
from core.dossier_status import DossierStatus

# One word across packages: payments, notifications and the assistant compare statuses too.
Status = DossierStatus


class Action(StrEnum):
    SUBMIT = "submit"
    WITHDRAW = "withdraw"
    RECEIVE = "receive"
    REQUEST_SUPPLEMENT = "request_supplement"
    REJECT = "reject"
    START_PROCESSING = "start_processing"
    REQUEST_PAYMENT = "request_payment"
    SETTLE_PAYMENT = "settle_payment"
    APPROVE = "approve"
    RETURN = "return"


class Actor(StrEnum):
    CITIZEN = "citizen"
    OFFICER = "officer"
    SYSTEM = "system"


# The diagram of design.md §3, and nothing else.
TRANSITIONS: Mapping[Status, frozenset[Status]] = {
    Status.DRAFT: frozenset({Status.SUBMITTED, Status.WITHDRAWN}),
    Status.SUBMITTED: frozenset({Status.RECEIVED, Status.SUPPLEMENT_REQUESTED, Status.REJECTED, Status.WITHDRAWN}),
    Status.SUPPLEMENT_REQUESTED: frozenset({Status.SUBMITTED}),
    Status.RECEIVED: frozenset({Status.AWAITING_PAYMENT, Status.PROCESSING}),
    Status.AWAITING_PAYMENT: frozenset({Status.PROCESSING}),
    Status.PROCESSING: frozenset({Status.SUPPLEMENT_REQUESTED, Status.RESULT_READY, Status.REJECTED}),
    Status.RESULT_READY: frozenset({Status.RETURNED}),
    Status.RETURNED: frozenset(),
    Status.REJECTED: frozenset(),
    Status.WITHDRAWN: frozenset(),
}

# action -> (statuses it starts from, status it leads to, who may take it)
ACTIONS: Mapping[Action, tuple[frozenset[Status], Status, frozenset[Actor]]] = {
    Action.SUBMIT: (
        frozenset({Status.DRAFT, Status.SUPPLEMENT_REQUESTED}),
        Status.SUBMITTED,
        frozenset({Actor.CITIZEN}),
    ),
    Action.WITHDRAW: (
        frozenset({Status.DRAFT, Status.SUBMITTED}),
        Status.WITHDRAWN,
        frozenset({Actor.CITIZEN}),
    ),
    Action.RECEIVE: (frozenset({Status.SUBMITTED}), Status.RECEIVED, frozenset({Actor.OFFICER})),
    Action.REQUEST_SUPPLEMENT: (
        frozenset({Status.SUBMITTED, Status.PROCESSING}),
        Status.SUPPLEMENT_REQUESTED,
        frozenset({Actor.OFFICER}),
    ),
    Action.REJECT: (
        frozenset({Status.SUBMITTED, Status.PROCESSING}),
        Status.REJECTED,
        frozenset({Actor.OFFICER}),
    ),
    Action.START_PROCESSING: (frozenset({Status.RECEIVED}), Status.PROCESSING, frozenset({Actor.OFFICER})),
    Action.REQUEST_PAYMENT: (
        frozenset({Status.RECEIVED}),
        Status.AWAITING_PAYMENT,
        frozenset({Actor.SYSTEM}),
    ),
    Action.SETTLE_PAYMENT: (
        frozenset({Status.AWAITING_PAYMENT, Status.RECEIVED}),
        Status.PROCESSING,
        frozenset({Actor.SYSTEM}),
    ),
    Action.APPROVE: (frozenset({Status.PROCESSING}), Status.RESULT_READY, frozenset({Actor.OFFICER})),
    Action.RETURN: (frozenset({Status.RESULT_READY}), Status.RETURNED, frozenset({Actor.OFFICER})),
}

OFFICER_ACTIONS = frozenset(a for a, (_, _, actors) in ACTIONS.items() if Actor.OFFICER in actors)
ACTIVE = frozenset(
    {
        Status.SUBMITTED,
        Status.RECEIVED,
        Status.SUPPLEMENT_REQUESTED,
        Status.AWAITING_PAYMENT,
        Status.PROCESSING,
        Status.RESULT_READY,
    }
)
RESOLVED = frozenset({Status.RESULT_READY, Status.RETURNED, Status.REJECTED})
EDITABLE = frozenset({Status.DRAFT, Status.SUPPLEMENT_REQUESTED})


class InvalidTransition(Exception):
    def __init__(self, status: Status, action: Action) -> None:
        super().__init__(f"{action} is not allowed from {status}")
        self.status = status
        self.action = action


def next_status(status: Status, action: Action, actor: Actor, *, counter: bool = False) -> Status:
    """Where `action` by `actor` leads from `status`; raises InvalidTransition otherwise.

    A dossier filed at the counter (`counter`) is received straight from its draft: the officer
    files and receives it in one step, so it never waits in `submitted`. Sent back for papers, it is
    resubmitted by the officer the applicant brings them to (and received in the same step)."""
    if counter and actor is Actor.OFFICER:
        if status is Status.DRAFT and action is Action.RECEIVE:
            return Status.RECEIVED
        if status is Status.SUPPLEMENT_REQUESTED and action is Action.SUBMIT:
            return Status.SUBMITTED
    sources, target, actors = ACTIONS[action]
    if status not in sources or actor not in actors:
        raise InvalidTransition(status, action)
    assert target in TRANSITIONS[status], "ACTIONS must stay inside the diagram"
    return target


def after_receive(fee: int, paid: bool) -> Action | None:
    """What the system does right after reception: a dossier owing an unpaid fee waits for payment,
    one paid before reception goes straight to processing, a free one stays received."""
    if fee <= 0:
        return None
    return Action.SETTLE_PAYMENT if paid else Action.REQUEST_PAYMENT


Overdue = Literal["reception", "processing"]
# answering an online submission (within the reception deadline) is any of these officer moves
RECEPTION_ANSWERS = frozenset({Action.RECEIVE, Action.REQUEST_SUPPLEMENT, Action.REJECT})


def missed_deadline(
    status: Status,
    *,
    reception_due_at: datetime | None,
    received_at: datetime | None,
    appointment_date: date | None,
    now: datetime,
    today: date,
) -> Overdue | None:
    """Which deadline an open dossier has missed: reception (an online submission neither received
    nor sent back in time) before processing (received, past its appointment date, no result).
    queries.overdue_sql says the same in SQL."""
    if status is Status.SUBMITTED and reception_due_at is not None and reception_due_at < now:
        return "reception"
    if (
        status in ACTIVE
        and status is not Status.RESULT_READY
        and received_at is not None
        and appointment_date is not None
        and appointment_date < today
    ):
        return "processing"
    return None


# ---- request bodies -------------------------------------------------------------------------


class DeliveryMethod(StrEnum):
    DESK = "desk"
    POST = "post"
    ELECTRONIC = "electronic"


class Delivery(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    method: DeliveryMethod
    address: Annotated[str, Meta(max_length=300)] | None = None


class ApplicantIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    full_name: str
    identity_number: str
    date_of_birth: date
    phone: str
    address: str
    email: str | None = None


class DossierCreate(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    procedure: str
    applicant: ApplicantIn
    form: dict[str, Any] = msgspec.field(default_factory=dict)
    delivery: Delivery = msgspec.field(default_factory=lambda: Delivery(method=DeliveryMethod.DESK))
    agency: str | None = None


class CounterDossierCreate(DossierCreate, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """What an officer types in for a walk-in applicant."""

    channel: Literal["counter"] = "counter"


class DossierUpdate(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    applicant: ApplicantIn | None = None
    form: dict[str, Any] | None = None
    delivery: Delivery | None = None


class OfficerActionIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    action: str
    note: Annotated[str, Meta(max_length=2000)] | None = None
    reason: Annotated[str, Meta(max_length=2000)] | None = None
    missing: list[str] | None = None
    counter: Annotated[str, Meta(max_length=100)] | None = None  # the desk that received a walk-in dossier


class CounterResubmitIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """An officer resubmitting a walk-in dossier with the papers the applicant brought."""

    note: Annotated[str, Meta(max_length=2000)] | None = None
    counter: Annotated[str, Meta(max_length=100)] | None = None  # the desk that received the papers


class RatingIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    score: int
    comment: Annotated[str, Meta(max_length=2000)] | None = None


# ---- form validation (pure) -----------------------------------------------------------------

FieldErrors = list[tuple[str, str, dict[str, Any]]]


def validate_form(
    fields: tuple[FormField, ...], form: Mapping[str, Any], *, prefix: str = "form"
) -> tuple[dict[str, Any], FieldErrors]:
    """Check a form against the procedure's fields; returns the cleaned form and field errors."""
    errors: FieldErrors = []
    cleaned: dict[str, Any] = {}
    known = {f.key: f for f in fields}
    for key in form:
        if key not in known:
            errors.append((f"{prefix}.{key}", "unknown-field", {}))
    for spec in fields:
        path = f"{prefix}.{spec.key}"
        value = form.get(spec.key)
        if value is None or (isinstance(value, str) and not value.strip()):
            if spec.required:
                errors.append((path, "required", {}))
            continue
        problem = _check_value(spec, value)
        if problem:
            errors.append((path, problem[0], problem[1]))
        else:
            cleaned[spec.key] = value.strip() if isinstance(value, str) else value
    return cleaned, errors


def _check_value(spec: FormField, value: Any) -> tuple[str, dict[str, Any]] | None:
    match spec.type:
        case FieldType.TEXT:
            if not isinstance(value, str):
                return "invalid", {}
            if len(value) > 500:
                return "too-long", {"max": 500}
        case FieldType.DATE:
            if not isinstance(value, str):
                return "invalid-date", {}
            try:
                day = date.fromisoformat(value)
            except ValueError:
                return "invalid-date", {}
            if not day_in_range(day):
                return "date-out-of-range", {"min": MIN_DAY.isoformat(), "max": MAX_DAY.isoformat()}
        case FieldType.NUMBER:
            if isinstance(value, bool) or not isinstance(value, int | float):
                return "not-a-number", {}
        case FieldType.SELECT:
            if value not in spec.options:
                return "not-an-option", {"options": ", ".join(spec.options)}
        case FieldType.BOOLEAN:
            if not isinstance(value, bool):
                return "not-a-boolean", {}
    return None
