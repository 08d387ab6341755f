"""After the money: e-receipts, refunds, officers' decisions on unmatched money, reconciliation."""

from __future__ import annotations

from typing import Any

import asyncpg
from litestar.testing import AsyncTestClient

from core.clock import FixedClock
from core.db import acquire
from tests.integration.conftest import TokenFactory, bearer
from tests.integration.factories import paid_dossier, passport_dossier
from tests.integration.helpers import read_qr
from tests.integration.payments_helpers import BANK, credit, ledger_balance, signed, vnpay_ipn

OFFICE = "000.00.01.H29"


async def test_settled_payment_has_a_verifiable_e_receipt(
    client: AsyncTestClient[Any], make_token: TokenFactory, clock: FixedClock
) -> None:
    citizen, _, dossier, payment = await paid_dossier(client, make_token, clock, "0912700001")
    response = await client.get(f"/api/v1/payments/{payment['id']}/receipt", headers=bearer(citizen))
    assert response.status_code == 200, response.text
    receipt = response.json()
    assert receipt["number"] == f"{OFFICE}-BL2026-000001"
    assert receipt["amount"] == 200000 and receipt["amount_in_words"] == "Hai trăm nghìn đồng"
    assert receipt["payer"] == "Nguyễn Thị Lan" and receipt["procedure"] == "Cấp hộ chiếu phổ thông"
    assert receipt["dossier_code"].startswith(OFFICE) and receipt["agency"] == "Công an Thành phố Hồ Chí Minh"
    english = (
        await client.get(f"/api/v1/payments/{payment['id']}/receipt", params={"lang": "en"}, headers=bearer(citizen))
    ).json()
    assert english["amount_in_words"] == "Two hundred thousand dong"
    qr = await client.get(receipt["qr_png_url"], headers=bearer(citizen))
    assert read_qr(qr.content) == receipt["verify_url"]
    path = receipt["verify_url"].removeprefix("https://motcua.example.vn")
    page = await client.get(path)
    assert page.status_code == 200 and "Biên lai hợp lệ" in page.text and "200.000 ₫" in page.text
    forged = await client.get(path.split("?")[0], params={"k": "guessed"})
    assert forged.status_code == 404
    assert dossier["id"]


async def test_officer_refunds_a_settled_payment(
    client: AsyncTestClient[Any], make_token: TokenFactory, clock: FixedClock, pool: asyncpg.Pool
) -> None:
    citizen, officer, _, payment = await paid_dossier(client, make_token, clock, "0912700002")
    receipt = (await client.get(f"/api/v1/payments/{payment['id']}/receipt", headers=bearer(citizen))).json()
    verify = receipt["verify_url"].removeprefix("https://motcua.example.vn")
    url = f"/api/v1/officer/payments/{payment['id']}/refund"
    assert (await client.post(url, json={}, headers=bearer(officer))).status_code == 422
    assert (await client.post(url, json={"reason": "Trả lại"}, headers=bearer(citizen))).status_code == 403
    other = await make_token("0900700009", "officer", ("000.00.02.H29",))
    assert (await client.post(url, json={"reason": "Trả lại"}, headers=bearer(other))).status_code == 404
    response = await client.post(url, json={"reason": "Hồ sơ không thuộc thẩm quyền"}, headers=bearer(officer))
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "refunded"
    page = await client.get(verify)
    assert page.status_code == 200 and "không còn giá trị" in page.text and "Biên lai hợp lệ" not in page.text
    again = await client.post(url, json={"reason": "Trả lại"}, headers=bearer(officer))
    assert again.status_code == 409
    assert await ledger_balance(pool) == (4, 0)
    async with acquire(pool) as conn:
        assert await conn.fetchval("SELECT count(*) FROM outbox WHERE topic = 'payment.refunded'") == 1


