"""Moving dossiers through the state machine; each move is one transaction: status, history row, outbox event."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from typing import Any

import asyncpg

from api.catalog.models import Procedure, ResultKind
from api.context import AppContext
from api.dossiers import queries
from api.dossiers.access import attachments, get_dossier, load, originals_seen_of, procedure_of, visible_to
from api.dossiers.codes import dossier_code, lookup_key
from api.dossiers.fees import dossier_fee
from api.dossiers.models import (
    RECEPTION_ANSWERS,
    Action,
    Actor,
    CounterResubmitIn,
    InvalidTransition,
    OfficerActionIn,
    Status,
    after_receive,
    next_status,
)
from api.dossiers.receipts import receipt
from api.dossiers.views import Dossier, Receipt
from core.audit import ONE_STOP, AuditActor, AuditEntry, audited
from core.auth import Principal, Role
from core.clock import VN_TZ
from core.db import json_text
from core.errors import ConflictError, DomainError, NotFoundError, ValidationError
from core.events import DossierStatusChanged, Event, PaymentSucceeded

AUDITED_UPDATE_MOVE = audited(queries.UPDATE_MOVE, 13)


@dataclass(frozen=True)
class ActorInfo:
    role: Actor
    user_id: uuid.UUID | None
    name: str | None = None
    source: str | None = None
    external_id: str | None = None  # the one-stop system's id of its officer

    @classmethod
    def of(cls, principal: Principal) -> ActorInfo:
        role = Actor.CITIZEN if principal.role is Role.CITIZEN else Actor.OFFICER
        return cls(role=role, user_id=principal.user_id)


@dataclass
class _Move:
    status: Status
    code: str | None
    lookup_key: str | None
    submitted_at: datetime | None
    received_at: datetime | None
    appointment_date: date | None
    resolved_at: datetime | None
    returned_at: datetime | None
    reception_due_at: datetime | None
    reception_warn_at: datetime | None
    reception_answered_at: datetime | None

    @classmethod
    def of(cls, row: asyncpg.Record) -> _Move:
        return cls(
            status=Status(row["status"]),
            code=row["code"],
            lookup_key=row["lookup_key"],
            submitted_at=row["submitted_at"],
            received_at=row["received_at"],
            appointment_date=row["appointment_date"],
            resolved_at=row["resolved_at"],
            returned_at=row["returned_at"],
            reception_due_at=row["reception_due_at"],
            reception_warn_at=row["reception_warn_at"],
            reception_answered_at=row["reception_answered_at"],
        )


def _cutoff(ctx: AppContext) -> time:
    hours, _, minutes = ctx.settings.same_day_cutoff.partition(":")
    return time(int(hours), int(minutes or 0))


@dataclass(frozen=True)
class _Change:
    """One move as history and event record it."""

    row: asyncpg.Record
    move: _Move
    action: Action | str
    actor: ActorInfo
    from_status: Status | None
    note: str | None = None
    reason: str | None = None
    missing: list[str] | None = None
    moved_on_to: Status | None = None
    extra: dict[str, Any] | None = None


async def _apply(
    conn: asyncpg.Connection,
    ctx: AppContext,
    row: asyncpg.Record,
    move: _Move,
    *,
    action: Action | str,
    actor: ActorInfo,
    from_status: Status | None,
    note: str | None = None,
    reason: str | None = None,
    missing: list[str] | None = None,
    moved_on_to: Status | None = None,
    extra: dict[str, Any] | None = None,
    now: datetime,
    audit: AuditEntry | None = None,
) -> None:
    """Store the move, its history row and its event: the three always go together.
    `moved_on_to`: the status the system moves the dossier on to next, in this transaction.
    `audit`: the audit trail's entry for the action, written by the same statement as the move."""
    await conn.execute(
        queries.UPDATE_MOVE if audit is None else AUDITED_UPDATE_MOVE,
        row["id"],
        move.status.value,
        move.code,
        move.lookup_key,
        move.submitted_at,
        move.received_at,
        move.appointment_date,
        move.resolved_at,
        move.returned_at,
        now,
        move.reception_due_at,
        move.reception_warn_at,
        move.reception_answered_at,
        *(audit.params() if audit else ()),
    )
    change = _Change(row, move, action, actor, from_status, note, reason, missing, moved_on_to, extra)
    await _record(conn, ctx, [change], now)


