"""What the province's systems receive from us: each dossier step as the contract's CloudEvent (drafts never
leave), the event types a subscription may ask for, the addresses it may deliver to, and the cursors
of the pull feed."""

import ipaddress
import uuid
from datetime import UTC, date, datetime
from typing import Any

import msgspec
import pytest
from hypothesis import given
from hypothesis import strategies as st

from api.integrations.models import (
    EVENT_TYPES,
    CloudEvent,
    address_refused,
    cursor,
    dossier_event,
    leaves,
    like_pattern,
    matches,
    payment_event,
    position_of,
    type_problems,
    url_problem,
)
from core.events import DossierStatusChanged, PaymentRefunded

NOW = datetime(2026, 11, 23, 2, 15, tzinfo=UTC)


def step(from_status: str | None, to_status: str, **changes: Any) -> DossierStatusChanged:
    fields: dict[str, Any] = {
        "event_id": uuid.uuid4(),
        "occurred_at": NOW,
        "dossier_id": uuid.uuid4(),
        "code": "000.00.12.H04-261123-0007",
        "owner_id": uuid.uuid4(),
        "agency_code": "000.00.12.H04",
        "procedure_slug": "birth-registration",
        "procedure_names": {"vi": "Đăng ký khai sinh", "en": "Birth registration"},
        "from_status": from_status,
        "to_status": to_status,
        "action": "receive",
        "actor_role": "officer",
        "appointment_date": date(2026, 11, 25),
    }
    fields.update(changes)
    return DossierStatusChanged(**fields)


def test_a_step_is_the_contracts_cloudevent() -> None:
    event = step("submitted", "received")
    found = dossier_event(event, source="/motcua/79", national_code="1.001193")
    assert msgspec.to_builtins(found) == {
        "specversion": "1.0",
        "id": str(event.event_id),
        "source": "/motcua/79",
        "type": "vn.motcua.dossier.received",
        "subject": "000.00.12.H04-261123-0007",
        "time": "2026-11-23T09:15:00+07:00",
        "datacontenttype": "application/json",
        "data": {
            "dossier_id": str(event.dossier_id),
            "code": "000.00.12.H04-261123-0007",
            "status": "received",
            "previous_status": "submitted",
            "action": "receive",
            "procedure": {"slug": "birth-registration", "national_code": "1.001193"},
            "agency": {"code": "000.00.12.H04"},
            "channel": "online",
            "appointment_date": "2026-11-25",
            "missing": [],
            "reason": None,
            "occurred_at": "2026-11-23T09:15:00+07:00",
        },
    }


def test_a_step_before_the_code_leaves_out_the_subject() -> None:
    found = dossier_event(step("draft", "submitted", code=None), source="/motcua/79", national_code=None)
    assert "subject" not in msgspec.to_builtins(found)
    assert msgspec.json.decode(msgspec.json.encode(found), type=CloudEvent) == found


def test_drafts_never_leave() -> None:
    assert not leaves(step(None, "draft"))
    assert not leaves(step("draft", "withdrawn"))
    assert leaves(step("submitted", "withdrawn"))
    assert leaves(step("draft", "received"))  # a walk-in, received at the counter


def test_a_refund_is_a_payment_event_with_its_reason() -> None:
    refund = PaymentRefunded(
        event_id=uuid.uuid4(),
        occurred_at=NOW,
        payment_id=uuid.uuid4(),
        dossier_id=uuid.uuid4(),
        dossier_code="000.00.01.H29-261123-0012",
        owner_id=None,
        agency_code="000.00.01.H29",
        procedure_slug="passport-issuance",
        procedure_names={},
        method="vietqr",
        amount=200_000,
        reference="MC7K2Q9XPA",
        reason="Nộp trùng",
    )
    found = payment_event(refund, source="/motcua/79", national_code=None)
    assert found.type == "vn.motcua.payment.refunded" and found.subject == "000.00.01.H29-261123-0012"
    assert found.data["status"] == "refunded" and found.data["reason"] == "Nộp trùng"
    assert found.data["amount"] == 200_000 and found.data["currency"] == "VND"


