"""All SQL of dossiers."""

from core.db import XID_COLUMN

DOSSIER_COLUMNS = """
d.id, d.code, d.lookup_key, d.status, d.procedure_slug, d.agency_code, d.owner_id, d.channel,
d.applicant, d.form, d.delivery, d.fee, d.paid_at, d.address_flagged, d.submitted_at, d.received_at,
d.appointment_date, d.resolved_at, d.returned_at, d.result_document, d.created_at, d.updated_at,
d.digitized, d.reception_due_at, d.reception_warn_at, d.reception_answered_at,
d.applicant ->> 'phone' AS applicant_phone
"""

# what a move and its event read of a dossier (rows.MoveRow): no applicant, form or delivery (JSON each,
# decoded for nothing), only the applicant's phone as text (a walk-in's SMS go there while no account owns the dossier)
_MOVE_COLUMNS = """
d.id, d.code, d.lookup_key, d.status, d.procedure_slug, d.agency_code, d.owner_id, d.fee, d.paid_at,
d.result_document, d.submitted_at, d.received_at, d.appointment_date, d.resolved_at, d.returned_at,
d.reception_due_at, d.reception_warn_at, d.reception_answered_at, d.channel, d.applicant ->> 'phone' AS applicant_phone
"""


def overdue_sql(kind: str, now: str, today: str) -> str:
    """models.overdue() in SQL, over alias d, for the parameters named `now` and `today`."""
    if kind == "reception":
        return f"(d.status = 'submitted' AND d.reception_due_at < {now})"
    return (
        "(d.status IN ('submitted', 'received', 'supplement_requested', 'awaiting_payment', 'processing')"
        f" AND d.received_at IS NOT NULL AND d.appointment_date < {today}"
        f" AND NOT (d.status = 'submitted' AND d.reception_due_at < {now}))"
    )


# the new draft as the API shows it (its answer needs no second read), with its first line of history
# ($15 actor, $16 their role, $17 data) and the transaction's id: one statement
INSERT_DOSSIER = f"""
WITH created AS (
    INSERT INTO dossier_history (dossier_id, from_status, to_status, action, actor_id, actor_role, actor_name, note,
        data, at)
    VALUES ($1, NULL, 'draft', 'create', $15, $16, NULL, NULL, $17::jsonb, $14)
)
INSERT INTO dossiers AS d (id, status, procedure_slug, agency_code, owner_id, channel, applicant, identity_sealed,
    identity_hash, form, form_sealed, delivery, fee, address_flagged, created_at, updated_at)
VALUES ($1, 'draft', $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14)
RETURNING {DOSSIER_COLUMNS}, {XID_COLUMN}
"""

GET_DOSSIER = f"SELECT {DOSSIER_COLUMNS} FROM dossiers d WHERE d.id = $1"

GET_DOSSIER_FOR_UPDATE = f"SELECT {DOSSIER_COLUMNS} FROM dossiers d WHERE d.id = $1 FOR UPDATE"

# what settling needs of several dossiers, locked in id order, the order every statement locking more than
# one follows
GET_PAYABLE_DOSSIERS_FOR_UPDATE = """
SELECT d.id, d.code, d.status, d.fee, d.agency_code, d.owner_id, d.procedure_slug,
    d.applicant ->> 'full_name' AS payer_name
FROM dossiers d WHERE d.id = ANY($1::uuid[]) ORDER BY d.id FOR UPDATE
"""

GET_DOSSIER_BY_CODE = f"SELECT {DOSSIER_COLUMNS} FROM dossiers d WHERE d.code = $1"
# a creation's proof, asked when the answer to its COMMIT was lost (core.db.transaction)
DOSSIER_EXISTS = "SELECT EXISTS (SELECT 1 FROM dossiers WHERE id = $1)"

LIST_OWN = f"""
SELECT {DOSSIER_COLUMNS}, count(*) OVER () AS total FROM dossiers d
WHERE d.owner_id = $1 AND ($2::text IS NULL OR d.status = $2)
ORDER BY d.created_at DESC, d.id LIMIT $3 OFFSET $4
"""

# access.reached_the_office(): a citizen's draft, or a draft withdrawn, never reaches an officer
REACHED_THE_OFFICE = "(d.channel = 'counter' OR d.submitted_at IS NOT NULL)"

