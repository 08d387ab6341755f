"""VNPay merchant API client (querydr, refund): POST JSON to {host}/merchant_webapi/api/transaction.

Bodies and signatures come from payments.vnpay; this module only does the HTTP and reads the answer.
Times and request ids are inputs: callers pass their clock's now and a fresh uuid hex.
"""

from __future__ import annotations

from datetime import datetime
from functools import partial
from typing import TYPE_CHECKING, Literal

import msgspec

from payments import vnpay

if TYPE_CHECKING:  # made with the client, only where VNPay is configured
    import httpx

_JSON_HEADERS = {"Content-Type": "application/json", "Accept": "application/json"}
# VNPay sends every field as a JSON string; numbers are accepted and read as their decimal text, nulls
# as absent (the response hash treats a missing field as empty). Anything else is not VNPay's format.
_Wire = dict[str, str | int | None]


class VNPayApiError(Exception):
    """VNPay could not be asked or did not answer usably: transport failure or timeout, an HTTP
    status other than 200, a body that is not a JSON object of strings, or a querydr answer whose
    signature does not verify. Nothing can be concluded about the transaction: retry later."""


class QueryResult(msgspec.Struct, frozen=True):
    """A verified querydr answer. Paid when response_code == "00" and transaction_status == "00"."""

    response_code: str
    message: str
    transaction_status: str | None
    transaction_no: str | None
    amount: int | None  # VND (vnp_Amount / 100)
    raw: dict[str, str]


class RefundResult(msgspec.Struct, frozen=True):
    """A refund answer (unsigned as far as we can check: see VNPayApi.refund)."""

    response_code: str
    message: str
    transaction_no: str | None
    raw: dict[str, str]


