"""What the bank and VNPay send us, signed as they sign it, and the ledger's balance the payment tests
check after it. Payments made through the API are in factories.py."""

from __future__ import annotations

import json
import uuid
from typing import Any

import asyncpg

from core.clock import FixedClock
from core.db import acquire
from payments import vnpay
from tests.integration.conftest import BANK_SECRET, VNPAY_SECRET
from tests.integration.helpers import signed_request

BANK = "/api/v1/payments/webhooks/bank"


def signed(body: dict[str, Any], clock: FixedClock, *, secret: str = BANK_SECRET, age: int = 0) -> dict[str, Any]:
    """The bank's notification `body` as the client's keyword arguments, signed `age` seconds ago."""
    return signed_request(json.dumps(body).encode(), clock, secret, age)


def credit(
    payment: dict[str, Any], *, amount: int | None = None, memo: str | None = None, txn: str | None = None
) -> dict[str, Any]:
    """The bank's notification of a transfer to the payment's account, by default of its whole amount
    with its reference in the memo the way banks cut it."""
    return {
        "transaction_id": txn or f"FT{uuid.uuid4().int % 10**11:011d}",
        "bank_bin": payment["vietqr"]["bank_bin"],
        "account_number": payment["vietqr"]["account_number"],
        "amount": payment["amount"] if amount is None else amount,
        "content": memo
        or f"CT DEN:0123 {payment['reference'].lower()[:5]} {payment['reference'].lower()[5:]} thanh toan ho so",
        "transacted_at": "2026-11-23T09:30:00+07:00",
    }


def vnpay_ipn(payment: dict[str, Any], *, code: str = "00", amount: int | None = None) -> dict[str, str]:
    """VNPay's signed IPN query for the payment, a success unless `code` says otherwise."""
    params = {
        "vnp_Amount": str((payment["amount"] if amount is None else amount) * 100),
        "vnp_BankCode": "NCB",
        "vnp_BankTranNo": "VNP14422574",
        "vnp_CardType": "ATM",
        "vnp_OrderInfo": "Thanh toan le phi ho so",
        "vnp_PayDate": "20261123093000",
        "vnp_ResponseCode": code,
        "vnp_TmnCode": "MOTCUA01",
        "vnp_TransactionNo": str(uuid.uuid4().int % 10**8),
        "vnp_TransactionStatus": code,
        "vnp_TxnRef": payment["reference"],
    }
    return {**params, "vnp_SecureHashType": "HmacSHA512", "vnp_SecureHash": vnpay.sign(params, VNPAY_SECRET)}


async def ledger_balance(pool: asyncpg.Pool) -> tuple[int, int]:
    """How many ledger entries there are and what they sum to (0 when every debit has its credit)."""
    async with acquire(pool) as conn:
        row = await conn.fetchrow("SELECT count(*) AS n, coalesce(sum(amount), 0) AS total FROM ledger_entries")
    assert row is not None
    return row["n"], row["total"]
