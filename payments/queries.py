"""All SQL of payments."""

_PAYMENT_COLUMNS = """
id, dossier_id, method, status, amount, currency, reference, agency_code, bank_bin, account_number, account_name,
payer_name, owner_id, expires_at, settled_at, settled_by, pay_url, refunded_at, refund_reason, created_at, updated_at
"""

GET_ACCOUNT = """
SELECT bank_bin, account_number, account_name FROM collection_accounts
WHERE agency_code = $1 OR agency_code = '*' ORDER BY (agency_code = '*') LIMIT 1
"""

GET_PAYMENT = f"SELECT {_PAYMENT_COLUMNS} FROM payments WHERE id = $1"

GET_OPEN_PAYMENT_FOR_UPDATE = f"""
SELECT {_PAYMENT_COLUMNS} FROM payments WHERE dossier_id = $1 AND status = 'pending' FOR UPDATE
"""

GET_PAYMENT_BY_REFERENCE = f"SELECT {_PAYMENT_COLUMNS} FROM payments WHERE reference = $1"

GET_PAYMENT_BY_REFERENCE_FOR_UPDATE = f"{GET_PAYMENT_BY_REFERENCE} FOR UPDATE"

DOSSIER_PAID = "SELECT EXISTS (SELECT 1 FROM payments WHERE dossier_id = $1 AND status = 'succeeded')"

# whether another payment of payment p's dossier succeeded
_DOSSIER_PAID_COLUMN = (
    "EXISTS (SELECT 1 FROM payments o WHERE o.dossier_id = p.dossier_id AND o.status = 'succeeded') AS dossier_paid"
)

# what a bank notification is judged on, read again after a settlement found the payment changed
GET_PAYMENT_FACTS = f"SELECT {_PAYMENT_COLUMNS}, {_DOSSIER_PAID_COLUMN} FROM payments p WHERE p.id = $1"

INSERT_PAYMENT = f"""
INSERT INTO payments (id, dossier_id, method, status, amount, reference, agency_code, bank_bin, account_number,
    account_name, payer_name, owner_id, expires_at, pay_url, created_at, updated_at)
VALUES ($1, $2, $3, 'pending', $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14)
RETURNING {_PAYMENT_COLUMNS}
"""

MARK_EXPIRED = "UPDATE payments SET status = 'expired', updated_at = $2 WHERE id = $1 AND status = 'pending'"


def _ledger_pair_from(rows: str, *, kind: str, at: str, to: int) -> str:
    """The ledger rows of one movement per row of `rows` (payment_id, exception_id, amount): the account
    ${to} receives the amount, ${to + 1} gives it."""
    return f"""
    INSERT INTO ledger_entries (payment_id, exception_id, account, amount, currency, kind, created_at)
    SELECT r.payment_id, r.exception_id, m.account, m.amount, 'VND', {kind}, {at}
    FROM {rows} AS r, LATERAL (VALUES (${to}::text, r.amount), (${to + 1}::text, -r.amount)) AS m (account, amount)
    """


# Settling is one conditional state change. The caller holds the dossier's lock (Dossiers.lock), so the
# check that no other payment of the dossier succeeded sees every settlement committed before it.
_SETTLED = f"""
settled AS (
    UPDATE payments SET status = 'succeeded', settled_at = $2, settled_by = $3, updated_at = $2
    WHERE id = $1 AND status = 'pending'
        AND NOT EXISTS (SELECT 1 FROM payments o WHERE o.dossier_id = payments.dossier_id AND o.status = 'succeeded')
    RETURNING {_PAYMENT_COLUMNS}
), booked AS ({
    _ledger_pair_from(
        "(SELECT id AS payment_id, NULL::uuid AS exception_id, amount FROM settled)", kind="'settlement'", at="$2", to=4
    )
})"""

# $1 payment, $2 now, $3 settled by, $4 to account, $5 from account: the settled row, or none
SETTLE = f"WITH {_SETTLED} SELECT * FROM settled"

