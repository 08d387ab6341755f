"""A stand-in for eSMS.vn's brandname SMS API, for tests: real HTTP on 127.0.0.1.

    with EsmsStandin(api_key="K", secret_key="S", brandname="MOTCUA") as esms:
        ... EsmsSender(base_url=esms.url, ...) ...
        assert esms.accepted[-1].body["Phone"] == "0912345678"
        code = esms.last_code("0912345678")

`POST {url}/MainService.svc/json/SendMultipleMessage_V4_post_json/` with a JSON object is checked
as eSMS does, in this order: the keys (CodeResult 101), the brandname registered to them (104), the
message type (300: SmsType "2", customer care), the phone (108), a RequestId already seen (124).
Beyond what eSMS itself refuses, the stand-in holds the client to the contract: every field a
string, IsUnicode "0" with a Content of printable ASCII only (no diacritics), Sandbox "0", a
RequestId; a request that breaks one is answered CodeResult 99 and listed in `problems`.
Accepted messages answer `{"CodeResult": "100", "CountRegenerate": 0, "SMSID": "…"}`.

To make it fail, set `code_result` (e.g. "103", not enough balance: the request is otherwise
checked as usual), `http_status` (e.g. 500, a non-JSON error page) or `hang` (the request is read,
then nothing is answered until the stand-in stops or `hang_seconds` pass)."""

from __future__ import annotations

import json
import re
import threading
import uuid
from dataclasses import dataclass
from typing import Any, cast

from tests.integration.standins.threaded import QuietHandler, QuietServer, ThreadServed

PATH = "/MainService.svc/json/SendMultipleMessage_V4_post_json/"
FIELDS = ("ApiKey", "SecretKey", "Phone", "Content", "Brandname", "SmsType", "IsUnicode", "Sandbox", "RequestId")
ERRORS = {
    "99": "Invalid request",
    "101": "Authorize Failed",
    "103": "Not enough balance",
    "104": "Brand name code is not exist",
    "108": "Phone number is not in correct format",
    "124": "Request exist 1",
    "300": "Missing message type",
}
_PHONE = re.compile(r"0[35789][0-9]{8}")
_ASCII_TEXT = re.compile(r"[ -~]+")
_CODE = re.compile(r"(?<![0-9])[0-9]{6}(?![0-9])")


@dataclass(frozen=True, slots=True)
class Received:
    """One request as the stand-in saw it (body: the JSON object it carried, if any); code_result
    None when it answered no eSMS JSON."""

    method: str
    path: str
    headers: dict[str, str]
    raw: bytes
    body: dict[str, Any] | None
    code_result: str | None
    problems: tuple[str, ...]


