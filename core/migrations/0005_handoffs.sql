-- Conversations the assistant hands to a person: officers see them and close them.

CREATE TABLE handoffs (
    id             uuid PRIMARY KEY,
    session_id     text NOT NULL,
    channel        text NOT NULL DEFAULT 'app' CHECK (channel IN ('app', 'zalo', 'messenger')),
    user_id        uuid REFERENCES users (id) ON DELETE SET NULL,
    message        text NOT NULL,
    procedure_slug text,
    status         text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
    created_at     timestamptz NOT NULL,
    closed_at      timestamptz,
    closed_by      uuid
);
CREATE UNIQUE INDEX handoffs_one_open_per_session ON handoffs (session_id) WHERE status = 'open';
CREATE INDEX handoffs_open ON handoffs (created_at) WHERE status = 'open';
