-- Accounts, catalog, offices, dossiers, history, outbox: the foundation.

CREATE TABLE users (
    id          uuid PRIMARY KEY,
    phone       text NOT NULL UNIQUE,
    role        text NOT NULL CHECK (role IN ('citizen', 'officer', 'admin')),
    full_name   text,
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE refresh_tokens (
    id          uuid PRIMARY KEY,
    family_id   uuid NOT NULL,
    user_id     uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token_hash  bytea NOT NULL UNIQUE,
    expires_at  timestamptz NOT NULL,
    used_at     timestamptz,
    revoked_at  timestamptz,
    created_at  timestamptz NOT NULL
);
CREATE INDEX refresh_tokens_family ON refresh_tokens (family_id);

CREATE TABLE agency_kinds (
    code        text PRIMARY KEY,
    level       text NOT NULL CHECK (level IN ('province', 'commune')),
    names       jsonb NOT NULL
);

CREATE TABLE offices (
    code        text PRIMARY KEY,
    kind        text NOT NULL REFERENCES agency_kinds (code),
    level       text NOT NULL CHECK (level IN ('province', 'commune')),
    names       jsonb NOT NULL,
    ward_code   text,
    ward        text
);
CREATE INDEX offices_kind_ward ON offices (kind, ward_code);

CREATE TABLE officer_agencies (
    user_id     uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    office_code text NOT NULL REFERENCES offices (code),
    PRIMARY KEY (user_id, office_code)
);

CREATE TABLE procedures (
    slug        text PRIMARY KEY,
    agency_kind text NOT NULL REFERENCES agency_kinds (code),
    doc         jsonb NOT NULL,
    position    int NOT NULL,
    updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE calendar_overrides (
    day         date PRIMARY KEY,
    working     boolean NOT NULL,
    reason      text NOT NULL,
    source      text NOT NULL
);

-- Content-addressed files: one row per distinct content, stored under storage_dir by sha256.
CREATE TABLE files (
    sha256       text PRIMARY KEY,
    size         bigint NOT NULL CHECK (size >= 0),
    content_type text NOT NULL,
    created_at   timestamptz NOT NULL
);

-- A citizen's wallet: every upload, reusable on a later dossier.
CREATE TABLE documents (
    id           uuid PRIMARY KEY,
    owner_id     uuid REFERENCES users (id),
    sha256       text NOT NULL REFERENCES files (sha256),
    file_name    text NOT NULL,
    content_type text NOT NULL,
    size         bigint NOT NULL,
    created_at   timestamptz NOT NULL
);
CREATE INDEX documents_owner ON documents (owner_id, created_at DESC);

CREATE TABLE dossiers (
    id               uuid PRIMARY KEY,
    code             text UNIQUE,
    lookup_key       text,
    status           text NOT NULL CHECK (status IN ('draft', 'submitted', 'received',
                        'supplement_requested', 'awaiting_payment', 'processing', 'result_ready',
                        'returned', 'rejected', 'withdrawn')),
    procedure_slug   text NOT NULL REFERENCES procedures (slug),
    agency_code      text NOT NULL REFERENCES offices (code),
    owner_id         uuid REFERENCES users (id),
    channel          text NOT NULL DEFAULT 'online' CHECK (channel IN ('online', 'counter')),
    applicant        jsonb NOT NULL,
    identity_number  text NOT NULL,
    form             jsonb NOT NULL,
    delivery         jsonb NOT NULL,
    fee              int NOT NULL CHECK (fee >= 0),
    paid_at          timestamptz,
    address_flagged  boolean NOT NULL DEFAULT false,
    submitted_at     timestamptz,
    received_at      timestamptz,
    appointment_date date,
    resolved_at      timestamptz,
    returned_at      timestamptz,
    result_document  uuid REFERENCES documents (id),
    created_at       timestamptz NOT NULL,
    updated_at       timestamptz NOT NULL
);
CREATE INDEX dossiers_owner ON dossiers (owner_id, created_at DESC);
CREATE INDEX dossiers_agency_status ON dossiers (agency_code, status, created_at);
CREATE INDEX dossiers_agency_received ON dossiers (agency_code, received_at);

CREATE TABLE dossier_documents (
    id           uuid PRIMARY KEY,
    dossier_id   uuid NOT NULL REFERENCES dossiers (id) ON DELETE CASCADE,
    requirement  text NOT NULL,
    document_id  uuid NOT NULL REFERENCES documents (id),
    created_at   timestamptz NOT NULL
);
CREATE INDEX dossier_documents_dossier ON dossier_documents (dossier_id, created_at);

CREATE TABLE dossier_history (
    id           bigserial PRIMARY KEY,
    dossier_id   uuid NOT NULL REFERENCES dossiers (id) ON DELETE CASCADE,
    from_status  text,
    to_status    text NOT NULL,
    action       text NOT NULL,
    actor_id     uuid,
    actor_role   text NOT NULL,
    actor_name   text,
    note         text,
    data         jsonb NOT NULL DEFAULT '{}'::jsonb,
    at           timestamptz NOT NULL
);
CREATE INDEX dossier_history_dossier ON dossier_history (dossier_id, id);

-- Per office and day; the row lock serialises concurrent submissions, the rollback of a failed
-- one gives its number back.
CREATE TABLE dossier_counters (
    agency_code  text NOT NULL,
    day          date NOT NULL,
    last         int NOT NULL,
    PRIMARY KEY (agency_code, day)
);

CREATE TABLE dossier_ratings (
    dossier_id   uuid PRIMARY KEY REFERENCES dossiers (id) ON DELETE CASCADE,
    score        smallint NOT NULL CHECK (score BETWEEN 1 AND 5),
    comment      text,
    created_at   timestamptz NOT NULL
);

CREATE TABLE onestop_events (
    event_id     text PRIMARY KEY,
    dossier_id   uuid NOT NULL REFERENCES dossiers (id),
    response     jsonb NOT NULL,
    received_at  timestamptz NOT NULL
);

CREATE TABLE outbox (
    id            uuid PRIMARY KEY,
    topic         text NOT NULL,
    payload       jsonb NOT NULL,
    status        text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'done', 'dead')),
    attempts      int NOT NULL DEFAULT 0,
    last_error    text,
    created_at    timestamptz NOT NULL,
    available_at  timestamptz NOT NULL,
    done_at       timestamptz
);
CREATE INDEX outbox_pending ON outbox (available_at) WHERE status = 'pending';