# the ward of the citizen's latest dossier whose address resolved: the assistant names that office
LAST_RESOLVED_WARD = """
SELECT d.applicant -> 'address' ->> 'ward_code' FROM dossiers d
WHERE d.owner_id = $1 AND d.applicant -> 'address' ->> 'status' = 'resolved'
ORDER BY d.created_at DESC LIMIT 1
"""

# $3/$4 (a new identity number, sealed and hashed) and $6 (the form's sealed numbers) null: unchanged
UPDATE_CONTENT = """
UPDATE dossiers SET applicant = $2,
    identity_number = CASE WHEN $3::text IS NULL THEN identity_number END,
    identity_sealed = coalesce($3, identity_sealed), identity_hash = coalesce($4, identity_hash),
    form = $5, form_sealed = coalesce($6, form_sealed), delivery = $7, agency_code = $8,
    address_flagged = $9, updated_at = $10, fee = $11
WHERE id = $1
"""

FORM_SEALED = "SELECT form_sealed FROM dossiers WHERE id = $1"

# rows written before identity numbers were sealed (the data step of api/dossiers/sealed.py)
CLEAR_IDENTITIES = """
SELECT id, identity_number, form, form_sealed FROM dossiers WHERE identity_number IS NOT NULL
ORDER BY id LIMIT $1 FOR UPDATE
"""

SEAL_ROWS = """
UPDATE dossiers d SET identity_number = NULL, identity_sealed = s.sealed, identity_hash = s.hash,
    form = s.form::jsonb, form_sealed = s.form_sealed::jsonb
FROM unnest($1::uuid[], $2::text[], $3::bytea[], $4::text[], $5::text[]) AS s (id, sealed, hash, form, form_sealed)
WHERE d.id = s.id
"""

UPDATE_MOVE = """
UPDATE dossiers SET status = $2, code = $3, lookup_key = $4, submitted_at = $5, received_at = $6,
    appointment_date = $7, resolved_at = $8, returned_at = $9, updated_at = $10,
    reception_due_at = $11, reception_warn_at = $12, reception_answered_at = $13,
    -- a new deadline is warned about afresh
    reception_warned_at = CASE WHEN reception_due_at IS DISTINCT FROM $11 THEN NULL ELSE reception_warned_at END,
    processing_warned_at = CASE WHEN appointment_date IS DISTINCT FROM $7 THEN NULL ELSE processing_warned_at END
WHERE id = $1
"""

SET_OWNER = "UPDATE dossiers SET owner_id = $2 WHERE id = $1 AND owner_id IS NULL"

# the fee of the law in force the day the dossier is first submitted; never changed after
SET_FEE = "UPDATE dossiers SET fee = $2 WHERE id = $1 AND fee IS DISTINCT FROM $2"

CITIZEN_BY_PHONE = "SELECT id FROM users WHERE phone = $1 AND role = 'citizen'"

IS_CITIZEN = "SELECT role = 'citizen' FROM users WHERE id = $1"

# received counter dossiers filed with this phone and not yet anyone's (a draft is the officer's work)
CLAIM_COUNTER_DOSSIERS = """
UPDATE dossiers SET owner_id = $1
WHERE owner_id IS NULL AND channel = 'counter' AND applicant ->> 'phone' = $2 AND status <> 'draft'
"""

SET_DIGITIZED = "UPDATE dossiers SET digitized = $2 WHERE id = $1"

ATTACHED_REQUIREMENTS = "SELECT DISTINCT requirement FROM dossier_documents WHERE dossier_id = $1"

INSERT_ORIGINAL_SEEN = """
INSERT INTO dossier_originals_seen (dossier_id, requirement, seen_by, created_at) VALUES ($1, $2, $3, $4)
ON CONFLICT (dossier_id, requirement) DO UPDATE SET requirement = EXCLUDED.requirement
RETURNING requirement, created_at
"""

LIST_ORIGINALS_SEEN = """
SELECT dossier_id, requirement FROM dossier_originals_seen WHERE dossier_id = ANY($1::uuid[]) ORDER BY requirement
"""

