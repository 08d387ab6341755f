"""The dossier state machine and the shapes of dossier requests. Pure: no I/O, time is an input."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Any, Literal

import msgspec
from msgspec import Meta

from api.catalog.models import FieldType, FormField
from core.bounds import MAX_DAY, MIN_DAY, day_in_range
from core.dossier_status import DossierStatus


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


# The diagram of design.md §3, and nothing else: every move of an online dossier is one of its edges.
TRANSITIONS: Mapping[DossierStatus, frozenset[DossierStatus]] = {
    DossierStatus.DRAFT: frozenset({DossierStatus.SUBMITTED, DossierStatus.WITHDRAWN}),
    DossierStatus.SUBMITTED: frozenset(
        {DossierStatus.RECEIVED, DossierStatus.SUPPLEMENT_REQUESTED, DossierStatus.REJECTED, DossierStatus.WITHDRAWN}
    ),
    DossierStatus.SUPPLEMENT_REQUESTED: frozenset({DossierStatus.SUBMITTED}),
    DossierStatus.RECEIVED: frozenset({DossierStatus.AWAITING_PAYMENT, DossierStatus.PROCESSING}),
    DossierStatus.AWAITING_PAYMENT: frozenset({DossierStatus.PROCESSING}),
    DossierStatus.PROCESSING: frozenset(
        {DossierStatus.SUPPLEMENT_REQUESTED, DossierStatus.RESULT_READY, DossierStatus.REJECTED}
    ),
    DossierStatus.RESULT_READY: frozenset({DossierStatus.RETURNED}),
    DossierStatus.RETURNED: frozenset(),
    DossierStatus.REJECTED: frozenset(),
    DossierStatus.WITHDRAWN: frozenset(),
}

# A walk-in dossier's diagram: the online one, and its draft received at once (the officer files and
# receives it in one step, so it never waits in `submitted`). Every move of a counter dossier is one of its edges.
COUNTER_TRANSITIONS: Mapping[DossierStatus, frozenset[DossierStatus]] = {
    **TRANSITIONS,
    DossierStatus.DRAFT: TRANSITIONS[DossierStatus.DRAFT] | {DossierStatus.RECEIVED},
}


def transitions(*, counter: bool) -> Mapping[DossierStatus, frozenset[DossierStatus]]:
    return COUNTER_TRANSITIONS if counter else TRANSITIONS


# action -> (statuses it starts from, status it leads to, who may take it)
ACTIONS: Mapping[Action, tuple[frozenset[DossierStatus], DossierStatus, frozenset[Actor]]] = {
    Action.SUBMIT: (
        frozenset({DossierStatus.DRAFT, DossierStatus.SUPPLEMENT_REQUESTED}),
        DossierStatus.SUBMITTED,
        frozenset({Actor.CITIZEN}),
    ),
    Action.WITHDRAW: (
        frozenset({DossierStatus.DRAFT, DossierStatus.SUBMITTED}),
        DossierStatus.WITHDRAWN,
        frozenset({Actor.CITIZEN}),
    ),
    Action.RECEIVE: (frozenset({DossierStatus.SUBMITTED}), DossierStatus.RECEIVED, frozenset({Actor.OFFICER})),
    Action.REQUEST_SUPPLEMENT: (
        frozenset({DossierStatus.SUBMITTED, DossierStatus.PROCESSING}),
        DossierStatus.SUPPLEMENT_REQUESTED,
        frozenset({Actor.OFFICER}),
    ),
    Action.REJECT: (
        frozenset({DossierStatus.SUBMITTED, DossierStatus.PROCESSING}),
        DossierStatus.REJECTED,
        frozenset({Actor.OFFICER}),
    ),
    Action.START_PROCESSING: (
        frozenset({DossierStatus.RECEIVED}),
        DossierStatus.PROCESSING,
        frozenset({Actor.OFFICER}),
    ),
    Action.REQUEST_PAYMENT: (
        frozenset({DossierStatus.RECEIVED}),
        DossierStatus.AWAITING_PAYMENT,
        frozenset({Actor.SYSTEM}),
    ),
    Action.SETTLE_PAYMENT: (
        frozenset({DossierStatus.AWAITING_PAYMENT, DossierStatus.RECEIVED}),
        DossierStatus.PROCESSING,
        frozenset({Actor.SYSTEM}),
    ),
    Action.APPROVE: (frozenset({DossierStatus.PROCESSING}), DossierStatus.RESULT_READY, frozenset({Actor.OFFICER})),
    Action.RETURN: (frozenset({DossierStatus.RESULT_READY}), DossierStatus.RETURNED, frozenset({Actor.OFFICER})),
}

OFFICER_ACTIONS = frozenset(a for a, (_, _, actors) in ACTIONS.items() if Actor.OFFICER in actors)
ACTIVE = frozenset(
    {
        DossierStatus.SUBMITTED,
        DossierStatus.RECEIVED,
        DossierStatus.SUPPLEMENT_REQUESTED,
        DossierStatus.AWAITING_PAYMENT,
        DossierStatus.PROCESSING,
        DossierStatus.RESULT_READY,
    }
)
RESOLVED = frozenset({DossierStatus.RESULT_READY, DossierStatus.RETURNED, DossierStatus.REJECTED})
EDITABLE = frozenset({DossierStatus.DRAFT, DossierStatus.SUPPLEMENT_REQUESTED})


class InvalidTransition(Exception):
    def __init__(self, status: DossierStatus, action: Action) -> None:
        super().__init__(f"{action} is not allowed from {status}")
        self.status = status
        self.action = action


# (status, action) -> status: the moves only an officer makes, and only on a walk-in dossier. Its draft is
# received straight away; sent back for papers, it is resubmitted by the officer the applicant brings them to
# (and received in the same step).
COUNTER_ACTIONS: Mapping[tuple[DossierStatus, Action], DossierStatus] = {
    (DossierStatus.DRAFT, Action.RECEIVE): DossierStatus.RECEIVED,
    (DossierStatus.SUPPLEMENT_REQUESTED, Action.SUBMIT): DossierStatus.SUBMITTED,
}


def next_status(status: DossierStatus, action: Action, actor: Actor, *, counter: bool = False) -> DossierStatus:
    """Where `action` by `actor` leads from `status`; raises InvalidTransition otherwise. `counter`: a
    dossier filed at the counter, which has COUNTER_ACTIONS besides ACTIONS."""
    target = COUNTER_ACTIONS.get((status, action)) if counter and actor is Actor.OFFICER else None
    if target is None:
        sources, target, actors = ACTIONS[action]
        if status not in sources or actor not in actors:
            raise InvalidTransition(status, action)
    assert target in transitions(counter=counter)[status], "every move stays inside its channel's diagram"
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
    status: DossierStatus,
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
    if status is DossierStatus.SUBMITTED and reception_due_at is not None and reception_due_at < now:
        return "reception"
    if (
        status in ACTIVE
        and status is not DossierStatus.RESULT_READY
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

FieldErrors = list[tuple[str, str, dict[str, object]]]


def validate_form(
    fields: tuple[FormField, ...], form: Mapping[str, object], *, prefix: str = "form"
) -> tuple[dict[str, object], FieldErrors]:
    """Check a form against the procedure's fields; returns the cleaned form and field errors."""
    errors: FieldErrors = []
    cleaned: dict[str, object] = {}
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


