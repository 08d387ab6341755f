"""VNPay merchant API client (querydr, refund) against a stand-in VNPay over real HTTP. No PostgreSQL."""

from __future__ import annotations

import socket
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest

from core.clock import VN_TZ
from payments import vnpay
from payments.vnpay_api import QueryResult, RefundResult, VNPayApi, VNPayApiError
from tests.integration.standins.vnpay_api import (
    QUERYDR_RESPONSE_FIELDS,
    Mode,
    VNPayStandin,
    pipe_hash,
    request_checksum_ok,
)

TMN_CODE = "MOTCUA01"
SECRET = "VNPAYAPITESTSECRET0123456789ABCD"
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=VN_TZ)
PAID_AT = NOW - timedelta(hours=1)
PAID_AT_VNP = "20261123080000"  # PAID_AT as the payment's vnp_CreateDate (GMT+7)
IP = "203.0.113.10"
TXN = "HS20261123001"
FEE = 150_000


@pytest.fixture(autouse=True)
def _clean_state() -> None:
    """Replaces integration/conftest.py's database and Redis reset: these tests need neither."""


@pytest.fixture
def vnp() -> Iterator[VNPayStandin]:
    with VNPayStandin(tmn_code=TMN_CODE, secret=SECRET) as standin:
        yield standin


async def _api(vnp: VNPayStandin, **overrides: Any) -> AsyncIterator[VNPayApi]:
    options: dict[str, Any] = {"api_url": vnp.url, "tmn_code": TMN_CODE, "secret": SECRET, "timeout": 5.0}
    client = VNPayApi(**(options | overrides))
    yield client
    await client.aclose()


@pytest.fixture
async def api(vnp: VNPayStandin) -> AsyncIterator[VNPayApi]:
    async for client in _api(vnp):
        yield client


def seed_paid(vnp: VNPayStandin, **attributes: Any) -> None:
    vnp.seed(TXN, amount=FEE, create_date=PAID_AT_VNP, transaction_no="14226112", **attributes)


async def query(api: VNPayApi, txn_ref: str = TXN, **overrides: Any) -> QueryResult:
    options: dict[str, Any] = {
        "request_id": uuid.uuid4().hex,
        "txn_ref": txn_ref,
        "order_info": "Lệ phí hồ sơ " + txn_ref,
        "transaction_date": PAID_AT,
        "created_at": NOW,
        "ip_addr": IP,
    }
    return await api.query(**(options | overrides))


async def refund(api: VNPayApi, *, amount: int = FEE, full: bool = True, **overrides: Any) -> RefundResult:
    options: dict[str, Any] = {
        "request_id": uuid.uuid4().hex,
        "txn_ref": TXN,
        "amount": amount,
        "full": full,
        "transaction_date": PAID_AT,
        "created_by": "officer-0912345678",
        "created_at": NOW,
        "ip_addr": IP,
        "order_info": "Hoàn lệ phí hồ sơ " + TXN,
    }
    return await api.refund(**(options | overrides))


# ---- querydr -----------------------------------------------------------------------------------------


async def test_query_a_paid_transaction_gives_its_status_and_amount_in_vnd(vnp: VNPayStandin, api: VNPayApi) -> None:
    seed_paid(vnp)

    result = await query(api)

    assert result.response_code == "00"
    assert result.transaction_status == "00"
    assert result.amount == FEE
    assert result.transaction_no == "14226112"
    assert result.raw["vnp_Amount"] == str(FEE * 100)
    (received,) = vnp.requests
    assert received.path == "/merchant_webapi/api/transaction"
    assert received.headers["content-type"] == "application/json"
    assert received.checksum_ok is True
    assert received.json is not None
    assert received.json["vnp_Command"] == "querydr"
    assert received.json["vnp_TransactionDate"] == PAID_AT_VNP
    assert received.json["vnp_CreateDate"] == "20261123090000"
    assert received.json["vnp_OrderInfo"] == "Le phi ho so " + TXN


async def test_query_a_pending_transaction(vnp: VNPayStandin, api: VNPayApi) -> None:
    seed_paid(vnp, status="01")

    result = await query(api)

    assert (result.response_code, result.transaction_status) == ("00", "01")


