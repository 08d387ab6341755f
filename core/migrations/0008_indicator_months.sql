-- Indicators over many offices: a per-office, per-month rollup of the dossiers that can no longer
-- change (returned, rejected or withdrawn: status, dates, channel, digitization and result are all
-- fixed) and of the ratings (never changed), recomputed by SQL from those tables by the worker. The
-- indicators add the rows not rolled up, read live, so the answer is always the one the single
-- statement over the real tables gives.

ALTER TABLE dossiers ADD COLUMN rolled_up boolean NOT NULL DEFAULT false;  -- counted in indicator_months
ALTER TABLE dossier_ratings ADD COLUMN rolled_up boolean NOT NULL DEFAULT false;

CREATE TABLE indicator_months (
    agency_code         text NOT NULL REFERENCES offices (code),
    month               date NOT NULL,  -- the first day of a month in Vietnam
    -- rolled-up dossiers received in that month
    received            bigint NOT NULL,
    resolved            bigint NOT NULL,
    resolved_on_time    bigint NOT NULL,
    online              bigint NOT NULL,
    digitized           bigint NOT NULL,
    results             bigint NOT NULL,
    electronic_results  bigint NOT NULL,
    -- rolled-up online dossiers submitted in that month
    reception_due       bigint NOT NULL,
    reception_met       bigint NOT NULL,
    -- rolled-up ratings given in that month
    ratings             bigint NOT NULL,
    score_sum           bigint NOT NULL,
    computed_at         timestamptz NOT NULL,
    PRIMARY KEY (agency_code, month)
);

-- what the worker rolls up next: small, it only holds dossiers closed since its last run
CREATE INDEX dossiers_to_roll_up ON dossiers (agency_code, received_at)
    WHERE NOT rolled_up AND status IN ('returned', 'rejected', 'withdrawn');

-- the dossiers the rollup does not hold, read live within the months it covers
CREATE INDEX dossiers_agency_received_live ON dossiers (agency_code, received_at)
    INCLUDE (channel, digitized, status, resolved_at, appointment_date, result_document) WHERE NOT rolled_up;
CREATE INDEX dossiers_agency_online_submitted_live ON dossiers (agency_code, submitted_at)
    INCLUDE (status, reception_due_at, reception_answered_at) WHERE channel = 'online' AND NOT rolled_up;
CREATE INDEX dossier_ratings_agency_created_live ON dossier_ratings (agency_code, created_at) INCLUDE (score)
    WHERE NOT rolled_up;
