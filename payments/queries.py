"""All SQL of payments."""

_PAYMENT_COLUMNS = """
id, dossier_id, method, status, amount, currency, reference, agency_code, bank_bin, account_number, account_name,
payer_name, owner_id, expires_at, settled_at, settled_by, pay_url, refunded_at, refund_reason, created_at, updated_at
"""

GET_ACCOUNT = """
SELECT bank_bin, account_number, account_name FROM collection_accounts
WHERE agency_code = $1 OR agency_code = '*' ORDER BY (agency_code = '*') LIMIT 1
"""

_PAYMENT_COLUMNS_OF_P = ", ".join("p." + c.strip() for c in _PAYMENT_COLUMNS.split(",") if c.strip())

GET_PAYMENT = f"SELECT {_PAYMENT_COLUMNS} FROM payments WHERE id = $1"

GET_OPEN_PAYMENT_FOR_UPDATE = f"""
SELECT {_PAYMENT_COLUMNS} FROM payments WHERE dossier_id = $1 AND status = 'pending' FOR UPDATE
"""

GET_PAYMENT_BY_REFERENCE = f"SELECT {_PAYMENT_COLUMNS} FROM payments WHERE reference = $1"

GET_PAYMENT_BY_REFERENCE_FOR_UPDATE = f"{GET_PAYMENT_BY_REFERENCE} FOR UPDATE"


def _dossier_paid(dossier_id: str) -> str:
    """Whether a payment of the dossier `dossier_id` (an SQL expression) succeeded: a lookup of one dossier."""
    return f"EXISTS (SELECT 1 FROM payments o WHERE o.dossier_id = {dossier_id} AND o.status = 'succeeded')"


DOSSIER_PAID = f"SELECT {_dossier_paid('$1')}"

_DOSSIER_PAID_COLUMN = f"{_dossier_paid('p.dossier_id')} AS dossier_paid"

# what a bank notification is judged on, read again after a settlement found the payment changed
GET_PAYMENT_FACTS = f"SELECT {_PAYMENT_COLUMNS}, {_DOSSIER_PAID_COLUMN} FROM payments p WHERE p.id = $1"

INSERT_PAYMENT = f"""
INSERT INTO payments (id, dossier_id, method, status, amount, reference, agency_code, bank_bin, account_number,
    account_name, payer_name, owner_id, expires_at, pay_url, created_at, updated_at)
VALUES ($1, $2, $3, 'pending', $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14)
RETURNING {_PAYMENT_COLUMNS}
"""

MARK_EXPIRED = "UPDATE payments SET status = 'expired', updated_at = $2 WHERE id = $1 AND status = 'pending'"


def _ledger_pairs(rows: str, *, kind: str, at: str, to: str, from_: str) -> str:
    """The ledger rows of one movement per row of `rows` (payment_id, exception_id, amount): the account
    `to` receives the amount, `from_` gives it (SQL expressions over the row `r`)."""
    return f"""
    INSERT INTO ledger_entries (payment_id, exception_id, account, amount, currency, kind, created_at)
    SELECT r.payment_id, r.exception_id, m.account, m.amount, 'VND', {kind}, {at}
    FROM {rows} AS r, LATERAL (VALUES ({to}, r.amount), ({from_}, -r.amount)) AS m (account, amount)
    """


