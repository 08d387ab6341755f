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

GET_PAYMENT_BY_REFERENCE_FOR_UPDATE = f"SELECT {_PAYMENT_COLUMNS} FROM payments WHERE reference = $1 FOR UPDATE"

DOSSIER_PAID = "SELECT EXISTS (SELECT 1 FROM payments WHERE dossier_id = $1 AND status = 'succeeded')"

INSERT_PAYMENT = f"""
INSERT INTO payments (id, dossier_id, method, status, amount, reference, agency_code, bank_bin, account_number,
    account_name, payer_name, owner_id, expires_at, pay_url, created_at, updated_at)
VALUES ($1, $2, $3, 'pending', $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14)
RETURNING {_PAYMENT_COLUMNS}
"""

MARK_EXPIRED = "UPDATE payments SET status = 'expired', updated_at = $2 WHERE id = $1 AND status = 'pending'"

SETTLE = f"""
UPDATE payments SET status = 'succeeded', settled_at = $2, settled_by = $3, updated_at = $2
WHERE id = $1 AND status = 'pending'
RETURNING {_PAYMENT_COLUMNS}
"""

MARK_FAILED = "UPDATE payments SET status = 'failed', updated_at = $2 WHERE id = $1 AND status = 'pending'"

EXPIRE_DUE = f"""
UPDATE payments SET status = 'expired', updated_at = $1
WHERE id IN (SELECT id FROM payments WHERE status = 'pending' AND expires_at <= $1 LIMIT $2 FOR UPDATE SKIP LOCKED)
RETURNING {_PAYMENT_COLUMNS}
"""

INSERT_LEDGER = """
INSERT INTO ledger_entries (payment_id, exception_id, account, amount, currency, kind, created_at)
VALUES ($1, $2, $3, $4, 'VND', $5, $6)
"""

CLAIM_BANK_NOTIFICATION = """
INSERT INTO bank_notifications (transaction_id, bank_bin, account_number, amount, content, transacted_at, reference,
    result, received_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, 'exception', $8)
ON CONFLICT (transaction_id) DO NOTHING RETURNING transaction_id
"""

SET_BANK_RESULT = "UPDATE bank_notifications SET result = $2, payment_id = $3 WHERE transaction_id = $1"

CLAIM_VNPAY_NOTIFICATION = """
INSERT INTO vnpay_notifications (transaction_no, reference, params, rsp_code, received_at)
VALUES ($1, $2, $3, '99', $4)
ON CONFLICT (transaction_no) DO NOTHING RETURNING transaction_no
"""

GET_VNPAY_NOTIFICATION = "SELECT rsp_code FROM vnpay_notifications WHERE transaction_no = $1"

SET_VNPAY_RESULT = "UPDATE vnpay_notifications SET rsp_code = $2, payment_id = $3 WHERE transaction_no = $1"

INSERT_EXCEPTION = """
INSERT INTO payment_exceptions (id, source, source_id, payment_id, reason, amount, created_at)
VALUES ($1, $2, $3, $4, $5, $6, $7)
ON CONFLICT (source, source_id) DO NOTHING
"""
