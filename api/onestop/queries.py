"""All SQL of the one-stop webhook: each event is applied once, and a replay answers as the first time did."""

# None when the event was already claimed: its stored response is the answer
CLAIM_EVENT = """
INSERT INTO onestop_events (event_id, dossier_id, response, received_at) VALUES ($1, $2, '{}'::jsonb, $3)
ON CONFLICT (event_id) DO NOTHING RETURNING event_id
"""
GET_EVENT_RESPONSE = "SELECT response FROM onestop_events WHERE event_id = $1"
SET_EVENT_RESPONSE = "UPDATE onestop_events SET response = $2 WHERE event_id = $1"