async def _record(conn: asyncpg.Connection, ctx: AppContext, changes: list[_Change], now: datetime) -> None:
    """The history rows and events of moves already stored, in one statement each however many."""
    if not changes:
        return
    columns: list[list[Any]] = [[] for _ in range(9)]
    events: list[Event] = []
    for c in changes:
        data: dict[str, Any] = dict(c.extra or {})
        if c.reason:
            data["reason"] = c.reason
        if c.missing:
            data["missing"] = c.missing
        if c.actor.source:
            data["source"] = c.actor.source
        values = (
            c.row["id"],
            c.from_status.value if c.from_status else None,
            c.move.status.value,
            str(c.action),
            c.actor.user_id,
            c.actor.role.value,
            c.actor.name,
            c.note or c.reason,
            json_text(data),
        )
        for column, value in zip(columns, values, strict=True):
            column.append(value)
        events.append(_event(ctx, c, now))
    await conn.execute(queries.INSERT_HISTORY_MANY, *columns, now)
    await ctx.bus.publish_many(conn, events)


def _event(ctx: AppContext, c: _Change, now: datetime) -> DossierStatusChanged:
    procedure = procedure_of(ctx, c.row["procedure_slug"])
    names = {r.key: r.names for r in procedure.requirements}
    missing = c.missing or []
    return DossierStatusChanged(
        event_id=uuid.uuid4(),
        occurred_at=now,
        dossier_id=c.row["id"],
        code=c.move.code,
        owner_id=c.row["owner_id"],
        agency_code=c.row["agency_code"],
        procedure_slug=procedure.slug,
        procedure_names={"vi": procedure.names.vi, "en": procedure.names.en},
        from_status=c.from_status.value if c.from_status else None,
        to_status=c.move.status.value,
        action=str(c.action),
        actor_role=c.actor.role.value,
        note=c.note,
        reason=c.reason,
        missing=missing,
        missing_names={
            "vi": [names[k].vi for k in missing if k in names],
            "en": [names[k].en for k in missing if k in names],
        },
        appointment_date=c.move.appointment_date,
        fee=c.row["fee"],
        moved_on_to=c.moved_on_to.value if c.moved_on_to else None,
        channel=c.row["channel"],
        contact_phone=c.row["applicant_phone"] if c.row["owner_id"] is None else None,
    )


def _step(status: Status, action: Action, actor: Actor, *, counter: bool = False) -> Status:
    try:
        return next_status(status, action, actor, counter=counter)
    except InvalidTransition as exc:
        raise ConflictError(
            "invalid-transition",
            action=action.value,
            current=status.value,
        ) from exc


async def _system_move(
    conn: asyncpg.Connection, ctx: AppContext, row: asyncpg.Record, move: _Move, action: Action, now: datetime
) -> _Move:
    after = replace(move, status=_step(move.status, action, Actor.SYSTEM))
    await _apply(
        conn,
        ctx,
        row,
        after,
        action=action,
        actor=ActorInfo(role=Actor.SYSTEM, user_id=None),
        from_status=move.status,
        now=now,
    )
    return after


def on_payment_succeeded(ctx: AppContext) -> Callable[[asyncpg.Connection, list[PaymentSucceeded]], Awaitable[None]]:
    """In the settling transaction: the dossiers are paid, and those waiting for payment move on.
    A dossier paid before reception moves on when it is received. Every settlement of one transaction
    (a batch of bank notifications, or one) in the same two statements."""

    moved_to = _step(Status.AWAITING_PAYMENT, Action.SETTLE_PAYMENT, Actor.SYSTEM)
    system = ActorInfo(role=Actor.SYSTEM, user_id=None)

    async def handle(conn: asyncpg.Connection, events: list[PaymentSucceeded]) -> None:
        # the settling transactions hold these dossiers' locks already; sorted all the same, as every
        # statement that locks several dossiers takes them
        paid = sorted({e.dossier_id: e for e in events}.values(), key=lambda e: e.dossier_id)
        # one statement marks them paid and moves them; it returns the rows as they were before
        rows = await conn.fetch(
            queries.MARK_PAID_MANY, [e.dossier_id for e in paid], [e.occurred_at for e in paid], moved_to.value
        )
        changes = [
            _Change(
                row, replace(_Move.of(row), status=moved_to), Action.SETTLE_PAYMENT, system, Status.AWAITING_PAYMENT
            )
            for row in rows
            if Status(row["status"]) is Status.AWAITING_PAYMENT
        ]
        if changes:
            await _record(conn, ctx, changes, paid[0].occurred_at)

    return handle


