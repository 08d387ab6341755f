"""VNPay payment gateway, API 2.1.0: payment URL, return/IPN signatures, IPN answers, querydr/refund bodies."""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import re
from collections.abc import Mapping
from datetime import datetime
from typing import Literal
from urllib.parse import urlencode

import msgspec

from core.clock import VN_TZ
from i18n.text import strip_diacritics

VERSION = "2.1.0"
_UNSIGNED = frozenset({"vnp_SecureHash", "vnp_SecureHashType"})
_ALNUM = re.compile(r"[A-Za-z0-9]+")
_BANK_CODE = re.compile(r"[A-Za-z0-9]{3,20}")
# Python, Java, PHP and JS URL encoders agree on these characters; '*' and '~' they do not, and a
# disagreement means VNPay recomputes a different hash.
_ORDER_INFO_UNSAFE = re.compile(r"[^A-Za-z0-9 _.,:\-]+")
_SPACES = re.compile(r"\s+")


def _hmac(secret: str, message: str) -> str:
    return hmac.new(secret.encode(), message.encode(), hashlib.sha512).hexdigest()


def _hash_data(params: Mapping[str, str], *, keep_empty: bool) -> str:
    items = sorted(
        (key, value)
        for key, value in params.items()
        if key.startswith("vnp_") and key not in _UNSIGNED and (keep_empty or value != "")
    )
    return urlencode(items)  # quote_plus on keys and values: what VNPay's documented example shows


def sign(params: Mapping[str, str], secret: str) -> str:
    """vnp_SecureHash: lowercase hex HMAC-SHA512 over the sorted, form-encoded non-empty vnp_* params."""
    return _hmac(secret, _hash_data(params, keep_empty=False))


def verify(params: Mapping[str, str], secret: str) -> bool:
    """Check vnp_SecureHash of a return URL or IPN (decoded query params), in constant time."""
    received = params.get("vnp_SecureHash", "").strip().lower().encode()
    if not secret or not received:
        return False
    if hmac.compare_digest(sign(params, secret).encode(), received):
        return True
    # VNPay's SDK and Java demo drop empty values, its PHP IPN demo hashes them: accept either form.
    has_empty = any(key.startswith("vnp_") and key not in _UNSIGNED and value == "" for key, value in params.items())
    return has_empty and hmac.compare_digest(_hmac(secret, _hash_data(params, keep_empty=True)).encode(), received)


def _vn_time(moment: datetime) -> str:
    if moment.tzinfo is None:
        raise ValueError("VNPay times need an aware datetime")
    return moment.astimezone(VN_TZ).strftime("%Y%m%d%H%M%S")


def _check_alnum(name: str, value: str, max_length: int) -> None:
    if not _ALNUM.fullmatch(value) or len(value) > max_length:
        raise ValueError(f"{name} must be 1 to {max_length} letters or digits")


def _check_ip(ip_addr: str) -> None:
    try:
        ipaddress.ip_address(ip_addr)
    except ValueError:
        raise ValueError(f"ip_addr must be an IP address, not {ip_addr!r}") from None


def _vnp_amount(amount: int) -> str:
    if amount <= 0 or amount * 100 >= 10**12:
        raise ValueError("amount must be positive and at most 12 digits once multiplied by 100")
    return str(amount * 100)


def clean_order_info(text: str) -> str:
    """VNPay wants vnp_OrderInfo without diacritics or special characters."""
    ascii_text = _ORDER_INFO_UNSAFE.sub(" ", strip_diacritics(text))
    cleaned = _SPACES.sub(" ", ascii_text).strip()
    if not cleaned or len(cleaned) > 255:
        raise ValueError("order_info must be 1 to 255 characters once cleaned")
    return cleaned


