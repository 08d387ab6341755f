"""decide(): every dossier move, online and at the counter, stays on its channel's diagram and refuses
what the state machine refuses, with the errors the API answers."""

import itertools
import uuid
from datetime import UTC, datetime, time

import pytest
from msgspec.structs import replace

from api.catalog.service import load_catalog_data
from api.dossiers.decide import Facts, Said, Timing, decide
from api.dossiers.models import Action, Actor, InvalidTransition, next_status, transitions
from api.dossiers.rows import MoveRow
from api.dossiers.workdays import WorkCalendar, load_default_overrides
from core.dossier_status import DossierStatus
from core.errors import ConflictError, DomainError, ValidationError

PROCEDURE = next(p for p in load_catalog_data().procedures if p.slug == "birth-registration")
MANDATORY = frozenset(r.key for r in PROCEDURE.requirements if r.mandatory)
TIMING = Timing(
    calendar=WorkCalendar(load_default_overrides()),
    reception_hours=8,
    reception_warning_minutes=60,
    same_day_cutoff=time(15, 0),
)
NOW = datetime(2026, 12, 2, 2, 0, tzinfo=UTC)  # a Wednesday, 09:00 in Vietnam
SAID = Said(note="ok", reason="sai thông tin", missing=[next(iter(MANDATORY))], desk="Quầy 3")
FACTS = Facts(procedure=PROCEDURE, timing=TIMING, said=SAID, papers=MANDATORY)


def state(status: DossierStatus, *, counter: bool = False, fee: int = 0, **changes: object) -> MoveRow:
    row = MoveRow(
        id=uuid.uuid4(),
        code=None if status is DossierStatus.DRAFT else "000.00.00.H00-261202-0001",
        lookup_key=None if status is DossierStatus.DRAFT else "ABCD2345",
        status=status,
        procedure_slug=PROCEDURE.slug,
        agency_code="00.00.H00",
        owner_id=None if counter else uuid.uuid4(),
        channel="counter" if counter else "online",
        fee=fee,
        paid_at=None,
        result_document=uuid.uuid4(),
        submitted_at=None,
        received_at=None,
        appointment_date=None,
        resolved_at=None,
        returned_at=None,
        reception_due_at=None,
        reception_warn_at=None,
        reception_answered_at=None,
        applicant_phone="0912345678",
    )
    return replace(row, **changes)


CASES = list(itertools.product(DossierStatus, Action, Actor, (False, True)))


@pytest.mark.parametrize(("status", "action", "actor", "counter"), CASES)
def test_every_move_is_an_edge_of_its_channel_s_diagram_and_every_refusal_is_today_s(
    status: DossierStatus, action: Action, actor: Actor, counter: bool
) -> None:
    row = state(status, counter=counter, fee=50_000)
    try:
        expected = next_status(status, action, actor, counter=counter)
    except InvalidTransition:
        with pytest.raises(ConflictError) as refused:
            decide(row, action, actor, FACTS, NOW)
        assert refused.value.code == "invalid-transition"
        assert refused.value.params == {"action": action.value, "current": status.value}
        return
    move = decide(row, action, actor, FACTS, NOW)
    diagram = transitions(counter=counter)
    assert move.steps[0].from_status is status
    assert move.steps[0].to_status is expected
    assert move.steps[0].actor is actor
    for before, after in itertools.pairwise(move.steps):
        assert after.from_status is before.to_status
        assert after.actor is Actor.SYSTEM
        assert before.moved_on_to is after.to_status
    for step in move.steps:
        assert step.to_status in diagram[step.from_status]
    assert move.status is move.steps[-1].to_status


def test_the_counter_edge_is_in_the_counter_diagram_only() -> None:
    assert DossierStatus.RECEIVED in transitions(counter=True)[DossierStatus.DRAFT]
    assert DossierStatus.RECEIVED not in transitions(counter=False)[DossierStatus.DRAFT]


def test_a_submission_needs_every_mandatory_paper() -> None:
    facts = replace(FACTS, papers=frozenset())
    with pytest.raises(DomainError) as refused:
        decide(state(DossierStatus.DRAFT), Action.SUBMIT, Actor.CITIZEN, facts, NOW)
    assert refused.value.code == "missing-documents"
    assert set(refused.value.params["missing_requirements"]) == MANDATORY


