"""All SQL of notifications."""

UPSERT_DEVICE = """
INSERT INTO devices (token, user_id, platform, locale, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5)
ON CONFLICT (token) DO UPDATE SET user_id = EXCLUDED.user_id, platform = EXCLUDED.platform, locale = EXCLUDED.locale,
    updated_at = EXCLUDED.updated_at
RETURNING token, platform, locale, updated_at
"""

DELETE_DEVICE = "DELETE FROM devices WHERE token = $1 AND user_id = $2 RETURNING token"

LIST_INBOX = """
SELECT id, type, title, body, data, read_at, created_at, count(*) OVER () AS total
FROM notifications WHERE user_id = $1 ORDER BY created_at DESC, seq DESC LIMIT $2 OFFSET $3
"""

COUNT_UNREAD = "SELECT count(*) FROM notifications WHERE user_id = $1 AND read_at IS NULL"

MARK_READ = "UPDATE notifications SET read_at = coalesce(read_at, $3) WHERE id = $1 AND user_id = $2 RETURNING id"

GET_PREFERENCES = """
SELECT push_status, push_payment, push_reminder, sms_status FROM notification_preferences WHERE user_id = $1
"""

UPSERT_PREFERENCES = """
INSERT INTO notification_preferences (user_id, push_status, push_payment, push_reminder, sms_status, updated_at)
VALUES ($1, $2, $3, $4, $5, $6)
ON CONFLICT (user_id) DO UPDATE SET push_status = EXCLUDED.push_status, push_payment = EXCLUDED.push_payment,
    push_reminder = EXCLUDED.push_reminder, sms_status = EXCLUDED.sms_status, updated_at = EXCLUDED.updated_at
"""

# ---- the push consumer: one statement of each per claimed batch ----

OWNERS_DEVICES = """
SELECT d.user_id, d.token, d.platform, d.locale, p.push_status, p.push_payment, p.push_reminder, p.sms_status
FROM devices d LEFT JOIN notification_preferences p ON p.user_id = d.user_id
WHERE d.user_id = ANY($1::uuid[])
ORDER BY d.user_id, d.created_at
"""

INSERT_NOTIFICATIONS = """
INSERT INTO notifications (id, user_id, event_id, type, category, title, body, data, locale, created_at)
SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::text[], $6::text[], $7::text[],
    $8::jsonb[], $9::text[], $10::timestamptz[])
ON CONFLICT (user_id, event_id) DO NOTHING
RETURNING event_id
"""

DELIVERED = "SELECT event_id, token FROM push_deliveries WHERE event_id = ANY($1::uuid[])"

# the deliveries and the dead tokens in one statement, so one is never recorded without the other
RECORD_DELIVERIES = """
WITH recorded AS (
    INSERT INTO push_deliveries (event_id, token, status, message_id, error, at)
    SELECT event_id, token, status, message_id, error, $6
    FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[])
        AS d(event_id, token, status, message_id, error)
    ON CONFLICT (event_id, token) DO NOTHING
), forgotten AS (
    DELETE FROM devices WHERE token = ANY($7::text[])
)
SELECT 1
"""

# ---- the SMS consumer ----

# the accounts owning dossiers whose step goes by SMS: their phone, whether any device takes pushes instead,
# and whether they turned SMS off
SMS_RECIPIENTS = """
SELECT u.id, u.phone, coalesce(p.sms_status, true) AS sms_status,
    EXISTS (SELECT 1 FROM devices d WHERE d.user_id = u.id) AS has_device
FROM users u LEFT JOIN notification_preferences p ON p.user_id = u.id
WHERE u.id = ANY($1::uuid[])
"""

SMS_SENT = "SELECT event_id FROM sms_deliveries WHERE event_id = ANY($1::uuid[])"

RECORD_SMS = """
INSERT INTO sms_deliveries (event_id, dossier_id, user_id, phone, at)
SELECT event_id, dossier_id, user_id, phone, $5
FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[]) AS s (event_id, dossier_id, user_id, phone)
ON CONFLICT (event_id) DO NOTHING
"""