# Settling is one conditional state change per payment, however many settle in the transaction. The
# caller holds the dossiers' locks (Dossiers.lock_many), so the check that no other payment of a dossier
# succeeded sees every settlement committed before it. The check is a subquery of each input row
# (a correlated lookup of one dossier): joined instead, a generic plan made while no payment had
# succeeded scanned every settled payment for each settlement.
# The bank notification that settles a payment is marked by the row version its claim wrote in this
# transaction (nothing else changes it before COMMIT): a TID lookup, whatever the statistics say.
SETTLE_MANY = f"""
WITH target AS MATERIALIZED (
    SELECT t.*, {_dossier_paid("t.dossier_id")} AS dossier_paid
    FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::tid[], $7::text[])
        AS t (payment_id, dossier_id, settled_by, to_account, from_account, claimed_version, transaction_id)
), settled AS (
    UPDATE payments p SET status = 'succeeded', settled_at = $8, settled_by = t.settled_by, updated_at = $8
    FROM target t
    WHERE p.id = t.payment_id AND p.status = 'pending' AND NOT t.dossier_paid
    RETURNING {_PAYMENT_COLUMNS_OF_P}, t.to_account, t.from_account, t.claimed_version, t.transaction_id
), booked AS ({
    _ledger_pairs(
        "(SELECT id AS payment_id, NULL::uuid AS exception_id, amount, to_account, from_account FROM settled)",
        kind="'settlement'",
        at="$8",
        to="r.to_account",
        from_="r.from_account",
    )
}), noted AS (
    UPDATE bank_notifications b SET result = 'settled' FROM settled s
    WHERE b.ctid = s.claimed_version AND b.transaction_id = s.transaction_id
    RETURNING b.transaction_id
)
SELECT s.*, s.transaction_id IN (SELECT transaction_id FROM noted) AS noted FROM settled s
"""

MARK_FAILED = "UPDATE payments SET status = 'failed', updated_at = $2 WHERE id = $1 AND status = 'pending'"

EXPIRE_DUE = f"""
UPDATE payments SET status = 'expired', updated_at = $1
WHERE id IN (SELECT id FROM payments WHERE status = 'pending' AND expires_at <= $1 LIMIT $2 FOR UPDATE SKIP LOCKED)
RETURNING {_PAYMENT_COLUMNS}
"""

# one movement = two rows that sum to zero: $3 receives the amount, $4 gives it
INSERT_LEDGER_PAIR = _ledger_pairs(
    "(SELECT $1::uuid AS payment_id, $2::uuid AS exception_id, $5::bigint AS amount)",
    kind="$6::text",
    at="$7::timestamptz",
    to="$3::text",
    from_="$4::text",
)

# A row per notification not seen before, claimed in transaction id order (two batches sharing ids wait
# for each other in one order, never in a cycle); a concurrent twin waits here until the first commits.
# Each claimed notification is stored as an exception until it settles, with the payment of its reference
# (columns NULL when none), read without a lock: settling re-checks under the dossier's lock.
CLAIM_BANK_NOTIFICATIONS = f"""
WITH input AS (
    SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::text[], $6::timestamptz[], $7::text[])
        AS i (transaction_id, bank_bin, account_number, amount, content, transacted_at, reference)
), claimed AS (
    INSERT INTO bank_notifications (transaction_id, bank_bin, account_number, amount, content, transacted_at,
        reference, payment_id, result, received_at)
    SELECT i.transaction_id, i.bank_bin, i.account_number, i.amount, i.content, i.transacted_at, i.reference,
        (SELECT id FROM payments WHERE reference = i.reference), 'exception', $8
    FROM input i ORDER BY i.transaction_id
    ON CONFLICT (transaction_id) DO NOTHING RETURNING transaction_id, ctid
)
SELECT c.transaction_id, c.ctid AS claimed_version, {_PAYMENT_COLUMNS_OF_P}, {_DOSSIER_PAID_COLUMN}
FROM claimed c JOIN input i ON i.transaction_id = c.transaction_id LEFT JOIN payments p ON p.reference = i.reference
"""

CLAIM_VNPAY_NOTIFICATION = """
INSERT INTO vnpay_notifications (transaction_no, reference, params, rsp_code, received_at)
VALUES ($1, $2, $3, '99', $4)
ON CONFLICT (transaction_no) DO NOTHING RETURNING transaction_no
"""

GET_VNPAY_NOTIFICATION = "SELECT rsp_code FROM vnpay_notifications WHERE transaction_no = $1"

SET_VNPAY_RESULT = "UPDATE vnpay_notifications SET rsp_code = $2, payment_id = $3 WHERE transaction_no = $1"