def test_an_online_submission_is_numbered_its_fee_fixed_and_its_reception_clock_started() -> None:
    move = decide(state(DossierStatus.DRAFT), Action.SUBMIT, Actor.CITIZEN, replace(FACTS, fee_due=20_000), NOW)
    assert move.status is DossierStatus.SUBMITTED
    assert move.number and move.fee == 20_000 and not move.claim_owner
    assert move.clocks.submitted_at == NOW
    assert move.clocks.reception_due_at is not None and move.clocks.reception_warn_at is not None
    assert move.clocks.reception_warn_at <= move.clocks.reception_due_at
    assert move.clocks.appointment_date is not None


def test_a_resubmission_keeps_its_code_and_fee() -> None:
    row = state(DossierStatus.SUPPLEMENT_REQUESTED)
    move = decide(row, Action.SUBMIT, Actor.CITIZEN, replace(FACTS, fee_due=20_000), NOW)
    assert not move.number and move.fee is None


def test_a_counter_draft_is_filed_and_received_in_one_step_then_waits_for_its_fee() -> None:
    row = state(DossierStatus.DRAFT, counter=True)
    move = decide(row, Action.RECEIVE, Actor.OFFICER, replace(FACTS, fee_due=15_000), NOW)
    assert move.number and move.claim_owner and move.fee == 15_000
    assert [(s.action, s.to_status) for s in move.steps] == [
        (Action.RECEIVE, DossierStatus.RECEIVED),
        (Action.REQUEST_PAYMENT, DossierStatus.AWAITING_PAYMENT),
    ]
    assert move.status is DossierStatus.AWAITING_PAYMENT
    assert move.steps[0].data == {"channel": "counter", "office": "00.00.H00", "counter": "Quầy 3"}
    assert move.clocks.submitted_at == NOW == move.clocks.received_at
    assert move.clocks.reception_due_at is None  # a walk-in dossier never waits for reception


def test_a_dossier_paid_before_reception_goes_straight_to_processing() -> None:
    row = state(DossierStatus.SUBMITTED, fee=15_000, paid_at=NOW)
    move = decide(row, Action.RECEIVE, Actor.OFFICER, FACTS, NOW)
    assert move.status is DossierStatus.PROCESSING
    assert move.steps[1].action is Action.SETTLE_PAYMENT
    assert move.clocks.reception_answered_at == NOW


def test_a_rejection_needs_a_reason_and_a_request_for_papers_names_known_ones() -> None:
    row = state(DossierStatus.SUBMITTED)
    with pytest.raises(ValidationError):
        decide(row, Action.REJECT, Actor.OFFICER, replace(FACTS, said=Said(reason="  ")), NOW)
    with pytest.raises(ValidationError):
        decide(row, Action.REQUEST_SUPPLEMENT, Actor.OFFICER, replace(FACTS, said=Said(missing=[])), NOW)
    with pytest.raises(ValidationError):
        decide(row, Action.REQUEST_SUPPLEMENT, Actor.OFFICER, replace(FACTS, said=Said(missing=["nope"])), NOW)
    rejected = decide(row, Action.REJECT, Actor.OFFICER, FACTS, NOW)
    assert rejected.steps[0].reason == "sai thông tin" and rejected.clocks.resolved_at == NOW


def test_an_electronic_result_is_attached_before_approval() -> None:
    with pytest.raises(DomainError) as refused:
        decide(state(DossierStatus.PROCESSING, result_document=None), Action.APPROVE, Actor.OFFICER, FACTS, NOW)
    assert refused.value.code == "result-required"


def test_a_procedure_for_level_2_accounts_refuses_a_lower_one_online_but_not_at_the_counter() -> None:
    facts = replace(FACTS, procedure=replace(PROCEDURE, requires_identity_level=2))
    for level in (0, 1):
        with pytest.raises(DomainError) as refused:
            decide(state(DossierStatus.DRAFT), Action.SUBMIT, Actor.CITIZEN, replace(facts, identity_level=level), NOW)
        assert (refused.value.code, refused.value.status, refused.value.params) == (
            "identity-level-required",
            403,
            {"level": 2},
        )
    verified = decide(state(DossierStatus.DRAFT), Action.SUBMIT, Actor.CITIZEN, replace(facts, identity_level=2), NOW)
    assert verified.status is DossierStatus.SUBMITTED
    walk_in = decide(state(DossierStatus.DRAFT, counter=True), Action.RECEIVE, Actor.OFFICER, facts, NOW)
    assert walk_in.status is not DossierStatus.DRAFT  # the officer sees the papers at the counter