def payment_url(
    *,
    base_url: str,
    tmn_code: str,
    secret: str,
    txn_ref: str,
    amount: int,
    order_info: str,
    ip_addr: str,
    return_url: str,
    created_at: datetime,
    expire_at: datetime,
    locale: str = "vn",
    bank_code: str | None = None,
) -> str:
    """The URL to send the payer to; amount in VND. order_info is cleaned with clean_order_info."""
    _check_alnum("tmn_code", tmn_code, 8)
    _check_alnum("txn_ref", txn_ref, 100)
    _check_ip(ip_addr)
    if locale not in {"vn", "en"}:
        raise ValueError("locale must be 'vn' or 'en'")
    create_date, expire_date = _vn_time(created_at), _vn_time(expire_at)
    if expire_at <= created_at:
        raise ValueError("expire_at must be after created_at")
    if bank_code is not None and not _BANK_CODE.fullmatch(bank_code):
        raise ValueError("bank_code must be 3 to 20 letters or digits")
    if not secret:
        raise ValueError("secret must not be empty")
    params = {
        "vnp_Version": VERSION,
        "vnp_Command": "pay",
        "vnp_TmnCode": tmn_code,
        "vnp_Amount": _vnp_amount(amount),
        "vnp_CurrCode": "VND",
        "vnp_TxnRef": txn_ref,
        "vnp_OrderInfo": clean_order_info(order_info),
        "vnp_OrderType": "other",
        "vnp_Locale": locale,
        "vnp_ReturnUrl": return_url,
        "vnp_IpAddr": ip_addr,
        "vnp_CreateDate": create_date,
        "vnp_ExpireDate": expire_date,
    }
    if bank_code is not None:
        params["vnp_BankCode"] = bank_code
    query = _hash_data(params, keep_empty=False)
    # vnp_SecureHashType must not be sent in 2.1.0.
    return f"{base_url}?{query}&vnp_SecureHash={_hmac(secret, query)}"


# ---- IPN ---------------------------------------------------------------------------------------


class IpnDecision(msgspec.Struct, frozen=True):
    """What to answer VNPay's IPN and what to record. settle and failed both False = leave the
    payment pending (not ours to touch, or VNPay has not decided yet)."""

    rsp_code: str
    message: str
    settle: bool = False
    failed: bool = False

    def response_body(self) -> dict[str, str]:
        """The JSON body VNPay expects (HTTP 200)."""
        return {"RspCode": self.rsp_code, "Message": self.message}


CONFIRM_SUCCESS = IpnDecision("00", "Confirm Success")
ORDER_NOT_FOUND = IpnDecision("01", "Order not found")
ALREADY_CONFIRMED = IpnDecision("02", "Order already confirmed")
INVALID_AMOUNT = IpnDecision("04", "Invalid amount")
INVALID_SIGNATURE = IpnDecision("97", "Invalid signature")
UNKNOWN_ERROR = IpnDecision("99", "Unknown error")  # answer this when handling the IPN raised

_REPEATED = {d.rsp_code: d for d in (ORDER_NOT_FOUND, INVALID_AMOUNT)}  # what a retry is told again
# Not a failure: 07 = money taken, suspected fraud, the merchant approves or rejects it in VNPay's
# admin; transaction status 01 = not completed yet. Marking these failed could drop a real payment.
_UNDECIDED_RESPONSE = frozenset({"07"})
_UNDECIDED_STATUS = frozenset({"01", "07"})


def decide_ipn(
    params: Mapping[str, str],
    *,
    secret: str,
    expected_amount: int | None,
    payment_status: str | None,
    replay: str | None = None,
) -> IpnDecision:
    """VNPay's merchant rules, in its order: checksum, order, amount, still pending, then record.

    expected_amount None = no such order. payment_status is ours ("pending" = not yet decided).
    replay: the code stored for this same notification (VNPay retries until it reads an answer), or
    None when it is new. A retry settles nothing: an unknown order or a wrong amount is told again,
    anything else is an order no longer pending (decided by the first one, or being decided by it
    right now), which VNPay's demo answers 02 "Order already confirmed".
    """
    if not verify(params, secret):
        return INVALID_SIGNATURE
    if replay is not None:
        return _REPEATED.get(replay, ALREADY_CONFIRMED)
    if expected_amount is None:
        return ORDER_NOT_FOUND
    if params.get("vnp_Amount", "") != str(expected_amount * 100):
        return INVALID_AMOUNT
    if payment_status != "pending":
        return ALREADY_CONFIRMED
    response, status = params.get("vnp_ResponseCode", ""), params.get("vnp_TransactionStatus", "")
    if response == "00" and status == "00":
        return IpnDecision(CONFIRM_SUCCESS.rsp_code, CONFIRM_SUCCESS.message, settle=True)
    undecided = response in _UNDECIDED_RESPONSE or status in _UNDECIDED_STATUS
    return IpnDecision(CONFIRM_SUCCESS.rsp_code, CONFIRM_SUCCESS.message, failed=not undecided)


# ---- querydr / refund (POST JSON to {host}/merchant_webapi/api/transaction) ---------------------

