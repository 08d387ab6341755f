"""Every dossier move decided in one place: `decide` reads the dossier as locked, what the caller said
and the time, and answers the Move to write, or raises why the move is refused. Pure: no I/O, time is
an input. lifecycle.py locks the row, gathers the Facts, calls decide, writes the Move and publishes."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import msgspec
from msgspec.structs import replace

from api.catalog.models import Procedure, ResultKind
from api.dossiers.models import RECEPTION_ANSWERS, Action, Actor, InvalidTransition, after_receive, next_status
from api.dossiers.rows import Clocks, JsonObject, MoveRow
from api.dossiers.workdays import WorkCalendar
from core.dossier_status import DossierStatus
from core.errors import ConflictError, DomainError, ForbiddenError, ValidationError


class Timing(msgspec.Struct, frozen=True, kw_only=True):
    """The office's clocks: its working calendar, the reception deadline of an online dossier and the
    hour after which a dossier received counts from the next working day."""

    calendar: WorkCalendar
    reception_hours: int
    reception_warning_minutes: int
    same_day_cutoff: time


class Said(msgspec.Struct, frozen=True, kw_only=True):
    """What the caller said beside the action."""

    locale: str = "vi"  # of the names in a missing-documents refusal
    note: str | None = None
    reason: str | None = None
    missing: list[str] | None = None
    desk: str | None = None  # the counter that received a walk-in dossier
    resubmitted_at_counter: bool = False  # a submit told as part of the reception that follows it


class Facts(msgspec.Struct, frozen=True, kw_only=True):
    """What a move depends on besides the dossier's row: its procedure, the office's clocks, the papers it
    has, the fee of the law in force today (what a dossier numbered now owes) and what the caller said."""

    procedure: Procedure
    timing: Timing
    said: Said = Said()
    papers: frozenset[str] = frozenset()  # requirements with a paper attached, or seen in the original
    fee_due: int | None = None  # None: the dossier's fee stands
    identity_level: int = 0  # of the account filing online (core.auth.Principal.identity_level)


class Step(msgspec.Struct, frozen=True, kw_only=True):
    """One status change, as its history row and its event tell it."""

    action: Action
    actor: Actor
    from_status: DossierStatus
    to_status: DossierStatus
    note: str | None = None
    reason: str | None = None
    missing: list[str] = msgspec.field(default_factory=list)
    moved_on_to: DossierStatus | None = None  # where the system moves the dossier on to in the same write
    data: JsonObject = msgspec.field(default_factory=dict)


class Move(msgspec.Struct, frozen=True, kw_only=True):
    """Everything the write of one move needs: the status it ends in, the clocks as they stand after it,
    whether the dossier is numbered now (code and lookup key, given once), the fee fixed now (None: it
    stands), whether its walk-in applicant's citizen account becomes its owner, and the steps history and
    events tell: the action, then the system's follow-up if any."""

    status: DossierStatus
    clocks: Clocks
    steps: tuple[Step, ...]
    number: bool = False
    fee: int | None = None
    claim_owner: bool = False


def decide(state: MoveRow, action: Action, actor: Actor, facts: Facts, now: datetime) -> Move:
    """The move `action` by `actor` makes of the dossier `state`, or the refusal: ConflictError
    invalid-transition off the diagram, then the action's own rules (papers, reason, result...)."""
    target = _target(state.status, action, actor, counter=state.at_counter)
    match action:
        case Action.SUBMIT:
            return _submit(state, target, actor, facts, now)
        case Action.RECEIVE:
            return _receive(state, target, facts, now)
        case Action.REQUEST_SUPPLEMENT | Action.REJECT | Action.START_PROCESSING | Action.APPROVE | Action.RETURN:
            return _officer_decision(state, action, target, facts, now)
        case Action.WITHDRAW | Action.REQUEST_PAYMENT | Action.SETTLE_PAYMENT:
            step = Step(action=action, actor=actor, from_status=state.status, to_status=target, note=facts.said.note)
            return Move(status=target, clocks=Clocks.of(state), steps=(step,))


def _target(status: DossierStatus, action: Action, actor: Actor, *, counter: bool) -> DossierStatus:
    try:
        return next_status(status, action, actor, counter=counter)
    except InvalidTransition as exc:
        raise ConflictError("invalid-transition", action=action.value, current=status.value) from exc


def _submit(state: MoveRow, target: DossierStatus, actor: Actor, facts: Facts, now: datetime) -> Move:
    """Draft or sent back -> submitted: every mandatory paper there, numbered once (a resubmission keeps
    code and key), the reception clock started for an online dossier, and a provisional appointment
    date (the processing clock starts at reception)."""
    _require_identity(state, facts)
    _require_papers(facts)
    clocks = replace(Clocks.of(state), submitted_at=now, appointment_date=_appointment(facts, now))
    if not state.at_counter:
        clocks = _reception_clock(clocks, facts.timing, now)
    told_with_reception = facts.said.resubmitted_at_counter
    step = Step(
        action=Action.SUBMIT,
        actor=actor,
        from_status=state.status,
        to_status=target,
        moved_on_to=DossierStatus.RECEIVED if told_with_reception else None,
        data=_desk_note(state, facts.said.desk) if told_with_reception else {},
    )
    return Move(status=target, clocks=clocks, steps=(step,), number=state.code is None, fee=_fixed_fee(state, facts))


