"""What leaves for the province's systems: CloudEvents 1.0 in structured JSON, the types a subscription
may ask for, what a subscription's address may be, and the answers of the admin routes. Pure."""

from __future__ import annotations

import base64
import binascii
import ipaddress
import uuid
from datetime import date, datetime
from typing import Final, Literal
from urllib.parse import urlsplit

import msgspec

from core.clock import VN_TZ
from core.dossier_status import DossierStatus
from core.events import DossierStatusChanged, PaymentRefunded, PaymentSucceeded

SPEC_VERSION: Final = "1.0"
CONTENT_TYPE: Final = "application/cloudevents+json; charset=utf-8"  # structured mode of the HTTP binding
TYPE_PREFIX: Final = "vn.motcua."
# every status a dossier enters after its draft, in the order of the diagram
DOSSIER_STATUSES: Final = tuple(s.value for s in DossierStatus if s is not DossierStatus.DRAFT)
EVENT_TYPES: Final[tuple[str, ...]] = (
    *(f"{TYPE_PREFIX}dossier.{status}" for status in DOSSIER_STATUSES),
    f"{TYPE_PREFIX}payment.settled",
    f"{TYPE_PREFIX}payment.refunded",
)
MAX_URL: Final = 2048
MAX_TYPES: Final = 20


# ---- the events ---------------------------------------------------------------------------------


class ProcedureRef(msgspec.Struct, frozen=True, kw_only=True):
    slug: str
    national_code: str | None  # the National Database on Administrative Procedures' code, null when unconfirmed


class AgencyRef(msgspec.Struct, frozen=True, kw_only=True):
    code: str


class DossierData(msgspec.Struct, frozen=True, kw_only=True):
    dossier_id: uuid.UUID
    code: str | None
    status: str
    previous_status: str | None
    action: str
    procedure: ProcedureRef
    agency: AgencyRef
    channel: str
    appointment_date: date | None
    missing: list[str]  # the requirement keys asked for, when the step asks for papers
    reason: str | None  # why, when the dossier is rejected
    occurred_at: str


class PaymentData(msgspec.Struct, frozen=True, kw_only=True):
    payment_id: uuid.UUID
    dossier_id: uuid.UUID
    code: str | None
    status: Literal["succeeded", "refunded"]
    amount: int
    currency: str
    method: str
    reference: str
    procedure: ProcedureRef
    agency: AgencyRef
    reason: str | None  # why, when refunded
    occurred_at: str


