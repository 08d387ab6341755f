"""SQL of the officers' deadline and hand-off alerts (the inbox and delivery queries are shared from queries.py)."""

AGENCY_OFFICERS = """
SELECT u.id FROM officer_agencies a JOIN users u ON u.id = a.user_id
WHERE a.office_code = $1 AND u.role IN ('officer', 'admin') ORDER BY u.id
"""

# who hears of a hand-off no office could be chosen for: every admin, and the officers of the
# offices named for the province-wide queue
QUEUE_OFFICERS = """
SELECT u.id FROM users u WHERE u.role = 'admin'
UNION
SELECT u.id FROM officer_agencies a JOIN users u ON u.id = a.user_id
WHERE a.office_code = ANY($1::text[]) AND u.role IN ('officer', 'admin')
ORDER BY id
"""
