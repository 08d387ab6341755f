"""How a public HTML page is answered."""

from __future__ import annotations

from litestar import Response

# The pages carry a lookup key, a check code or a payment's outcome in their URL: keep them out of
# shared caches and out of the Referer sent to any other site. They load nothing but themselves
# (inline CSS, no script), which the policy makes the browser hold them to.
_HEADERS = {
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'self'; "
        "base-uri 'none'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
}


def html_page(body: str, status_code: int = 200) -> Response[str]:
    return Response(body, status_code=status_code, media_type="text/html", headers=_HEADERS)
