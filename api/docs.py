"""The browsable API documentation at /schema, on Swagger UI files served by the app itself: no CDN
is reached, so the docs open on a closed network as they do on the internet."""

from __future__ import annotations

from importlib.util import find_spec
from pathlib import Path

from litestar.openapi.plugins import SwaggerRenderPlugin
from litestar.router import Router
from litestar.static_files import create_static_files_router

from core.guards import public

ASSETS = "/schema/assets"


def _swagger_ui_files() -> Path:
    # located, not imported: the package's Python side (its own web-framework glue) is not needed
    spec = find_spec("swagger_ui")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the swagger-ui-py package is missing")
    return Path(next(iter(spec.submodule_search_locations))) / "static"


def docs_ui() -> SwaggerRenderPlugin:
    return SwaggerRenderPlugin(
        js_url=f"{ASSETS}/swagger-ui-bundle.js",
        css_url=f"{ASSETS}/swagger-ui.css",
        standalone_preset_js_url=f"{ASSETS}/swagger-ui-standalone-preset.js",
        path="/swagger",
        favicon=f"<link rel='icon' type='image/png' href='{ASSETS}/favicon-32x32.png'>",
    )


def docs_assets() -> Router:
    return create_static_files_router(
        path=ASSETS, directories=[_swagger_ui_files()], include_in_schema=False, name="docs-assets", guards=[public]
    )


def docs_router(path: str = "/schema") -> Router:
    """Where Litestar puts the document and the UI: given here only so that they say who may read them."""
    return Router(path, route_handlers=[], include_in_schema=False, guards=[public])
