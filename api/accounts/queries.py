"""All SQL of accounts."""

UPSERT_USER = """
INSERT INTO users (id, phone, role, created_at) VALUES ($1, $2, $3, $4)
ON CONFLICT (phone) DO UPDATE SET phone = EXCLUDED.phone
RETURNING id, phone, role, full_name
"""

SET_ROLE = "UPDATE users SET role = $2 WHERE id = $1"

SET_FULL_NAME = "UPDATE users SET full_name = $2 WHERE id = $1"

GET_USER = "SELECT id, phone, role, full_name FROM users WHERE id = $1"

GET_USER_BY_PHONE = "SELECT id, phone, role, full_name FROM users WHERE phone = $1"

USER_AGENCIES = "SELECT office_code FROM officer_agencies WHERE user_id = $1 ORDER BY office_code"

BIND_AGENCY = """
INSERT INTO officer_agencies (user_id, office_code) VALUES ($1, $2) ON CONFLICT DO NOTHING
"""

INSERT_REFRESH = """
INSERT INTO refresh_tokens (id, family_id, user_id, token_hash, expires_at, created_at)
VALUES ($1, $2, $3, $4, $5, $6)
"""

GET_REFRESH_FOR_UPDATE = """
SELECT id, family_id, user_id, expires_at, used_at, revoked_at
FROM refresh_tokens WHERE token_hash = $1 FOR UPDATE
"""

MARK_REFRESH_USED = "UPDATE refresh_tokens SET used_at = $2 WHERE id = $1"

REVOKE_FAMILY = "UPDATE refresh_tokens SET revoked_at = $2 WHERE family_id = $1 AND revoked_at IS NULL"

DISABLED_IDS = "SELECT id FROM users WHERE disabled_at IS NOT NULL"

IS_DISABLED = "SELECT disabled_at IS NOT NULL FROM users WHERE id = $1"

LIST_STAFF = """
SELECT u.id, u.phone, u.role, u.full_name, u.disabled_at,
       coalesce(array_agg(a.office_code ORDER BY a.office_code) FILTER (WHERE a.office_code IS NOT NULL), '{}')
           AS agencies
FROM users u LEFT JOIN officer_agencies a ON a.user_id = u.id
WHERE u.role IN ('officer', 'admin')
GROUP BY u.id ORDER BY u.role, u.phone
"""

SET_STAFF_DISABLED = """
UPDATE users SET disabled_at = CASE WHEN $2 THEN coalesce(disabled_at, $3) ELSE NULL END
WHERE phone = $1 AND role IN ('officer', 'admin')
RETURNING id
"""

REVOKE_USER_REFRESH = "UPDATE refresh_tokens SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL"
