"""All SQL of assistant hand-offs."""

OPEN_HANDOFF = """
INSERT INTO handoffs (id, session_id, user_id, message, procedure_slug, created_at, channel)
VALUES ($1, $2, $3, $4, $5, $6, $7)
ON CONFLICT (session_id) WHERE status = 'open' DO UPDATE SET message = EXCLUDED.message
"""

LIST_HANDOFFS = """
SELECT h.id, h.session_id, h.channel, h.message, h.procedure_slug, h.status, h.created_at, h.closed_at, u.phone,
    count(*) OVER () AS total
FROM handoffs h LEFT JOIN users u ON u.id = h.user_id
WHERE ($1::text IS NULL OR h.status = $1)
ORDER BY h.created_at, h.id LIMIT $2 OFFSET $3
"""

CLOSE_HANDOFF = """
UPDATE handoffs SET status = 'closed', closed_at = $2, closed_by = $3 WHERE id = $1 AND status = 'open' RETURNING id
"""
