from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from api.dossiers.models import (
    ACTIONS,
    TRANSITIONS,
    Action,
    Actor,
    InvalidTransition,
    after_receive,
    missed_deadline,
    next_status,
)
from core.dossier_status import DossierStatus

DIAGRAM = {
    ("draft", "submitted"),
    ("draft", "withdrawn"),
    ("submitted", "received"),
    ("submitted", "supplement_requested"),
    ("submitted", "rejected"),
    ("submitted", "withdrawn"),
    ("supplement_requested", "submitted"),
    ("received", "awaiting_payment"),
    ("received", "processing"),
    ("awaiting_payment", "processing"),
    ("processing", "supplement_requested"),
    ("processing", "result_ready"),
    ("processing", "rejected"),
    ("result_ready", "returned"),
}


def test_transitions_are_exactly_the_design_diagram() -> None:
    edges = {(a.value, b.value) for a, targets in TRANSITIONS.items() for b in targets}
    assert edges == DIAGRAM


def test_every_action_edge_is_in_the_diagram() -> None:
    for sources, target, _ in ACTIONS.values():
        for source in sources:
            assert (source.value, target.value) in DIAGRAM


@given(st.lists(st.tuples(st.sampled_from(list(Action)), st.sampled_from(list(Actor))), max_size=40))
def test_no_sequence_of_actions_leaves_the_diagram(steps: list[tuple[Action, Actor]]) -> None:
    status = DossierStatus.DRAFT
    for action, actor in steps:
        try:
            new = next_status(status, action, actor)
        except InvalidTransition:
            continue
        assert (status.value, new.value) in DIAGRAM
        status = new


@given(
    st.sampled_from([DossierStatus.RETURNED, DossierStatus.REJECTED, DossierStatus.WITHDRAWN]),
    st.sampled_from(list(Action)),
)
def test_final_statuses_admit_no_action(status: DossierStatus, action: Action) -> None:
    for actor in Actor:
        try:
            next_status(status, action, actor)
        except InvalidTransition:
            continue
        raise AssertionError(f"{action} by {actor} moved a final dossier")


def test_citizens_cannot_take_officer_actions() -> None:
    for action in (Action.RECEIVE, Action.APPROVE, Action.REJECT, Action.RETURN):
        sources, _, _ = ACTIONS[action]
        for source in sources:
            try:
                next_status(source, action, Actor.CITIZEN)
            except InvalidTransition:
                continue
            raise AssertionError(action)


def test_only_a_settled_payment_leaves_awaiting_payment() -> None:
    assert next_status(DossierStatus.AWAITING_PAYMENT, Action.SETTLE_PAYMENT, Actor.SYSTEM) is DossierStatus.PROCESSING
    for action in Action:
        if action is Action.SETTLE_PAYMENT:
            continue
        for actor in Actor:
            try:
                next_status(DossierStatus.AWAITING_PAYMENT, action, actor)
            except InvalidTransition:
                continue
            raise AssertionError(action)


def test_reception_follow_up_depends_on_the_fee() -> None:
    assert after_receive(200_000, paid=False) is Action.REQUEST_PAYMENT
    assert after_receive(200_000, paid=True) is Action.SETTLE_PAYMENT
    assert after_receive(0, paid=False) is None
    assert next_status(DossierStatus.RECEIVED, Action.SETTLE_PAYMENT, Actor.SYSTEM) is DossierStatus.PROCESSING


def test_only_a_counter_draft_is_received_straight_away_and_only_by_an_officer() -> None:
    assert next_status(DossierStatus.DRAFT, Action.RECEIVE, Actor.OFFICER, counter=True) is DossierStatus.RECEIVED
    with pytest.raises(InvalidTransition):
        next_status(DossierStatus.DRAFT, Action.RECEIVE, Actor.OFFICER)
    for actor in (Actor.CITIZEN, Actor.SYSTEM):
        with pytest.raises(InvalidTransition):
            next_status(DossierStatus.DRAFT, Action.RECEIVE, actor, counter=True)
    assert next_status(DossierStatus.SUBMITTED, Action.RECEIVE, Actor.OFFICER, counter=True) is DossierStatus.RECEIVED


def test_an_officer_resubmits_only_a_counter_dossier_sent_back_for_papers() -> None:
    assert (
        next_status(DossierStatus.SUPPLEMENT_REQUESTED, Action.SUBMIT, Actor.OFFICER, counter=True)
        is DossierStatus.SUBMITTED
    )
    with pytest.raises(InvalidTransition):
        next_status(DossierStatus.SUPPLEMENT_REQUESTED, Action.SUBMIT, Actor.OFFICER)  # an online one is the citizen's
    with pytest.raises(InvalidTransition):
        next_status(DossierStatus.DRAFT, Action.SUBMIT, Actor.OFFICER, counter=True)  # a counter draft is received
    for status in set(DossierStatus) - {DossierStatus.SUPPLEMENT_REQUESTED, DossierStatus.DRAFT}:
        with pytest.raises(InvalidTransition):
            next_status(status, Action.SUBMIT, Actor.OFFICER, counter=True)


@given(st.lists(st.tuples(st.sampled_from(list(Action)), st.sampled_from(list(Actor))), max_size=40))
def test_no_sequence_of_counter_actions_leaves_the_diagram(steps: list[tuple[Action, Actor]]) -> None:
    status = DossierStatus.DRAFT
    for action, actor in steps:
        try:
            new = next_status(status, action, actor, counter=True)
        except InvalidTransition:
            continue
        assert (status.value, new.value) in DIAGRAM | {("draft", "received")}
        status = new


def test_a_missed_reception_is_told_before_a_missed_appointment() -> None:
    now = datetime(2026, 11, 25, 1, 0, tzinfo=UTC)
    today, yesterday = date(2026, 11, 25), date(2026, 11, 24)
    passed, ahead = now - timedelta(minutes=15), now + timedelta(minutes=15)

    def missed(
        status: DossierStatus, due: datetime | None, received: datetime | None, appointment: date | None
    ) -> str | None:
        return missed_deadline(
            status, reception_due_at=due, received_at=received, appointment_date=appointment, now=now, today=today
        )

    assert missed(DossierStatus.SUBMITTED, passed, None, None) == "reception"
    assert missed(DossierStatus.SUBMITTED, passed, now, yesterday) == "reception"  # resubmitted while processing
    assert missed(DossierStatus.SUBMITTED, ahead, now, yesterday) == "processing"
    assert missed(DossierStatus.PROCESSING, None, now, yesterday) == "processing"
    assert missed(DossierStatus.PROCESSING, None, now, today) is None
    assert missed(DossierStatus.RESULT_READY, None, now, yesterday) is None
    assert missed(DossierStatus.SUBMITTED, ahead, None, None) is None
