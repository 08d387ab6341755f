import hashlib
import hmac
from datetime import UTC, datetime, timedelta, timezone
from urllib.parse import parse_qsl, urlsplit

import pytest
from hypothesis import given
from hypothesis import strategies as st

from payments.vnpay import (
    UNKNOWN_ERROR,
    IpnDecision,
    clean_order_info,
    decide_ipn,
    payment_url,
    querydr_request,
    refund_request,
    sign,
    verify,
    verify_api_response,
)

# Reference vn-integrations.md §2.3 (test secret, not VNPay's).
SECRET = "TESTSECRETTESTSECRETTESTSECRET12"
PAY_PARAMS = {
    "vnp_Amount": "1806000",
    "vnp_Command": "pay",
    "vnp_CreateDate": "20210801153333",
    "vnp_CurrCode": "VND",
    "vnp_IpAddr": "127.0.0.1",
    "vnp_Locale": "vn",
    "vnp_OrderInfo": "Thanh toan don hang :5",
    "vnp_OrderType": "other",
    "vnp_ReturnUrl": "https://domainmerchant.vn/ReturnUrl",
    "vnp_TmnCode": "DEMOV210",
    "vnp_TxnRef": "5",
    "vnp_Version": "2.1.0",
}
PAY_HASH = (
    "1df63df658975879020b608c8b0ca40d1010f94f9fbfe0b3e7e6ee8381c860bf"
    "1f1631be6f7f6865d118e341f0c7cb720b60d76a41ffd141d4580a0df64b419f"
)
IPN_PARAMS = {
    "vnp_Amount": "1806000",
    "vnp_BankCode": "NCB",
    "vnp_BankTranNo": "VNP14226112",
    "vnp_CardType": "ATM",
    "vnp_OrderInfo": "Thanh toan don hang :5",
    "vnp_PayDate": "20210801153520",
    "vnp_ResponseCode": "00",
    "vnp_TmnCode": "DEMOV210",
    "vnp_TransactionNo": "14226112",
    "vnp_TransactionStatus": "00",
    "vnp_TxnRef": "5",
}
IPN_HASH = (
    "4a2b8751ce9ce498132031f53930380a8041b0e9b6fcc34d355ef5b75185710b"
    "496e533737e0d3b6379c1b9ac879a89856488481d6ce4d175ada8d9e05dccd0a"
)


def _mac(message: str, secret: str = SECRET) -> str:
    return hmac.new(secret.encode(), message.encode(), hashlib.sha512).hexdigest()


def test_worked_vector_of_the_payment_request() -> None:
    assert sign(PAY_PARAMS, SECRET) == PAY_HASH
    # Order of the mapping does not matter: keys are sorted.
    assert sign(dict(reversed(PAY_PARAMS.items())), SECRET) == PAY_HASH


def test_ipn_vector() -> None:
    assert sign(IPN_PARAMS, SECRET) == IPN_HASH


def test_sign_ignores_the_hash_fields_non_vnp_params_and_empty_values() -> None:
    extra = {**IPN_PARAMS, "vnp_SecureHash": "x", "vnp_SecureHashType": "HmacSHA512", "utm": "a", "vnp_Bill": ""}
    assert sign(extra, SECRET) == IPN_HASH


def test_verify_accepts_the_vector_in_any_hex_case_and_refuses_tampering() -> None:
    assert verify({**IPN_PARAMS, "vnp_SecureHash": IPN_HASH}, SECRET)
    assert verify({**IPN_PARAMS, "vnp_SecureHash": IPN_HASH.upper(), "vnp_SecureHashType": "HmacSHA512"}, SECRET)
    assert not verify({**IPN_PARAMS, "vnp_SecureHash": IPN_HASH, "vnp_Amount": "1806001"}, SECRET)
    assert not verify({**IPN_PARAMS, "vnp_SecureHash": IPN_HASH}, "other-secret")
    assert not verify(IPN_PARAMS, SECRET)
    assert not verify({**IPN_PARAMS, "vnp_SecureHash": ""}, SECRET)
    assert not verify({**IPN_PARAMS, "vnp_SecureHash": "é" * 128}, SECRET)
    assert not verify({**IPN_PARAMS, "vnp_SecureHash": sign(IPN_PARAMS, "")}, "")


