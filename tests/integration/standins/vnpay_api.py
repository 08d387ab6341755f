"""A stand-in for VNPay's merchant API (querydr, refund), for tests: real HTTP on 127.0.0.1.

It speaks VNPay's wire format (POST JSON at /merchant_webapi/api/transaction, pipe-joined
HMAC-SHA512 signatures, vn-integrations.md §2.7) and computes its hashes itself, from the
reference's field lists, so it does not share code (or mistakes) with payments.vnpay.

    with VNPayStandin(tmn_code="MOTCUA01", secret=SECRET) as vnp:
        vnp.seed("ORDER1", amount=150_000)
        ... VNPayApi(api_url=vnp.url, ...) ...
        assert vnp.requests[-1].response_code == "00"

Checks, in order: JSON object of strings with Content-Type application/json and the command's
required fields ("03"), vnp_TmnCode ("02"), vnp_SecureHash ("97"), formats ("03"), a vnp_RequestId
seen before ("94"), then the command. Set `mode` to make it fail: HTTP 500, a hang longer than any
client timeout, a body that is not JSON, or a querydr signature that does not verify. Failure modes
leave the transactions untouched.
"""

from __future__ import annotations

import enum
import hashlib
import hmac
import json
import re
import threading
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, cast

PATH = "/merchant_webapi/api/transaction"

