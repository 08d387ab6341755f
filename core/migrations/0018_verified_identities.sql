-- Identities verified by VNeID (OpenID Connect, api/accounts/oidc.py): at most one per account and one
-- account per identity number. The number and the profile (name, date of birth, address) are sealed
-- under MOTCUA_DATA_KEY like a dossier's applicant (core/sealing.py); the keyed hash finds the account.
CREATE TABLE verified_identities (
    user_id          uuid PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    provider         text NOT NULL,
    subject          text NOT NULL,
    level            smallint NOT NULL CHECK (level IN (1, 2)),
    identity_hash    bytea,
    identity_sealed  text,
    identity_masked  text,
    profile_sealed   text NOT NULL,
    verified_at      timestamptz NOT NULL,
    UNIQUE (provider, subject),
    CONSTRAINT verified_identities_number_sealed CHECK ((identity_hash IS NULL) = (identity_sealed IS NULL))
);

CREATE UNIQUE INDEX verified_identities_number ON verified_identities (identity_hash) WHERE identity_hash IS NOT NULL;
