"""Payment shapes and the pure rules of matching money to a payment."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum

import msgspec

from core.bounds import money_in_range
from core.dossier_status import DossierStatus


class PaymentStatus(StrEnum):
    PENDING = "pending"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    EXPIRED = "expired"
    REFUNDED = "refunded"


class Method(StrEnum):
    VIETQR = "vietqr"
    VNPAY = "vnpay"


class ExceptionReason(StrEnum):
    UNKNOWN_REFERENCE = "unknown_reference"
    UNDERPAID = "underpaid"
    OVERPAID = "overpaid"
    EXPIRED = "expired"
    ALREADY_SETTLED = "already_settled"
    DOSSIER_ALREADY_PAID = "dossier_already_paid"
    WRONG_ACCOUNT = "wrong_account"
    AMOUNT_OUT_OF_RANGE = "amount_out_of_range"  # below 0 or above 10^12 VND: no fee, and booked as 0


PAYABLE_DOSSIER_STATUSES = frozenset({DossierStatus.SUBMITTED, DossierStatus.RECEIVED, DossierStatus.AWAITING_PAYMENT})


class PaymentCreate(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    method: Method


class VietQRInfo(msgspec.Struct, frozen=True, kw_only=True):
    payload: str
    bank_bin: str
    bank_name: str
    account_number: str
    account_name: str
    qr_png_url: str
    qr_svg_url: str


class VNPayInfo(msgspec.Struct, frozen=True, kw_only=True):
    pay_url: str


class Payment(msgspec.Struct, frozen=True, kw_only=True):
    id: uuid.UUID
    dossier_id: uuid.UUID
    method: Method
    status: PaymentStatus
    amount: int
    currency: str
    reference: str
    expires_at: datetime
    settled_at: datetime | None
    refunded_at: datetime | None
    vietqr: VietQRInfo | None
    vnpay: VNPayInfo | None


class BankNotification(msgspec.Struct, frozen=True, kw_only=True):
    """What the collecting bank posts for each credit to a collection account (extra fields allowed)."""

    transaction_id: str
    bank_bin: str
    account_number: str
    amount: int
    content: str
    transacted_at: datetime | None = None


def booked_amount(amount: int) -> int:
    """What the ledger and the exception list record of a credit: the amount, or 0 for one out of
    range (it cannot be money we hold, and beyond int64 PostgreSQL could not even store it)."""
    return amount if money_in_range(amount) else 0


class BankResult(msgspec.Struct, frozen=True):
    result: str  # settled | duplicate | exception


class OpenPayment(msgspec.Struct, frozen=True, kw_only=True):
    """The facts the matcher needs about the payment a memo points to."""

    status: PaymentStatus
    amount: int
    expired: bool
    bank_bin: str
    account_number: str
    dossier_paid: bool


def judge(payment: OpenPayment | None, *, amount: int, bank_bin: str, account_number: str) -> ExceptionReason | None:
    """None when the money settles the payment, else why an officer must look at it."""
    if not money_in_range(amount):
        return ExceptionReason.AMOUNT_OUT_OF_RANGE
    if payment is None:
        return ExceptionReason.UNKNOWN_REFERENCE
    if payment.status is not PaymentStatus.PENDING:
        return ExceptionReason.EXPIRED if payment.status is PaymentStatus.EXPIRED else ExceptionReason.ALREADY_SETTLED
    if payment.dossier_paid:
        return ExceptionReason.DOSSIER_ALREADY_PAID
    if payment.expired:
        return ExceptionReason.EXPIRED
    if (bank_bin, account_number.strip()) != (payment.bank_bin, payment.account_number):
        return ExceptionReason.WRONG_ACCOUNT
    if amount < payment.amount:
        return ExceptionReason.UNDERPAID
    if amount > payment.amount:
        return ExceptionReason.OVERPAID
    return None


class EReceipt(msgspec.Struct, frozen=True, kw_only=True):
    number: str
    amount: int
    amount_in_words: str
    currency: str
    payer: str
    procedure: str
    dossier_code: str | None
    agency: str
    method: Method
    paid_at: datetime
    verify_url: str
    qr_png_url: str


class RefundIn(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    reason: str | None = None


class ResolveAction(StrEnum):
    REFUND = "refund"
    ACCEPT = "accept"


class ResolveIn(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    action: ResolveAction
    note: str | None = None


class PaymentExceptionOut(msgspec.Struct, frozen=True, kw_only=True):
    id: uuid.UUID
    source: str
    source_id: str
    payment_id: uuid.UUID | None
    reference: str | None
    dossier_id: uuid.UUID | None
    agency: str | None
    reason: ExceptionReason
    amount: int
    status: str
    note: str | None
    created_at: datetime
    resolved_at: datetime | None


class Movement(msgspec.Struct, frozen=True):
    count: int
    amount: int


class ReceivedItem(msgspec.Struct, frozen=True, kw_only=True):
    source: str
    source_id: str
    amount: int
    result: str
    reason: str | None
    at: datetime


class Reconciliation(msgspec.Struct, frozen=True, kw_only=True):
    date: date
    agency: str | None
    settled: Movement
    received: Movement
    refunded: Movement
    unmatched: list[ReceivedItem]
    open_exceptions: int
    pending_payments: int
    balanced: bool
