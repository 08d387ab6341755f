-- A well-signed bank notification whose amount no fee can be (below 0 or above 10^12 VND, up to
-- beyond what bigint holds) is kept as an exception of its own kind for an officer, with nothing
-- entering the ledger: the figure cannot be money the service holds.

ALTER TABLE payment_exceptions DROP CONSTRAINT payment_exceptions_reason_check;
ALTER TABLE payment_exceptions ADD CONSTRAINT payment_exceptions_reason_check CHECK (reason IN (
    'unknown_reference', 'underpaid', 'overpaid', 'expired', 'already_settled', 'dossier_already_paid',
    'wrong_account', 'amount_out_of_range'));
