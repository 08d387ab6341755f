-- An officer's reads cost one page, not the office's history.
--
-- 1. The queue in the order it is read (submitted_at, created_at, id) per office, and per office and
--    status, over the dossiers that reached the office (a walk-in, or anything submitted: what
--    api/dossiers/access.reached_the_office() says). A page at offset N walks N + limit index entries,
--    and the overdue filters are checked on the index (INCLUDE), before any row is read.
CREATE INDEX dossiers_queue ON dossiers (agency_code, submitted_at, created_at, id)
    INCLUDE (status, received_at, appointment_date, reception_due_at)
    WHERE channel = 'counter' OR submitted_at IS NOT NULL;
CREATE INDEX dossiers_queue_status ON dossiers (agency_code, status, submitted_at, created_at, id)
    INCLUDE (reception_due_at)
    WHERE channel = 'counter' OR submitted_at IS NOT NULL;
-- its only reader was the queue, which the index above serves in its order
DROP INDEX dossiers_agency_status;

-- 2. The size of the queue, per office and status, without counting it. Each insert, move or delete
--    of a dossier adds a row of +1 / -1 (insert-only: two officers moving dossiers of one office at
--    once never wait for each other on a counter row); the count is the sum of an office's rows, and
--    the worker folds them into one row per office and status now and then (queue_counts.py). Written
--    by trigger, so no path that moves a dossier can forget it. A bulk load that fires no trigger
--    (session_replication_role = replica) recounts (queue_counts.RECOUNT).
CREATE TABLE office_queue_counts (
    agency_code  text NOT NULL,
    status       text NOT NULL,
    dossiers     bigint NOT NULL
);
CREATE INDEX office_queue_counts_office ON office_queue_counts (agency_code, status) INCLUDE (dossiers);

CREATE FUNCTION office_queue_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' AND (OLD.channel = 'counter' OR OLD.submitted_at IS NOT NULL) THEN
        INSERT INTO office_queue_counts (agency_code, status, dossiers) VALUES (OLD.agency_code, OLD.status, -1);
    END IF;
    IF TG_OP <> 'DELETE' AND (NEW.channel = 'counter' OR NEW.submitted_at IS NOT NULL) THEN
        INSERT INTO office_queue_counts (agency_code, status, dossiers) VALUES (NEW.agency_code, NEW.status, 1);
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER dossiers_queue_count AFTER INSERT OR DELETE ON dossiers
    FOR EACH ROW EXECUTE FUNCTION office_queue_count();
-- the WHEN is checked without calling the function: an update that moves nothing counted costs nothing
CREATE TRIGGER dossiers_queue_count_moved AFTER UPDATE OF status, agency_code, channel, submitted_at ON dossiers
    FOR EACH ROW
    WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.agency_code IS DISTINCT FROM NEW.agency_code
          OR (OLD.channel = 'counter' OR OLD.submitted_at IS NOT NULL)
             IS DISTINCT FROM (NEW.channel = 'counter' OR NEW.submitted_at IS NOT NULL))
    EXECUTE FUNCTION office_queue_count();

-- the trigger exists (and holds writers off until this commits), so the count starts exact
INSERT INTO office_queue_counts (agency_code, status, dossiers)
SELECT agency_code, status, count(*) FROM dossiers
WHERE channel = 'counter' OR submitted_at IS NOT NULL
GROUP BY agency_code, status;

-- 3. On-time statistics from the monthly rollup: resolved before and after the appointment date
--    (resolved_on_time, <=, is already there; on the day = resolved_on_time - resolved_early).
ALTER TABLE indicator_months ADD COLUMN resolved_early bigint NOT NULL DEFAULT 0,
    ADD COLUMN resolved_late bigint NOT NULL DEFAULT 0;

UPDATE indicator_months m SET resolved_early = c.early, resolved_late = c.late
FROM (
    SELECT agency_code, date_trunc('month', received_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date AS month,
        count(*) FILTER (WHERE (resolved_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date < appointment_date) AS early,
        count(*) FILTER (WHERE (resolved_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date > appointment_date) AS late
    FROM dossiers WHERE rolled_up AND received_at IS NOT NULL
    GROUP BY 1, 2
) c
WHERE m.agency_code = c.agency_code AND m.month = c.month;
