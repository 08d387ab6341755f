"""All SQL of accounts."""

UPSERT_USER = """
INSERT INTO users (id, phone, role, created_at) VALUES ($1, $2, $3, $4)
ON CONFLICT (phone) DO UPDATE SET phone = EXCLUDED.phone
RETURNING id, phone, role, full_name
"""

SET_ROLE = "UPDATE users SET role = $2 WHERE id = $1"

SET_FULL_NAME = "UPDATE users SET full_name = $2 WHERE id = $1"

GET_USER = """
SELECT u.id, u.phone, u.role, u.full_name, coalesce(v.level, 0) AS identity_level
FROM users u LEFT JOIN verified_identities v ON v.user_id = u.id
WHERE u.id = $1
"""

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

# ---- identities verified by VNeID ------------------------------------------------------------------
USER_BY_IDENTITY_HASH = "SELECT user_id FROM verified_identities WHERE identity_hash = $1"

USER_BY_SUBJECT = "SELECT user_id FROM verified_identities WHERE provider = $1 AND subject = $2"

UPSERT_VERIFIED_IDENTITY = """
INSERT INTO verified_identities
    (user_id, provider, subject, level, identity_hash, identity_sealed, identity_masked, profile_sealed, verified_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
ON CONFLICT (user_id) DO UPDATE SET
    provider = EXCLUDED.provider, subject = EXCLUDED.subject, level = EXCLUDED.level,
    identity_hash = EXCLUDED.identity_hash, identity_sealed = EXCLUDED.identity_sealed,
    identity_masked = EXCLUDED.identity_masked, profile_sealed = EXCLUDED.profile_sealed,
    verified_at = EXCLUDED.verified_at
"""

VERIFIED_IDENTITY = """
SELECT v.provider, v.level, v.identity_sealed, v.identity_masked, v.profile_sealed, u.phone
FROM verified_identities v JOIN users u ON u.id = v.user_id
WHERE v.user_id = $1
"""

IDENTITY_SUMMARY = "SELECT provider, level, identity_masked FROM verified_identities WHERE user_id = $1"

# an account without a name takes the verified one; a name an officer or admin was given stays
USER_PHONE_NAMED = "UPDATE users SET full_name = coalesce(full_name, $2) WHERE id = $1 RETURNING phone"
