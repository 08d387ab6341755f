"""All SQL of assistant hand-offs, and the rows it returns."""

from __future__ import annotations

import uuid
from datetime import datetime

import msgspec


class OpenedRow(msgspec.Struct, frozen=True):
    id: uuid.UUID
    inserted: bool


class HandoffRow(msgspec.Struct, frozen=True, kw_only=True):
    id: uuid.UUID
    session_id: str
    channel: str
    message: str
    procedure_slug: str | None
    status: str
    created_at: datetime
    closed_at: datetime | None
    agency_code: str | None
    phone: str | None  # the signed-in citizen's, None for an anonymous conversation
    total: int


# `inserted` is false when the conversation already had an open hand-off: that one keeps its office
# and its alert, only the latest words are kept
OPEN_HANDOFF = """
INSERT INTO handoffs (id, session_id, user_id, message, procedure_slug, created_at, channel, agency_code)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
ON CONFLICT (session_id) WHERE status = 'open' DO UPDATE SET message = EXCLUDED.message
RETURNING id, (xmax = 0) AS inserted
"""

OFFICE_OF_CODE = "SELECT agency_code FROM dossiers WHERE code = $1"

# the citizen's most recently touched active dossier of the procedure the conversation is about
OFFICE_OF_OWN_DOSSIER = """
SELECT agency_code FROM dossiers
WHERE owner_id = $1 AND procedure_slug = $2 AND status = ANY($3::text[])
ORDER BY updated_at DESC, id LIMIT 1
"""

# $4: every office (admins); else the offices in $5 plus the province-wide queue
_VISIBLE = "($4::bool OR h.agency_code IS NULL OR h.agency_code = ANY($5::text[]))"

LIST_HANDOFFS = f"""
SELECT h.id, h.session_id, h.channel, h.message, h.procedure_slug, h.status, h.created_at, h.closed_at,
    h.agency_code, u.phone, count(*) OVER () AS total
FROM handoffs h LEFT JOIN users u ON u.id = h.user_id
WHERE ($1::text IS NULL OR h.status = $1) AND {_VISIBLE}
ORDER BY h.created_at, h.id LIMIT $2 OFFSET $3
"""

CLOSE_HANDOFF = """
UPDATE handoffs SET status = 'closed', closed_at = $2, closed_by = $3
WHERE id = $1 AND status = 'open' AND ($4::bool OR agency_code IS NULL OR agency_code = ANY($5::text[]))
RETURNING id
"""

# after a refused close: is it there for this officer at all (409) or not theirs (404)
IS_VISIBLE = """
SELECT EXISTS (
    SELECT 1 FROM handoffs WHERE id = $1 AND ($2::bool OR agency_code IS NULL OR agency_code = ANY($3::text[]))
)
"""
