"""Creating and editing dossiers (drafts and dossiers sent back), and routing them to an office."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import asyncpg
import msgspec

from api.agencies.service import OfficeDirectory
from api.catalog.models import Procedure
from api.dossiers import queries
from api.dossiers.access import load
from api.dossiers.applicants import StoredApplicant, as_json, check_delivery, clean_applicant
from api.dossiers.fees import dossier_fee
from api.dossiers.models import (
    EDITABLE,
    Actor,
    ApplicantIn,
    CounterDossierCreate,
    Delivery,
    DossierCreate,
    DossierUpdate,
    FieldErrors,
    validate_form,
)
from api.dossiers.reads import Showing, get_dossier, procedure_of, view
from api.dossiers.rows import DossierRow
from api.dossiers.sealed import SealedIdentity, seal_form, seal_identity
from api.dossiers.verified_applicant import as_verified
from api.dossiers.views import Dossier
from core.audit import AuditActor, AuditEntry, audited
from core.auth import Principal
from core.clock import today_in_vn
from core.db import row_as, transaction
from core.dossier_status import DossierStatus
from core.errors import ConflictError, ForbiddenError, ValidationError
from core.sealing import DataKeys

AUDITED_INSERT_DOSSIER = audited(queries.INSERT_DOSSIER, 17)


@dataclass(frozen=True)
class Filing:
    """What filing and editing a dossier uses: what showing it reads (the catalog, the offices that route
    it, the clock), the keys that seal identity numbers, and the pool a lost COMMIT is looked up on."""

    showing: Showing
    keys: DataKeys
    pool: asyncpg.Pool


def _route(
    offices: OfficeDirectory, procedure: Procedure, stored: StoredApplicant, requested: str | None
) -> tuple[str, bool, FieldErrors]:
    """The office that handles the dossier: the one asked for, else the one the address points to."""
    if requested is not None:
        office = offices.get(requested)
        if office is None or office.kind != procedure.agency:
            return "", False, [("agency", "invalid", {})]
        return office.code, False, []
    office, flagged = offices.route(procedure.agency, stored.address.ward_code)
    if office is None:
        return "", False, [("procedure", "invalid", {})]
    return office.code, flagged or stored.address.status != "resolved", []


def _counter_office(
    offices: OfficeDirectory, officer: Principal, procedure: Procedure, requested: str | None
) -> str | None:
    """A walk-in dossier goes to the office asked for, else to the officer's only office of the
    procedure's kind; None lets the address decide (and the officer must serve where it points)."""
    if requested is not None:
        return requested
    mine = [c for c in officer.agencies if (o := offices.get(c)) is not None and o.kind == procedure.agency]
    return mine[0] if len(mine) == 1 else None


@dataclass(frozen=True)
class _Checked:
    """A new dossier as checked: its applicant, form, fee and office."""

    procedure: Procedure
    applicant: StoredApplicant
    identity_number: str
    form: dict[str, object]
    fee: int
    agency_code: str
    flagged: bool  # the office was guessed from an address that did not fully resolve


def _check_new(showing: Showing, principal: Principal, body: DossierCreate, counter: bool) -> _Checked:
    """Every field error of a new dossier at once, or the dossier checked; a walk-in dossier must go to
    an office of the officer filing it."""
    catalog, offices, today_here = showing.catalog, showing.offices, today_in_vn(showing.clock)
    procedure = catalog.get(body.procedure)
    if procedure is None:
        raise ValidationError([("procedure", "invalid", {})])
    level = principal.filing_level(at_counter=counter)
    if not counter and not procedure.admits(level):
        raise ForbiddenError("identity-level-required", level=procedure.requires_identity_level)
    requested = _counter_office(offices, principal, procedure, body.agency) if counter else body.agency
    stored, identity, errors = clean_applicant(body.applicant, today=today_here, read_address=offices.read_address)
    form, form_errors = validate_form(procedure.form_fields, body.form)
    today = catalog.resolved(procedure.slug, today_here)
    fee, fee_errors = dossier_fee(procedure, form, today, "counter" if counter else "online", level)
    errors += form_errors + fee_errors + check_delivery(body.delivery)
    agency_code, flagged = "", False
    if stored is not None:
        agency_code, flagged, route_errors = _route(offices, procedure, stored, requested)
        errors += route_errors
    if errors or stored is None:
        raise ValidationError(errors)
    if counter and not principal.serves(agency_code):
        raise ForbiddenError()
    return _Checked(procedure, stored, identity, form, fee, agency_code, flagged)


