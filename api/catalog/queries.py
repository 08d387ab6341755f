"""All SQL of the catalog."""

UPSERT_AGENCY_KIND = """
INSERT INTO agency_kinds (code, level, names) VALUES ($1, $2, $3)
ON CONFLICT (code) DO UPDATE SET level = EXCLUDED.level, names = EXCLUDED.names
"""

UPSERT_PROCEDURE = """
INSERT INTO procedures (slug, agency_kind, doc, position, updated_at) VALUES ($1, $2, $3, $4, $5)
ON CONFLICT (slug) DO UPDATE SET agency_kind = EXCLUDED.agency_kind, doc = EXCLUDED.doc,
    position = EXCLUDED.position, updated_at = EXCLUDED.updated_at
WHERE procedures.doc IS DISTINCT FROM EXCLUDED.doc OR procedures.position IS DISTINCT FROM EXCLUDED.position
"""

SELECT_AGENCY_KINDS = "SELECT code, level, names FROM agency_kinds ORDER BY code"

SELECT_PROCEDURES = "SELECT doc FROM procedures ORDER BY position, slug"