_QUERYDR_RESPONSE_FIELDS = (
    "vnp_ResponseId",
    "vnp_Command",
    "vnp_ResponseCode",
    "vnp_Message",
    "vnp_TmnCode",
    "vnp_TxnRef",
    "vnp_Amount",
    "vnp_BankCode",
    "vnp_PayDate",
    "vnp_TransactionNo",
    "vnp_TransactionType",
    "vnp_TransactionStatus",
    "vnp_OrderInfo",
    "vnp_PromotionCode",
    "vnp_PromotionAmount",
)


def _check_request_id(request_id: str) -> None:
    _check_alnum("request_id", request_id, 32)


def querydr_request(
    *,
    tmn_code: str,
    secret: str,
    request_id: str,
    txn_ref: str,
    order_info: str,
    transaction_date: datetime,
    created_at: datetime,
    ip_addr: str,
    transaction_no: str | None = None,
) -> dict[str, str]:
    """Ask VNPay for a transaction's state. transaction_date = the payment's original vnp_CreateDate."""
    _check_request_id(request_id)
    _check_ip(ip_addr)
    body = {
        "vnp_RequestId": request_id,
        "vnp_Version": VERSION,
        "vnp_Command": "querydr",
        "vnp_TmnCode": tmn_code,
        "vnp_TxnRef": txn_ref,
        "vnp_OrderInfo": clean_order_info(order_info),
        "vnp_TransactionDate": _vn_time(transaction_date),
        "vnp_CreateDate": _vn_time(created_at),
        "vnp_IpAddr": ip_addr,
    }
    if transaction_no is not None:
        body["vnp_TransactionNo"] = transaction_no
    fields = ("RequestId", "Version", "Command", "TmnCode", "TxnRef", "TransactionDate", "CreateDate", "IpAddr")
    data = "|".join(body["vnp_" + name] for name in (*fields, "OrderInfo"))
    body["vnp_SecureHash"] = _hmac(secret, data)
    return body


def refund_request(
    *,
    tmn_code: str,
    secret: str,
    request_id: str,
    txn_ref: str,
    amount: int,
    transaction_type: Literal["02", "03"],
    transaction_date: datetime,
    created_by: str,
    created_at: datetime,
    ip_addr: str,
    order_info: str,
    transaction_no: str | None = None,
) -> dict[str, str]:
    """Refund in full ("02") or in part ("03"); amount in VND."""
    _check_request_id(request_id)
    _check_ip(ip_addr)
    if transaction_type not in {"02", "03"}:
        raise ValueError("transaction_type must be '02' (full) or '03' (partial)")
    if not created_by:
        raise ValueError("created_by must not be empty")
    body = {
        "vnp_RequestId": request_id,
        "vnp_Version": VERSION,
        "vnp_Command": "refund",
        "vnp_TmnCode": tmn_code,
        "vnp_TransactionType": transaction_type,
        "vnp_TxnRef": txn_ref,
        "vnp_Amount": _vnp_amount(amount),
        "vnp_OrderInfo": clean_order_info(order_info),
        # The hash carries "0" when VNPay's transaction number is unknown; send the same value.
        "vnp_TransactionNo": transaction_no or "0",
        "vnp_TransactionDate": _vn_time(transaction_date),
        "vnp_CreateBy": created_by,
        "vnp_CreateDate": _vn_time(created_at),
        "vnp_IpAddr": ip_addr,
    }
    fields = (
        "RequestId",
        "Version",
        "Command",
        "TmnCode",
        "TransactionType",
        "TxnRef",
        "Amount",
        "TransactionNo",
        "TransactionDate",
        "CreateBy",
        "CreateDate",
        "IpAddr",
        "OrderInfo",
    )
    body["vnp_SecureHash"] = _hmac(secret, "|".join(body["vnp_" + name] for name in fields))
    return body


def verify_api_response(resp: Mapping[str, str], secret: str) -> bool:
    """Check a querydr response's vnp_SecureHash (missing fields hash as empty).

    Only querydr's response field order is documented; other commands raise ValueError rather
    than guess an order and report forged data as genuine or genuine data as forged.
    """
    if resp.get("vnp_Command") != "querydr":
        raise ValueError("only querydr responses have a known hash order")
    received = str(resp.get("vnp_SecureHash", "")).strip().lower().encode()
    if not secret or not received:
        return False
    data = "|".join(str(resp.get(name, "")) for name in _QUERYDR_RESPONSE_FIELDS)
    return hmac.compare_digest(_hmac(secret, data).encode(), received)
