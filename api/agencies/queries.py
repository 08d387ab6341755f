"""All SQL of offices."""

# by identity: an office keeps the code it has (an imported official one) and, once official, its names
UPSERT_OFFICES = """
INSERT INTO offices (code, kind, level, names, ward_code, ward, province_code)
SELECT code, kind, level, names::jsonb, ward_code, ward, province_code
FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[])
    AS t (code, kind, level, names, ward_code, ward, province_code)
ON CONFLICT (code) DO UPDATE SET kind = EXCLUDED.kind, level = EXCLUDED.level,
    names = CASE WHEN offices.official THEN offices.names ELSE EXCLUDED.names END,
    ward_code = EXCLUDED.ward_code, ward = EXCLUDED.ward
"""

SEED_LOCK = "SELECT pg_advisory_xact_lock(7170650723)"  # "office" seeds, one at a time

SELECT_PROVINCE_IDENTITIES = """
SELECT code, kind, coalesce(ward_code, '') AS ward_code FROM offices WHERE province_code = $1
"""

SELECT_ALL_CODES = "SELECT code FROM offices"

SELECT_OFFICES = """
SELECT code, kind, level, names, ward_code, ward FROM offices WHERE province_code = $1 ORDER BY code
"""

RENAME_OFFICE = """
UPDATE offices SET code = $2, names = jsonb_set(names, '{vi}', to_jsonb($3::text)), official = true
WHERE code = $1
"""

RECODE_OFFICE = "UPDATE offices SET code = $2 WHERE code = $1"