class CloudEvent(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    """A CloudEvents 1.0 event in structured JSON. `subject` is the dossier code (left out before a
    dossier has one); `data` is a DossierData or a PaymentData as the `type` says."""

    specversion: str
    id: str
    source: str
    type: str
    subject: str | None = None
    time: str
    datacontenttype: str
    data: dict[str, object]


def local_time(value: datetime) -> str:
    """ISO 8601 in Vietnam's offset, to the second: "2026-11-23T09:15:00+07:00"."""
    return value.astimezone(VN_TZ).isoformat(timespec="seconds")


def source_of(province_code: str) -> str:
    return f"/motcua/{province_code}"


def leaves(event: DossierStatusChanged) -> bool:
    """Every status a dossier enters after its draft; a draft, or a draft thrown away, never leaves."""
    if event.to_status == DossierStatus.DRAFT:
        return False
    return not (event.to_status == DossierStatus.WITHDRAWN and event.from_status in (None, DossierStatus.DRAFT))


def dossier_event(event: DossierStatusChanged, *, source: str, national_code: str | None) -> CloudEvent:
    data = DossierData(
        dossier_id=event.dossier_id,
        code=event.code,
        status=event.to_status,
        previous_status=event.from_status,
        action=event.action,
        procedure=ProcedureRef(slug=event.procedure_slug, national_code=national_code),
        agency=AgencyRef(code=event.agency_code),
        channel=event.channel,
        appointment_date=event.appointment_date,
        missing=list(event.missing),
        reason=event.reason if event.to_status == DossierStatus.REJECTED else None,
        occurred_at=local_time(event.occurred_at),
    )
    return _envelope(event.event_id, f"dossier.{event.to_status}", event.code, event.occurred_at, source, data)


def payment_event(event: PaymentSucceeded | PaymentRefunded, *, source: str, national_code: str | None) -> CloudEvent:
    refunded = isinstance(event, PaymentRefunded)
    data = PaymentData(
        payment_id=event.payment_id,
        dossier_id=event.dossier_id,
        code=event.dossier_code,
        status="refunded" if refunded else "succeeded",
        amount=event.amount,
        currency="VND",
        method=event.method,
        reference=event.reference,
        procedure=ProcedureRef(slug=event.procedure_slug, national_code=national_code),
        agency=AgencyRef(code=event.agency_code),
        reason=event.reason if isinstance(event, PaymentRefunded) else None,
        occurred_at=local_time(event.occurred_at),
    )
    kind = "payment.refunded" if refunded else "payment.settled"
    return _envelope(event.event_id, kind, event.dossier_code, event.occurred_at, source, data)


def _envelope(
    event_id: uuid.UUID,
    kind: str,
    subject: str | None,
    at: datetime,
    source: str,
    data: DossierData | PaymentData,
) -> CloudEvent:
    return CloudEvent(
        specversion=SPEC_VERSION,
        id=str(event_id),
        source=source,
        type=TYPE_PREFIX + kind,
        subject=subject,
        time=local_time(at),
        datacontenttype="application/json",
        data=msgspec.to_builtins(data),
    )


# ---- subscriptions ------------------------------------------------------------------------------


def type_problems(types: list[str]) -> list[tuple[str, str, dict[str, object]]]:
    """Each pattern is a known type, or a prefix of known types ending in ".*" ("vn.motcua.dossier.*",
    "vn.motcua.*"); one that matches nothing is a typo the subscriber would never notice."""
    if not types:
        return [("types", "empty-list", {})]
    if len(types) > MAX_TYPES:
        return [("types", "too-many", {"max": MAX_TYPES})]
    return [
        (f"types[{index}]", "unknown-event-type", {})
        for index, pattern in enumerate(types)
        if not any(matches(pattern, known) for known in EVENT_TYPES)
    ]


def matches(pattern: str, event_type: str) -> bool:
    if pattern.endswith(".*"):
        return event_type.startswith(pattern[:-1])
    return pattern == event_type


def like_pattern(pattern: str) -> str:
    """The pattern as SQL LIKE reads it: "_" and "%" taken literally, a trailing ".*" any rest."""
    escaped = pattern.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return escaped[:-1] + "%" if pattern.endswith(".*") else escaped


def url_problem(url: str, *, production: bool) -> str | None:
    """Why a subscription may not have this address (a field error key), None when it may.

    Deliveries leave from inside the province's network, so an address is a way to make the worker
    call something: in production only https, and never this machine, a link-local address (the
    cloud's metadata service) or a multicast one. Private ranges stay allowed: a provincial system
    may well live on the government's internal network. Outside production plain http and loopback
    are allowed, for a subscriber on a developer's machine or a test's stand-in."""
    if len(url) > MAX_URL:
        return "too-long"
    if not url.isascii() or not url.isprintable() or " " in url:
        return "invalid-url"  # an internationalized name goes in its punycode (xn--) form
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return "invalid-url"
    host = parts.hostname
    if parts.scheme not in ("https", "http") or not host or parts.fragment or port == 0:
        return "invalid-url"
    if parts.username is not None or parts.password is not None:
        return "invalid-url"  # credentials in an address end up in logs
    if not production:
        return None
    if parts.scheme != "https":
        return "https-required"
    if host.rstrip(".").lower() == "localhost" or host.lower().endswith(".localhost"):
        return "address-refused"
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return None  # a name: its addresses are checked each time it is called
    return "address-refused" if address_refused(address) else None


def address_refused(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    mapped = getattr(address, "ipv4_mapped", None)
    if mapped is not None:
        address = mapped
    return bool(
        address.is_loopback
        or address.is_link_local
        or address.is_unspecified
        or address.is_multicast
        or address.is_reserved
    )


class SubscriptionIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    url: str
    types: list[str] = msgspec.field(default_factory=lambda: [TYPE_PREFIX + "*"])


class Subscription(msgspec.Struct, frozen=True, kw_only=True):
    id: uuid.UUID
    url: str
    types: list[str]
    created_at: datetime


class NewSubscription(msgspec.Struct, frozen=True, kw_only=True):
    """What the admin gets once, when subscribing: the secret is never shown again."""

    id: uuid.UUID
    url: str
    types: list[str]
    secret: str
    created_at: datetime


class Subscriptions(msgspec.Struct, frozen=True, kw_only=True):
    items: list[Subscription]
    total: int


DeliveryStatus = Literal["pending", "delivered", "failed"]


class Delivery(msgspec.Struct, frozen=True, kw_only=True):
    id: uuid.UUID
    event_id: uuid.UUID
    type: str
    subject: str | None
    dossier_id: uuid.UUID
    status: DeliveryStatus
    attempts: int
    last_status: int | None  # the subscriber's HTTP status at the last attempt, null without an answer
    last_error: str | None
    created_at: datetime
    last_attempt_at: datetime | None
    next_attempt_at: datetime | None  # null once delivered or given up on
    delivered_at: datetime | None


class Deliveries(msgspec.Struct, frozen=True, kw_only=True):
    items: list[Delivery]
    total: int


class EventFeed(msgspec.Struct, frozen=True, kw_only=True):
    items: list[CloudEvent]
    next: str  # pass as `after` to get only what came after these


# ---- the feed's cursor --------------------------------------------------------------------------


def cursor(position: int) -> str:
    """Opaque to clients; only ever compared by the server."""
    return base64.urlsafe_b64encode(position.to_bytes(8, "big")).decode().rstrip("=")


def position_of(text: str) -> int | None:
    """The position a cursor stands for, None for anything this server did not hand out."""
    if len(text) != 11:
        return None
    try:
        raw = base64.urlsafe_b64decode(text + "=")
    except (binascii.Error, ValueError):
        return None
    position = int.from_bytes(raw, "big")
    return position if cursor(position) == text and position < 2**63 else None