# the exceptions and their ledger rows (each row's account receives the amount, the suspense account gives
# it); nothing for one already stored
INSERT_EXCEPTIONS = f"""
WITH input AS (
    SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::uuid[], $5::text[], $6::bigint[], $7::text[])
        AS e (id, source, source_id, payment_id, reason, amount, account)
), stored AS (
    INSERT INTO payment_exceptions (id, source, source_id, payment_id, reason, amount, created_at)
    SELECT e.id, e.source, e.source_id, e.payment_id, e.reason, e.amount, $8 FROM input e
    ON CONFLICT (source, source_id) DO NOTHING RETURNING id
){
    _ledger_pairs(
        "(SELECT e.id AS exception_id, e.payment_id, e.amount, e.account FROM stored JOIN input e ON e.id = stored.id)",
        kind="'unmatched'",
        at="$8",
        to="r.account",
        from_="'suspense'",
    )
}"""

# The next numbers of each office's yearly series ($9) and the receipts, in one statement. A counter row is
# every settlement of its office's hot spot, locked from here to COMMIT, so this comes last, and the
# counters are taken in office order (two transactions never wait for each other's in a cycle).
ISSUE_RECEIPTS = """
WITH input AS (
    SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
        $8::bigint[], $10::text[]) WITH ORDINALITY
        AS i (payment_id, verify_key, agency_names, agency_code, payer_name, procedure_names, dossier_code, amount,
            method, ord)
), counter AS (
    INSERT INTO payment_receipt_counters (agency_code, year, last)
    SELECT agency_code, $9, count(*) FROM input GROUP BY agency_code ORDER BY agency_code
    ON CONFLICT (agency_code, year) DO UPDATE SET last = payment_receipt_counters.last + excluded.last
    RETURNING agency_code, last
), numbered AS (
    SELECT i.*, c.last - count(*) OVER office + row_number() OVER (office ORDER BY i.ord) AS seq
    FROM input i JOIN counter c ON c.agency_code = i.agency_code
    WINDOW office AS (PARTITION BY i.agency_code)
)
INSERT INTO payment_receipts (payment_id, number, verify_key, agency_code, agency_names, payer_name, procedure_names,
    dossier_code, amount, method, paid_at, issued_at)
SELECT n.payment_id,
    n.agency_code || '-BL' || $9::int || '-' || lpad(n.seq::text, greatest(6, length(n.seq::text)), '0'),
    n.verify_key, n.agency_code, n.agency_names::jsonb, n.payer_name, n.procedure_names::jsonb, n.dossier_code,
    n.amount, n.method, $11, $11
FROM numbered n
RETURNING payment_id, number
"""

_RECEIPT_COLUMNS = """
payment_id, number, verify_key, agency_code, agency_names, payer_name, procedure_names, dossier_code, amount,
method, paid_at, issued_at
"""

GET_RECEIPT = f"SELECT {_RECEIPT_COLUMNS} FROM payment_receipts WHERE payment_id = $1"

GET_RECEIPT_BY_NUMBER = f"""
SELECT {_RECEIPT_COLUMNS},
    (SELECT p.refunded_at FROM payments p WHERE p.id = payment_receipts.payment_id) AS refunded_at
FROM payment_receipts WHERE number = $1
"""

REFUND = f"""
UPDATE payments SET status = 'refunded', refunded_at = $2, refund_reason = $3, updated_at = $2
WHERE id = $1 AND status = 'succeeded'
RETURNING {_PAYMENT_COLUMNS}
"""

GET_PAYMENT_FOR_UPDATE = f"SELECT {_PAYMENT_COLUMNS} FROM payments WHERE id = $1 FOR UPDATE"

LIST_EXCEPTIONS = """
SELECT e.id, e.source, e.source_id, e.payment_id, e.reason, e.amount, e.status, e.note, e.resolved_at, e.created_at,
    p.reference, p.agency_code AS agency, p.dossier_id, count(*) OVER () AS total
FROM payment_exceptions e LEFT JOIN payments p ON p.id = e.payment_id
WHERE ($1::text[] IS NULL OR p.agency_code = ANY($1::text[])) AND ($2::text IS NULL OR e.status = $2)
ORDER BY e.created_at, e.id LIMIT $3 OFFSET $4
"""