Problem = tuple[str, dict[str, object]] | None


def _check_value(spec: FormField, value: object) -> Problem:
    return _CHECKS[spec.type](spec, value)


def _text(_: FormField, value: object) -> Problem:
    if not isinstance(value, str):
        return "invalid", {}
    return ("too-long", {"max": 500}) if len(value) > 500 else None


def _date(_: FormField, value: object) -> Problem:
    try:
        day = date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        day = None
    if day is None:
        return "invalid-date", {}
    return (
        None if day_in_range(day) else ("date-out-of-range", {"min": MIN_DAY.isoformat(), "max": MAX_DAY.isoformat()})
    )


def _number(_: FormField, value: object) -> Problem:
    return ("not-a-number", {}) if isinstance(value, bool) or not isinstance(value, int | float) else None


def _choice(spec: FormField, value: object) -> Problem:
    return None if value in spec.options else ("not-an-option", {"options": ", ".join(spec.options)})


def _boolean(_: FormField, value: object) -> Problem:
    return None if isinstance(value, bool) else ("not-a-boolean", {})


_CHECKS: dict[FieldType, Callable[[FormField, object], Problem]] = {
    FieldType.TEXT: _text,
    FieldType.DATE: _date,
    FieldType.NUMBER: _number,
    FieldType.SELECT: _choice,
    FieldType.BOOLEAN: _boolean,
}