def test_verify_accepts_empty_values_hashed_either_way() -> None:
    params = {**IPN_PARAMS, "vnp_BankTranNo": ""}
    dropped = _mac("&".join(f"{k}={v}" for k, v in sorted(params.items()) if v).replace(" ", "+").replace(":", "%3A"))
    kept = _mac("&".join(f"{k}={v}" for k, v in sorted(params.items())).replace(" ", "+").replace(":", "%3A"))
    assert verify({**params, "vnp_SecureHash": dropped}, SECRET)
    assert verify({**params, "vnp_SecureHash": kept}, SECRET)


CREATED = datetime(2021, 8, 1, 8, 33, 33, tzinfo=UTC)  # 15:33:33 in Hà Nội


def _url(**overrides: object) -> str:
    args: dict[str, object] = {
        "base_url": "https://sandbox.vnpayment.vn/paymentv2/vpcpay.html",
        "tmn_code": "DEMOV210",
        "secret": SECRET,
        "txn_ref": "MC7K2Q9XPA",
        "amount": 18060,
        "order_info": "Thanh toán lệ phí hồ sơ H01.2507-0001",
        "ip_addr": "127.0.0.1",
        "return_url": "https://motcua.example.vn/api/v1/payments/vnpay/return",
        "created_at": CREATED,
        "expire_at": CREATED + timedelta(minutes=15),
    }
    args.update(overrides)
    return payment_url(**args)  # type: ignore[arg-type]


def test_payment_url_carries_the_2_1_0_parameters_and_verifies() -> None:
    url = _url()
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == "https://sandbox.vnpayment.vn/paymentv2/vpcpay.html"
    params = dict(parse_qsl(parts.query, strict_parsing=True))
    assert params == {
        "vnp_Amount": "1806000",
        "vnp_Command": "pay",
        "vnp_CreateDate": "20210801153333",
        "vnp_CurrCode": "VND",
        "vnp_ExpireDate": "20210801154833",
        "vnp_IpAddr": "127.0.0.1",
        "vnp_Locale": "vn",
        "vnp_OrderInfo": "Thanh toan le phi ho so H01.2507-0001",
        "vnp_OrderType": "other",
        "vnp_ReturnUrl": "https://motcua.example.vn/api/v1/payments/vnpay/return",
        "vnp_TmnCode": "DEMOV210",
        "vnp_TxnRef": "MC7K2Q9XPA",
        "vnp_Version": "2.1.0",
        "vnp_SecureHash": params["vnp_SecureHash"],
    }
    assert verify(params, SECRET)
    # The query is the hash data itself, in sorted order, the hash last.
    query, _, mac = parts.query.rpartition("&vnp_SecureHash=")
    assert mac == _mac(query)
    assert "vnp_ReturnUrl=https%3A%2F%2Fmotcua.example.vn%2Fapi%2Fv1%2Fpayments%2Fvnpay%2Freturn" in query
    assert "vnp_SecureHashType" not in url


def test_payment_url_takes_any_timezone_and_an_optional_bank() -> None:
    other = timezone(timedelta(hours=-5))
    params = dict(
        parse_qsl(urlsplit(_url(created_at=CREATED.astimezone(other), bank_code="VNBANK", locale="en")).query)
    )
    assert params["vnp_CreateDate"] == "20210801153333"
    assert params["vnp_BankCode"] == "VNBANK"
    assert params["vnp_Locale"] == "en"
    assert verify(params, SECRET)


@pytest.mark.parametrize(
    ("overrides", "error"),
    [
        ({"created_at": datetime(2021, 8, 1, 15, 33, 33)}, "aware"),  # naive: which zone?
        ({"expire_at": CREATED}, "expire_at"),
        ({"amount": 0}, "amount"),
        ({"amount": 10**10}, "amount"),
        ({"txn_ref": "MC 7K2Q"}, "txn_ref"),
        ({"txn_ref": ""}, "txn_ref"),
        ({"tmn_code": "DEMOV2100"}, "tmn_code"),
        ({"ip_addr": "localhost"}, "ip_addr"),
        ({"locale": "vi"}, "locale"),
        ({"bank_code": "NC"}, "bank_code"),
        ({"order_info": "!!!"}, "order_info"),
        ({"secret": ""}, "secret"),
    ],
)
def test_payment_url_refuses_bad_input(overrides: dict[str, object], error: str) -> None:
    with pytest.raises(ValueError, match=error):
        _url(**overrides)


def test_clean_order_info_drops_diacritics_and_characters_encoders_disagree_on() -> None:
    assert clean_order_info("Nộp phí *đăng ký* ~khai sinh~  #12") == "Nop phi dang ky khai sinh 12"
    assert clean_order_info("Thanh toan don hang :5") == "Thanh toan don hang :5"


