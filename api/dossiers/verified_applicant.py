"""A dossier filed online by an account whose identity VNeID vouched for names that identity as its
applicant, whatever the body says: the number, the name and the birth date come from the identity;
the phone, the address and the e-mail stay the citizen's to give (they may live elsewhere now)."""

from __future__ import annotations

import asyncpg
import msgspec

from api.accounts.verified import verified_identity
from api.dossiers.models import ApplicantIn
from core.auth import Principal
from core.sealing import DataKeys


async def as_verified(
    conn: asyncpg.Connection, keys: DataKeys, principal: Principal, applicant: ApplicantIn
) -> ApplicantIn:
    if principal.filing_level(at_counter=False) == 0:
        return applicant  # a phone-only account: what it types is taken as typed
    identity = await verified_identity(conn, keys, principal.user_id)
    if identity is None:
        return applicant
    verified = {
        "identity_number": identity.identity_number,
        "full_name": identity.profile.full_name,
        "date_of_birth": identity.profile.born(),
    }
    return msgspec.structs.replace(applicant, **{k: v for k, v in verified.items() if v is not None})
