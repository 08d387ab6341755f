"""All SQL of the catalog."""

UPSERT_AGENCY_KIND = """
INSERT INTO agency_kinds (code, level, names) VALUES ($1, $2, $3)
ON CONFLICT (code) DO UPDATE SET level = EXCLUDED.level, names = EXCLUDED.names
"""

SELECT_AGENCY_KINDS = "SELECT code, level, names FROM agency_kinds ORDER BY code"

SELECT_PROCEDURES = "SELECT slug, doc, version FROM procedures ORDER BY position, slug"

SELECT_PROCEDURES_FOR_UPDATE = "SELECT slug, doc, version, seed_doc FROM procedures ORDER BY slug FOR UPDATE"

SELECT_PROCEDURE_FOR_UPDATE = "SELECT slug, doc, version, seed_doc FROM procedures WHERE slug = $1 FOR UPDATE"

INSERT_PROCEDURE = """
INSERT INTO procedures (slug, agency_kind, doc, position, updated_at, version, seed_doc)
VALUES ($1, $2, $3, COALESCE($4, (SELECT COALESCE(max(position), -1) + 1 FROM procedures)), $5, 1, $6)
ON CONFLICT (slug) DO NOTHING
"""

# a new version of a procedure; seed_doc only moves when the seed wrote it
UPDATE_PROCEDURE = """
UPDATE procedures SET agency_kind = $2, doc = $3, version = version + 1, updated_at = $4,
    position = COALESCE($5, position), seed_doc = COALESCE($6, seed_doc)
WHERE slug = $1
RETURNING version
"""

SET_SEED_POSITION = "UPDATE procedures SET position = $2 WHERE slug = $1 AND position IS DISTINCT FROM $2"

INSERT_VERSION = """
INSERT INTO procedure_versions (slug, version, doc, fields, changed_at, changed_by, changed_by_role)
VALUES ($1, $2, $3, $4, $5, $6, $7)
"""

LIST_VERSIONS = """
SELECT version, changed_at, changed_by, changed_by_role, fields, count(*) OVER () AS total
FROM procedure_versions WHERE slug = $1 ORDER BY version DESC LIMIT $2 OFFSET $3
"""

NEXT_REVISION = "UPDATE catalog_revision SET revision = revision + 1 RETURNING revision"

CURRENT_REVISION = "SELECT revision FROM catalog_revision"
