-- What leaves for the province's systems (every dossier step after the draft, payments settled or
-- refunded, as CloudEvents) and for citizens without the app (SMS).

-- The outbox's rows get a sequence number as they are written (in the step's transaction, under the
-- dossier's lock: the steps of one dossier are numbered in their order). The worker places the rows that
-- leave in the feed from it, so a step's transaction does not do one statement more.
ALTER TABLE outbox ADD COLUMN seq bigint GENERATED ALWAYS AS IDENTITY;
CREATE INDEX outbox_seq ON outbox (seq);

-- One row per outbound event, the CloudEvent exactly as sent and signed. `position` is the order of the
-- pull feed and of the deliveries, given after commit by one placer at a time (api/integrations/placing.py),
-- so a reader who has seen position N has seen every position below it.
CREATE TABLE integration_events (
    position     bigint PRIMARY KEY,
    event_id     uuid NOT NULL UNIQUE,
    type         text NOT NULL,
    dossier_id   uuid NOT NULL,
    subject      text,           -- the dossier code, when it has one
    body         text NOT NULL,
    occurred_at  timestamptz NOT NULL
);

-- The placer's safe horizon: every outbox row up to `seq` is placed or never will be. `pending_seq` was
-- the last number drawn when `pending_xmax` was the next transaction id: once no transaction older than
-- that is running, nothing at or below `pending_seq` can still appear.
CREATE TABLE integration_horizon (
    one           boolean PRIMARY KEY DEFAULT true CHECK (one),
    seq           bigint NOT NULL,
    pending_seq   bigint,
    pending_xmax  bigint
);

CREATE TABLE webhook_subscriptions (
    id          uuid PRIMARY KEY,
    url         text NOT NULL,
    types       text[] NOT NULL,  -- as given: exact types or prefixes ending in ".*"
    type_likes  text[] NOT NULL,  -- the same as LIKE patterns, for matching in SQL
    secret      bytea NOT NULL,   -- the HMAC key; the client got it once, as "whsec_" + base64
    created_by  uuid REFERENCES users (id) ON DELETE SET NULL,
    created_at  timestamptz NOT NULL
);

CREATE TABLE webhook_deliveries (
    id                uuid PRIMARY KEY,
    subscription_id   uuid NOT NULL REFERENCES webhook_subscriptions (id) ON DELETE CASCADE,
    position          bigint NOT NULL REFERENCES integration_events (position),
    dossier_id        uuid NOT NULL,
    status            text NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
    attempts          int NOT NULL DEFAULT 0,
    next_attempt_at   timestamptz NOT NULL,  -- also the lease of a worker sending it
    first_attempt_at  timestamptz,           -- the 24 hours of retries count from here
    last_attempt_at   timestamptz,
    last_status       int,
    last_error        text,
    delivered_at      timestamptz,
    created_at        timestamptz NOT NULL,
    UNIQUE (subscription_id, position)
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE status = 'pending';
-- a delivery waits for every earlier one of its dossier to the same subscriber
CREATE INDEX webhook_deliveries_line ON webhook_deliveries (subscription_id, dossier_id, position)
    WHERE status <> 'delivered';
CREATE INDEX webhook_deliveries_listed ON webhook_deliveries (subscription_id, status, position);

ALTER TABLE notification_preferences ADD COLUMN sms_status boolean NOT NULL DEFAULT true;

-- One row per dossier step told by SMS, written once the gateway took it: a retry never sends it again.
CREATE TABLE sms_deliveries (
    event_id    uuid PRIMARY KEY,
    dossier_id  uuid NOT NULL,
    user_id     uuid,          -- NULL: a walk-in applicant without an account
    phone       text NOT NULL, -- masked, as the log shows it
    at          timestamptz NOT NULL
);