def _receive(state: MoveRow, target: DossierStatus, facts: Facts, now: datetime) -> Move:
    """An officer receives a submitted dossier, or files and receives a walk-in draft in one step (every
    mandatory paper scanned or seen in the original, numbered now, owned by the applicant's citizen
    account if there is one). The processing clock starts; a fee owed moves it on to payment."""
    filing = state.status is DossierStatus.DRAFT
    if filing:
        _require_papers(facts)
    clocks = _answered(state, Action.RECEIVE, Clocks.of(state), now)
    clocks = replace(
        clocks,
        submitted_at=now if filing else clocks.submitted_at,
        received_at=now,
        appointment_date=_appointment(facts, now),
    )
    fee = _fixed_fee(state, facts) if filing else None
    follow_up = after_receive(state.fee if fee is None else fee, state.paid_at is not None)
    moved_on_to = _target(target, follow_up, Actor.SYSTEM, counter=state.at_counter) if follow_up else None
    steps = [
        Step(
            action=Action.RECEIVE,
            actor=Actor.OFFICER,
            from_status=state.status,
            to_status=target,
            note=facts.said.note,
            moved_on_to=moved_on_to,
            data=_desk_note(state, facts.said.desk),
        )
    ]
    if follow_up is not None and moved_on_to is not None:
        steps.append(Step(action=follow_up, actor=Actor.SYSTEM, from_status=target, to_status=moved_on_to))
    return Move(
        status=moved_on_to or target,
        clocks=clocks,
        steps=tuple(steps),
        number=filing and state.code is None,
        fee=fee,
        claim_owner=filing,
    )


def _officer_decision(state: MoveRow, action: Action, target: DossierStatus, facts: Facts, now: datetime) -> Move:
    """Asking for papers, rejecting (with a reason), processing, approving (an electronic result
    attached first) or handing the result back."""
    clocks = _answered(state, action, Clocks.of(state), now)
    missing: list[str] = []
    reason: str | None = None
    match action:
        case Action.REQUEST_SUPPLEMENT:
            missing = _requested_papers(facts)
        case Action.REJECT:
            reason = (facts.said.reason or "").strip() or None
            if reason is None:
                raise ValidationError([("reason", "required", {})])
            clocks = replace(clocks, resolved_at=now)
        case Action.APPROVE:
            if facts.procedure.result is ResultKind.ELECTRONIC and state.result_document is None:
                raise DomainError("result-required", status=422)
            clocks = replace(clocks, resolved_at=now)
        case Action.RETURN:
            clocks = replace(clocks, returned_at=now)
        case _:
            pass
    step = Step(
        action=action,
        actor=Actor.OFFICER,
        from_status=state.status,
        to_status=target,
        note=facts.said.note,
        reason=reason,
        missing=missing,
    )
    return Move(status=target, clocks=clocks, steps=(step,))


def _answered(state: MoveRow, action: Action, clocks: Clocks, now: datetime) -> Clocks:
    """An online submission is answered (within its reception deadline) by the officer's first move."""
    if state.status is DossierStatus.SUBMITTED and action in RECEPTION_ANSWERS and clocks.reception_answered_at is None:
        return replace(clocks, reception_answered_at=now)
    return clocks


def _fixed_fee(state: MoveRow, facts: Facts) -> int | None:
    """A dossier owes the fee of the law in force on the day it is first filed, whatever the catalog says
    later: fixed when it is numbered, before anything can be paid. None: the fee stands."""
    if state.code is None and facts.fee_due is not None and facts.fee_due != state.fee:
        return facts.fee_due
    return None


def _appointment(facts: Facts, now: datetime) -> date:
    timing = facts.timing
    return timing.calendar.appointment_date(now, facts.procedure.processing_days, cutoff=timing.same_day_cutoff)


def _reception_clock(clocks: Clocks, timing: Timing, now: datetime) -> Clocks:
    hours = timedelta(hours=timing.reception_hours)
    warning = min(timedelta(minutes=timing.reception_warning_minutes), hours)
    return replace(
        clocks,
        reception_due_at=timing.calendar.add_working_time(now, hours),
        reception_warn_at=timing.calendar.add_working_time(now, hours - warning),
        reception_answered_at=None,
    )


def _desk_note(state: MoveRow, desk: str | None) -> JsonObject:
    """What the history keeps of a reception besides who: through which channel, at which office and desk."""
    note: JsonObject = {"channel": state.channel, "office": state.agency_code}
    if desk and desk.strip():
        note["counter"] = desk.strip()
    return note


def _require_identity(state: MoveRow, facts: Facts) -> None:
    """A procedure filed online only from a verified account (at the counter, the officer sees the papers)."""
    if not state.at_counter and not facts.procedure.admits(facts.identity_level):
        raise ForbiddenError("identity-level-required", level=facts.procedure.requires_identity_level)


def _require_papers(facts: Facts) -> None:
    missing = [r for r in facts.procedure.requirements if r.mandatory and r.key not in facts.papers]
    if missing:
        raise DomainError(
            "missing-documents",
            status=422,
            names=", ".join(r.names.pick(facts.said.locale) for r in missing),
            missing_requirements=[r.key for r in missing],
        )


def _requested_papers(facts: Facts) -> list[str]:
    keys = {r.key for r in facts.procedure.requirements}
    missing = list(dict.fromkeys(facts.said.missing or []))
    if not missing:
        raise ValidationError([("missing", "empty-list", {})])
    unknown = [k for k in missing if k not in keys]
    if unknown:
        raise ValidationError([(f"missing[{missing.index(k)}]", "unknown-requirement", {}) for k in unknown])
    return missing