def _ipn(**changes: str) -> dict[str, str]:
    params = {**IPN_PARAMS, **changes}
    return {**params, "vnp_SecureHash": sign(params, SECRET)}


def test_ipn_success_settles() -> None:
    decision = decide_ipn(_ipn(), secret=SECRET, expected_amount=18060, payment_status="pending")
    assert decision == IpnDecision("00", "Confirm Success", settle=True, failed=False)
    assert decision.response_body() == {"RspCode": "00", "Message": "Confirm Success"}


def test_ipn_follows_vnpay_order_of_checks() -> None:
    bad = {**_ipn(), "vnp_Amount": "1"}
    assert decide_ipn(bad, secret=SECRET, expected_amount=None, payment_status=None) == IpnDecision(
        "97", "Invalid signature"
    )
    assert decide_ipn(_ipn(), secret=SECRET, expected_amount=None, payment_status=None) == IpnDecision(
        "01", "Order not found"
    )
    assert decide_ipn(_ipn(), secret=SECRET, expected_amount=18061, payment_status="succeeded") == IpnDecision(
        "04", "Invalid amount"
    )
    assert decide_ipn(_ipn(vnp_Amount="abc"), secret=SECRET, expected_amount=18060, payment_status="pending") == (
        IpnDecision("04", "Invalid amount")
    )
    for status in ("succeeded", "failed", "expired", "refunded", None):
        assert decide_ipn(_ipn(), secret=SECRET, expected_amount=18060, payment_status=status) == IpnDecision(
            "02", "Order already confirmed"
        )


@pytest.mark.parametrize(
    ("response", "status", "failed"),
    [
        ("24", "02", True),  # customer cancelled
        ("51", "02", True),  # insufficient balance
        ("11", "02", True),  # window expired
        ("00", "02", True),
        ("99", "02", True),
        ("07", "07", False),  # money taken, suspected fraud: the merchant decides in VNPay's admin
        ("07", "00", False),
        ("00", "01", False),  # not completed yet
    ],
)
def test_ipn_failure_is_answered_00_without_settling(response: str, status: str, failed: bool) -> None:
    params = _ipn(vnp_ResponseCode=response, vnp_TransactionStatus=status)
    decision = decide_ipn(params, secret=SECRET, expected_amount=18060, payment_status="pending")
    assert decision == IpnDecision("00", "Confirm Success", settle=False, failed=failed)


def test_ipn_retry_settles_nothing_and_tells_an_order_no_longer_pending() -> None:
    """A retry of a notification already decided (00) or still being decided (the stored 99) is an order
    no longer pending, 02 as VNPay's demo answers it; an unknown order or a wrong amount is told again."""
    for stored, answer in [
        ("00", IpnDecision("02", "Order already confirmed")),
        ("02", IpnDecision("02", "Order already confirmed")),
        ("99", IpnDecision("02", "Order already confirmed")),
        ("01", IpnDecision("01", "Order not found")),
        ("04", IpnDecision("04", "Invalid amount")),
    ]:
        decision = decide_ipn(_ipn(), secret=SECRET, expected_amount=None, payment_status=None, replay=stored)
        assert decision == answer and not decision.settle and not decision.failed
    forged = {**_ipn(), "vnp_SecureHash": "0" * 128}
    assert decide_ipn(forged, secret=SECRET, expected_amount=None, payment_status=None, replay="00").rsp_code == "97"


def test_unknown_error_constant() -> None:
    assert UNKNOWN_ERROR.response_body() == {"RspCode": "99", "Message": "Unknown error"}
    assert not UNKNOWN_ERROR.settle


@given(st.dictionaries(st.from_regex(r"vnp_[A-Za-z]{1,12}", fullmatch=True), st.text(max_size=40), max_size=12))
def test_sign_then_verify_round_trips_any_text(params: dict[str, str]) -> None:
    params = {k: v for k, v in params.items() if k not in {"vnp_SecureHash", "vnp_SecureHashType"}}
    assert verify({**params, "vnp_SecureHash": sign(params, SECRET)}, SECRET)


NOW = datetime(2021, 8, 2, 3, 0, 0, tzinfo=UTC)  # 10:00:00 in Hà Nội


