"""Verification anyone can do without an account: the JSON routes and the page a result's QR opens."""

from __future__ import annotations

from html import escape
from typing import Any

from litestar import Request, Response, get, post
from litestar.params import FromPath, FromQuery
from litestar.types import ControllerRouterHandler

from api.deps import Ctx
from api.dossiers.upload_routes import read_upload
from api.verification import service
from api.verification.service import FileVerification, ResultVerification
from core.errors import DomainError, NotFoundError
from core.guards import public
from core.injected import Conn, Locale, Throttle
from core.openapi import problems, upload
from core.pages import html_page
from i18n.format import date_time
from i18n.html import page, switch_query
from i18n.messages import Text, status_label

TITLE = Text("Kiểm tra kết quả giải quyết")
SIGNED = Text("Kết quả do {office} ký số lúc {at}, chưa bị sửa đổi.")
NOT_SIGNED = Text("Hồ sơ {code} chưa có kết quả được ký số.")
UNKNOWN = Text("Không tìm thấy hồ sơ với mã và mã tra cứu này.")
STATUS = Text("Trạng thái: {status}")


@get(
    "/api/v1/verify/{code:str}",
    guards=[public],
    operation_id="verifyResultByCode",
    responses=problems(404, 429),
    summary="Who signed a dossier's result and when, by the dossier's code and lookup key",
    tags=["verification"],
)
async def verify_by_code(
    code: FromPath[str], throttle: Throttle, ctx: Ctx, conn: Conn, locale: Locale, key: FromQuery[str | None] = None
) -> ResultVerification:
    await throttle("verify")
    return await service.by_code(conn, ctx.catalog, code, key, locale)


@post(
    "/api/v1/verify",
    guards=[public],
    status_code=200,
    operation_id="verifyResultFile",
    responses=problems(413, 422, 429),
    summary="Whether an uploaded file is a result signed here and unaltered (multipart `file`)",
    tags=["verification"],
    opt=upload(requirement=False),
)
async def verify_file(request: Request[Any, Any, Any], throttle: Throttle, ctx: Ctx, conn: Conn) -> FileVerification:
    await throttle("verify")
    _, _, content = await read_upload(request, need_requirement=False)
    if len(content) > ctx.settings.max_file_bytes:
        raise DomainError("file-too-large", status=413, limit_mb=ctx.settings.max_file_bytes // (1024 * 1024))
    return await service.by_file(conn, ctx.signing, content)


@get(
    "/v/{code:str}",
    guards=[public],
    operation_id="verificationPage",
    responses=problems(429, pages=(404,)),
    summary="Verification page opened by the QR on a signed result",
    tags=["verification"],
    media_type="text/html",
)
async def verification_page(
    code: FromPath[str], throttle: Throttle, ctx: Ctx, conn: Conn, locale: Locale, key: FromQuery[str | None] = None
) -> Response[str]:
    await throttle("verify")
    hotline, switch = ctx.settings.hotline, switch_query({"key": key}, locale)
    try:
        found = await service.by_code(conn, ctx.catalog, code, key, locale)
    except NotFoundError:
        body = f"<p class='notice bad' role='alert'>{escape(UNKNOWN.pick(locale))}</p>"
        return html_page(page(locale, TITLE.pick(locale), body, switch=switch, hotline=hotline), 404)
    if found.signed_by and found.signed_at:
        verdict = SIGNED.render(locale, office=found.signed_by, at=date_time(found.signed_at, locale))
        body = f"<p class='notice ok' role='status'><span aria-hidden='true'>✓</span> {escape(verdict)}</p>"
    else:
        body = f"<p class='notice bad' role='status'>{escape(NOT_SIGNED.render(locale, code=found.code))}</p>"
    state = STATUS.render(locale, status=status_label(found.status, locale))
    details = f"<dl><dt>{escape(found.code)}</dt><dd>{escape(found.procedure.name)}</dd></dl><p>{escape(state)}</p>"
    if found.sha256:
        details += f"<p><small>SHA-256: <code>{escape(found.sha256)}</code></small></p>"
    whole = body + f"<section class='card'>{details}</section>"
    return html_page(page(locale, TITLE.pick(locale), whole, switch=switch, hotline=hotline))


ROUTES: list[ControllerRouterHandler] = [verify_by_code, verify_file, verification_page]
