"""Fees paid by VietQR transfer or VNPay, settled exactly once from signed notifications."""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import replace
from datetime import timedelta
from typing import Any

import asyncpg
from litestar.testing import AsyncTestClient

from core.clock import FixedClock
from core.db import acquire
from payments.bank_notifications import receive_bank_notification
from payments.models import BankNotification
from payments.service import PaymentsContext, expire_due
from payments.vietqr import parse_payload
from payments.vnpay_ipn import receive_vnpay_ipn
from tests.integration.conftest import TokenFactory, bearer
from tests.integration.factories import passport_dossier, pay_by_bank
from tests.integration.helpers import read_qr
from tests.integration.payments_helpers import BANK, credit, ledger_balance, signed, vnpay_ipn


async def test_vietqr_payment_settles_from_the_bank_and_moves_the_dossier(
    client: AsyncTestClient[Any], make_token: TokenFactory, clock: FixedClock, pool: asyncpg.Pool
) -> None:
    citizen = await make_token("0912600001")
    officer = await make_token("0900600001", "officer", ("000.00.01.H29",))
    dossier = await passport_dossier(client, citizen, receive_with=officer)
    response = await client.post(
        f"/api/v1/dossiers/{dossier['id']}/payments", json={"method": "vietqr"}, headers=bearer(citizen)
    )
    assert response.status_code == 201, response.text
    payment = response.json()
    assert (payment["status"], payment["amount"], payment["currency"]) == ("pending", 200000, "VND")
    assert payment["reference"].startswith("MC") and len(payment["reference"]) == 10
    qr = parse_payload(payment["vietqr"]["payload"])
    assert (qr.amount, qr.reference, qr.bank_bin) == (200000, payment["reference"], payment["vietqr"]["bank_bin"])
    assert payment["vietqr"]["bank_name"] == "Vietcombank"
    png = await client.get(payment["vietqr"]["qr_png_url"], headers=bearer(citizen))
    assert read_qr(png.content) == payment["vietqr"]["payload"]
    again = await client.post(
        f"/api/v1/dossiers/{dossier['id']}/payments", json={"method": "vietqr"}, headers=bearer(citizen)
    )
    assert again.status_code == 200 and again.json()["id"] == payment["id"]

    response = await client.post(BANK, **signed(credit(payment), clock))
    assert response.status_code == 200, response.text
    assert response.json() == {"result": "settled"}
    settled = (await client.get(f"/api/v1/payments/{payment['id']}", headers=bearer(citizen))).json()
    assert settled["status"] == "succeeded"
    moved = (await client.get(f"/api/v1/dossiers/{dossier['id']}", headers=bearer(citizen))).json()
    assert moved["status"] == "processing" and moved["paid"] is True
    history = (await client.get(f"/api/v1/dossiers/{dossier['id']}/history", headers=bearer(citizen))).json()["items"]
    assert [h["to_status"] for h in history][-3:] == ["received", "awaiting_payment", "processing"]
    assert await ledger_balance(pool) == (2, 0)
    async with acquire(pool) as conn:
        topics = [r["topic"] for r in await conn.fetch("SELECT topic FROM outbox ORDER BY created_at")]
    assert "payment.succeeded" in topics


async def test_a_hundred_identical_notifications_settle_once(
    client: AsyncTestClient[Any], make_token: TokenFactory, clock: FixedClock, pool: asyncpg.Pool
) -> None:
    citizen = await make_token("0912600002")
    officer = await make_token("0900600002", "officer", ("000.00.01.H29",))
    dossier = await passport_dossier(client, citizen, receive_with=officer)
    payment = (
        await client.post(
            f"/api/v1/dossiers/{dossier['id']}/payments", json={"method": "vietqr"}, headers=bearer(citizen)
        )
    ).json()
    note = BankNotification(**{**credit(payment), "transacted_at": None})
    pctx: PaymentsContext = replace(client.app.state.payments, pool=pool)

    async def deliver() -> str:
        async with acquire(pool) as conn:
            return await receive_bank_notification(conn, pctx, note)

    results = await asyncio.gather(*(deliver() for _ in range(100)))
    assert sorted(set(results)) == ["duplicate", "settled"]
    assert results.count("settled") == 1
    assert await ledger_balance(pool) == (2, 0)
    async with acquire(pool) as conn:
        moves = await conn.fetchval(
            "SELECT count(*) FROM dossier_history WHERE dossier_id = $1 AND action = 'settle_payment'",
            uuid.UUID(dossier["id"]),
        )
    assert moves == 1


