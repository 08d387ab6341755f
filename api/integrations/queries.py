"""All SQL of outbound events: the events, subscriptions and deliveries."""

# One placer at a time (a transaction-level advisory lock), so positions become visible in their order.
PLACER_LOCK = "SELECT pg_advisory_xact_lock(7220155139425612032)"

# the horizon, and whether every transaction that could still write at or below its pending number is over
HORIZON = """
SELECT seq, pending_seq, pending_xmax,
    pending_xmax IS NOT NULL AND pg_snapshot_xmin(pg_current_snapshot())::text::bigint >= pending_xmax AS passed
FROM integration_horizon
"""

# committed outbox rows of the topics that leave, above the horizon and not placed yet; `tx` tells the
# rows of one transaction apart
UNPLACED = """
SELECT o.seq, o.xmin::text AS tx, o.payload FROM outbox o
WHERE o.seq > $1 AND o.topic = ANY($2::text[])
  AND NOT EXISTS (SELECT 1 FROM integration_events e WHERE e.event_id = o.id)
ORDER BY o.seq
LIMIT $3
"""

# the events placed after the last position, in the order of the arrays, and a delivery of each to every
# subscription that asks for its type. $7 now.
PLACE = """
WITH top AS (
    SELECT coalesce(max(position), 0) AS position FROM integration_events
), placed AS (
    INSERT INTO integration_events (position, event_id, type, dossier_id, subject, body, occurred_at)
    SELECT top.position + e.n, e.event_id, e.type, e.dossier_id, e.subject, e.body, e.occurred_at
    FROM top, unnest($1::uuid[], $2::text[], $3::uuid[], $4::text[], $5::text[], $6::timestamptz[])
        WITH ORDINALITY AS e (event_id, type, dossier_id, subject, body, occurred_at, n)
    RETURNING position, type, dossier_id
), fanned AS (
    INSERT INTO webhook_deliveries (id, subscription_id, position, dossier_id, status, next_attempt_at, created_at)
    SELECT gen_random_uuid(), s.id, p.position, p.dossier_id, 'pending', $7, $7
    FROM placed p JOIN webhook_subscriptions s ON p.type LIKE ANY (s.type_likes)
    RETURNING 1
)
SELECT count(*) FROM fanned
"""

# the last number the outbox drew (committed or not: sequences are not transactional), then, in a later
# statement, the next transaction id: any transaction holding a number up to the first has an id below
# the second
LAST_SEQ = "SELECT coalesce(pg_sequence_last_value(pg_get_serial_sequence('outbox', 'seq')::regclass), 0)"
NEXT_XID = "SELECT pg_snapshot_xmax(pg_current_snapshot())::text::bigint"

SAVE_HORIZON = """
INSERT INTO integration_horizon (one, seq, pending_seq, pending_xmax) VALUES (true, $1, $2, $3)
ON CONFLICT (one) DO UPDATE SET seq = EXCLUDED.seq, pending_seq = EXCLUDED.pending_seq,
    pending_xmax = EXCLUDED.pending_xmax
"""

# The pull feed: what follows a position, oldest first.
FEED = "SELECT position, body FROM integration_events WHERE position > $1 ORDER BY position LIMIT $2"

# ---- subscriptions ----

INSERT_SUBSCRIPTION = """
INSERT INTO webhook_subscriptions (id, url, types, type_likes, secret, created_by, created_at)
VALUES ($1, $2, $3, $4, $5, $6, $7)
"""

LIST_SUBSCRIPTIONS = """
SELECT id, url, types, created_at, count(*) OVER () AS total
FROM webhook_subscriptions ORDER BY created_at, id LIMIT $1 OFFSET $2
"""

DELETE_SUBSCRIPTION = "DELETE FROM webhook_subscriptions WHERE id = $1 RETURNING id"

SUBSCRIPTION_EXISTS = "SELECT EXISTS (SELECT 1 FROM webhook_subscriptions WHERE id = $1)"

_DELIVERY_COLUMNS = """
d.id, e.event_id, e.type, e.subject, d.dossier_id, d.status, d.attempts, d.last_status, d.last_error, d.created_at,
d.last_attempt_at, d.next_attempt_at, d.delivered_at
"""

# $2 a status or NULL for all
LIST_DELIVERIES = f"""
SELECT {_DELIVERY_COLUMNS}, count(*) OVER () AS total
FROM webhook_deliveries d JOIN integration_events e ON e.position = d.position
WHERE d.subscription_id = $1 AND ($2::text IS NULL OR d.status = $2)
ORDER BY d.position LIMIT $3 OFFSET $4
"""

GET_DELIVERY = f"""
SELECT {_DELIVERY_COLUMNS}
FROM webhook_deliveries d JOIN integration_events e ON e.position = d.position
WHERE d.id = $1 AND d.subscription_id = $2
"""

DELIVERY_STATUS_FOR_UPDATE = "SELECT status FROM webhook_deliveries WHERE id = $1 AND subscription_id = $2 FOR UPDATE"

# a delivery given up on starts over: pending now, a new 24 hours from its next attempt
RETRY_DELIVERY = """
UPDATE webhook_deliveries SET status = 'pending', next_attempt_at = $2, first_attempt_at = NULL
WHERE id = $1 AND status = 'failed'
"""

# ---- the sender ----

# Due deliveries that are first in line (no earlier one of their dossier to the same subscriber is
# undelivered), leased by pushing next_attempt_at forward. $1 now, $2 the lease's end, $3 how many.
CLAIM = """
UPDATE webhook_deliveries d
SET next_attempt_at = $2, attempts = d.attempts + 1, first_attempt_at = coalesce(d.first_attempt_at, $1),
    last_attempt_at = $1
FROM webhook_subscriptions s, integration_events e
WHERE d.id IN (
    SELECT c.id FROM webhook_deliveries c
    WHERE c.status = 'pending' AND c.next_attempt_at <= $1
      AND NOT EXISTS (
          SELECT 1 FROM webhook_deliveries p
          WHERE p.subscription_id = c.subscription_id AND p.dossier_id = c.dossier_id
            AND p.position < c.position AND p.status <> 'delivered'
      )
    ORDER BY c.next_attempt_at, c.position
    LIMIT $3
    FOR UPDATE OF c SKIP LOCKED
) AND s.id = d.subscription_id AND e.position = d.position
RETURNING d.id, d.attempts, d.first_attempt_at, s.url, s.secret, e.event_id, e.body
"""

# every outcome of a batch in one statement: delivered, to retry at next_at, or failed
RECORD = """
UPDATE webhook_deliveries d
SET status = r.status, last_status = r.last_status, last_error = r.error,
    next_attempt_at = coalesce(r.next_at, d.next_attempt_at),
    delivered_at = CASE WHEN r.status = 'delivered' THEN $6 ELSE d.delivered_at END
FROM unnest($1::uuid[], $2::text[], $3::timestamptz[], $4::int[], $5::text[])
    AS r (id, status, next_at, last_status, error)
WHERE d.id = r.id AND d.status = 'pending'
"""
