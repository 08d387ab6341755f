-- Fee payments: intents, bank and VNPay notifications, exceptions for officers, double-entry ledger.

CREATE TABLE collection_accounts (
    agency_code    text PRIMARY KEY,          -- an office code, or '*' for the default account
    bank_bin       text NOT NULL,
    account_number text NOT NULL,
    account_name   text NOT NULL
);

CREATE TABLE payments (
    id             uuid PRIMARY KEY,
    dossier_id     uuid NOT NULL REFERENCES dossiers (id),
    method         text NOT NULL CHECK (method IN ('vietqr', 'vnpay')),
    status         text NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed', 'expired', 'refunded')),
    amount         bigint NOT NULL CHECK (amount > 0),
    currency       text NOT NULL DEFAULT 'VND',
    reference      text NOT NULL UNIQUE,
    agency_code    text NOT NULL,
    bank_bin       text NOT NULL,
    account_number text NOT NULL,
    account_name   text NOT NULL,
    payer_name     text NOT NULL,
    owner_id       uuid,
    expires_at     timestamptz NOT NULL,
    settled_at     timestamptz,
    settled_by     text,                       -- 'bank:<transaction id>' or 'vnpay:<transaction no>'
    pay_url        text,                       -- VNPay: the signed redirect, built once
    refunded_at    timestamptz,
    refund_reason  text,
    created_at     timestamptz NOT NULL,
    updated_at     timestamptz NOT NULL
);
CREATE INDEX payments_dossier ON payments (dossier_id, created_at DESC);
CREATE INDEX payments_pending_expiry ON payments (expires_at) WHERE status = 'pending';
-- one open payment per dossier, and money is taken for a dossier at most once
CREATE UNIQUE INDEX payments_one_open ON payments (dossier_id) WHERE status = 'pending';
CREATE UNIQUE INDEX payments_one_paid ON payments (dossier_id) WHERE status IN ('succeeded');

CREATE TABLE bank_notifications (
    transaction_id text PRIMARY KEY,
    bank_bin       text NOT NULL,
    account_number text NOT NULL,
    amount         bigint NOT NULL,
    content        text NOT NULL,
    transacted_at  timestamptz,
    reference      text,
    payment_id     uuid REFERENCES payments (id),
    result         text NOT NULL CHECK (result IN ('settled', 'exception')),
    received_at    timestamptz NOT NULL
);
CREATE INDEX bank_notifications_received ON bank_notifications (received_at);

CREATE TABLE vnpay_notifications (
    transaction_no text PRIMARY KEY,            -- vnp_TransactionNo
    reference      text NOT NULL,               -- vnp_TxnRef
    params         jsonb NOT NULL,
    payment_id     uuid REFERENCES payments (id),
    rsp_code       text NOT NULL,
    received_at    timestamptz NOT NULL
);

CREATE TABLE payment_exceptions (
    id             uuid PRIMARY KEY,
    source         text NOT NULL CHECK (source IN ('bank', 'vnpay')),
    source_id      text NOT NULL,
    payment_id     uuid REFERENCES payments (id),
    reason         text NOT NULL CHECK (reason IN ('unknown_reference', 'underpaid', 'overpaid', 'expired',
                       'already_settled', 'dossier_already_paid', 'wrong_account')),
    amount         bigint NOT NULL,
    status         text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'refunded', 'accepted')),
    note           text,
    resolved_by    uuid,
    resolved_at    timestamptz,
    created_at     timestamptz NOT NULL,
    UNIQUE (source, source_id)
);
CREATE INDEX payment_exceptions_open ON payment_exceptions (created_at) WHERE status = 'open';

-- Double entry: every movement writes rows that sum to zero per currency.
CREATE TABLE ledger_entries (
    id             bigserial PRIMARY KEY,
    payment_id     uuid REFERENCES payments (id),
    exception_id   uuid REFERENCES payment_exceptions (id),
    account        text NOT NULL,
    amount         bigint NOT NULL,
    currency       text NOT NULL DEFAULT 'VND',
    kind           text NOT NULL,
    created_at     timestamptz NOT NULL
);
CREATE INDEX ledger_entries_payment ON ledger_entries (payment_id);
