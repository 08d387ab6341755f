-- Identity numbers sealed at rest (AES-GCM under MOTCUA_DATA_KEY, core/sealing.py) and found by a keyed
-- hash. Rows written before keep their number in identity_number until the start-up data step seals them
-- (api/dossiers/sealed.py, run by `motcua migrate` and at every `serve` start); new rows never fill it.
ALTER TABLE dossiers
    ALTER COLUMN identity_number DROP NOT NULL,
    ADD COLUMN identity_sealed text,
    ADD COLUMN identity_hash bytea,
    -- identity numbers of other people the form names (a spouse, the deceased), sealed by field key; the
    -- form keeps their masked form
    ADD COLUMN form_sealed jsonb NOT NULL DEFAULT '{}'::jsonb,
    ADD CONSTRAINT dossiers_identity_sealed_or_clear CHECK ((identity_number IS NULL) <> (identity_sealed IS NULL)),
    ADD CONSTRAINT dossiers_identity_hash_with_seal CHECK ((identity_sealed IS NULL) = (identity_hash IS NULL));

CREATE INDEX dossiers_identity_hash ON dossiers (identity_hash);
-- what the data step has left to seal: empty once it ran, so every start finds nothing at once
CREATE INDEX dossiers_identity_in_clear ON dossiers (id) WHERE identity_number IS NOT NULL;