def _require_papers(procedure: Procedure, present: set[str], locale: str) -> None:
    missing = [r for r in procedure.requirements if r.mandatory and r.key not in present]
    if missing:
        raise DomainError(
            "missing-documents",
            status=422,
            names=", ".join(r.names.pick(locale) for r in missing),
            missing_requirements=[r.key for r in missing],
        )


async def _papers_present(conn: asyncpg.Connection, row: asyncpg.Record) -> set[str]:
    """The requirements a dossier has a paper for: attached files, and at the counter the originals seen."""
    present = {d.requirement for d in await attachments(conn, row["id"])}
    if row["channel"] == "counter":
        present.update((await originals_seen_of(conn, [row["id"]]))[row["id"]])
    return present


async def _submit_step(
    conn: asyncpg.Connection,
    ctx: AppContext,
    row: asyncpg.Record,
    *,
    actor: ActorInfo,
    locale: str,
    moved_on_to: Status | None = None,
    extra: dict[str, Any] | None = None,
    audit_as: Principal | None = None,
) -> None:
    """Draft or sent back -> submitted: every mandatory paper there, numbered once (a resubmission
    keeps code and key), the reception clock started for an online dossier. `audit_as`: the officer
    submitting for the applicant, on the audit trail."""
    status = Status(row["status"])
    move = _Move.of(row)
    move.status = _step(status, Action.SUBMIT, actor.role, counter=row["channel"] == "counter")
    procedure = procedure_of(ctx, row["procedure_slug"])
    _require_papers(procedure, await _papers_present(conn, row), locale)
    now = ctx.clock.now()
    if move.code is None:
        row = await _fix_fee(conn, ctx, row, now)
    await _number(conn, row, move, now)
    move.submitted_at = now
    if row["channel"] == "online":
        _start_reception_clock(ctx, move, now)
    # provisional until an officer receives it: the clock starts at reception
    move.appointment_date = ctx.calendar.appointment_date(now, procedure.processing_days, cutoff=_cutoff(ctx))
    await _apply(
        conn,
        ctx,
        row,
        move,
        action=Action.SUBMIT,
        actor=actor,
        from_status=status,
        moved_on_to=moved_on_to,
        extra=extra,
        now=now,
        audit=_entry(audit_as, row, Action.SUBMIT, status, move, now) if audit_as else None,
    )


def _entry(
    principal: Principal, row: asyncpg.Record, action: Action | str, before: Status, move: _Move, now: datetime
) -> AuditEntry:
    return AuditEntry(
        row["id"], AuditActor.of(principal), str(action), now, {"from": before.value, "to": move.status.value}
    )


def _action_entry(
    principal: Principal | None,
    actor: ActorInfo,
    row: asyncpg.Record,
    action: Action,
    before: Status,
    move: _Move,
    now: datetime,
    detail: dict[str, Any] | None,
) -> AuditEntry:
    """An officer's action as the audit trail keeps it; without a principal, the one-stop system's."""
    if principal is not None:
        entry = _entry(principal, row, action, before, move, now)
    else:
        entry = AuditEntry(
            row["id"],
            AuditActor(actor.external_id, ONE_STOP),
            str(action),
            now,
            {"from": before.value, "to": move.status.value},
        )
    return replace(entry, detail={**(entry.detail or {}), **detail}) if detail else entry


async def submit(
    conn: asyncpg.Connection, ctx: AppContext, principal: Principal, dossier_id: uuid.UUID, locale: str
) -> Receipt:
    async with conn.transaction():
        row = await load(conn, principal, dossier_id, lock=True)
        await _submit_step(conn, ctx, row, actor=ActorInfo.of(principal), locale=locale)
    return await receipt(conn, ctx, principal, dossier_id, locale)


