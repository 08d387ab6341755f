-- Devices, the in-app inbox, preferences, and one row per (event, device) push delivery.

CREATE TABLE devices (
    token       text PRIMARY KEY,
    user_id     uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    platform    text NOT NULL CHECK (platform IN ('android', 'ios', 'web')),
    locale      text NOT NULL CHECK (locale IN ('vi', 'en')),
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL
);
CREATE INDEX devices_user ON devices (user_id);

CREATE TABLE notifications (
    id          uuid PRIMARY KEY,
    user_id     uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    event_id    uuid NOT NULL,
    type        text NOT NULL,
    category    text NOT NULL,
    title       text NOT NULL,
    body        text NOT NULL,
    data        jsonb NOT NULL,
    locale      text NOT NULL,
    read_at     timestamptz,
    created_at  timestamptz NOT NULL,
    seq         bigserial,  -- insertion order, for entries created in the same instant
    UNIQUE (user_id, event_id)
);
CREATE INDEX notifications_user ON notifications (user_id, created_at DESC, seq DESC);
CREATE INDEX notifications_unread ON notifications (user_id) WHERE read_at IS NULL;

CREATE TABLE notification_preferences (
    user_id     uuid PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    push_status boolean NOT NULL DEFAULT true,
    push_payment boolean NOT NULL DEFAULT true,
    push_reminder boolean NOT NULL DEFAULT true,
    updated_at  timestamptz NOT NULL
);

CREATE TABLE push_deliveries (
    event_id    uuid NOT NULL,
    token       text NOT NULL,
    status      text NOT NULL CHECK (status IN ('sent', 'dead')),
    message_id  text,
    error       text,
    at          timestamptz NOT NULL,
    PRIMARY KEY (event_id, token)
);
