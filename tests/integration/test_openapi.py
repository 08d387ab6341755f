"""The committed OpenAPI document is the one the app serves."""

from __future__ import annotations

from typing import Any

from litestar.testing import AsyncTestClient

from cli import OPENAPI_PATH, openapi_text


def test_committed_openapi_matches_the_app() -> None:
    assert OPENAPI_PATH.read_text(encoding="utf-8") == openapi_text(), "run: uv run motcua openapi --write"


async def test_docs_are_served(client: AsyncTestClient[Any]) -> None:
    schema = await client.get("/schema/openapi.json")
    assert schema.status_code == 200
    operations = [op for path in schema.json()["paths"].values() for op in path.values() if isinstance(op, dict)]
    assert all(op.get("operationId") for op in operations)
    assert (await client.get("/schema")).status_code == 200
