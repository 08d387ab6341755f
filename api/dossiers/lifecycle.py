"""Moving dossiers through the state machine. Every move is one transaction, in four steps: lock the
dossier's row, decide the move (decide.py, pure), write it (status, code, clocks), then publish it (its
history rows and outbox events, in the same transaction)."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, time

import asyncpg
from msgspec.structs import asdict, replace

from api.catalog.models import Procedure
from api.catalog.service import Catalog
from api.dossiers import queries
from api.dossiers.access import load, lock_any
from api.dossiers.codes import dossier_code, lookup_key
from api.dossiers.decide import Facts, Move, Said, Step, Timing, decide
from api.dossiers.fees import dossier_fee
from api.dossiers.models import Action, Actor, CounterResubmitIn, OfficerActionIn, next_status
from api.dossiers.reads import Showing, attachments, get_dossier, originals_seen_of, procedure_of
from api.dossiers.receipts import receipt
from api.dossiers.rows import DossierRow, MoveRow
from api.dossiers.signed_results import ResultSigner, sign_on_approval
from api.dossiers.views import Dossier, Receipt
from api.dossiers.workdays import WorkCalendar
from core.audit import ONE_STOP, AuditActor, AuditEntry, audited
from core.auth import Principal, Role
from core.clock import VN_TZ, Clock
from core.db import fetch_all_as, json_text
from core.dossier_status import DossierStatus
from core.errors import DomainError, ValidationError
from core.events import DossierStatusChanged, EventBus, PaymentSucceeded
from core.settings import Settings

AUDITED_UPDATE_MOVE = audited(queries.UPDATE_MOVE, 13)


@dataclass(frozen=True)
class ActorInfo:
    """Who moves a dossier, as its history and audit trail tell it. Citizens' moves are not on the audit
    trail; officers' are, and so are the one-stop system's (`principal` None, `external_id` its id of its
    officer, `on_record` what its trail entry keeps besides the move, e.g. the one-stop event's id)."""

    role: Actor
    user_id: uuid.UUID | None
    name: str | None = None
    source: str | None = None
    external_id: str | None = None
    principal: Principal | None = None
    on_record: Mapping[str, object] = field(default_factory=dict)

    @classmethod
    def of(cls, principal: Principal) -> ActorInfo:
        role = Actor.CITIZEN if principal.role is Role.CITIZEN else Actor.OFFICER
        return cls(role=role, user_id=principal.user_id, principal=principal)


SYSTEM = ActorInfo(role=Actor.SYSTEM, user_id=None)


def timing_of(settings: Settings, calendar: WorkCalendar) -> Timing:
    hours, _, minutes = settings.same_day_cutoff.partition(":")
    return Timing(
        calendar=calendar,
        reception_hours=settings.reception_hours,
        reception_warning_minutes=settings.reception_warning_minutes,
        same_day_cutoff=time(int(hours), int(minutes or 0)),
    )


@dataclass(frozen=True)
class Moving:
    """What moving a dossier uses besides its row: the clock, the catalog (its procedure's papers and
    fees), the office's clocks, the bus its events go on, and the signer of a result approved."""

    clock: Clock
    catalog: Catalog
    timing: Timing
    bus: EventBus
    signer: ResultSigner


# ---- the use cases ---------------------------------------------------------------------------


async def submit(
    conn: asyncpg.Connection, moving: Moving, showing: Showing, principal: Principal, dossier_id: uuid.UUID, locale: str
) -> Receipt:
    await _by_applicant(conn, moving, principal, dossier_id, Action.SUBMIT, locale)
    return await receipt(conn, showing, principal, dossier_id, locale)


async def withdraw(
    conn: asyncpg.Connection, moving: Moving, showing: Showing, principal: Principal, dossier_id: uuid.UUID, locale: str
) -> Dossier:
    await _by_applicant(conn, moving, principal, dossier_id, Action.WITHDRAW, locale)
    return await get_dossier(conn, showing, principal, dossier_id, locale)


async def _by_applicant(
    conn: asyncpg.Connection, moving: Moving, principal: Principal, dossier_id: uuid.UUID, action: Action, locale: str
) -> None:
    async with conn.transaction():
        row = await load(conn, principal, dossier_id, lock=True)
        await _move(conn, moving, row, action, ActorInfo.of(principal), Said(locale=locale))


async def resubmit_at_counter(
    conn: asyncpg.Connection,
    moving: Moving,
    showing: Showing,
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
        if not row.at_counter:
            raise DomainError("resubmitted-by-citizen", status=403)
        who = ActorInfo.of(officer)
        said = Said(locale=locale, desk=body.counter, resubmitted_at_counter=True)
        await _move(conn, moving, row, Action.SUBMIT, who, said)
        receive = OfficerActionIn(action=Action.RECEIVE.value, note=body.note, counter=body.counter)
        await act(conn, moving, dossier_id, receive, actor=who, principal=officer, locale=locale)
    return await get_dossier(conn, showing, officer, dossier_id, locale, on_record=False)


async def act(
    conn: asyncpg.Connection,
    moving: Moving,
    row_id: uuid.UUID,
    body: OfficerActionIn,
    *,
    actor: ActorInfo,
    principal: Principal | None,
    locale: str = "vi",
) -> None:
    """An officer's (or the one-stop system's, `principal` None) action, in the caller's transaction if any."""
    action = _parse_action(body)
    async with conn.transaction():
        row = await (lock_any(conn, row_id) if principal is None else load(conn, principal, row_id, lock=True))
        said = Said(locale=locale, note=body.note, reason=body.reason, missing=body.missing, desk=body.counter)
        await _move(conn, moving, row, action, actor, said)


def _parse_action(body: OfficerActionIn) -> Action:
    try:
        action = Action(body.action)
    except ValueError:
        action = None
    if action is None or action in {Action.SUBMIT, Action.WITHDRAW, Action.REQUEST_PAYMENT, Action.SETTLE_PAYMENT}:
        raise ValidationError([("action", "invalid", {})])
    return action


def on_payment_succeeded(
    moving_now: Callable[[], Moving],
) -> Callable[[asyncpg.Connection, list[PaymentSucceeded]], Awaitable[None]]:
    """In the settling transaction: the dossiers are paid, and those waiting for payment move on.
    A dossier paid before reception moves on when it is received. Every settlement of one transaction
    (a batch of bank notifications, or one) in the same two statements. `moving_now` is asked at each
    settlement: the catalog may have been reloaded since the handler was subscribed."""

    moved_to = next_status(DossierStatus.AWAITING_PAYMENT, Action.SETTLE_PAYMENT, Actor.SYSTEM)

    async def handle(conn: asyncpg.Connection, events: list[PaymentSucceeded]) -> None:
        # the settling transactions hold these dossiers' locks already; sorted all the same, as every
        # statement that locks several dossiers takes them
        paid = sorted({e.dossier_id: e for e in events}.values(), key=lambda e: e.dossier_id)
        now = paid[0].occurred_at
        # one statement marks them paid and moves them; it returns the rows as they were before
        rows = await fetch_all_as(
            MoveRow,
            conn,
            queries.MARK_PAID_MANY,
            [e.dossier_id for e in paid],
            [e.occurred_at for e in paid],
            moved_to.value,
        )
        moving = moving_now()
        changes: list[tuple[MoveRow, Step, ActorInfo]] = []
        for row in rows:
            if row.status is DossierStatus.AWAITING_PAYMENT:
                facts = Facts(procedure=procedure_of(moving.catalog, row.procedure_slug), timing=moving.timing)
                move = decide(row, Action.SETTLE_PAYMENT, Actor.SYSTEM, facts, now)
                changes += [(replace(row, status=move.status), step, SYSTEM) for step in move.steps]
        if changes:
            await _publish(conn, moving, changes, now)

    return handle


# ---- lock -> decide -> write -> publish ------------------------------------------------------


async def _move(
    conn: asyncpg.Connection, moving: Moving, row: DossierRow, action: Action, who: ActorInfo, said: Said
) -> None:
    """One move of a dossier the caller has locked: decided, written, published."""
    now = moving.clock.now()
    move = decide(row, action, who.role, await _facts(conn, moving, row, action, who, said, now), now)
    if action is Action.APPROVE:
        await sign_on_approval(conn, moving.signer, row, now)  # no unsigned result reaches a citizen
    written = await _write(conn, row, move, _audit(who, row.id, move.steps[0], now), now)
    await _publish(
        conn, moving, [(written, step, SYSTEM if step.actor is Actor.SYSTEM else who) for step in move.steps], now
    )


async def _facts(
    conn: asyncpg.Connection,
    moving: Moving,
    row: DossierRow,
    action: Action,
    who: ActorInfo,
    said: Said,
    now: datetime,
) -> Facts:
    """What deciding needs besides the row: a dossier being filed (submitted, or a walk-in draft
    received) needs its papers and, never numbered yet, the fee of the law in force today for the
    account filing it (a fee may be waived for a verified identity)."""
    procedure = procedure_of(moving.catalog, row.procedure_slug)
    filing = action is Action.SUBMIT or (action is Action.RECEIVE and row.status is DossierStatus.DRAFT)
    level = who.principal.filing_level(at_counter=row.at_counter) if who.principal is not None else 0
    return Facts(
        procedure=procedure,
        timing=moving.timing,
        said=said,
        papers=await _papers_present(conn, row) if filing else frozenset(),
        fee_due=_fee_due(moving.catalog, procedure, row, now, level) if filing and row.code is None else None,
        identity_level=level,
    )


async def _papers_present(conn: asyncpg.Connection, row: DossierRow) -> frozenset[str]:
    """The requirements a dossier has a paper for: attached files, and at the counter the originals seen."""
    present = {d.requirement for d in await attachments(conn, row.id)}
    if row.at_counter:
        present.update((await originals_seen_of(conn, [row.id]))[row.id])
    return frozenset(present)


def _fee_due(catalog: Catalog, procedure: Procedure, row: DossierRow, now: datetime, identity_level: int) -> int:
    """The fee of the law in force today (in Vietnam) for what the dossier's form asks."""
    resolved = catalog.resolved(row.procedure_slug, now.astimezone(VN_TZ).date())
    fee, _ = dossier_fee(procedure, row.form, resolved, row.channel, identity_level)  # its quantities were checked
    return fee


def _audit(who: ActorInfo, dossier_id: uuid.UUID, step: Step, now: datetime) -> AuditEntry | None:
    """An officer's move as the audit trail keeps it, written by the same statement as the move; without
    a principal, the one-stop system's."""
    if who.role is not Actor.OFFICER:
        return None
    actor = AuditActor.of(who.principal) if who.principal is not None else AuditActor(who.external_id, ONE_STOP)
    detail = {"from": step.from_status.value, "to": step.to_status.value, **who.on_record}
    return AuditEntry(dossier_id, actor, step.action.value, now, detail)


async def _write(
    conn: asyncpg.Connection, row: DossierRow, move: Move, audit: AuditEntry | None, now: datetime
) -> MoveRow:
    """Store the move: its fee fixed, its code given, its walk-in applicant's account made its owner, then
    status and clocks (with the audit trail's entry, if any, in the same statement). Returns the row as
    the move left it."""
    fee, code, key, owner = row.fee, row.code, row.lookup_key, row.owner_id
    if move.fee is not None:
        await conn.execute(queries.SET_FEE, row.id, move.fee)
        fee = move.fee
    if move.number:
        day = now.astimezone(VN_TZ).date()
        code = dossier_code(row.agency_code, day, await conn.fetchval(queries.NEXT_CODE_NUMBER, row.agency_code, day))
        key = lookup_key()
    if move.claim_owner:
        citizen: uuid.UUID | None = await conn.fetchval(queries.CITIZEN_BY_PHONE, row.applicant_phone)
        if citizen is not None:
            await conn.execute(queries.SET_OWNER, row.id, citizen)
            owner = citizen if owner is None else owner
    c = move.clocks
    await conn.execute(
        queries.UPDATE_MOVE if audit is None else AUDITED_UPDATE_MOVE,
        row.id,
        move.status.value,
        code,
        key,
        c.submitted_at,
        c.received_at,
        c.appointment_date,
        c.resolved_at,
        c.returned_at,
        now,
        c.reception_due_at,
        c.reception_warn_at,
        c.reception_answered_at,
        *(audit.params() if audit else ()),
    )
    return replace(row, status=move.status, fee=fee, code=code, lookup_key=key, owner_id=owner, **asdict(c))


async def _publish(
    conn: asyncpg.Connection, moving: Moving, changes: list[tuple[MoveRow, Step, ActorInfo]], now: datetime
) -> None:
    """The history rows and events of moves already written, in one statement each however many."""
    columns: list[list[object]] = [[] for _ in range(9)]
    for row, step, who in changes:
        data: dict[str, object] = dict(step.data)
        if step.reason:
            data["reason"] = step.reason
        if step.missing:
            data["missing"] = step.missing
        if who.source:
            data["source"] = who.source
        values = (
            row.id,
            step.from_status.value,
            step.to_status.value,
            step.action.value,
            who.user_id,
            who.role.value,
            who.name,
            step.note or step.reason,
            json_text(data),
        )
        for column, value in zip(columns, values, strict=True):
            column.append(value)
    await conn.execute(queries.INSERT_HISTORY_MANY, *columns, now)
    await moving.bus.publish_many(conn, [_event(moving.catalog, row, step, who, now) for row, step, who in changes])


def _event(catalog: Catalog, row: MoveRow, step: Step, who: ActorInfo, now: datetime) -> DossierStatusChanged:
    procedure = procedure_of(catalog, row.procedure_slug)
    names = {r.key: r.names for r in procedure.requirements}
    return DossierStatusChanged(
        event_id=uuid.uuid4(),
        occurred_at=now,
        dossier_id=row.id,
        code=row.code,
        owner_id=row.owner_id,
        agency_code=row.agency_code,
        procedure_slug=procedure.slug,
        procedure_names={"vi": procedure.names.vi, "en": procedure.names.en},
        from_status=step.from_status.value,
        to_status=step.to_status.value,
        action=step.action.value,
        actor_role=who.role.value,
        note=step.note,
        reason=step.reason,
        missing=step.missing,
        missing_names={
            "vi": [names[k].vi for k in step.missing if k in names],
            "en": [names[k].en for k in step.missing if k in names],
        },
        appointment_date=row.appointment_date,
        fee=row.fee,
        moved_on_to=step.moved_on_to.value if step.moved_on_to else None,
        channel=row.channel,
        contact_phone=row.applicant_phone if row.owner_id is None else None,
    )