async def test_query_an_unknown_transaction_answers_91(vnp: VNPayStandin, api: VNPayApi) -> None:
    seed_paid(vnp)

    result = await query(api, "HS20261123999")

    assert result.response_code == "91"
    assert (result.transaction_status, result.transaction_no, result.amount) == (None, None, None)
    # Also not found: the right order on the wrong date.
    assert (await query(api, transaction_date=PAID_AT - timedelta(days=1))).response_code == "91"


async def test_a_reused_request_id_answers_94(vnp: VNPayStandin, api: VNPayApi) -> None:
    seed_paid(vnp)
    request_id = uuid.uuid4().hex

    assert (await query(api, request_id=request_id)).response_code == "00"
    assert (await query(api, request_id=request_id)).response_code == "94"


async def test_an_unknown_terminal_answers_02(vnp: VNPayStandin) -> None:
    seed_paid(vnp)
    async for api in _api(vnp, tmn_code="OTHER001"):
        assert (await query(api)).response_code == "02"


# ---- refund ------------------------------------------------------------------------------------------


async def test_full_refund_is_accepted_with_a_request_vnpay_can_verify(vnp: VNPayStandin, api: VNPayApi) -> None:
    seed_paid(vnp)

    result = await refund(api, transaction_no="14226112")

    assert result.response_code == "00"
    assert result.transaction_no == "14226112"
    (received,) = vnp.requests
    assert received.checksum_ok is True
    assert received.json is not None
    assert request_checksum_ok(received.json, SECRET)
    assert not request_checksum_ok(received.json | {"vnp_Amount": "100"}, SECRET)
    assert received.json["vnp_Command"] == "refund"
    assert received.json["vnp_TransactionType"] == "02"
    assert received.json["vnp_Amount"] == str(FEE * 100)
    assert received.json["vnp_TransactionNo"] == "14226112"
    assert received.json["vnp_CreateBy"] == "officer-0912345678"
    assert vnp.transactions[TXN].refunds == [FEE]
    # VNPay is now processing the refund.
    assert (await query(api)).transaction_status == "05"


async def test_a_second_refund_request_answers_94(vnp: VNPayStandin, api: VNPayApi) -> None:
    seed_paid(vnp)

    assert (await refund(api)).response_code == "00"
    assert (await refund(api)).response_code == "94"
    assert (await refund(api, amount=10_000, full=False)).response_code == "94"
    assert vnp.transactions[TXN].refunds == [FEE]


async def test_partial_refunds_up_to_the_amount_paid(vnp: VNPayStandin, api: VNPayApi) -> None:
    seed_paid(vnp)

    assert (await refund(api, amount=50_000, full=False)).response_code == "00"
    assert vnp.requests[-1].json is not None
    assert vnp.requests[-1].json["vnp_TransactionType"] == "03"
    assert (await refund(api, amount=200_000, full=False)).response_code == "03"  # more than is left
    assert (await refund(api, amount=100_000, full=False)).response_code == "00"
    assert (await refund(api, amount=1_000, full=False)).response_code == "94"
    assert vnp.transactions[TXN].refunds == [50_000, 100_000]


async def test_refund_of_an_unknown_or_unpaid_transaction(vnp: VNPayStandin, api: VNPayApi) -> None:
    assert (await refund(api)).response_code == "91"
    seed_paid(vnp, status="02")
    assert (await refund(api)).response_code == "95"


# ---- failures ----------------------------------------------------------------------------------------


async def test_a_tampered_querydr_signature_raises(vnp: VNPayStandin, api: VNPayApi) -> None:
    seed_paid(vnp)
    vnp.mode = Mode.TAMPER

    with pytest.raises(VNPayApiError, match="signature"):
        await query(api)
    with pytest.raises(VNPayApiError, match="signature"):
        await query(api, "HS20261123999")  # an error answer must be genuine too