# the same, and the bank notification $6 marked as the one that settled it
SETTLE_BY_BANK = f"""
WITH {_SETTLED}, noted AS (
    UPDATE bank_notifications SET result = 'settled' WHERE transaction_id = $6 AND EXISTS (SELECT 1 FROM settled)
)
SELECT * FROM settled
"""

MARK_FAILED = "UPDATE payments SET status = 'failed', updated_at = $2 WHERE id = $1 AND status = 'pending'"

EXPIRE_DUE = f"""
UPDATE payments SET status = 'expired', updated_at = $1
WHERE id IN (SELECT id FROM payments WHERE status = 'pending' AND expires_at <= $1 LIMIT $2 FOR UPDATE SKIP LOCKED)
RETURNING {_PAYMENT_COLUMNS}
"""

# one movement = two rows that sum to zero: $3 receives the amount, $4 gives it
INSERT_LEDGER_PAIR = """
INSERT INTO ledger_entries (payment_id, exception_id, account, amount, currency, kind, created_at)
VALUES ($1, $2, $3, $5, 'VND', $6, $7), ($1, $2, $4, -$5::bigint, 'VND', $6, $7)
"""

# No row when the transaction id was seen before (a concurrent twin waits here until the first commits).
# Otherwise the notification, stored as an exception until it settles, and the payment of its reference
# (columns NULL when none), read without a lock: settling re-checks under the dossier's lock.
CLAIM_BANK_NOTIFICATION = f"""
WITH claimed AS (
    INSERT INTO bank_notifications (transaction_id, bank_bin, account_number, amount, content, transacted_at,
        reference, payment_id, result, received_at)
    VALUES ($1, $2, $3, $4, $5, $6, $7, (SELECT id FROM payments WHERE reference = $7), 'exception', $8)
    ON CONFLICT (transaction_id) DO NOTHING RETURNING transaction_id
)
SELECT {_PAYMENT_COLUMNS}, {_DOSSIER_PAID_COLUMN}
FROM claimed LEFT JOIN payments p ON p.reference = $7
"""

CLAIM_VNPAY_NOTIFICATION = """
INSERT INTO vnpay_notifications (transaction_no, reference, params, rsp_code, received_at)
VALUES ($1, $2, $3, '99', $4)
ON CONFLICT (transaction_no) DO NOTHING RETURNING transaction_no
"""

GET_VNPAY_NOTIFICATION = "SELECT rsp_code FROM vnpay_notifications WHERE transaction_no = $1"

SET_VNPAY_RESULT = "UPDATE vnpay_notifications SET rsp_code = $2, payment_id = $3 WHERE transaction_no = $1"

# the exception and its ledger rows ($8 receives the amount, $9 gives it); nothing when already stored
INSERT_EXCEPTION = f"""
WITH stored AS (
    INSERT INTO payment_exceptions (id, source, source_id, payment_id, reason, amount, created_at)
    VALUES ($1, $2, $3, $4, $5, $6, $7)
    ON CONFLICT (source, source_id) DO NOTHING RETURNING id AS exception_id, payment_id, amount
){_ledger_pair_from("stored", kind="'unmatched'", at="$7", to=8)}"""

# the next number of the office's yearly series ($4, $11) and the receipt, in one statement: the counter
# row is every settlement of the office's hot spot, locked from here to COMMIT, so this comes last
ISSUE_RECEIPT = """
WITH counter AS (
    INSERT INTO payment_receipt_counters (agency_code, year, last) VALUES ($4, $11, 1)
    ON CONFLICT (agency_code, year) DO UPDATE SET last = payment_receipt_counters.last + 1
    RETURNING last
)
INSERT INTO payment_receipts (payment_id, number, verify_key, agency_code, agency_names, payer_name, procedure_names,
    dossier_code, amount, method, paid_at, issued_at)
SELECT $1, $4 || '-BL' || $11::int || '-' || lpad(counter.last::text, greatest(6, length(counter.last::text)), '0'),
    $2, $4, $3, $5, $6, $7, $8, $9, $10, $10
FROM counter
RETURNING number
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
    p.reference, p.agency_code, p.dossier_id, count(*) OVER () AS total
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
