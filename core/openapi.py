"""What the OpenAPI document says beyond what Litestar reads from handler signatures.

A route names the problem responses it can give by status code (`responses=problems(404, 409)`);
who must sign in is read from the route's access rule (core/guards.py): a rule that signs in adds
401 and the bearer requirement, one that refuses other roles 403, a public route that takes
`maybe_caller` an optional bearer and 401 (for a bad token). So 401/403 and the security requirement
follow the code instead of a second declaration, and so does 503 for a handler that reaches
PostgreSQL or Redis; signed webhooks name the body they verify (`opt=signed_body(BankNotification)`)
because they read the raw bytes before decoding."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import msgspec
from litestar import Litestar
from litestar._openapi.plugin import OpenAPIPlugin
from litestar.openapi.datastructures import ResponseSpec
from litestar.openapi.spec import (
    Example,
    Link,
    OpenAPI,
    OpenAPIHeader,
    OpenAPIMediaType,
    OpenAPIResponse,
    Operation,
    Parameter,
    RequestBody,
    Tag,
)
from litestar.openapi.spec import Schema as SchemaObject
from litestar.openapi.spec.base import BaseSchemaObject
from litestar.routes import HTTPRoute

from core import guards

PROBLEM_JSON = "application/problem+json"
TAGS = [
    Tag(name="catalog", description="Procedures and offices of the province (public)"),
    Tag(name="accounts", description="Sign-in by one-time SMS code; bearer tokens"),
    Tag(name="dossiers", description="A citizen's dossiers: filing, papers, submission, receipt, history"),
    Tag(name="officer", description="Officers of an office: the queue, actions, results, handed-over chats"),
    Tag(name="payments", description="Fees by VietQR transfer or VNPay, refunds, reconciliation, e-receipts"),
    Tag(name="notifications", description="Push devices, the inbox, preferences, live events"),
    Tag(name="assistant", description="The Vietnamese assistant in the app"),
    Tag(name="tracking", description="Public status behind the receipt QR (no sign-in, rate-limited)"),
    Tag(name="verification", description="Checking a signed result by code and key, or by its file (public)"),
    Tag(name="stats", description="Indicators of an office"),
    Tag(
        name="integrations",
        description="The province's systems: the one-stop system's events in; every dossier step and payment out, "
        "as CloudEvents 1.0 POSTed to subscribers and signed as Standard Webhooks sign (webhook-id, "
        'webhook-timestamp, webhook-signature: v1,<base64 HMAC-SHA256 of id + "." + timestamp + "." + body>), '
        "or read from the pull feed (docs/integration.md)",
    ),
    Tag(
        name="channels",
        description="Called by Facebook Messenger (X-Hub-Signature-256) and Zalo OA (X-ZEvent-Signature): "
        "citizens' messages to the page or the OA, answered by the assistant from the worker",
    ),
    Tag(
        name="webhooks",
        description="Called by outside systems, not by the app: the collecting bank and the one-stop system sign "
        'each call with X-Motcua-Timestamp and X-Motcua-Signature (`sha256=` hex HMAC-SHA256 of timestamp + "." + raw '
        "body) and are refused with 401 outside the replay window; VNPay signs its IPN query with vnp_SecureHash "
        "(HMAC-SHA512) and is always answered 200 with its RspCode.",
    ),
    Tag(name="operations", description="Health and metrics"),
]
SIGNED_BODY = "signed_body"
SIGNATURE_HEADER = "signature_header"
QUERY_STRINGS = "query_strings"
UPLOAD = "upload"
_REF = "#/components/schemas/{name}"


class FieldProblem(msgspec.Struct, frozen=True, kw_only=True):
    field: str
    message: str
    code: str


class Problem(msgspec.Struct, frozen=True, kw_only=True):
    """RFC 9457 problem details; `detail` follows the caller's language."""

    type: str
    title: str
    status: int
    detail: str
    code: str
    errors: list[FieldProblem] | msgspec.UnsetType = msgspec.UNSET
    missing_requirements: list[str] | msgspec.UnsetType = msgspec.UNSET
    current_status: str | msgspec.UnsetType = msgspec.UNSET


