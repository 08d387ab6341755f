"""Public status by code and lookup key (no sign-in): the JSON route and the page the receipt QR opens."""

from __future__ import annotations

import html
from typing import Any

from litestar import Request, Response, get
from litestar.params import FromPath, FromQuery

from api.deps import Ctx
from api.dossiers import receipts
from api.dossiers.views import Tracking
from api.ratelimit import client_address, limit
from core.errors import NotFoundError
from core.injected import Conn, Locale
from core.openapi import problems
from i18n.format import date_time, short_date


@get(
    "/api/v1/track/{code:str}",
    operation_id="trackDossier",
    responses=problems(404, 429),
    summary="Public status by code and key",
    tags=["tracking"],
)
async def track(
    code: FromPath[str],
    request: Request[Any, Any, Any],
    ctx: Ctx,
    conn: Conn,
    locale: Locale,
    key: FromQuery[str | None] = None,
) -> Tracking:
    await limit(ctx, "track", client_address(request), ctx.settings.track_rate_per_minute)
    return await receipts.track(conn, ctx, code, key, locale)


_TEXT = {
    "vi": {
        "title": "Tra cứu hồ sơ",
        "code": "Mã hồ sơ",
        "procedure": "Thủ tục",
        "agency": "Cơ quan",
        "status": "Trạng thái",
        "appointment": "Ngày hẹn trả",
        "applicant": "Người nộp",
        "history": "Quá trình xử lý",
        "missing": "Không tìm thấy hồ sơ với mã và mã tra cứu này.",
        "other": "English",
    },
    "en": {
        "title": "Dossier status",
        "code": "Dossier code",
        "procedure": "Procedure",
        "agency": "Office",
        "status": "Status",
        "appointment": "Appointment date",
        "applicant": "Applicant",
        "history": "History",
        "missing": "No dossier matches this code and lookup key.",
        "other": "Tiếng Việt",
    },
}


def _page(locale: Locale, body: str, other_href: str) -> str:
    t = _TEXT[locale]
    return f"""<!doctype html>
<html lang="{locale}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{t["title"]} · Một Cửa</title>
<style>
body{{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;background:#f6f7f9;
color:#1a1a1a;line-height:1.5}}
main{{max-width:40rem;margin:0 auto;padding:1rem}} h1{{font-size:1.4rem;margin:.5rem 0 1rem}}
dl{{background:#fff;border-radius:.5rem;padding:1rem;margin:0 0 1rem}} dt{{font-weight:600;color:#444}}
dd{{margin:0 0 .75rem}} ol{{background:#fff;border-radius:.5rem;padding:1rem 1rem 1rem 2rem}}
.status{{display:inline-block;background:#0b5cad;color:#fff;border-radius:1rem;padding:.1rem .75rem}}
a{{color:#0b5cad}}
</style></head>
<body><main><p><a href="{html.escape(other_href)}" lang="{"en" if locale == "vi" else "vi"}">{t["other"]}</a></p>
<h1>{t["title"]}</h1>{body}</main></body></html>"""


@get(
    "/t/{code:str}",
    operation_id="trackingPage",
    responses=problems(429, pages=(404,)),
    summary="Tracking page opened by the receipt QR",
    tags=["tracking"],
    media_type="text/html",
    include_in_schema=True,
)
async def tracking_page(
    code: FromPath[str],
    request: Request[Any, Any, Any],
    ctx: Ctx,
    conn: Conn,
    locale: Locale,
    key: FromQuery[str | None] = None,
) -> Response[str]:
    await limit(ctx, "track", client_address(request), ctx.settings.track_rate_per_minute)
    other = "en" if locale == "vi" else "vi"
    other_href = f"/t/{code}?key={key or ''}&lang={other}"
    t = _TEXT[locale]
    try:
        found = await receipts.track(conn, ctx, code, key, locale)
    except NotFoundError:
        return Response(
            _page(locale, f"<p role='alert'>{t['missing']}</p>", other_href),
            status_code=404,
            media_type="text/html",
        )
    e = html.escape
    steps = "".join(
        f"<li>{e(h.status_label)} — <time datetime='{h.at.isoformat()}'>{date_time(h.at, locale)}</time></li>"
        for h in found.history
    )
    appointment = short_date(found.appointment_date, locale) if found.appointment_date else "—"
    body = (
        f"<dl><dt>{t['code']}</dt><dd>{e(found.code)}</dd><dt>{t['procedure']}</dt><dd>{e(found.procedure.name)}</dd>"
        f"<dt>{t['agency']}</dt><dd>{e(found.agency.name)}</dd>"
        f"<dt>{t['status']}</dt><dd><span class='status'>{e(found.status_label)}</span></dd>"
        f"<dt>{t['appointment']}</dt><dd>{appointment}</dd><dt>{t['applicant']}</dt><dd>{e(found.applicant_name)}</dd></dl>"
        f"<h2>{t['history']}</h2><ol>{steps}</ol>"
    )
    return Response(_page(locale, body, other_href), media_type="text/html")