class EsmsStandin(ThreadServed):
    name = "esms"

    def __init__(self, *, api_key: str, secret_key: str, brandname: str, hang_seconds: float = 10.0) -> None:
        super().__init__(_Handler)
        self.api_key = api_key
        self.secret_key = secret_key
        self.brandname = brandname
        self.hang_seconds = hang_seconds
        self.code_result: str | None = None  # set: every well-formed request is answered this CodeResult
        self.http_status: int | None = None  # set: every request is answered this status, no JSON
        self.hang = False
        self._lock = threading.Lock()
        self._received: list[Received] = []
        self._request_ids: set[str] = set()

    @property
    def url(self) -> str:
        """MOTCUA_ESMS_BASE_URL for the client under test."""
        return self.base_url

    def heal(self) -> None:
        """Back to answering normally."""
        self.code_result = None
        self.http_status = None
        self.hang = False

    # ---- what it saw ------------------------------------------------------------------------------

    @property
    def received(self) -> list[Received]:
        with self._lock:
            return list(self._received)

    @property
    def accepted(self) -> list[Received]:
        """Requests answered CodeResult 100: the messages eSMS would deliver."""
        return [r for r in self.received if r.code_result == "100"]

    def last_code(self, phone: str) -> str:
        """The 6-digit code of the last message accepted for `phone`."""
        for request in reversed(self.accepted):
            assert request.body is not None
            if request.body["Phone"] == phone:
                found = _CODE.findall(request.body["Content"])
                assert len(found) == 1, request.body["Content"]
                return str(found[0])
        raise AssertionError("no message was accepted for this phone")

    # ---- eSMS's logic -----------------------------------------------------------------------------

    def _answer(self, headers: dict[str, str], raw: bytes) -> tuple[dict[str, Any] | None, str, tuple[str, ...]]:
        body = _json_object(raw)
        if body is None:
            return None, "99", ("the body is not a JSON object",)
        problems = _contract_problems(headers, body)
        if body.get("ApiKey") != self.api_key or body.get("SecretKey") != self.secret_key:
            return body, "101", problems
        if body.get("Brandname") != self.brandname:
            return body, "104", problems
        if body.get("SmsType") != "2":
            return body, "300", problems
        if not isinstance(body.get("Phone"), str) or not _PHONE.fullmatch(body["Phone"]):
            return body, "108", problems
        with self._lock:
            duplicate = body.get("RequestId") in self._request_ids
            self._request_ids.add(str(body.get("RequestId")))
        if duplicate:
            return body, "124", problems
        if problems:
            return body, "99", problems
        return body, self.code_result or "100", problems

    def _serve(self, method: str, path: str, headers: dict[str, str], raw: bytes) -> tuple[int, bytes, str]:
        if method != "POST" or path != PATH:
            self._record(Received(method, path, headers, raw, None, None, ("wrong method or path",)))
            return 404, b"<html><body>Endpoint not found.</body></html>", "text/html"
        if self.hang:
            self._record(Received(method, path, headers, raw, _json_object(raw), None, ()))
            self._release.wait(self.hang_seconds)
            return 0, b"", ""
        if self.http_status is not None:
            self._record(Received(method, path, headers, raw, _json_object(raw), None, ()))
            return self.http_status, b"<html><body>Service Unavailable</body></html>", "text/html"
        body, code, problems = self._answer(headers, raw)
        self._record(Received(method, path, headers, raw, body, code, problems))
        answer: dict[str, Any] = {"CodeResult": code, "CountRegenerate": 0}
        if code == "100":
            answer["SMSID"] = uuid.uuid4().hex
        else:
            answer["ErrorMessage"] = ERRORS.get(code, "Error")
        return 200, json.dumps(answer).encode(), "application/json; charset=utf-8"

    def _record(self, received: Received) -> None:
        with self._lock:
            self._received.append(received)


def _json_object(raw: bytes) -> dict[str, Any] | None:
    try:
        parsed = json.loads(raw)
    except ValueError:
        return None
    return parsed if isinstance(parsed, dict) else None


def _contract_problems(headers: dict[str, str], body: dict[str, Any]) -> tuple[str, ...]:
    problems = []
    if headers.get("content-type", "").split(";")[0].strip().lower() != "application/json":
        problems.append("Content-Type is not application/json")
    for name in FIELDS:
        if not isinstance(body.get(name), str) or not body[name]:
            problems.append(f"{name} must be a non-empty string")
    if body.get("IsUnicode") != "0":
        problems.append('IsUnicode must be "0"')
    if body.get("Sandbox") != "0":
        problems.append('Sandbox must be "0"')
    content = body.get("Content")
    if isinstance(content, str) and not _ASCII_TEXT.fullmatch(content):
        problems.append("Content of a non-Unicode message must be printable ASCII (no diacritics)")
    return tuple(problems)


class _Handler(QuietHandler):
    server_version = "Microsoft-IIS/10.0"

    def _handle(self) -> None:
        raw = self.read_body()
        headers = {k.lower(): v for k, v in self.headers.items()}
        standin = cast(EsmsStandin, cast(QuietServer, self.server).standin)
        status, payload, content_type = standin._serve(self.command, self.path, headers, raw)
        if status == 0:  # hung: close without an answer
            self.close_connection = True
            return
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    do_GET = do_POST = _handle
