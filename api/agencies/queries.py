"""All SQL of offices."""

UPSERT_OFFICE = """
INSERT INTO offices (code, kind, level, names, ward_code, ward) VALUES ($1, $2, $3, $4, $5, $6)
ON CONFLICT (code) DO UPDATE SET kind = EXCLUDED.kind, level = EXCLUDED.level, names = EXCLUDED.names,
    ward_code = EXCLUDED.ward_code, ward = EXCLUDED.ward
"""

SELECT_OFFICES = "SELECT code, kind, level, names, ward_code, ward FROM offices ORDER BY code"