async def resubmit_at_counter(
    conn: asyncpg.Connection,
    ctx: AppContext,
    officer: Principal,
    dossier_id: uuid.UUID,
    body: CounterResubmitIn,
    locale: str,
) -> Dossier:
    """The applicant of a walk-in dossier sent back for papers brings them to the counter: the officer
    resubmits and receives it in one transaction, the same moves (and pushes) as a resubmission
    received by an officer, told as one (the submitted step is not pushed on its own)."""
    async with conn.transaction():
        row = await load(conn, officer, dossier_id, lock=True)
        if row["channel"] != "counter":
            raise DomainError("resubmitted-by-citizen", status=403)
        desk = _counter_note(row, body.counter)
        await _submit_step(
            conn,
            ctx,
            row,
            actor=ActorInfo.of(officer),
            locale=locale,
            moved_on_to=Status.RECEIVED,
            extra=desk,
            audit_as=officer,
        )
        await act(
            conn,
            ctx,
            dossier_id,
            OfficerActionIn(action=Action.RECEIVE.value, note=body.note, counter=body.counter),
            actor=ActorInfo.of(officer),
            principal=officer,
            locale=locale,
        )
    return await get_dossier(conn, ctx, officer, dossier_id, locale, on_record=False)


async def withdraw(
    conn: asyncpg.Connection, ctx: AppContext, principal: Principal, dossier_id: uuid.UUID, locale: str
) -> Dossier:
    async with conn.transaction():
        row = await load(conn, principal, dossier_id, lock=True)
        status = Status(row["status"])
        move = _Move.of(row)
        move.status = _step(status, Action.WITHDRAW, Actor.CITIZEN)
        now = ctx.clock.now()
        await _apply(
            conn,
            ctx,
            row,
            move,
            action=Action.WITHDRAW,
            actor=ActorInfo.of(principal),
            from_status=status,
            now=now,
        )
    return await get_dossier(conn, ctx, principal, dossier_id, locale)


async def _fix_fee(conn: asyncpg.Connection, ctx: AppContext, row: asyncpg.Record, now: datetime) -> asyncpg.Record:
    """A dossier owes the fee of the law in force on the day it is first filed (in Vietnam), whatever the
    catalog says later; fixed in the transaction that numbers it, before anything can be paid."""
    resolved = ctx.catalog.resolved(row["procedure_slug"], now.astimezone(VN_TZ).date())
    procedure = procedure_of(ctx, row["procedure_slug"])
    fee, _ = dossier_fee(procedure, row["form"], resolved, row["channel"])  # its quantities were checked
    if fee == row["fee"]:
        return row
    await conn.execute(queries.SET_FEE, row["id"], fee)
    refreshed = await conn.fetchrow(queries.GET_DOSSIER_FOR_UPDATE, row["id"])
    assert refreshed is not None
    return refreshed


async def _number(conn: asyncpg.Connection, row: asyncpg.Record, move: _Move, now: datetime) -> None:
    """The dossier code and lookup key, given once (a resubmission keeps them)."""
    if move.code is None:
        day = now.astimezone(VN_TZ).date()
        number = await conn.fetchval(queries.NEXT_CODE_NUMBER, row["agency_code"], day)
        move.code = dossier_code(row["agency_code"], day, number)
        move.lookup_key = lookup_key()


def _start_reception_clock(ctx: AppContext, move: _Move, now: datetime) -> None:
    hours = timedelta(hours=ctx.settings.reception_hours)
    warning = min(timedelta(minutes=ctx.settings.reception_warning_minutes), hours)
    move.reception_due_at = ctx.calendar.add_working_time(now, hours)
    move.reception_warn_at = ctx.calendar.add_working_time(now, hours - warning)
    move.reception_answered_at = None


async def _file_at_counter(
    conn: asyncpg.Connection,
    ctx: AppContext,
    row: asyncpg.Record,
    procedure: Procedure,
    move: _Move,
    now: datetime,
    locale: str,
) -> asyncpg.Record:
    """A walk-in dossier being received: every mandatory paper scanned or seen in the original,
    numbered now, and owned by the citizen account of the applicant's phone if there is one."""
    _require_papers(procedure, await _papers_present(conn, row), locale)
    if move.code is None:
        row = await _fix_fee(conn, ctx, row, now)
    await _number(conn, row, move, now)
    move.submitted_at = now
    citizen = await conn.fetchval(queries.CITIZEN_BY_PHONE, row["applicant"]["phone"])
    if citizen is not None:
        await conn.execute(queries.SET_OWNER, row["id"], citizen)
        refreshed = await conn.fetchrow(queries.GET_DOSSIER_FOR_UPDATE, row["id"])
        assert refreshed is not None
        return refreshed
    return row


