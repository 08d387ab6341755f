"""Walk-in dossiers reach the applicant's account: the phone they gave at the counter, once proven."""

from __future__ import annotations

import uuid

import asyncpg

from api.dossiers import queries


async def claim_counter_dossiers(conn: asyncpg.Connection, *, user_id: uuid.UUID, phone: str) -> int:
    """Make the received counter dossiers filed with `phone` this citizen's: they appear in their list
    and every later step pushes to them. Call only once the phone is verified (a signed-in OTP)."""
    if await conn.fetchval(queries.IS_CITIZEN, user_id) is not True:
        return 0  # officers' own phones never pick up the dossiers they file
    status: str = await conn.execute(queries.CLAIM_COUNTER_DOSSIERS, user_id, phone)
    return int(status.rsplit(" ", 1)[-1])
