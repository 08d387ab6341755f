"""When money settles a payment (payments.models.judge), and what the ledger books of it.

Each test states one rule. A bank credit names a payment by the reference in its memo; it settles
that payment only when every rule lets it through, else it becomes an exception for an officer,
with the first reason that holds, in the order the rules are listed here."""

from __future__ import annotations

import msgspec
from hypothesis import given
from hypothesis import strategies as st

from core.bounds import MAX_MONEY
from payments.models import (
    PAYABLE_DOSSIER_STATUSES,
    ExceptionReason,
    OpenPayment,
    PaymentStatus,
    booked_amount,
    judge,
)

BANK_BIN = "970436"
ACCOUNT = "0071000123456"
FEE = 50_000

PAYMENT = OpenPayment(
    status=PaymentStatus.PENDING,
    amount=FEE,
    expired=False,
    bank_bin=BANK_BIN,
    account_number=ACCOUNT,
    dossier_paid=False,
)


def _judge(
    payment: OpenPayment | None = PAYMENT, *, amount: int = FEE, bank_bin: str = BANK_BIN, account: str = ACCOUNT
) -> ExceptionReason | None:
    return judge(payment, amount=amount, bank_bin=bank_bin, account_number=account)


def _payment(**changes: object) -> OpenPayment:
    return msgspec.structs.replace(PAYMENT, **changes)


def test_the_exact_fee_to_the_collecting_account_settles_a_pending_payment() -> None:
    assert _judge() is None


def test_an_amount_below_zero_is_out_of_range() -> None:
    assert _judge(amount=-1) is ExceptionReason.AMOUNT_OUT_OF_RANGE


def test_an_amount_above_a_trillion_dong_is_out_of_range() -> None:
    assert _judge(amount=MAX_MONEY + 1) is ExceptionReason.AMOUNT_OUT_OF_RANGE


def test_an_amount_out_of_range_is_said_before_anything_about_the_payment() -> None:
    assert _judge(None, amount=-FEE) is ExceptionReason.AMOUNT_OUT_OF_RANGE


def test_money_naming_no_payment_has_an_unknown_reference() -> None:
    assert _judge(None) is ExceptionReason.UNKNOWN_REFERENCE


def test_money_for_an_expired_payment_is_expired() -> None:
    assert _judge(_payment(status=PaymentStatus.EXPIRED)) is ExceptionReason.EXPIRED


def test_money_for_a_payment_that_succeeded_failed_or_was_refunded_finds_it_already_settled() -> None:
    for status in (PaymentStatus.SUCCEEDED, PaymentStatus.FAILED, PaymentStatus.REFUNDED):
        assert _judge(_payment(status=status)) is ExceptionReason.ALREADY_SETTLED, status


def test_money_for_a_dossier_another_payment_paid_finds_the_dossier_already_paid() -> None:
    assert _judge(_payment(dossier_paid=True)) is ExceptionReason.DOSSIER_ALREADY_PAID


def test_a_dossier_already_paid_is_said_before_the_payment_ran_out_of_time() -> None:
    assert _judge(_payment(dossier_paid=True, expired=True)) is ExceptionReason.DOSSIER_ALREADY_PAID


def test_money_arriving_after_a_pending_payment_ran_out_of_time_is_expired() -> None:
    assert _judge(_payment(expired=True)) is ExceptionReason.EXPIRED


def test_money_to_another_bank_is_on_the_wrong_account() -> None:
    assert _judge(bank_bin="970415") is ExceptionReason.WRONG_ACCOUNT


def test_money_to_another_account_number_is_on_the_wrong_account() -> None:
    assert _judge(account="0071000999999") is ExceptionReason.WRONG_ACCOUNT


def test_spaces_a_bank_puts_around_the_account_number_do_not_matter() -> None:
    assert _judge(account=f"  {ACCOUNT} ") is None


def test_the_wrong_account_is_said_before_a_wrong_amount() -> None:
    assert _judge(amount=FEE - 1, bank_bin="970415") is ExceptionReason.WRONG_ACCOUNT


def test_less_than_the_fee_is_underpaid() -> None:
    assert _judge(amount=FEE - 1) is ExceptionReason.UNDERPAID


def test_more_than_the_fee_is_overpaid() -> None:
    assert _judge(amount=FEE + 1) is ExceptionReason.OVERPAID


@given(amount=st.integers(min_value=-(2**70), max_value=2**70), expired=st.booleans(), paid=st.booleans())
def test_money_settles_only_when_every_rule_lets_it_through(amount: int, expired: bool, paid: bool) -> None:
    settles = _judge(_payment(expired=expired, dossier_paid=paid), amount=amount) is None
    assert settles == (amount == FEE and not expired and not paid)


def test_the_ledger_books_an_amount_in_range_as_it_is() -> None:
    assert [booked_amount(a) for a in (0, FEE, MAX_MONEY)] == [0, FEE, MAX_MONEY]


def test_the_ledger_books_an_amount_out_of_range_as_zero() -> None:
    assert [booked_amount(a) for a in (-1, MAX_MONEY + 1, 2**80)] == [0, 0, 0]


def test_a_fee_is_due_only_while_the_dossier_is_submitted_received_or_awaiting_payment() -> None:
    assert {"submitted", "received", "awaiting_payment"} == PAYABLE_DOSSIER_STATUSES
