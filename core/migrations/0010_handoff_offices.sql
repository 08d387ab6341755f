-- A hand-off goes to the office that can answer it (its officers list it and are alerted);
-- NULL is the province-wide queue every officer sees.

ALTER TABLE handoffs ADD COLUMN agency_code text REFERENCES offices (code);
CREATE INDEX handoffs_open_agency ON handoffs (agency_code, created_at) WHERE status = 'open';