# what each status means (contracts.md) and one body a client sees with it
_MEANING: dict[int, tuple[str, str, str, str]] = {
    400: (
        "Malformed request (unreadable JSON, wrong content type)",
        "malformed-request",
        "Yêu cầu không hợp lệ",
        "Không đọc được nội dung yêu cầu.",
    ),
    401: (
        "No token, or a bad or expired one (for webhooks: a bad or stale signature)",
        "unauthorized",
        "Chưa đăng nhập",
        "Vui lòng đăng nhập lại.",
    ),
    403: (
        "The caller's role may never do this",
        "forbidden",
        "Không có quyền",
        "Bạn không có quyền thực hiện thao tác này.",
    ),
    404: ("Unknown, or not the caller's", "not-found", "Không tìm thấy", "Không tìm thấy dữ liệu yêu cầu."),
    409: (
        "The current status does not allow it (also the loser of two simultaneous requests)",
        "invalid-transition",
        "Không thể thực hiện",
        "Hồ sơ đang ở trạng thái không cho phép thao tác này.",
    ),
    413: ("The file or the dossier is too large", "file-too-large", "Tệp quá lớn", "Tệp vượt quá dung lượng cho phép."),
    415: (
        "File type refused for this paper",
        "unsupported-file-type",
        "Loại tệp không được chấp nhận",
        "Chỉ nhận PDF, JPEG, PNG, HEIC.",
    ),
    422: (
        "Invalid field values; `errors` names each field",
        "validation-failed",
        "Dữ liệu không hợp lệ",
        "Vui lòng kiểm tra lại các trường được đánh dấu.",
    ),
    429: (
        "Too many requests; retry after `Retry-After` seconds",
        "rate-limited",
        "Quá nhiều yêu cầu",
        "Vui lòng thử lại sau ít phút.",
    ),
    503: (
        "A dependency (PostgreSQL, Redis) is down; retry later",
        "service-unavailable",
        "Dịch vụ tạm gián đoạn",
        "Vui lòng thử lại sau.",
    ),
}
PROBLEM_STATUSES = frozenset(_MEANING)


def problem_example(status: int) -> dict[str, Any]:
    _, code, title, detail = _MEANING[status]
    body: dict[str, Any] = {
        "type": f"/problems/{code}",
        "title": title,
        "status": status,
        "detail": detail,
        "code": code,
    }
    if status == 422:
        body["errors"] = [{"field": "applicant.identity_number", "message": "Giá trị không hợp lệ", "code": "invalid"}]
    return body


def problem_response(status: int) -> ResponseSpec:
    return ResponseSpec(
        data_container=Problem,
        description=_MEANING[status][0],
        media_type=PROBLEM_JSON,
        generate_examples=False,
        examples=[Example(summary=_MEANING[status][1], value=problem_example(status))],
    )


def problems(*statuses: int, pages: tuple[int, ...] = ()) -> dict[int, ResponseSpec]:
    """The problem responses of a route besides 400 (any input can be malformed) and the 401/403 its
    caller implies; `pages` are the statuses an HTML route answers with an HTML page instead."""
    unknown = set(statuses) - PROBLEM_STATUSES
    if unknown:
        raise ValueError(f"no problem response documented for {sorted(unknown)}")
    specs = {status: problem_response(status) for status in sorted({400, *statuses} - set(pages))}
    for status in pages:
        specs[status] = ResponseSpec(
            data_container=str, description=_MEANING[status][0], media_type="text/html", generate_examples=False
        )
    return dict(sorted(specs.items()))


def signed_body(body: type[msgspec.Struct]) -> dict[str, Any]:
    """`opt` of a webhook that verifies X-Motcua-Timestamp/X-Motcua-Signature over the raw body."""
    return {SIGNED_BODY: body}


def platform_signed_body(body: type[msgspec.Struct], header: str, description: str) -> dict[str, Any]:
    """`opt` of a webhook that a platform signs its own way in `header` (Messenger, Zalo OA)."""
    return {SIGNED_BODY: body, SIGNATURE_HEADER: (header, description)}


def query_strings(described: dict[str, str]) -> dict[str, Any]:
    """`opt` of a route that reads its query string whole (VNPay's signed redirect and IPN)."""
    return {QUERY_STRINGS: described}


def upload(*, requirement: bool, json: type[msgspec.Struct] | None = None) -> dict[str, Any]:
    """`opt` of a route that reads a multipart upload itself (`file`, and `requirement` when asked), or
    the JSON body given."""
    return {UPLOAD: (requirement, json)}