async def test_wrong_amount_unknown_reference_and_bad_signatures_never_settle(
    client: AsyncTestClient[Any], make_token: TokenFactory, clock: FixedClock, pool: asyncpg.Pool
) -> None:
    citizen = await make_token("0912600003")
    officer = await make_token("0900600003", "officer", ("000.00.01.H29",))
    dossier = await passport_dossier(client, citizen, receive_with=officer)
    payment = (
        await client.post(
            f"/api/v1/dossiers/{dossier['id']}/payments", json={"method": "vietqr"}, headers=bearer(citizen)
        )
    ).json()
    under = await client.post(BANK, **signed(credit(payment, amount=150000), clock))
    assert under.json() == {"result": "exception"}
    unknown = await client.post(BANK, **signed(credit(payment, memo="chuyen tien MC2345ABCD hoc phi"), clock))
    assert unknown.json() == {"result": "exception"}
    forged = await client.post(BANK, **signed(credit(payment), clock, secret="guess"))
    stale = await client.post(BANK, **signed(credit(payment), clock, age=301))
    assert forged.status_code == stale.status_code == 401
    assert (await client.get(f"/api/v1/payments/{payment['id']}", headers=bearer(citizen))).json()[
        "status"
    ] == "pending"
    assert (await client.get(f"/api/v1/dossiers/{dossier['id']}", headers=bearer(citizen))).json()["status"] == (
        "awaiting_payment"
    )
    async with acquire(pool) as conn:
        reasons = sorted(r["reason"] for r in await conn.fetch("SELECT reason FROM payment_exceptions"))
        stored = await conn.fetchval("SELECT count(*) FROM bank_notifications")
    assert reasons == ["underpaid", "unknown_reference"]
    assert stored == 2  # the forged and the stale ones left no trace
    assert (await ledger_balance(pool))[1] == 0


async def test_paid_before_reception_goes_straight_to_processing(
    client: AsyncTestClient[Any], make_token: TokenFactory, clock: FixedClock
) -> None:
    citizen = await make_token("0912600004")
    dossier = await passport_dossier(client, citizen)
    await pay_by_bank(client, citizen, dossier, clock)
    officer = await make_token("0900600004", "officer", ("000.00.01.H29",))
    received = await client.post(
        f"/api/v1/officer/dossiers/{dossier['id']}/actions", json={"action": "receive"}, headers=bearer(officer)
    )
    assert received.status_code == 200 and received.json()["status"] == "processing"


async def test_bank_and_vnpay_for_one_dossier_settle_once(
    client: AsyncTestClient[Any], make_token: TokenFactory, clock: FixedClock, pool: asyncpg.Pool
) -> None:
    citizen = await make_token("0912600005")
    officer = await make_token("0900600005", "officer", ("000.00.01.H29",))
    dossier = await passport_dossier(client, citizen, receive_with=officer)
    by_qr = (
        await client.post(
            f"/api/v1/dossiers/{dossier['id']}/payments", json={"method": "vietqr"}, headers=bearer(citizen)
        )
    ).json()
    switched = await client.post(
        f"/api/v1/dossiers/{dossier['id']}/payments", json={"method": "vnpay"}, headers=bearer(citizen)
    )
    assert switched.status_code == 201
    by_card = switched.json()
    assert by_card["vnpay"]["pay_url"].startswith("https://sandbox.vnpayment.vn/paymentv2/vpcpay.html?")
    assert "vnp_SecureHash=" in by_card["vnpay"]["pay_url"] and "vnp_Amount=20000000" in by_card["vnpay"]["pay_url"]
    old = (await client.get(f"/api/v1/payments/{by_qr['id']}", headers=bearer(citizen))).json()
    assert old["status"] == "expired"

    ipn = vnpay_ipn(by_card)
    answer = await client.get("/api/v1/payments/vnpay/ipn", params=ipn)
    assert answer.json() == {"RspCode": "00", "Message": "Confirm Success"}
    replay = await client.get("/api/v1/payments/vnpay/ipn", params=ipn)
    assert replay.json() == {"RspCode": "02", "Message": "Order already confirmed"}  # as VNPay's demo answers
    late_transfer = await client.post(BANK, **signed(credit(by_qr), clock))
    assert late_transfer.json() == {"result": "exception"}
    async with acquire(pool) as conn:
        settled = await conn.fetchval("SELECT count(*) FROM payments WHERE status = 'succeeded'")
        reasons = [r["reason"] for r in await conn.fetch("SELECT reason FROM payment_exceptions")]
    assert settled == 1 and reasons == ["expired"]
    assert (await ledger_balance(pool))[1] == 0


