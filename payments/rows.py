"""The rows payments reads, as the statements of payments/queries.py return them (core.db.fetch_one_as)."""

from __future__ import annotations

import uuid
from datetime import datetime

import msgspec

from payments.models import Method, PaymentStatus

# ctid, the row version PostgreSQL gives as (block, offset): a claimed bank notification is found by it again
RowVersion = tuple[int, int]


class PaymentRow(msgspec.Struct, frozen=True, kw_only=True):
    """A row of `payments`: GET_PAYMENT and every statement returning the payment columns."""

    id: uuid.UUID
    dossier_id: uuid.UUID
    method: Method
    status: PaymentStatus
    amount: int
    currency: str
    reference: str
    agency_code: str
    bank_bin: str
    account_number: str
    account_name: str
    payer_name: str
    owner_id: uuid.UUID | None
    expires_at: datetime
    settled_at: datetime | None
    settled_by: str | None
    pay_url: str | None
    refunded_at: datetime | None
    refund_reason: str | None
    created_at: datetime
    updated_at: datetime


class PaymentFactsRow(PaymentRow, frozen=True, kw_only=True):
    """A payment with what a bank notification is judged on besides it (GET_PAYMENT_FACTS)."""

    dossier_paid: bool  # another payment of its dossier succeeded


class ClaimRow(msgspec.Struct, frozen=True, kw_only=True):
    """A bank notification CLAIM_BANK_NOTIFICATIONS stored, with the payment its memo names (`id`
    None: none; then the payment columns are all NULL)."""

    transaction_id: str
    claimed_version: RowVersion
    id: uuid.UUID | None


class SettledRow(PaymentRow, frozen=True, kw_only=True):
    """A payment SETTLE_MANY settled."""

    transaction_id: str | None  # the bank notification that settled it, None for another source
    noted: bool  # that notification was marked as settling it


class AccountRow(msgspec.Struct, frozen=True, kw_only=True):
    """The bank account an office collects its fees in (GET_ACCOUNT)."""

    bank_bin: str
    account_number: str
    account_name: str


class ExceptionRow(msgspec.Struct, frozen=True, kw_only=True):
    """Money matched to no payment exactly, with the office of its payment if it names one
    (GET_EXCEPTION_FOR_UPDATE)."""

    id: uuid.UUID
    source: str
    source_id: str
    payment_id: uuid.UUID | None
    reason: str
    amount: int
    status: str
    agency_code: str | None
    dossier_id: uuid.UUID | None


class IssuedReceiptRow(msgspec.Struct, frozen=True, kw_only=True):
    payment_id: uuid.UUID
    number: str


class ReceiptRow(msgspec.Struct, frozen=True, kw_only=True):
    """A row of `payment_receipts` (GET_RECEIPT)."""

    payment_id: uuid.UUID
    number: str
    verify_key: str
    agency_code: str
    agency_names: dict[str, str]
    payer_name: str
    procedure_names: dict[str, str]
    dossier_code: str | None
    amount: int
    method: Method
    paid_at: datetime
    issued_at: datetime


class VerifiedReceiptRow(ReceiptRow, frozen=True, kw_only=True):
    """A receipt with when its payment was refunded, which voids it (GET_RECEIPT_BY_NUMBER)."""

    refunded_at: datetime | None


class DayTotalsRow(msgspec.Struct, frozen=True, kw_only=True):
    """What settled and was refunded in a day, and what is still pending (RECONCILE)."""

    settled_count: int
    settled_amount: int
    refunded_count: int
    refunded_amount: int
    pending_count: int


class SettlingVNPayRow(msgspec.Struct, frozen=True, kw_only=True):
    """The VNPay notification that settled a payment (GET_SETTLING_VNPAY)."""

    transaction_no: str
    params: dict[str, str]