async def create_dossier(
    conn: asyncpg.Connection, filing: Filing, principal: Principal, body: DossierCreate, locale: str
) -> Dossier:
    counter = isinstance(body, CounterDossierCreate)
    if not counter:
        body = msgspec.structs.replace(body, applicant=await as_verified(conn, filing.keys, principal, body.applicant))
    new = _check_new(filing.showing, principal, body, counter)
    dossier_id = uuid.uuid4()
    now = filing.showing.clock.now()
    sealed = seal_identity(filing.keys, dossier_id, new.identity_number)
    form, form_sealed = seal_form(filing.keys, dossier_id, new.form)
    # a walk-in dossier filed by an officer is on the audit trail from its first statement
    audit = (
        AuditEntry(dossier_id, AuditActor.of(principal), "file_at_counter", now, {"office": new.agency_code})
        if counter
        else None
    )
    # The citizen must learn whether the dossier exists: a lost answer to the COMMIT is looked up
    # (a 503 for a dossier that was filed makes the retry file a second one), and the answer is read
    # before the COMMIT, so nothing after it can fail.
    async with transaction(conn, filing.pool) as written:
        inserted = await conn.fetchrow(
            queries.INSERT_DOSSIER if audit is None else AUDITED_INSERT_DOSSIER,
            dossier_id,
            new.procedure.slug,
            new.agency_code,
            None if counter else principal.user_id,  # a counter dossier is the office's until received
            "counter" if counter else "online",
            as_json(new.applicant),
            sealed.sealed,
            sealed.hash,
            form,
            form_sealed,
            msgspec.to_builtins(body.delivery),
            new.fee,  # as filed today; fixed when the dossier is numbered (decide._fixed_fee)
            new.flagged,
            now,
            principal.user_id,  # its history's first line: who created it, as whom, where
            (Actor.OFFICER if counter else Actor.CITIZEN).value,
            {"channel": "counter", "office": new.agency_code} if counter else {},
            *(audit.params() if audit else ()),
        )
        assert inserted is not None  # an INSERT … RETURNING returns its row
        written.xid, written.proof = inserted["xid"], (queries.DOSSIER_EXISTS, (dossier_id,))
        row = row_as(DossierRow, inserted)
        return await view(conn, filing.showing, row, locale, papers=([], []))  # a new draft has no paper yet


@dataclass(frozen=True)
class _Applicant:
    """A dossier's applicant as an edit leaves it: as stored, its identity number sealed (None: kept as
    it was), and the office it routes to."""

    stored: dict[str, object]
    identity: SealedIdentity | None
    agency_code: str
    flagged: bool


async def _edited_applicant(
    conn: asyncpg.Connection,
    filing: Filing,
    principal: Principal,
    row: DossierRow,
    procedure: Procedure,
    given: ApplicantIn | None,
) -> tuple[_Applicant, FieldErrors]:
    """The applicant an edit gives, checked (verified for an online dossier), or the dossier's as it was."""
    kept = _Applicant(row.applicant, None, row.agency_code, row.address_flagged)
    if given is None:
        return kept, []
    offices = filing.showing.offices
    applicant = given if row.at_counter else await as_verified(conn, filing.keys, principal, given)
    stored, number, errors = clean_applicant(
        applicant, today=today_in_vn(filing.showing.clock), read_address=offices.read_address
    )
    if stored is None:
        return kept, errors
    agency_code, flagged = row.agency_code, row.address_flagged
    if row.code is None:  # once numbered, the dossier stays with its office
        agency_code, flagged, route_errors = _route(offices, procedure, stored, None)
        errors += route_errors
    return _Applicant(as_json(stored), seal_identity(filing.keys, row.id, number), agency_code, flagged), errors


async def update_dossier(
    conn: asyncpg.Connection,
    filing: Filing,
    principal: Principal,
    dossier_id: uuid.UUID,
    body: DossierUpdate,
    locale: str,
) -> Dossier:
    catalog, clock = filing.showing.catalog, filing.showing.clock
    async with conn.transaction():
        row = await load(conn, principal, dossier_id, lock=True)
        if row.status not in EDITABLE:
            raise ConflictError("not-editable")
        procedure = procedure_of(catalog, row.procedure_slug)
        applicant, errors = await _edited_applicant(conn, filing, principal, row, procedure, body.applicant)
        form: dict[str, object] = row.form
        fee: int = row.fee
        form_sealed: dict[str, str] | None = None
        if body.form is not None:
            form, form_errors = validate_form(procedure.form_fields, body.form)
            errors += form_errors
            if row.status is DossierStatus.DRAFT:  # the fee is fixed once submitted
                today = catalog.resolved(procedure.slug, today_in_vn(clock))
                level = principal.filing_level(at_counter=row.at_counter)
                fee, fee_errors = dossier_fee(procedure, form, today, row.channel, level)
                errors += fee_errors
        delivery = body.delivery if body.delivery is not None else msgspec.convert(row.delivery, Delivery)
        errors += check_delivery(delivery)
        if errors:
            raise ValidationError(errors)
        if body.form is not None:
            kept = await conn.fetchval(queries.FORM_SEALED, dossier_id)
            form, form_sealed = seal_form(filing.keys, dossier_id, form, kept_form=row.form, kept_sealed=kept)
        identity = applicant.identity
        await conn.execute(
            queries.UPDATE_CONTENT,
            dossier_id,
            applicant.stored,
            identity.sealed if identity else None,
            identity.hash if identity else None,
            form,
            form_sealed,
            msgspec.to_builtins(delivery),
            applicant.agency_code,
            applicant.flagged,
            clock.now(),
            fee,
        )
    return await get_dossier(conn, filing.showing, principal, dossier_id, locale, on_record=False)