def test_types_are_known_types_or_prefixes_of_them() -> None:
    assert type_problems(["vn.motcua.*", "vn.motcua.dossier.received", "vn.motcua.payment.*"]) == []
    assert type_problems([]) == [("types", "empty-list", {})]
    assert type_problems(["vn.motcua.dossier.recieved", "vn.motcua.dossier.*", "*", "vn.other.*"]) == [
        ("types[0]", "unknown-event-type", {}),
        ("types[2]", "unknown-event-type", {}),
        ("types[3]", "unknown-event-type", {}),
    ]
    assert matches("vn.motcua.dossier.*", "vn.motcua.dossier.supplement_requested")
    assert not matches("vn.motcua.dossier.*", "vn.motcua.payment.settled")


@given(st.sampled_from(["vn.motcua.*", "vn.motcua.dossier.*", "vn.motcua.payment.*", *EVENT_TYPES]))
def test_the_sql_pattern_matches_what_the_pattern_matches(pattern: str) -> None:
    like = like_pattern(pattern)
    for event_type in EVENT_TYPES:
        assert _like(like, event_type) == matches(pattern, event_type), (pattern, event_type)
    # "_" is literal: "supplement_requested" never matches "supplementXrequested"
    assert not _like(like_pattern("vn.motcua.dossier.supplement_requested"), "vn.motcua.dossier.supplementXrequested")


def _like(pattern: str, value: str) -> bool:
    """SQL LIKE with backslash escapes, as PostgreSQL reads it."""
    import re

    regex = ""
    chars = iter(pattern)
    for char in chars:
        if char == "\\":
            regex += re.escape(next(chars))
        elif char == "%":
            regex += ".*"
        elif char == "_":
            regex += "."
        else:
            regex += re.escape(char)
    return re.fullmatch(regex, value, re.DOTALL) is not None


@pytest.mark.parametrize(
    ("url", "production", "problem"),
    [
        ("https://motcua.tayninh.gov.vn/hooks", True, None),
        ("https://10.20.0.5:8443/hooks", True, None),  # the government's internal network
        ("http://motcua.tayninh.gov.vn/hooks", True, "https-required"),
        ("http://127.0.0.1:8080/hooks", False, None),  # a stand-in on a developer's machine
        ("https://127.0.0.1/hooks", True, "address-refused"),
        ("https://localhost/hooks", True, "address-refused"),
        ("https://169.254.169.254/latest/meta-data", True, "address-refused"),
        ("https://[::1]/hooks", True, "address-refused"),
        ("https://[::ffff:127.0.0.1]/hooks", True, "address-refused"),
        ("https://0.0.0.0/hooks", True, "address-refused"),
        ("https://user:pw@motcua.tayninh.gov.vn/hooks", True, "invalid-url"),
        ("ftp://motcua.tayninh.gov.vn/hooks", False, "invalid-url"),
        ("https:///hooks", False, "invalid-url"),
        ("https://motcua.tayninh.gov.vn:99999/", False, "invalid-url"),
        ("https://motcua.tayninh.gov.vn/#frag", False, "invalid-url"),
        ("https://x.vn/" + "a" * 2100, False, "too-long"),
        ("https://motcua.tây-ninh.vn/hooks", False, "invalid-url"),
        ("https://motcua.xn--ty-ninh-0ya.vn/hooks", True, None),
        ("https://motcua.vn/a b", False, "invalid-url"),
        ("https://motcua.vn/a\x00b", False, "invalid-url"),
    ],
)
def test_what_a_subscription_address_may_be(url: str, production: bool, problem: str | None) -> None:
    assert url_problem(url, production=production) == problem


def test_addresses_refused_when_a_name_resolves_to_them() -> None:
    refused = ["127.0.0.53", "169.254.169.254", "::1", "fe80::1", "224.0.0.1", "0.0.0.0", "240.0.0.1"]
    allowed = ["10.20.0.5", "192.168.1.10", "203.113.131.1", "2001:ee0::1"]
    assert all(address_refused(ipaddress.ip_address(a)) for a in refused)
    assert not any(address_refused(ipaddress.ip_address(a)) for a in allowed)


@given(st.integers(min_value=0, max_value=2**63 - 1))
def test_a_cursor_stands_for_its_position(position: int) -> None:
    assert position_of(cursor(position)) == position


@pytest.mark.parametrize("text", ["", "0", "not-a-cursor", "AAAAAAAAAA", "AAAAAAAAAAB", "//////////8", "gAAAAAAAAAA"])
def test_a_cursor_not_handed_out_is_refused(text: str) -> None:
    assert position_of(text) is None