# dossiers $1 paid at $2 (in id order, as locked), those awaiting payment moved to $3; the rows as they were
MARK_PAID_MANY = f"""
UPDATE dossiers d SET paid_at = coalesce(d.paid_at, before.at),
    status = CASE WHEN d.status = 'awaiting_payment' THEN $3 ELSE d.status END,
    updated_at = CASE WHEN d.paid_at IS NULL OR d.status = 'awaiting_payment' THEN before.at ELSE d.updated_at END
FROM (
    SELECT {_MOVE_COLUMNS}, p.at FROM unnest($1::uuid[], $2::timestamptz[]) AS p (id, at)
    JOIN dossiers d ON d.id = p.id ORDER BY d.id FOR UPDATE OF d
) AS before
WHERE d.id = before.id
RETURNING before.*
"""

# a paper attached: the dossier changed
TOUCH_DOSSIER = "UPDATE dossiers SET updated_at = $2 WHERE id = $1"

SET_RESULT = "UPDATE dossiers SET result_document = $2, updated_at = $3 WHERE id = $1"

# one statement for however many moves; `data` comes as text (an array of jsonb would need its own codec)
INSERT_HISTORY_MANY = """
INSERT INTO dossier_history (dossier_id, from_status, to_status, action, actor_id, actor_role, actor_name, note,
    data, at)
SELECT h.dossier_id, h.from_status, h.to_status, h.action, h.actor_id, h.actor_role, h.actor_name, h.note,
    h.data::jsonb, $10
FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::uuid[], $6::text[], $7::text[], $8::text[],
    $9::text[]) WITH ORDINALITY AS h (dossier_id, from_status, to_status, action, actor_id, actor_role, actor_name,
    note, data, ord)
ORDER BY h.ord
"""

LIST_HISTORY = """
SELECT h.from_status, h.to_status, h.action, h.actor_role, coalesce(h.actor_name, u.full_name) AS actor_name,
    h.note, h.data, h.at
FROM dossier_history h LEFT JOIN users u ON u.id = h.actor_id
WHERE h.dossier_id = $1 ORDER BY h.id
"""

NEXT_CODE_NUMBER = """
INSERT INTO dossier_counters (agency_code, day, last) VALUES ($1, $2, 1)
ON CONFLICT (agency_code, day) DO UPDATE SET last = dossier_counters.last + 1
RETURNING last
"""

INSERT_FILE = """
INSERT INTO files (sha256, size, content_type, created_at) VALUES ($1, $2, $3, $4)
ON CONFLICT (sha256) DO NOTHING
"""

INSERT_DOCUMENT = """
INSERT INTO documents (id, owner_id, sha256, file_name, content_type, size, created_at)
VALUES ($1, $2, $3, $4, $5, $6, $7)
"""

GET_DOCUMENT = """
SELECT id, owner_id, sha256, file_name, content_type, size, created_at FROM documents WHERE id = $1
"""

LIST_WALLET = """
SELECT id, sha256, file_name, content_type, size, created_at, count(*) OVER () AS total
FROM documents WHERE owner_id = $1 ORDER BY created_at DESC, id LIMIT $2 OFFSET $3
"""

ATTACH_DOCUMENT = """
INSERT INTO dossier_documents (id, dossier_id, requirement, document_id, created_at) VALUES ($1, $2, $3, $4, $5)
"""

LIST_ATTACHMENTS = """
SELECT a.dossier_id, a.id, a.requirement, a.document_id, a.created_at, d.file_name, d.content_type, d.size, d.sha256
FROM dossier_documents a JOIN documents d ON d.id = a.document_id
WHERE a.dossier_id = ANY($1::uuid[]) ORDER BY a.created_at, a.id
"""

DOSSIER_BYTES = """
SELECT coalesce(sum(d.size), 0)::bigint FROM dossier_documents a JOIN documents d ON d.id = a.document_id
WHERE a.dossier_id = $1
"""

DELETE_ATTACHMENT = "DELETE FROM dossier_documents WHERE id = $1 AND dossier_id = $2 RETURNING id"

INSERT_RATING = """
INSERT INTO dossier_ratings (dossier_id, score, comment, created_at, agency_code)
SELECT $1, $2, $3, $4, agency_code FROM dossiers WHERE id = $1
ON CONFLICT (dossier_id) DO NOTHING RETURNING dossier_id
"""

