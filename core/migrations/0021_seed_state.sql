-- What seeded the reference data of each province: the fingerprint of the code and data that did it
-- (api/commands.py), and what it counted. `motcua serve` on a database already migrated and seeded by
-- the same code finds it in one query and starts without running either again.
CREATE TABLE seed_state (
    province_code text PRIMARY KEY,
    fingerprint text NOT NULL,
    procedures int NOT NULL,
    offices int NOT NULL,
    calendar_days int NOT NULL,
    seeded_at timestamptz NOT NULL DEFAULT now()
);