class VNPayApi:
    """querydr and refund against VNPay's merchant API.

    An injected client is the caller's to close; the one made here is closed by aclose(). `timeout`
    (seconds) applies to each request either way. Bad arguments (a request_id that is not 1 to 32
    letters or digits, a naive datetime, a bad IP, an empty order_info) raise ValueError before
    anything is sent.
    """

    def __init__(
        self,
        *,
        api_url: str,
        tmn_code: str,
        secret: str,
        client: httpx.AsyncClient | None = None,
        timeout: float = 10.0,
    ) -> None:
        if not api_url or not tmn_code or not secret:
            raise ValueError("api_url, tmn_code and secret must not be empty")
        if timeout <= 0:
            raise ValueError("timeout must be positive")
        self._api_url = api_url
        self._tmn_code = tmn_code
        self._secret = secret
        # every request of this client is signed for its one merchant
        self._querydr_request = partial(vnpay.querydr_request, tmn_code=tmn_code, secret=secret)
        self._refund_request = partial(vnpay.refund_request, tmn_code=tmn_code, secret=secret)
        self._timeout = timeout
        import httpx

        self._owns_client = client is None
        self._client = client if client is not None else httpx.AsyncClient()

    async def query(
        self,
        *,
        request_id: str,
        txn_ref: str,
        order_info: str,
        transaction_date: datetime,
        created_at: datetime,
        ip_addr: str,
        transaction_no: str | None = None,
    ) -> QueryResult:
        """Ask VNPay for a payment's state. transaction_date = the payment's original vnp_CreateDate.

        Every querydr answer must carry a valid vnp_SecureHash, error codes (91, 97...) included:
        an unverified "not found" could otherwise fail a payment that went through.
        """
        body = self._querydr_request(
            request_id=request_id,
            txn_ref=txn_ref,
            order_info=order_info,
            transaction_date=transaction_date,
            created_at=created_at,
            ip_addr=ip_addr,
            transaction_no=transaction_no,
        )
        raw = await self._post(body)
        try:
            genuine = vnpay.verify_api_response(raw, self._secret)
        except ValueError as exc:  # vnp_Command is not "querydr": no known hash order, so not verifiable
            raise VNPayApiError(f"querydr answer for command {raw.get('vnp_Command')!r}") from exc
        if not genuine:
            raise VNPayApiError(f"querydr answer with a bad signature (code {raw.get('vnp_ResponseCode')!r})")
        self._check_echo(raw, txn_ref)
        return QueryResult(
            response_code=raw["vnp_ResponseCode"],
            message=raw.get("vnp_Message", ""),
            transaction_status=raw.get("vnp_TransactionStatus") or None,
            transaction_no=raw.get("vnp_TransactionNo") or None,
            amount=_vnd(raw.get("vnp_Amount")),
            raw=raw,
        )

    async def refund(
        self,
        *,
        request_id: str,
        txn_ref: str,
        amount: int,
        full: bool,
        transaction_date: datetime,
        created_by: str,
        created_at: datetime,
        ip_addr: str,
        order_info: str,
        transaction_no: str | None = None,
    ) -> RefundResult:
        """Refund `amount` VND in full (type "02": amount = the whole payment) or in part ("03").

        "00" = VNPay accepted the request; the money moves later (querydr then shows status 05/06,
        or 09 if the bank refuses). "94" = a refund was already requested for it.
        """
        transaction_type: Literal["02", "03"] = "02" if full else "03"
        body = self._refund_request(
            request_id=request_id,
            txn_ref=txn_ref,
            amount=amount,
            transaction_type=transaction_type,
            transaction_date=transaction_date,
            created_by=created_by,
            created_at=created_at,
            ip_addr=ip_addr,
            order_info=order_info,
            transaction_no=transaction_no,
        )
        raw = await self._post(body)
        # Not verified: the reference documents the response hash order for querydr only, and
        # vnpay.verify_api_response raises ValueError for "refund" rather than guess one. A guessed
        # order would reject genuine answers or accept forged ones. The answer only says whether
        # VNPay took the request; the outcome is read later through querydr, which is verified.
        self._check_echo(raw, txn_ref)
        return RefundResult(
            response_code=raw["vnp_ResponseCode"],
            message=raw.get("vnp_Message", ""),
            transaction_no=raw.get("vnp_TransactionNo") or None,
            raw=raw,
        )

    async def aclose(self) -> None:
        """Close the HTTP client if this object made it."""
        if self._owns_client:
            await self._client.aclose()

    async def _post(self, body: dict[str, str]) -> dict[str, str]:
        import httpx

        try:
            response = await self._client.post(
                self._api_url, content=msgspec.json.encode(body), headers=_JSON_HEADERS, timeout=self._timeout
            )
        except httpx.HTTPError as exc:  # connect/read/write/pool timeouts included
            raise VNPayApiError(f"VNPay {body['vnp_Command']} request failed: {exc!r}") from exc
        if response.status_code != 200:
            raise VNPayApiError(f"VNPay {body['vnp_Command']} answered HTTP {response.status_code}")
        try:
            decoded = msgspec.json.decode(response.content, type=_Wire)
        except (msgspec.DecodeError, msgspec.ValidationError) as exc:
            raise VNPayApiError(f"VNPay {body['vnp_Command']} answered a body that is not its JSON: {exc}") from exc
        raw = {key: str(value) for key, value in decoded.items() if value is not None}
        if not raw.get("vnp_ResponseCode"):
            raise VNPayApiError(f"VNPay {body['vnp_Command']} answer has no vnp_ResponseCode")
        return raw

    def _check_echo(self, raw: dict[str, str], txn_ref: str) -> None:
        """An answer naming another merchant or order is not the answer to this request."""
        tmn_code, echoed_ref = raw.get("vnp_TmnCode", ""), raw.get("vnp_TxnRef", "")
        if tmn_code not in {"", self._tmn_code}:
            raise VNPayApiError(f"answer for terminal {tmn_code!r}, not {self._tmn_code!r}")
        if echoed_ref not in {"", txn_ref}:
            raise VNPayApiError(f"answer for order {echoed_ref!r}, not {txn_ref!r}")


def _vnd(vnp_amount: str | None) -> int | None:
    if not vnp_amount:
        return None
    if not vnp_amount.isascii() or not vnp_amount.isdigit():
        raise VNPayApiError(f"vnp_Amount {vnp_amount!r} is not a number")
    hundredths = int(vnp_amount)
    if hundredths % 100:
        raise VNPayApiError(f"vnp_Amount {vnp_amount!r} is not a whole number of VND")
    return hundredths // 100
