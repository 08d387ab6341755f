"""Checking who applies: name, identity number, birth date, phone, address. Pure."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from datetime import date

import msgspec

from api.accounts.phones import normalize_phone
from api.agencies.addresses import NormalizedAddress, normalize_address
from api.dossiers.identity import birth_century_consistent, mask_identity, validate_identity_number
from api.dossiers.models import ApplicantIn, Delivery, DeliveryMethod, FieldErrors
from core.bounds import MIN_DAY, day_in_range

_NAME = re.compile(r"^[^\W\d_]+(?:[ '\-.][^\W\d_]+)*$", re.UNICODE)
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class StoredApplicant(msgspec.Struct, frozen=True, kw_only=True):
    """The applicant as kept on the dossier (the full identity number lives in its own column)."""

    full_name: str
    identity_number_masked: str
    date_of_birth: date
    phone: str
    email: str | None
    address: NormalizedAddress


def clean_applicant(
    applicant: ApplicantIn,
    *,
    today: date,
    prefix: str = "applicant",
    read_address: Callable[[str], NormalizedAddress] = normalize_address,
) -> tuple[StoredApplicant | None, str, FieldErrors]:
    """The stored applicant and full identity number, or the field errors; the address is read by
    `read_address` (the province served's, from the office directory)."""
    errors: FieldErrors = []
    name = " ".join(unicodedata.normalize("NFC", applicant.full_name).split())
    if not name:
        errors.append((f"{prefix}.full_name", "required", {}))
    elif len(name) > 100 or not _NAME.match(name) or len(name.split()) < 2:
        errors.append((f"{prefix}.full_name", "invalid-full-name", {}))
    identity = ""
    try:
        identity = validate_identity_number(applicant.identity_number)
    except ValueError:
        errors.append((f"{prefix}.identity_number", "invalid-identity", {}))
    if applicant.date_of_birth > today:
        errors.append((f"{prefix}.date_of_birth", "future-date", {}))
    elif not day_in_range(applicant.date_of_birth):
        errors.append(
            (f"{prefix}.date_of_birth", "date-out-of-range", {"min": MIN_DAY.isoformat(), "max": today.isoformat()})
        )
    elif identity and not birth_century_consistent(identity, applicant.date_of_birth):
        errors.append((f"{prefix}.identity_number", "identity-birth-mismatch", {}))
    phone = ""
    try:
        phone = normalize_phone(applicant.phone)
    except ValueError:
        errors.append((f"{prefix}.phone", "invalid-phone", {}))
    email = applicant.email.strip() if applicant.email else None
    if email and (len(email) > 254 or not _EMAIL.match(email)):
        errors.append((f"{prefix}.email", "invalid", {}))
    raw_address = " ".join(applicant.address.split())
    if not raw_address:
        errors.append((f"{prefix}.address", "required", {}))
    elif len(raw_address) > 300:
        errors.append((f"{prefix}.address", "too-long", {"max": 300}))
    if errors:
        return None, "", errors
    stored = StoredApplicant(
        full_name=name,
        identity_number_masked=mask_identity(identity),
        date_of_birth=applicant.date_of_birth,
        phone=phone,
        email=email or None,
        address=read_address(raw_address),
    )
    return stored, identity, []


def check_delivery(delivery: Delivery) -> FieldErrors:
    if delivery.method is DeliveryMethod.POST and not (delivery.address and delivery.address.strip()):
        return [("delivery.address", "address-required", {})]
    return []


def as_json(applicant: StoredApplicant) -> dict[str, object]:
    result: dict[str, object] = msgspec.to_builtins(applicant)
    return result
