-- Counter filing, digitization, the reception deadline of online dossiers, deadline warnings,
-- and the indexes the indicators read.

ALTER TABLE dossiers
    ADD COLUMN digitized              boolean NOT NULL DEFAULT false,  -- every mandatory paper has a stored file
    ADD COLUMN reception_due_at       timestamptz,  -- online: received or sent back by then (working hours)
    ADD COLUMN reception_warn_at      timestamptz,  -- when officers are told it is about to breach
    ADD COLUMN reception_answered_at  timestamptz,  -- when an officer received, sent back or refused it
    ADD COLUMN reception_warned_at    timestamptz,
    ADD COLUMN processing_warned_at   timestamptz;

-- Papers the officer saw in the original at the counter without scanning them.
CREATE TABLE dossier_originals_seen (
    dossier_id   uuid NOT NULL REFERENCES dossiers (id) ON DELETE CASCADE,
    requirement  text NOT NULL,
    seen_by      uuid REFERENCES users (id),
    created_at   timestamptz NOT NULL,
    PRIMARY KEY (dossier_id, requirement)
);

UPDATE dossiers d SET digitized = NOT EXISTS (
    SELECT 1 FROM procedures p, jsonb_array_elements(p.doc -> 'requirements') r
    WHERE p.slug = d.procedure_slug AND (r ->> 'mandatory')::boolean
      AND NOT EXISTS (
          SELECT 1 FROM dossier_documents a WHERE a.dossier_id = d.id AND a.requirement = r ->> 'key'
      )
);

-- A citizen signing in claims the counter dossiers filed with their phone number.
CREATE INDEX dossiers_unclaimed_phone ON dossiers ((applicant ->> 'phone'))
    WHERE owner_id IS NULL AND channel = 'counter';

-- The worker's scans for deadlines about to breach.
CREATE INDEX dossiers_reception_warn ON dossiers (reception_warn_at)
    WHERE status = 'submitted' AND reception_warned_at IS NULL;
CREATE INDEX dossiers_processing_warn ON dossiers (appointment_date)
    WHERE status IN ('received', 'awaiting_payment', 'processing') AND processing_warned_at IS NULL;

-- Indicators: the period's received dossiers of an office, read from the index alone.
DROP INDEX dossiers_agency_received;
CREATE INDEX dossiers_agency_received ON dossiers (agency_code, received_at)
    INCLUDE (channel, digitized, status, resolved_at, appointment_date, result_document);
-- the period's online submissions and how fast they were answered
CREATE INDEX dossiers_agency_online_submitted ON dossiers (agency_code, submitted_at)
    INCLUDE (status, reception_due_at, reception_answered_at) WHERE channel = 'online';
-- what is open now (overdue counts and the officers' overdue filter)
CREATE INDEX dossiers_agency_open ON dossiers (agency_code)
    INCLUDE (status, received_at, appointment_date, reception_due_at)
    WHERE status IN ('submitted', 'received', 'supplement_requested', 'awaiting_payment', 'processing');
-- satisfaction: the ratings an office was given in a period. The office of a rated (returned)
-- dossier never changes, so the rating keeps it rather than joining every rating to its dossier.
ALTER TABLE dossier_ratings ADD COLUMN agency_code text REFERENCES offices (code);
UPDATE dossier_ratings r SET agency_code = d.agency_code FROM dossiers d WHERE d.id = r.dossier_id;
ALTER TABLE dossier_ratings ALTER COLUMN agency_code SET NOT NULL;
CREATE INDEX dossier_ratings_agency_created ON dossier_ratings (agency_code, created_at) INCLUDE (score);
