-- Electronic fee receipts (biên lai điện tử): one per settled payment, numbered per office and year.

CREATE TABLE payment_receipt_counters (
    agency_code  text NOT NULL,
    year         int NOT NULL,
    last         int NOT NULL,
    PRIMARY KEY (agency_code, year)
);

CREATE TABLE payment_receipts (
    payment_id      uuid PRIMARY KEY REFERENCES payments (id),
    number          text NOT NULL UNIQUE,
    verify_key      text NOT NULL,
    agency_code     text NOT NULL,
    agency_names    jsonb NOT NULL,
    payer_name      text NOT NULL,
    procedure_names jsonb NOT NULL,
    dossier_code    text,
    amount          bigint NOT NULL,
    method          text NOT NULL,
    paid_at         timestamptz NOT NULL,
    issued_at       timestamptz NOT NULL
);
