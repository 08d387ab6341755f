"""What a citizen tries against another with ids read elsewhere, and what anyone tries with a token
they made themselves, beyond the route table of test_access_table.py."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import jwt
import pytest
from litestar.testing import AsyncTestClient

from core.clock import FixedClock
from tests.integration.conftest import JWT_SECRET, TokenFactory, bearer
from tests.integration.helpers import PDF, birth_registration, upload


async def _draft_with_paper(client: AsyncTestClient[Any], token: str) -> tuple[str, dict[str, Any]]:
    created = await client.post("/api/v1/dossiers", json=birth_registration(), headers=bearer(token))
    assert created.status_code == 201, created.text
    paper = await client.post(
        f"/api/v1/dossiers/{created.json()['id']}/documents",
        headers=bearer(token),
        **upload("giay-chung-sinh.pdf", PDF, "application/pdf", "birth-certificate"),
    )
    assert paper.status_code == 201, paper.text
    return str(created.json()["id"]), paper.json()


async def test_a_paper_of_another_citizens_wallet_cannot_be_attached(
    client: AsyncTestClient[Any], make_token: TokenFactory
) -> None:
    a, b = await make_token("0912345001"), await make_token("0912345002")
    _, paper_of_a = await _draft_with_paper(client, a)
    draft_of_b, _ = await _draft_with_paper(client, b)
    taken = await client.post(
        f"/api/v1/dossiers/{draft_of_b}/documents",
        json={"requirement": "declaration-form", "document_id": paper_of_a["document_id"]},
        headers=bearer(b),
    )
    assert taken.status_code == 404
    assert taken.json()["code"] == "document-not-found"
    wallet_of_b = (await client.get("/api/v1/documents", headers=bearer(b))).json()
    assert paper_of_a["document_id"] not in {d["id"] for d in wallet_of_b["items"]}
    seen_by_b = (await client.get(f"/api/v1/dossiers/{draft_of_b}", headers=bearer(b))).json()
    assert [d["requirement"] for d in seen_by_b["documents"]] == ["birth-certificate"]


async def test_a_paper_cannot_be_removed_through_ones_own_dossier(
    client: AsyncTestClient[Any], make_token: TokenFactory
) -> None:
    a, b = await make_token("0912345003"), await make_token("0912345004")
    draft_of_a, paper_of_a = await _draft_with_paper(client, a)
    draft_of_b, _ = await _draft_with_paper(client, b)
    removed = await client.delete(f"/api/v1/dossiers/{draft_of_b}/documents/{paper_of_a['id']}", headers=bearer(b))
    assert removed.status_code == 404
    kept = (await client.get(f"/api/v1/dossiers/{draft_of_a}", headers=bearer(a))).json()
    assert [d["id"] for d in kept["documents"]] == [paper_of_a["id"]]


def _claims(token: str) -> dict[str, Any]:
    claims: dict[str, Any] = jwt.decode(token, options={"verify_signature": False})
    return claims


@pytest.mark.filterwarnings("ignore::jwt.warnings.InsecureKeyLengthWarning")  # the forger's keys, not ours
@pytest.mark.parametrize(
    "forge",
    [
        pytest.param(lambda c: jwt.encode({**c, "role": "admin"}, "x" * 32, algorithm="HS256"), id="another secret"),
        pytest.param(lambda c: jwt.encode({**c, "role": "admin"}, "", algorithm="none"), id="alg none"),
        pytest.param(lambda c: jwt.encode({**c, "role": "admin"}, JWT_SECRET, algorithm="HS512"), id="alg HS512"),
        pytest.param(lambda c: jwt.encode({**c, "typ": "refresh"}, JWT_SECRET, algorithm="HS256"), id="not an access"),
        pytest.param(lambda c: jwt.encode({**c, "role": "root"}, JWT_SECRET, algorithm="HS256"), id="unknown role"),
    ],
)
async def test_a_token_made_by_anyone_but_us_is_401(
    client: AsyncTestClient[Any], make_token: TokenFactory, forge: Any
) -> None:
    forged = forge(_claims(await make_token("0912345005")))
    for path in ("/api/v1/me", "/api/v1/officer/dossiers", "/api/v1/dossiers"):
        assert (await client.get(path, headers=bearer(forged))).status_code == 401, path
    # a public route richer for a signed-in caller does not take a bad token for anonymous either
    asked = await client.post("/api/v1/assistant/messages", json={"text": "xin chào"}, headers=bearer(forged))
    assert asked.status_code == 401


async def test_an_expired_token_is_401_even_where_anyone_may_ask(
    client: AsyncTestClient[Any], make_token: TokenFactory, clock: FixedClock
) -> None:
    token = await make_token("0912345006")
    clock.set(clock.now() + timedelta(days=8))  # make_token's tokens live a week
    assert (await client.get("/api/v1/me", headers=bearer(token))).status_code == 401
    asked = await client.post("/api/v1/assistant/messages", json={"text": "xin chào"}, headers=bearer(token))
    assert asked.status_code == 401


@pytest.mark.parametrize(
    "path",
    [
        "/schema/assets/../../pyproject.toml",
        "/schema/assets/..%2f..%2fpyproject.toml",
        "/schema/assets/%2e%2e/%2e%2e/pyproject.toml",
        "/schema/assets//etc/passwd",
    ],
)
async def test_the_documentation_files_stay_in_their_folder(client: AsyncTestClient[Any], path: str) -> None:
    response = await client.get(path)
    assert response.status_code == 404
    assert "[project]" not in response.text and "root:" not in response.text
