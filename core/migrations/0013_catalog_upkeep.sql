-- The catalog kept by the province: each procedure is versioned, every version kept with who changed
-- which fields; the seed file no longer overwrites what an administrator edited (seed_doc is the
-- seed last applied: a row whose doc still equals it was never edited by hand).

ALTER TABLE procedures
    ADD COLUMN version int NOT NULL DEFAULT 1 CHECK (version >= 1),
    ADD COLUMN seed_doc jsonb;
UPDATE procedures SET seed_doc = doc;

CREATE TABLE procedure_versions (
    id              bigserial PRIMARY KEY,
    slug            text NOT NULL REFERENCES procedures (slug) ON DELETE CASCADE,
    version         int NOT NULL,
    doc             jsonb NOT NULL,
    fields          text[] NOT NULL,
    changed_at      timestamptz NOT NULL,
    -- no foreign key: the history outlives accounts
    changed_by      uuid,
    changed_by_role text NOT NULL CHECK (changed_by_role IN ('admin', 'operator', 'system')),
    UNIQUE (slug, version)
);

-- One number every change of the catalog moves on, read by every process to know its copy is current.
CREATE TABLE catalog_revision (
    id       boolean PRIMARY KEY DEFAULT true CHECK (id),
    revision bigint NOT NULL
);
INSERT INTO catalog_revision (id, revision) VALUES (true, 1);