def test_querydr_request_hash_is_the_pipe_joined_fields() -> None:
    body = querydr_request(
        tmn_code="DEMOV210",
        secret=SECRET,
        request_id="R20210802100000A",
        txn_ref="MC7K2Q9XPA",
        order_info="Kiem tra giao dich MC7K2Q9XPA",
        transaction_date=CREATED,
        created_at=NOW,
        ip_addr="10.0.0.5",
        transaction_no="14226112",
    )
    data = (
        "R20210802100000A|2.1.0|querydr|DEMOV210|MC7K2Q9XPA|20210801153333|20210802100000|10.0.0.5"
        "|Kiem tra giao dich MC7K2Q9XPA"
    )
    assert body == {
        "vnp_RequestId": "R20210802100000A",
        "vnp_Version": "2.1.0",
        "vnp_Command": "querydr",
        "vnp_TmnCode": "DEMOV210",
        "vnp_TxnRef": "MC7K2Q9XPA",
        "vnp_OrderInfo": "Kiem tra giao dich MC7K2Q9XPA",
        "vnp_TransactionNo": "14226112",
        "vnp_TransactionDate": "20210801153333",
        "vnp_CreateDate": "20210802100000",
        "vnp_IpAddr": "10.0.0.5",
        "vnp_SecureHash": _mac(data),
    }
    without_no = querydr_request(
        tmn_code="DEMOV210",
        secret=SECRET,
        request_id="R20210802100000A",
        txn_ref="MC7K2Q9XPA",
        order_info="Kiem tra giao dich MC7K2Q9XPA",
        transaction_date=CREATED,
        created_at=NOW,
        ip_addr="10.0.0.5",
    )
    assert "vnp_TransactionNo" not in without_no
    assert without_no["vnp_SecureHash"] == _mac(data)


def test_refund_request_hash_is_the_pipe_joined_fields() -> None:
    common = {
        "tmn_code": "DEMOV210",
        "secret": SECRET,
        "request_id": "RF1",
        "txn_ref": "MC7K2Q9XPA",
        "transaction_date": CREATED,
        "created_by": "officer-42",
        "created_at": NOW,
        "ip_addr": "10.0.0.5",
        "order_info": "Hoàn phí hồ sơ",
    }
    full = refund_request(amount=18060, transaction_type="02", transaction_no="14226112", **common)  # type: ignore[arg-type]
    data = (
        "RF1|2.1.0|refund|DEMOV210|02|MC7K2Q9XPA|1806000|14226112|20210801153333|officer-42|20210802100000"
        "|10.0.0.5|Hoan phi ho so"
    )
    assert full["vnp_SecureHash"] == _mac(data)
    assert full["vnp_Amount"] == "1806000"
    assert full["vnp_TransactionType"] == "02"
    assert full["vnp_CreateBy"] == "officer-42"
    partial = refund_request(amount=5000, transaction_type="03", **common)  # type: ignore[arg-type]
    assert partial["vnp_TransactionNo"] == "0"
    assert partial["vnp_SecureHash"] == _mac(data.replace("|02|", "|03|").replace("1806000|14226112", "500000|0"))
    with pytest.raises(ValueError, match="transaction_type"):
        refund_request(amount=5000, transaction_type="01", **common)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="request_id"):
        refund_request(amount=5000, transaction_type="02", **{**common, "request_id": "x" * 33})  # type: ignore[arg-type]


def test_querydr_response_verification() -> None:
    resp = {
        "vnp_ResponseId": "a1b2",
        "vnp_Command": "querydr",
        "vnp_ResponseCode": "00",
        "vnp_Message": "QueryDR Success",
        "vnp_TmnCode": "DEMOV210",
        "vnp_TxnRef": "MC7K2Q9XPA",
        "vnp_Amount": "1806000",
        "vnp_BankCode": "NCB",
        "vnp_PayDate": "20210801153520",
        "vnp_TransactionNo": "14226112",
        "vnp_TransactionType": "01",
        "vnp_TransactionStatus": "00",
        "vnp_OrderInfo": "Kiem tra giao dich MC7K2Q9XPA",
    }
    data = (
        "a1b2|querydr|00|QueryDR Success|DEMOV210|MC7K2Q9XPA|1806000|NCB|20210801153520|14226112|01|00"
        "|Kiem tra giao dich MC7K2Q9XPA||"
    )
    assert verify_api_response({**resp, "vnp_SecureHash": _mac(data).upper()}, SECRET)
    assert not verify_api_response({**resp, "vnp_TransactionStatus": "02", "vnp_SecureHash": _mac(data)}, SECRET)
    assert not verify_api_response(resp, SECRET)
    with pytest.raises(ValueError, match="querydr"):
        verify_api_response({**resp, "vnp_Command": "refund", "vnp_SecureHash": _mac(data)}, SECRET)
