"""The committed OpenAPI document is the one the app serves."""

from __future__ import annotations

import json
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
    # completed when first asked, as `motcua openapi` completes it: examples, links, problems and all
    assert schema.json() == json.loads(OPENAPI_PATH.read_text(encoding="utf-8"))
    assert (await client.get("/schema")).status_code == 200


def test_every_example_matches_its_schema() -> None:
    """Examples are what the contract promises; one that its own schema refuses misleads a client."""
    import jsonschema_rs  # schemathesis's validator, present with it in the dev dependencies

    document = json.loads(OPENAPI_PATH.read_text(encoding="utf-8"))
    checked = 0
    for path, item in document["paths"].items():
        for method, operation in item.items():
            bodies = [operation.get("requestBody", {}), *operation["responses"].values()]
            for media in (m for body in bodies for m in body.get("content", {}).values()):
                for name, example in media.get("examples", {}).items():
                    schema = {**media["schema"], "components": document["components"]}
                    errors = [
                        e.message for e in jsonschema_rs.Draft202012Validator(schema).iter_errors(example["value"])
                    ]
                    assert not errors, f"{method.upper()} {path} example {name}: {errors}"
                    checked += 1
    assert checked > 40


def test_every_json_body_and_success_answer_has_an_example() -> None:
    """A client developer reads the examples first: each JSON request body and each JSON success
    answer shows one (api/examples.py, by operation id)."""
    document = json.loads(OPENAPI_PATH.read_text(encoding="utf-8"))
    lacking = []
    for path, item in document["paths"].items():
        for method, operation in item.items():
            bodies = {"request": operation.get("requestBody", {})}
            bodies.update((status, answer) for status, answer in operation["responses"].items() if status[0] == "2")
            for where, body in bodies.items():
                media = body.get("content", {}).get("application/json")
                if media is not None and not media.get("examples"):
                    lacking.append(f"{operation['operationId']} ({method.upper()} {path}) {where}")
    assert not lacking, "no example for: " + ", ".join(lacking)


def test_examples_keep_the_nulls_clients_must_expect() -> None:
    """Litestar drops None from the document it writes; a draft's `"code": null` must survive."""
    document = json.loads(OPENAPI_PATH.read_text(encoding="utf-8"))
    created = document["paths"]["/api/v1/dossiers"]["post"]["responses"]["201"]["content"]["application/json"]
    draft = created["examples"]["example"]["value"]
    assert draft["status"] == "draft" and draft["code"] is None and draft["submitted_at"] is None