GET_EXCEPTION_FOR_UPDATE = """
SELECT e.id, e.source, e.source_id, e.payment_id, e.reason, e.amount, e.status, p.agency_code, p.dossier_id
FROM payment_exceptions e LEFT JOIN payments p ON p.id = e.payment_id
WHERE e.id = $1 FOR UPDATE OF e
"""

RESOLVE_EXCEPTION = """
UPDATE payment_exceptions SET status = $2, note = $3, resolved_by = $4, resolved_at = $5 WHERE id = $1
"""

LEDGER_ACCOUNT_OF_EXCEPTION = """
SELECT account FROM ledger_entries WHERE exception_id = $1 AND kind = 'unmatched' AND account <> 'suspense' LIMIT 1
"""

ACCEPT_PAYMENT = f"""
UPDATE payments SET status = 'succeeded', settled_at = $2, settled_by = $3, updated_at = $2
WHERE id = $1 AND status IN ('pending', 'expired')
RETURNING {_PAYMENT_COLUMNS}
"""

RECONCILE = """
WITH day_payments AS (
    SELECT * FROM payments WHERE ($3::text IS NULL OR agency_code = $3)
)
SELECT
    (SELECT count(*) FROM day_payments WHERE settled_at >= $1 AND settled_at < $2) AS settled_count,
    (SELECT coalesce(sum(amount), 0)::bigint FROM day_payments WHERE settled_at >= $1 AND settled_at < $2)
        AS settled_amount,
    (SELECT count(*) FROM day_payments WHERE refunded_at >= $1 AND refunded_at < $2) AS refunded_count,
    (SELECT coalesce(sum(amount), 0)::bigint FROM day_payments WHERE refunded_at >= $1 AND refunded_at < $2)
        AS refunded_amount,
    (SELECT count(*) FROM day_payments WHERE status = 'pending') AS pending_count
"""

RECONCILE_RECEIVED = """
SELECT source, source_id, amount, result, reason, at FROM (
    SELECT 'bank' AS source, n.transaction_id AS source_id, n.amount, n.result, e.reason, n.received_at AS at,
        coalesce(p.agency_code, a.agency_code) AS agency_code
    FROM bank_notifications n
    LEFT JOIN payments p ON p.id = n.payment_id
    LEFT JOIN payment_exceptions e ON e.source = 'bank' AND e.source_id = n.transaction_id
    LEFT JOIN collection_accounts a ON a.bank_bin = n.bank_bin AND a.account_number = n.account_number
    UNION ALL
    SELECT 'vnpay', v.transaction_no, p.amount, CASE WHEN e.id IS NULL THEN 'settled' ELSE 'exception' END, e.reason,
        v.received_at, p.agency_code
    FROM vnpay_notifications v
    JOIN payments p ON p.id = v.payment_id
    LEFT JOIN payment_exceptions e ON e.source = 'vnpay' AND e.source_id = v.transaction_no
    WHERE v.rsp_code = '00' AND (p.settled_by = 'vnpay:' || v.transaction_no OR e.id IS NOT NULL)
) received
WHERE at >= $1 AND at < $2 AND ($3::text IS NULL OR agency_code = $3 OR agency_code IS NULL)
ORDER BY at
"""

OPEN_EXCEPTIONS_COUNT = """
SELECT count(*) FROM payment_exceptions e LEFT JOIN payments p ON p.id = e.payment_id
WHERE e.status = 'open' AND ($1::text IS NULL OR p.agency_code = $1 OR p.agency_code IS NULL)
"""

GET_SETTLING_VNPAY = """
SELECT v.transaction_no, v.params FROM payments p
JOIN vnpay_notifications v ON p.settled_by = 'vnpay:' || v.transaction_no
WHERE p.id = $1
"""
