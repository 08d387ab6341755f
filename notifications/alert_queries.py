"""SQL of the officers' deadline alerts (the inbox and delivery queries are shared from queries.py)."""

AGENCY_OFFICERS = """
SELECT u.id FROM officer_agencies a JOIN users u ON u.id = a.user_id
WHERE a.office_code = $1 AND u.role IN ('officer', 'admin') ORDER BY u.id
"""