QUERYDR_REQUEST_FIELDS = (
    "RequestId",
    "Version",
    "Command",
    "TmnCode",
    "TxnRef",
    "TransactionDate",
    "CreateDate",
    "IpAddr",
    "OrderInfo",
)
REFUND_REQUEST_FIELDS = (
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
QUERYDR_RESPONSE_FIELDS = (
    "ResponseId",
    "Command",
    "ResponseCode",
    "Message",
    "TmnCode",
    "TxnRef",
    "Amount",
    "BankCode",
    "PayDate",
    "TransactionNo",
    "TransactionType",
    "TransactionStatus",
    "OrderInfo",
    "PromotionCode",
    "PromotionAmount",
)
# NOT in the reference: the order VNPay's refund page is believed to use. The client under test does
# not verify refund answers, so nothing depends on it; it only keeps the answers looking real.
REFUND_RESPONSE_FIELDS = (
    "ResponseId",
    "Command",
    "ResponseCode",
    "Message",
    "TmnCode",
    "TxnRef",
    "Amount",
    "BankCode",
    "PayDate",
    "TransactionNo",
    "TransactionType",
    "TransactionStatus",
    "OrderInfo",
)
_REQUEST_FIELDS = {"querydr": QUERYDR_REQUEST_FIELDS, "refund": REFUND_REQUEST_FIELDS}
_RESPONSE_FIELDS = {"querydr": QUERYDR_RESPONSE_FIELDS, "refund": REFUND_RESPONSE_FIELDS}
# vnp_TransactionNo is optional in querydr (and not hashed there).
_OPTIONAL = {"querydr": frozenset({"TransactionNo"}), "refund": frozenset[str]()}

MESSAGES = {
    "00": "Request successfully",
    "02": "Invalid TmnCode",
    "03": "Invalid data format",
    "91": "Transaction not found",
    "94": "Duplicate request",
    "95": "Refund refused: the original transaction was not successful",
    "97": "Invalid Checksum",
    "99": "Unknown error",
}

_REQUEST_ID = re.compile(r"[A-Za-z0-9]{1,32}")
_TIMESTAMP = re.compile(r"\d{14}")
_AMOUNT = re.compile(r"[1-9]\d{0,11}")


def pipe_hash(values: Mapping[str, str], fields: Iterable[str], secret: str) -> str:
    """Lowercase hex HMAC-SHA512 over the vnp_<field> values joined with '|' (missing = empty)."""
    data = "|".join(values.get("vnp_" + name, "") for name in fields)
    return hmac.new(secret.encode(), data.encode(), hashlib.sha512).hexdigest()


def request_checksum_ok(body: Mapping[str, str], secret: str) -> bool:
    """What VNPay checks on a querydr/refund request: the pipe-joined hash for its command."""
    fields = _REQUEST_FIELDS.get(body.get("vnp_Command", ""))
    received = body.get("vnp_SecureHash", "").lower()
    if fields is None or not received:
        return False
    return hmac.compare_digest(pipe_hash(body, fields, secret), received)


class Mode(enum.Enum):
    NORMAL = "normal"
    FAIL_500 = "fail_500"  # HTTP 500, no JSON
    HANG = "hang"  # read the request, then answer nothing until stopped (or hang_seconds pass)
    NOT_JSON = "not_json"  # HTTP 200 with an HTML body
    TAMPER = "tamper"  # process normally, then corrupt vnp_SecureHash of the answer


@dataclass
class Transaction:
    """A payment VNPay knows. amount in VND; status per §2.6 as VNPay last recorded it."""

    amount: int
    status: str = "00"
    transaction_no: str = "14226112"
    bank_code: str = "NCB"
    pay_date: str = "20261123090500"
    order_info: str = "Thanh toan le phi"
    create_date: str | None = None  # when set, vnp_TransactionDate must equal it (else "91")
    refunds: list[int] = field(default_factory=list)  # VND accepted for refund so far

    @property
    def refundable(self) -> int:
        return self.amount - sum(self.refunds)


@dataclass(frozen=True)
class Received:
    """One request as the stand-in saw it. response_code None = it answered no VNPay JSON (a
    failure mode, wrong path or method)."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    json: dict[str, Any] | None
    checksum_ok: bool | None  # None when no checksum was checked
    response_code: str | None


class VNPayStandin:
    def __init__(self, *, tmn_code: str, secret: str, hang_seconds: float = 10.0) -> None:
        self.tmn_code = tmn_code
        self.secret = secret
        self.hang_seconds = hang_seconds
        self.mode = Mode.NORMAL
        self.transactions: dict[str, Transaction] = {}
        self._requests: list[Received] = []
        self._request_ids: set[str] = set()
        self._lock = threading.Lock()
        self._release = threading.Event()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # ---- lifecycle ------------------------------------------------------------------------------

    def start(self) -> VNPayStandin:
        if self._server is not None:
            raise RuntimeError("already started")
        self._release.clear()
        server = _Server(("127.0.0.1", 0), _Handler)
        server.standin = self
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._release.set()  # let hanging handlers go
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> VNPayStandin:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("not started")
        return int(self._server.server_address[1])

    @property
    def url(self) -> str:
        """The merchant API URL to give the client."""
        return f"http://127.0.0.1:{self.port}{PATH}"

    # ---- state ------------------------------------------------------------------------------------

    def seed(self, txn_ref: str, *, amount: int, **attributes: Any) -> Transaction:
        transaction = Transaction(amount=amount, **attributes)
        with self._lock:
            self.transactions[txn_ref] = transaction
        return transaction

    @property
    def requests(self) -> list[Received]:
        with self._lock:
            return list(self._requests)

    def _record(self, received: Received) -> None:
        with self._lock:
            self._requests.append(received)

    # ---- VNPay's logic ----------------------------------------------------------------------------

    def answer(
        self, headers: Mapping[str, str], raw_body: bytes
    ) -> tuple[dict[str, Any] | None, bool | None, dict[str, str]]:
        """(parsed body, checksum_ok, answer) for one POST; updates the transactions."""
        try:
            parsed = json.loads(raw_body)
        except ValueError:
            parsed = None
        body: dict[str, Any] | None = parsed if isinstance(parsed, dict) else None
        with self._lock:
            checksum_ok, response = self._answer(headers, body)
        return body, checksum_ok, response

    def _answer(self, headers: Mapping[str, str], body: dict[str, Any] | None) -> tuple[bool | None, dict[str, str]]:
        content_type = headers.get("content-type", "").split(";")[0].strip().lower()
        if body is None or content_type != "application/json" or not all(isinstance(v, str) for v in body.values()):
            return None, self._reply({}, "", "03")
        request = cast(dict[str, str], body)
        command = request.get("vnp_Command", "")
        fields = _REQUEST_FIELDS.get(command)
        if fields is None or any(not request.get("vnp_" + name) for name in fields if name not in _OPTIONAL[command]):
            return None, self._reply(request, command, "03")
        if request["vnp_TmnCode"] != self.tmn_code:
            return None, self._reply(request, command, "02")
        if not request_checksum_ok(request, self.secret):
            return False, self._reply(request, command, "97")
        if (
            request["vnp_Version"] != "2.1.0"
            or not _REQUEST_ID.fullmatch(request["vnp_RequestId"])
            or not _TIMESTAMP.fullmatch(request["vnp_TransactionDate"])
            or not _TIMESTAMP.fullmatch(request["vnp_CreateDate"])
        ):
            return True, self._reply(request, command, "03")
        if request["vnp_RequestId"] in self._request_ids:  # vnp_RequestId is unique per day
            return True, self._reply(request, command, "94")
        self._request_ids.add(request["vnp_RequestId"])
        transaction = self.transactions.get(request["vnp_TxnRef"])
        if (
            transaction is None
            or (transaction.create_date is not None and request["vnp_TransactionDate"] != transaction.create_date)
            or request.get("vnp_TransactionNo", "0") not in {"", "0", transaction.transaction_no}
        ):
            return True, self._reply(request, command, "91")
        if command == "querydr":
            return True, self._reply(request, command, "00", transaction)
        return True, self._refund(request, transaction)

    def _refund(self, request: dict[str, str], transaction: Transaction) -> dict[str, str]:
        kind, amount = request["vnp_TransactionType"], request["vnp_Amount"]
        if kind not in {"02", "03"} or not _AMOUNT.fullmatch(amount) or int(amount) % 100:
            return self._reply(request, "refund", "03", transaction)
        vnd = int(amount) // 100
        if (kind == "02" and transaction.refunds) or transaction.refundable == 0:
            return self._reply(request, "refund", "94", transaction)
        if transaction.status != "00":
            return self._reply(request, "refund", "95", transaction)
        # The stand-in's own rule (the reference has no code for it): a full refund is the whole
        # amount, a partial one at most what is left.
        if (kind == "02" and vnd != transaction.amount) or (kind == "03" and vnd > transaction.refundable):
            return self._reply(request, "refund", "03", transaction)
        transaction.refunds.append(vnd)
        return self._reply(request, "refund", "00", transaction)

    def _reply(
        self, request: Mapping[str, str], command: str, code: str, transaction: Transaction | None = None
    ) -> dict[str, str]:
        response = {
            "vnp_ResponseId": uuid.uuid4().hex,
            "vnp_Command": command,
            "vnp_ResponseCode": code,
            "vnp_Message": MESSAGES[code],
            "vnp_TmnCode": request.get("vnp_TmnCode", ""),
            "vnp_TxnRef": request.get("vnp_TxnRef", ""),
        }
        if transaction is not None and (command == "querydr" or code == "00"):
            refunding = command == "refund" or bool(transaction.refunds)
            response |= {
                "vnp_Amount": request["vnp_Amount"] if command == "refund" else str(transaction.amount * 100),
                "vnp_BankCode": transaction.bank_code,
                "vnp_PayDate": transaction.pay_date,
                "vnp_TransactionNo": transaction.transaction_no,
                "vnp_TransactionType": request["vnp_TransactionType"] if command == "refund" else "01",
                # 05 = VNPay is processing the refund (§2.6).
                "vnp_TransactionStatus": "05" if refunding else transaction.status,
                "vnp_OrderInfo": transaction.order_info,
            }
            if command == "querydr":
                response |= {"vnp_PromotionCode": "", "vnp_PromotionAmount": ""}
        fields = _RESPONSE_FIELDS.get(command)
        if fields is not None:
            response["vnp_SecureHash"] = pipe_hash(response, fields, self.secret)
            if self.mode is Mode.TAMPER:
                last = response["vnp_SecureHash"][-1]
                response["vnp_SecureHash"] = response["vnp_SecureHash"][:-1] + ("1" if last == "0" else "0")
        return response


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    standin: VNPayStandin

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a client that timed out and left: nothing to report


class _Handler(BaseHTTPRequestHandler):
    server_version = "VNPayStandin/1.0"

    def log_message(self, format: str, *args: Any) -> None:
        pass

    @property
    def standin(self) -> VNPayStandin:
        return cast(_Server, self.server).standin

    def _read_body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def _headers(self) -> dict[str, str]:
        return {key.lower(): value for key, value in self.headers.items()}

    def _send(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        self._record_unanswered(b"")
        self._send(405, b"Method Not Allowed", "text/plain")

    def do_POST(self) -> None:
        standin = self.standin
        raw_body = self._read_body()
        if self.path != PATH:
            self._record_unanswered(raw_body)
            self._send(404, b"Not Found", "text/plain")
            return
        mode = standin.mode
        if mode in {Mode.FAIL_500, Mode.HANG, Mode.NOT_JSON}:
            self._record_unanswered(raw_body)
            if mode is Mode.FAIL_500:
                self._send(500, b"Internal Server Error", "text/plain")
            elif mode is Mode.NOT_JSON:
                self._send(200, b"<html><body>Maintenance</body></html>", "text/html")
            else:
                standin._release.wait(standin.hang_seconds)
                self.close_connection = True
            return
        body, checksum_ok, answer = standin.answer(self._headers(), raw_body)
        standin._record(
            Received(
                method="POST",
                path=self.path,
                headers=self._headers(),
                body=raw_body,
                json=body,
                checksum_ok=checksum_ok,
                response_code=answer["vnp_ResponseCode"],
            )
        )
        self._send(200, json.dumps(answer, ensure_ascii=False).encode(), "application/json; charset=utf-8")

    def _record_unanswered(self, raw_body: bytes) -> None:
        try:
            parsed = json.loads(raw_body) if raw_body else None
        except ValueError:
            parsed = None
        self.standin._record(
            Received(
                method=self.command,
                path=self.path,
                headers=self._headers(),
                body=raw_body,
                json=parsed if isinstance(parsed, dict) else None,
                checksum_ok=None,
                response_code=None,
            )
        )