async def test_unmatched_money_is_refunded_or_accepted_by_an_officer(
    client: AsyncTestClient[Any], make_token: TokenFactory, clock: FixedClock, pool: asyncpg.Pool
) -> None:
    citizen = await make_token("0912700003")
    officer = await make_token("0900700003", "officer", (OFFICE,))
    dossier = await passport_dossier(client, citizen, receive_with=officer)
    payment = (
        await client.post(
            f"/api/v1/dossiers/{dossier['id']}/payments", json={"method": "vietqr"}, headers=bearer(citizen)
        )
    ).json()
    await client.post(BANK, **signed(credit(payment, amount=250000), clock))  # overpaid
    await client.post(BANK, **signed(credit(payment, amount=150000), clock))  # underpaid
    listed = (await client.get("/api/v1/officer/payments/exceptions", headers=bearer(officer))).json()
    assert listed["total"] == 2
    by_reason = {e["reason"]: e for e in listed["items"]}
    assert set(by_reason) == {"overpaid", "underpaid"}

    refund = await client.post(
        f"/api/v1/officer/payments/exceptions/{by_reason['overpaid']['id']}/resolve",
        json={"action": "refund", "note": "Chuyển trả 250.000"},
        headers=bearer(officer),
    )
    assert refund.status_code == 204
    accept = await client.post(
        f"/api/v1/officer/payments/exceptions/{by_reason['underpaid']['id']}/resolve",
        json={"action": "accept", "note": "Được miễn giảm 50.000"},
        headers=bearer(officer),
    )
    assert accept.status_code == 204
    twice = await client.post(
        f"/api/v1/officer/payments/exceptions/{by_reason['underpaid']['id']}/resolve",
        json={"action": "refund"},
        headers=bearer(officer),
    )
    assert twice.status_code == 409
    moved = (await client.get(f"/api/v1/dossiers/{dossier['id']}", headers=bearer(citizen))).json()
    assert moved["status"] == "processing"
    assert (await client.get(f"/api/v1/payments/{payment['id']}", headers=bearer(citizen))).json()["status"] == (
        "succeeded"
    )
    assert (await ledger_balance(pool))[1] == 0
    async with acquire(pool) as conn:
        suspense = await conn.fetchval("SELECT coalesce(sum(amount), 0) FROM ledger_entries WHERE account = 'suspense'")
    assert suspense == 0
    assert (await client.get("/api/v1/officer/payments/exceptions", headers=bearer(officer))).json()["total"] == 0


async def test_reconciliation_of_a_day(
    client: AsyncTestClient[Any], make_token: TokenFactory, clock: FixedClock
) -> None:
    _, officer, _, payment = await paid_dossier(client, make_token, clock, "0912700004")
    await client.post(BANK, **signed(credit(payment, memo="chuyen khoan khong ro noi dung"), clock))
    response = await client.get(
        "/api/v1/officer/payments/reconciliation",
        params={"date": "2026-11-23", "agency": OFFICE},
        headers=bearer(officer),
    )
    assert response.status_code == 200, response.text
    day = response.json()
    assert day["settled"] == {"count": 1, "amount": 200000}
    assert day["received"]["count"] == 2
    assert [u["reason"] for u in day["unmatched"]] == ["unknown_reference"]
    assert day["balanced"] is True


async def test_vnpay_return_page_shows_the_outcome_without_settling(
    client: AsyncTestClient[Any], make_token: TokenFactory
) -> None:
    citizen = await make_token("0912700005")
    dossier = await passport_dossier(client, citizen)
    payment = (
        await client.post(
            f"/api/v1/dossiers/{dossier['id']}/payments", json={"method": "vnpay"}, headers=bearer(citizen)
        )
    ).json()
    page = await client.get("/api/v1/payments/vnpay/return", params=vnpay_ipn(payment))
    assert page.status_code == 200 and "Thanh toán thành công" in page.text
    tampered = await client.get("/api/v1/payments/vnpay/return", params={**vnpay_ipn(payment), "vnp_Amount": "1"})
    assert tampered.status_code == 400
    assert (await client.get(f"/api/v1/payments/{payment['id']}", headers=bearer(citizen))).json()["status"] == (
        "pending"
    )
