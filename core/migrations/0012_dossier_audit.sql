-- Who read or acted on which dossier, as GET /api/v1/officer/dossiers/{id}/audit shows it: every officer's
-- and admin's read of a dossier (view), of its result (download), and every action on it, the one-stop
-- system's included. Append-only: the trigger below refuses UPDATE, DELETE and TRUNCATE to everyone the
-- database runs triggers for.
CREATE TABLE dossier_audit (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- no foreign key: a read's entry then takes no lock on the dossier row (an action holding it FOR UPDATE
    -- would hold the read up), and the trail never goes with what it tells of
    dossier_id  uuid NOT NULL,
    at          timestamptz NOT NULL,
    actor_id    text,  -- a user id, or the one-stop system's id of its officer (may be unknown)
    actor_role  text NOT NULL CHECK (actor_role IN ('officer', 'admin', 'one-stop')),
    action      text NOT NULL,
    detail      jsonb
);
CREATE INDEX dossier_audit_dossier ON dossier_audit (dossier_id, id DESC);

CREATE FUNCTION dossier_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'dossier_audit is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE TRIGGER dossier_audit_append_only BEFORE UPDATE OR DELETE ON dossier_audit
    FOR EACH ROW EXECUTE FUNCTION dossier_audit_append_only();
CREATE TRIGGER dossier_audit_no_truncate BEFORE TRUNCATE ON dossier_audit
    FOR EACH STATEMENT EXECUTE FUNCTION dossier_audit_append_only();