_SIGNED_HEADERS = [
    Parameter(
        name="X-Motcua-Timestamp",
        param_in="header",
        required=True,
        description="Unix time of sending; outside the replay window the call is refused (401).",
        schema=SchemaObject(type="string", pattern="^[0-9]{1,12}$"),  # type: ignore[arg-type]
    ),
    Parameter(
        name="X-Motcua-Signature",
        param_in="header",
        required=True,
        description='`sha256=` + hex HMAC-SHA256(shared secret, timestamp + "." + raw body).',
        schema=SchemaObject(type="string", pattern="^sha256=[0-9a-f]{64}$"),  # type: ignore[arg-type]
    ),
]
_USES_SERVICES = {"conn", "ctx", "payments", "assistant"}  # PostgreSQL or Redis behind them
_BEARER: dict[str, list[str]] = {"bearer": []}


def document(
    app: Litestar,
    examples: dict[str, dict[str, Any]] | None = None,
    links: dict[str, dict[str, dict[str, tuple[str, dict[str, str]]]]] | None = None,
) -> None:
    """Complete the app's OpenAPI document when Litestar first builds it (the first `/schema` asked, or
    `app.openapi_schema`), not when the app is made: generating it costs a worker about 0.2 s of its
    start, for a document few ever read. `examples` are by operation id: "request" for the body, else
    a status code; `links` by operation id and status code: link name to (target operation id,
    parameters)."""
    plugin = app.plugins.get(OpenAPIPlugin)

    class Documented(OpenAPIPlugin):
        # Litestar builds the document in its own plugin, which has no hook for it; a subclass without
        # slots of its own keeps the instance's layout, so the plugin Litestar holds takes it in place
        __slots__ = ()

        def _build_openapi(self) -> OpenAPI:
            schema = super()._build_openapi()
            _complete_document(app, schema, examples or {}, links or {})
            return schema

    plugin.__class__ = Documented


def _complete_document(
    app: Litestar,
    schema: OpenAPI,
    examples: dict[str, dict[str, Any]],
    links: dict[str, dict[str, dict[str, tuple[str, dict[str, str]]]]],
) -> None:
    paths = schema.paths or {}
    components = schema.components.schemas if schema.components.schemas is not None else {}
    schema.components.schemas = components
    _, defs = msgspec.json.schema_components([Problem], ref_template=_REF)
    for name, definition in defs.items():
        components.setdefault(name, definition)
    for route in app.routes:
        if not isinstance(route, HTTPRoute) or route.path_format not in paths:
            continue
        path_item = paths[route.path_format]
        for method, (handler, _) in route.route_handler_map.items():
            operation = getattr(path_item, method.lower(), None)
            if isinstance(operation, Operation):
                takes = set(handler.parsed_fn_signature.parameters)
                _complete(operation, guards.access_rule(handler), takes, handler.opt, components)
                _add_examples(operation, examples.get(operation.operation_id or "", {}))
                _add_links(operation, links.get(operation.operation_id or "", {}))
    _check_link_targets(paths, links)


def _add_links(operation: Operation, links: dict[str, dict[str, tuple[str, dict[str, str]]]]) -> None:
    for status, named in links.items():
        answer = (operation.responses or {}).get(status)
        if not isinstance(answer, OpenAPIResponse):
            raise ValueError(f"{operation.operation_id}: no {status} answer to link from")
        answer.links = {name: Link(operation_id=target, parameters=params) for name, (target, params) in named.items()}


def _check_link_targets(
    paths: dict[str, Any], links: dict[str, dict[str, dict[str, tuple[str, dict[str, str]]]]]
) -> None:
    known = {
        op.operation_id
        for item in paths.values()
        for op in (getattr(item, m, None) for m in ("get", "put", "post", "patch", "delete"))
        if isinstance(op, Operation)
    }
    targets = {target for by_status in links.values() for named in by_status.values() for target, _ in named.values()}
    if unknown := (targets | set(links)) - known:
        raise ValueError(f"links name unknown operations: {sorted(unknown)}")


@dataclass
class _Verbatim(BaseSchemaObject):
    """An example value kept as written: Litestar drops every None of a document it writes, and a
    draft dossier's `"code": null` is part of what a client must expect."""

    value: Any

    def to_schema(self) -> Any:
        return self.value


def _add_examples(operation: Operation, examples: dict[str, Any]) -> None:
    for where, value in examples.items():
        target = operation.request_body if where == "request" else (operation.responses or {}).get(where)
        media = getattr(target, "content", None) or {}
        if not isinstance(target, (RequestBody, OpenAPIResponse)) or "application/json" not in media:
            raise ValueError(f"{operation.operation_id}: no JSON {where} to give an example to")
        media["application/json"].examples = {"example": Example(value=_Verbatim(value))}


