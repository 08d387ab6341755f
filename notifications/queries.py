"""All SQL of notifications."""

UPSERT_DEVICE = """
INSERT INTO devices (token, user_id, platform, locale, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5)
ON CONFLICT (token) DO UPDATE SET user_id = EXCLUDED.user_id, platform = EXCLUDED.platform, locale = EXCLUDED.locale,
    updated_at = EXCLUDED.updated_at
RETURNING token, platform, locale, updated_at
"""

DELETE_DEVICE = "DELETE FROM devices WHERE token = $1 AND user_id = $2 RETURNING token"

DELETE_DEAD_DEVICE = "DELETE FROM devices WHERE token = $1"

USER_DEVICES = "SELECT token, platform, locale FROM devices WHERE user_id = $1 ORDER BY created_at"

LIST_INBOX = """
SELECT id, type, title, body, data, read_at, created_at, count(*) OVER () AS total
FROM notifications WHERE user_id = $1 ORDER BY created_at DESC, seq DESC LIMIT $2 OFFSET $3
"""

COUNT_UNREAD = "SELECT count(*) FROM notifications WHERE user_id = $1 AND read_at IS NULL"

MARK_READ = "UPDATE notifications SET read_at = coalesce(read_at, $3) WHERE id = $1 AND user_id = $2 RETURNING id"

INSERT_NOTIFICATION = """
INSERT INTO notifications (id, user_id, event_id, type, category, title, body, data, locale, created_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
ON CONFLICT (user_id, event_id) DO NOTHING
"""

GET_PREFERENCES = """
SELECT push_status, push_payment, push_reminder FROM notification_preferences WHERE user_id = $1
"""

UPSERT_PREFERENCES = """
INSERT INTO notification_preferences (user_id, push_status, push_payment, push_reminder, updated_at)
VALUES ($1, $2, $3, $4, $5)
ON CONFLICT (user_id) DO UPDATE SET push_status = EXCLUDED.push_status, push_payment = EXCLUDED.push_payment,
    push_reminder = EXCLUDED.push_reminder, updated_at = EXCLUDED.updated_at
"""

DELIVERED_TOKENS = "SELECT token FROM push_deliveries WHERE event_id = $1"

RECORD_DELIVERY = """
INSERT INTO push_deliveries (event_id, token, status, message_id, error, at) VALUES ($1, $2, $3, $4, $5, $6)
ON CONFLICT (event_id, token) DO NOTHING
"""