ON_TIME_STATS = """
WITH scope AS (
    SELECT status, received_at, resolved_at, appointment_date
    FROM dossiers
    WHERE agency_code = $1 AND received_at >= $2 AND received_at < $3
)
SELECT
    count(*) AS received,
    count(*) FILTER (WHERE resolved_at IS NOT NULL) AS resolved,
    count(*) FILTER (WHERE (resolved_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date < appointment_date) AS early,
    count(*) FILTER (WHERE (resolved_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date = appointment_date) AS on_time,
    count(*) FILTER (WHERE (resolved_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date > appointment_date) AS late,
    count(*) FILTER (WHERE resolved_at IS NULL AND status NOT IN ('withdrawn') AND appointment_date < $4)
        AS pending_overdue
FROM scope
"""

_WARNING_COLUMNS = "id, code, agency_code, procedure_slug, status, reception_due_at, appointment_date"

RECEPTION_WARNINGS_DUE = f"""
SELECT {_WARNING_COLUMNS} FROM dossiers
WHERE status = 'submitted' AND reception_warned_at IS NULL AND reception_warn_at <= $1
ORDER BY reception_warn_at LIMIT $2 FOR UPDATE SKIP LOCKED
"""

MARK_RECEPTION_WARNED = "UPDATE dossiers SET reception_warned_at = $2 WHERE id = ANY($1::uuid[])"

PROCESSING_WARNINGS_DUE = f"""
SELECT {_WARNING_COLUMNS} FROM dossiers
WHERE status IN ('received', 'awaiting_payment', 'processing') AND processing_warned_at IS NULL
    AND appointment_date <= $1
ORDER BY appointment_date LIMIT $2 FOR UPDATE SKIP LOCKED
"""

MARK_PROCESSING_WARNED = "UPDATE dossiers SET processing_warned_at = $2 WHERE id = ANY($1::uuid[])"

# Deadlines missed before $2 and never announced, marked announced in one statement and counted per
# office for one digest each (the worker's first run after a deploy, or after days down).
RECEPTION_BACKLOG = """
WITH marked AS (
    UPDATE dossiers SET reception_warned_at = $1
    WHERE status = 'submitted' AND reception_warned_at IS NULL AND reception_warn_at <= $1
        AND reception_due_at < $2
    RETURNING agency_code, reception_due_at
)
SELECT agency_code, count(*) AS dossiers,
    (min(reception_due_at) AT TIME ZONE 'Asia/Ho_Chi_Minh')::date AS oldest_due
FROM marked GROUP BY agency_code ORDER BY agency_code
"""

PROCESSING_BACKLOG = """
WITH marked AS (
    UPDATE dossiers SET processing_warned_at = $1
    WHERE status IN ('received', 'awaiting_payment', 'processing') AND processing_warned_at IS NULL
        AND appointment_date < $2
    RETURNING agency_code, appointment_date
)
SELECT agency_code, count(*) AS dossiers, min(appointment_date) AS oldest_due
FROM marked GROUP BY agency_code ORDER BY agency_code
"""

# one worker at a time digests the backlog (two would split an office's into two digests)
BACKLOG_LOCK = "SELECT pg_try_advisory_xact_lock(hashtext('motcua.deadline_backlog'))"

# ---- results signed by their office -------------------------------------------------------------------
RECORD_SIGNED_RESULT = """
INSERT INTO signed_results (dossier_id, document_id, sha256, signed_by, signed_at) VALUES ($1, $2, $3, $4, $5)
ON CONFLICT (dossier_id) DO UPDATE SET
    document_id = EXCLUDED.document_id, sha256 = EXCLUDED.sha256, signed_by = EXCLUDED.signed_by,
    signed_at = EXCLUDED.signed_at
"""

SIGNED_RESULT_BY_CODE = """
SELECT d.code, d.lookup_key, d.status, d.procedure_slug, s.signed_by, s.signed_at, s.sha256
FROM dossiers d LEFT JOIN signed_results s ON s.dossier_id = d.id
WHERE d.code = $1
"""

SIGNED_RESULT_BY_HASH = """
SELECT d.code, s.signed_by, s.signed_at FROM signed_results s JOIN dossiers d ON d.id = s.dossier_id
WHERE s.sha256 = $1
"""