def _complete(
    operation: Operation, rule: guards.Guard, takes: set[str], opt: dict[str, Any], components: dict[str, Any]
) -> None:
    """What Litestar cannot know of an operation: who may call it and what it answers then, the query
    strings read by hand, and the bodies the handler reads as raw bytes (signed JSON, uploads)."""
    _security_and_answers(operation, rule, takes)
    described: dict[str, str] = opt.get(QUERY_STRINGS, {})
    operation.parameters = [
        *(operation.parameters or []),
        *(
            Parameter(name=name, param_in="query", required=False, description=text, schema=SchemaObject(type="string"))  # type: ignore[arg-type]
            for name, text in described.items()
        ),
    ] or None
    _signed_body(operation, opt, components)
    _upload_body(operation, opt, components)


def _security_and_answers(operation: Operation, rule: guards.Guard, takes: set[str]) -> None:
    responses = operation.responses if operation.responses is not None else {}
    operation.responses = responses
    litestar_400 = responses.get("400")
    if isinstance(litestar_400, OpenAPIResponse) and "application/json" in (litestar_400.content or {}):
        responses["400"] = _as_response(400)  # Litestar's own shape; our handler answers a problem
    optional = rule is guards.public and guards.MAYBE_CALLER in takes
    if optional:
        operation.security = [_BEARER, {}]  # richer signed in; a bad token is still 401
    elif rule not in guards.SIGNING_IN:
        operation.security = []  # public (webhooks prove themselves by signature, operators by their token)
    if optional or rule in guards.SIGNING_IN:
        responses.setdefault("401", _as_response(401))
    if any(isinstance(p, Parameter) and p.param_in == "path" for p in operation.parameters or []):
        responses.setdefault("404", _as_response(404))  # a path that names nothing, or nothing of the caller's
    if rule in guards.REFUSING_ROLES:
        responses.setdefault("403", _as_response(403))
    if takes & _USES_SERVICES:
        responses.setdefault("503", _as_response(503))
    for status in ("429", "503"):
        answer = responses.get(status)
        if isinstance(answer, OpenAPIResponse) and PROBLEM_JSON in (answer.content or {}):
            answer.headers = {
                "Retry-After": OpenAPIHeader(schema=SchemaObject(type="integer"), description="Seconds to wait")  # type: ignore[arg-type]
            }


def _signed_body(operation: Operation, opt: dict[str, Any], components: dict[str, Any]) -> None:
    signed = opt.get(SIGNED_BODY)
    if signed is not None:
        headers = _SIGNED_HEADERS
        if SIGNATURE_HEADER in opt:
            name, text = opt[SIGNATURE_HEADER]
            text_schema = SchemaObject(type="string")  # type: ignore[arg-type]
            headers = [Parameter(name=name, param_in="header", required=True, description=text, schema=text_schema)]
        operation.parameters = [*(operation.parameters or []), *headers]
        operation.request_body = RequestBody(required=True, content={"application/json": _json(signed, components)})
        if operation.responses is not None:
            operation.responses.setdefault("401", _as_response(401))


def _upload_body(operation: Operation, opt: dict[str, Any], components: dict[str, Any]) -> None:
    if UPLOAD in opt:
        requirement, json_body = opt[UPLOAD]
        fields: dict[str, Any] = {
            "file": {"type": "string", "format": "binary", "description": "PDF, JPEG, PNG or HEIC"}
        }
        if requirement:
            fields["requirement"] = {"type": "string", "description": "The requirement key of the procedure"}
        form = {"type": "object", "properties": fields, "required": sorted(fields)}
        content = {"multipart/form-data": OpenAPIMediaType(schema=form)}  # type: ignore[arg-type]
        if json_body is not None:
            content["application/json"] = _json(json_body, components)
        operation.request_body = RequestBody(required=True, content=content)


def _json(struct: type[msgspec.Struct], components: dict[str, Any]) -> OpenAPIMediaType:
    """A body Litestar does not see (the handler reads raw bytes), described by msgspec."""
    _, defs = msgspec.json.schema_components([struct], ref_template=_REF)
    for name, definition in defs.items():
        components.setdefault(name, definition)
    return OpenAPIMediaType(schema={"$ref": _REF.format(name=struct.__name__)})  # type: ignore[arg-type]


def _as_response(status: int) -> OpenAPIResponse:
    return OpenAPIResponse(
        description=_MEANING[status][0],
        content={
            PROBLEM_JSON: OpenAPIMediaType(
                schema={"$ref": _REF.format(name="Problem")},  # type: ignore[arg-type]
                examples={_MEANING[status][1]: Example(value=problem_example(status))},
            )
        },
    )