async def test_an_http_500_raises(vnp: VNPayStandin, api: VNPayApi) -> None:
    seed_paid(vnp)
    vnp.mode = Mode.FAIL_500

    with pytest.raises(VNPayApiError, match="500"):
        await query(api)
    with pytest.raises(VNPayApiError, match="500"):
        await refund(api)
    assert [r.response_code for r in vnp.requests] == [None, None]
    assert vnp.transactions[TXN].refunds == []


async def test_a_hanging_vnpay_raises_after_the_client_timeout(vnp: VNPayStandin) -> None:
    seed_paid(vnp)
    vnp.mode = Mode.HANG
    async for api in _api(vnp, timeout=0.5):
        started = time.monotonic()
        with pytest.raises(VNPayApiError):
            await refund(api)
        assert time.monotonic() - started < 3
    assert len(vnp.requests) == 1


async def test_a_body_that_is_not_vnpay_json_raises(vnp: VNPayStandin, api: VNPayApi) -> None:
    vnp.mode = Mode.NOT_JSON

    with pytest.raises(VNPayApiError, match="JSON"):
        await query(api)


async def test_an_unreachable_vnpay_raises() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again before the request: nothing listens there
    api = VNPayApi(api_url=f"http://127.0.0.1:{port}/merchant_webapi/api/transaction", tmn_code=TMN_CODE, secret=SECRET)
    try:
        with pytest.raises(VNPayApiError, match="failed"):
            await query(api)
    finally:
        await api.aclose()


async def test_a_signed_answer_about_another_order_raises() -> None:
    """A genuine answer replayed for another request is not this request's answer."""
    answer = {
        "vnp_ResponseId": uuid.uuid4().hex,
        "vnp_Command": "querydr",
        "vnp_ResponseCode": "00",
        "vnp_Message": "Request successfully",
        "vnp_TmnCode": TMN_CODE,
        "vnp_TxnRef": "HS20261123777",
        "vnp_Amount": "15000000",
        "vnp_TransactionStatus": "00",
    }
    answer["vnp_SecureHash"] = pipe_hash(answer, QUERYDR_RESPONSE_FIELDS, SECRET)
    transport = httpx.MockTransport(lambda request: httpx.Response(200, json=answer))
    async with httpx.AsyncClient(transport=transport) as http:
        api = VNPayApi(
            api_url="https://vnpay.invalid/merchant_webapi/api/transaction",
            tmn_code=TMN_CODE,
            secret=SECRET,
            client=http,
        )
        with pytest.raises(VNPayApiError, match="order"):
            await query(api)
        assert (await query(api, "HS20261123777")).amount == FEE
        await api.aclose()  # not ours to close: the injected client stays usable
        assert (await query(api, "HS20261123777")).response_code == "00"


# ---- the stand-in checks signatures like VNPay ------------------------------------------------------------


async def test_the_standin_answers_97_to_a_request_signed_with_another_secret(vnp: VNPayStandin) -> None:
    seed_paid(vnp)
    body = vnpay.querydr_request(
        tmn_code=TMN_CODE,
        secret="NOT-THE-SECRET",
        request_id=uuid.uuid4().hex,
        txn_ref=TXN,
        order_info="Le phi",
        transaction_date=PAID_AT,
        created_at=NOW,
        ip_addr=IP,
    )
    async with httpx.AsyncClient() as http:
        response = await http.post(vnp.url, json=body)

    assert response.status_code == 200
    answer = response.json()
    assert answer["vnp_ResponseCode"] == "97"
    assert vnpay.verify_api_response(answer, SECRET)  # VNPay signs its answer with the merchant's real secret
    (received,) = vnp.requests
    assert (received.checksum_ok, received.response_code) == (False, "97")


async def test_a_client_with_the_wrong_secret(vnp: VNPayStandin) -> None:
    seed_paid(vnp)
    async for api in _api(vnp, secret="NOT-THE-SECRET"):
        # The 97 answer is signed with the real secret, so this client cannot trust it.
        with pytest.raises(VNPayApiError, match="signature"):
            await query(api)
        # Refund answers are not verified: the code comes through.
        assert (await refund(api)).response_code == "97"
    assert vnp.transactions[TXN].refunds == []