async def test_vnpay_ipn_retried_while_processed_settles_once_and_answers_02(
    client: AsyncTestClient[Any], make_token: TokenFactory, pool: asyncpg.Pool
) -> None:
    """VNPay retries an IPN it has no answer to yet: the retry waits for the first and is told the order
    is no longer pending; a later notification for the paid order (another transaction) the same."""
    citizen = await make_token("0912600015")
    officer = await make_token("0900600015", "officer", ("000.00.01.H29",))
    dossier = await passport_dossier(client, citizen, receive_with=officer)
    payment = (
        await client.post(
            f"/api/v1/dossiers/{dossier['id']}/payments", json={"method": "vnpay"}, headers=bearer(citizen)
        )
    ).json()
    ipn = vnpay_ipn(payment)
    pctx: PaymentsContext = replace(client.app.state.payments, pool=pool)

    async def deliver() -> str:
        async with acquire(pool) as conn:
            return (await receive_vnpay_ipn(conn, pctx, ipn)).rsp_code

    assert sorted(await asyncio.gather(*(deliver() for _ in range(5)))) == ["00", "02", "02", "02", "02"]
    retried = await client.get("/api/v1/payments/vnpay/ipn", params=ipn)
    assert retried.json() == {"RspCode": "02", "Message": "Order already confirmed"}
    later = await client.get("/api/v1/payments/vnpay/ipn", params=vnpay_ipn(payment))
    assert later.json() == {"RspCode": "02", "Message": "Order already confirmed"}
    async with acquire(pool) as conn:
        assert await conn.fetchval("SELECT count(*) FROM payments WHERE status = 'succeeded'") == 1
        assert await conn.fetchval("SELECT count(*) FROM payment_receipts") == 1
        assert await conn.fetchval("SELECT count(*) FROM payment_exceptions") == 0
    assert (await ledger_balance(pool))[1] == 0


async def test_vnpay_ipn_tampered_or_wrong_amount(
    client: AsyncTestClient[Any], make_token: TokenFactory, clock: FixedClock
) -> None:
    citizen = await make_token("0912600006")
    dossier = await passport_dossier(client, citizen)
    payment = (
        await client.post(
            f"/api/v1/dossiers/{dossier['id']}/payments", json={"method": "vnpay"}, headers=bearer(citizen)
        )
    ).json()
    tampered = {**vnpay_ipn(payment), "vnp_Amount": "100"}
    assert (await client.get("/api/v1/payments/vnpay/ipn", params=tampered)).json()["RspCode"] == "97"
    wrong = vnpay_ipn(payment, amount=1000)
    assert (await client.get("/api/v1/payments/vnpay/ipn", params=wrong)).json()["RspCode"] == "04"
    unknown = vnpay_ipn({**payment, "reference": "MC2345ABCD"})
    assert (await client.get("/api/v1/payments/vnpay/ipn", params=unknown)).json()["RspCode"] == "01"
    declined = vnpay_ipn(payment, code="24")
    assert (await client.get("/api/v1/payments/vnpay/ipn", params=declined)).json()["RspCode"] == "00"
    assert (await client.get(f"/api/v1/payments/{payment['id']}", headers=bearer(citizen))).json()["status"] == "failed"


async def test_unpaid_payments_expire_in_the_worker(
    client: AsyncTestClient[Any], make_token: TokenFactory, clock: FixedClock, pool: asyncpg.Pool
) -> None:
    citizen = await make_token("0912600007")
    dossier = await passport_dossier(client, citizen)
    payment = (
        await client.post(
            f"/api/v1/dossiers/{dossier['id']}/payments", json={"method": "vietqr"}, headers=bearer(citizen)
        )
    ).json()
    pctx: PaymentsContext = replace(client.app.state.payments, pool=pool)
    assert await expire_due(pctx) == 0
    clock.advance(timedelta(minutes=31))
    assert await expire_due(pctx) == 1
    assert (await client.get(f"/api/v1/payments/{payment['id']}", headers=bearer(citizen))).json()[
        "status"
    ] == "expired"


async def test_free_or_foreign_dossiers_cannot_be_paid(client: AsyncTestClient[Any], make_token: TokenFactory) -> None:
    owner = await make_token("0912600008")
    stranger = await make_token("0912600009")
    dossier = await passport_dossier(client, owner)
    response = await client.post(
        f"/api/v1/dossiers/{dossier['id']}/payments", json={"method": "vietqr"}, headers=bearer(stranger)
    )
    assert response.status_code == 404
    response = await client.post(
        f"/api/v1/dossiers/{dossier['id']}/payments", json={"method": "cash"}, headers=bearer(owner)
    )
    assert response.status_code in {400, 422}