def _parse_action(body: OfficerActionIn) -> Action:
    try:
        action = Action(body.action)
    except ValueError:
        action = None
    if action is None or action in {
        Action.SUBMIT,
        Action.WITHDRAW,
        Action.REQUEST_PAYMENT,
        Action.SETTLE_PAYMENT,
    }:
        raise ValidationError([("action", "invalid", {})])
    return action


def _requested_papers(procedure: Procedure, body: OfficerActionIn) -> list[str]:
    keys = {r.key for r in procedure.requirements}
    missing = list(dict.fromkeys(body.missing or []))
    if not missing:
        raise ValidationError([("missing", "empty-list", {})])
    unknown = [k for k in missing if k not in keys]
    if unknown:
        raise ValidationError([(f"missing[{missing.index(k)}]", "unknown-requirement", {}) for k in unknown])
    return missing


def _counter_note(row: asyncpg.Record, counter: str | None) -> dict[str, Any]:
    """What the history keeps of a reception besides who: through which channel, at which office and desk."""
    note: dict[str, Any] = {"channel": row["channel"], "office": row["agency_code"]}
    if counter and counter.strip():
        note["counter"] = counter.strip()
    return note


async def act(
    conn: asyncpg.Connection,
    ctx: AppContext,
    row_id: uuid.UUID,
    body: OfficerActionIn,
    *,
    actor: ActorInfo,
    principal: Principal | None,
    locale: str = "vi",
    audit_detail: dict[str, Any] | None = None,
) -> None:
    """An officer's (or the one-stop system's) action, in the caller's transaction if any, on the audit
    trail with `audit_detail` (e.g. the one-stop event's id) beside the move."""
    action = _parse_action(body)
    async with conn.transaction():
        row = await conn.fetchrow(queries.GET_DOSSIER_FOR_UPDATE, row_id)
        if principal is not None:
            row = visible_to(row, principal)
        elif row is None:
            raise NotFoundError("dossier-not-found")
        status = Status(row["status"])
        procedure = procedure_of(ctx, row["procedure_slug"])
        move = _Move.of(row)
        counter = row["channel"] == "counter"
        move.status = _step(status, action, Actor.OFFICER, counter=counter)
        now = ctx.clock.now()
        missing: list[str] | None = None
        reason: str | None = None
        extra: dict[str, Any] | None = None
        if status is Status.DRAFT:  # only a counter dossier gets here (next_status)
            row = await _file_at_counter(conn, ctx, row, procedure, move, now, locale)
        if status is Status.SUBMITTED and action in RECEPTION_ANSWERS and move.reception_answered_at is None:
            move.reception_answered_at = now
        if action is Action.RECEIVE:
            extra = _counter_note(row, body.counter)
        match action:
            case Action.REQUEST_SUPPLEMENT:
                missing = _requested_papers(procedure, body)
            case Action.REJECT:
                reason = (body.reason or "").strip() or None
                if reason is None:
                    raise ValidationError([("reason", "required", {})])
                move.resolved_at = now
            case Action.RECEIVE:
                move.received_at = now
                move.appointment_date = ctx.calendar.appointment_date(
                    now, procedure.processing_days, cutoff=_cutoff(ctx)
                )
            case Action.APPROVE:
                if procedure.result is ResultKind.ELECTRONIC and row["result_document"] is None:
                    raise DomainError("result-required", status=422)
                move.resolved_at = now
            case Action.RETURN:
                move.returned_at = now
            case _:
                pass
        follow_up = after_receive(row["fee"], row["paid_at"] is not None) if action is Action.RECEIVE else None
        await _apply(
            conn,
            ctx,
            row,
            move,
            action=action,
            actor=actor,
            from_status=status,
            note=body.note,
            reason=reason,
            missing=missing,
            moved_on_to=_step(move.status, follow_up, Actor.SYSTEM) if follow_up else None,
            extra=extra,
            now=now,
            audit=_action_entry(principal, actor, row, action, status, move, now, audit_detail),
        )
        if follow_up is not None:
            await _system_move(conn, ctx, row, move, follow_up, now)
