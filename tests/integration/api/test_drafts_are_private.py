"""A citizen's online draft is theirs alone until they submit it: no officer of its office, and no
admin, lists it, reads it or anything under it (404, as for a dossier that does not exist). A
walk-in dossier the officer is still building at the counter is the office's own draft, and stays
in reach."""

from __future__ import annotations

from typing import Any

from litestar.testing import AsyncTestClient

from tests.integration.conftest import TokenFactory, bearer
from tests.integration.helpers import PDF, birth_registration, upload

OFFICE = "000.01.14.H29"  # UBND phường Bến Thành, where the applicant of birth_registration() lives
CITIZEN_PHONE = "0912345678"


async def _draft(client: AsyncTestClient[Any], citizen: str) -> dict[str, Any]:
    created = await client.post("/api/v1/dossiers", json=birth_registration(), headers=bearer(citizen))
    assert created.status_code == 201, created.text
    draft: dict[str, Any] = created.json()
    assert (draft["status"], draft["agency"]["code"]) == ("draft", OFFICE)
    paper = await client.post(
        f"/api/v1/dossiers/{draft['id']}/documents",
        headers=bearer(citizen),
        **upload("giay-chung-sinh.pdf", PDF, "application/pdf", "birth-certificate"),
    )
    assert paper.status_code == 201, paper.text
    return draft


async def _listed(client: AsyncTestClient[Any], token: str, **query: str) -> list[str]:
    found = await client.get("/api/v1/officer/dossiers", params=query, headers=bearer(token))
    assert found.status_code == 200, found.text
    return [d["id"] for d in found.json()["items"]]


async def _everything_under(client: AsyncTestClient[Any], token: str, dossier_id: str) -> dict[str, int]:
    """What an officer (or admin) gets from every route that names the dossier."""
    auth = bearer(token)
    answers = {
        "officer read": await client.get(f"/api/v1/officer/dossiers/{dossier_id}", headers=auth),
        "read": await client.get(f"/api/v1/dossiers/{dossier_id}", headers=auth),
        "history": await client.get(f"/api/v1/dossiers/{dossier_id}/history", headers=auth),
        "receipt": await client.get(f"/api/v1/dossiers/{dossier_id}/receipt", headers=auth),
        "receipt qr": await client.get(f"/api/v1/dossiers/{dossier_id}/receipt.png", headers=auth),
        "result": await client.get(f"/api/v1/dossiers/{dossier_id}/result", headers=auth),
        "pay": await client.post(f"/api/v1/dossiers/{dossier_id}/payments", json={"method": "vietqr"}, headers=auth),
        "receive": await client.post(
            f"/api/v1/officer/dossiers/{dossier_id}/actions", json={"action": "receive"}, headers=auth
        ),
        "reject": await client.post(
            f"/api/v1/officer/dossiers/{dossier_id}/actions", json={"action": "reject", "reason": "x"}, headers=auth
        ),
        "scan": await client.post(
            f"/api/v1/officer/dossiers/{dossier_id}/documents",
            headers=auth,
            **upload("scan.pdf", PDF, "application/pdf", "declaration-form"),
        ),
        "original seen": await client.post(
            f"/api/v1/officer/dossiers/{dossier_id}/documents",
            json={"requirement": "declaration-form", "original_seen": True},
            headers=auth,
        ),
        "resubmit": await client.post(f"/api/v1/officer/dossiers/{dossier_id}/resubmit", headers=auth),
        "result upload": await client.post(
            f"/api/v1/officer/dossiers/{dossier_id}/result", headers=auth, **upload("kq.pdf", PDF, "application/pdf")
        ),
    }
    return {name: response.status_code for name, response in answers.items()}


async def test_an_officer_of_its_office_and_an_admin_never_see_a_citizens_draft(
    client: AsyncTestClient[Any], make_token: TokenFactory
) -> None:
    citizen = await make_token(CITIZEN_PHONE)
    draft = await _draft(client, citizen)
    officer = await make_token("0900100001", "officer", (OFFICE,))
    admin = await make_token("0900100002", "admin")
    for token in (officer, admin):
        assert await _listed(client, token, status="draft") == []
        assert await _listed(client, token) == []
        assert await _listed(client, token, agency=OFFICE, status="draft") == []
        answers = await _everything_under(client, token, draft["id"])
        assert answers == dict.fromkeys(answers, 404)
    # and the officer's attempts changed nothing of it
    mine = (await client.get(f"/api/v1/dossiers/{draft['id']}", headers=bearer(citizen))).json()
    assert mine["status"] == "draft" and [d["requirement"] for d in mine["documents"]] == ["birth-certificate"]
    history = (await client.get(f"/api/v1/dossiers/{draft['id']}/history", headers=bearer(citizen))).json()
    assert [h["action"] for h in history["items"]] == ["create"]


async def test_a_draft_withdrawn_before_submission_never_reached_the_office(
    client: AsyncTestClient[Any], make_token: TokenFactory
) -> None:
    citizen = await make_token(CITIZEN_PHONE)
    draft = await _draft(client, citizen)
    withdrawn = await client.post(f"/api/v1/dossiers/{draft['id']}/withdraw", headers=bearer(citizen))
    assert withdrawn.status_code == 200 and withdrawn.json()["status"] == "withdrawn"
    officer = await make_token("0900100003", "officer", (OFFICE,))
    assert await _listed(client, officer, status="withdrawn") == []
    assert await _listed(client, officer) == []
    assert (await client.get(f"/api/v1/officer/dossiers/{draft['id']}", headers=bearer(officer))).status_code == 404
    assert (await client.get(f"/api/v1/dossiers/{draft['id']}/history", headers=bearer(officer))).status_code == 404


async def test_once_submitted_the_office_sees_it_and_keeps_seeing_it_after_a_withdrawal(
    client: AsyncTestClient[Any], make_token: TokenFactory
) -> None:
    citizen = await make_token(CITIZEN_PHONE)
    draft = await _draft(client, citizen)
    officer = await make_token("0900100004", "officer", (OFFICE,))
    second = await client.post(
        f"/api/v1/dossiers/{draft['id']}/documents",
        headers=bearer(citizen),
        **upload("to-khai.pdf", PDF, "application/pdf", "declaration-form"),
    )
    assert second.status_code == 201
    assert (await client.post(f"/api/v1/dossiers/{draft['id']}/submit", headers=bearer(citizen))).status_code == 200
    assert await _listed(client, officer, status="submitted") == [draft["id"]]
    assert (await client.get(f"/api/v1/officer/dossiers/{draft['id']}", headers=bearer(officer))).status_code == 200
    assert (await client.post(f"/api/v1/dossiers/{draft['id']}/withdraw", headers=bearer(citizen))).status_code == 200
    assert await _listed(client, officer, status="withdrawn") == [draft["id"]]
    history = await client.get(f"/api/v1/dossiers/{draft['id']}/history", headers=bearer(officer))
    assert [h["action"] for h in history.json()["items"]] == ["create", "submit", "withdraw"]


async def test_a_walk_in_draft_is_the_offices_own_work(client: AsyncTestClient[Any], make_token: TokenFactory) -> None:
    officer = await make_token("0900100005", "officer", (OFFICE,))
    colleague = await make_token("0900100006", "officer", (OFFICE,))
    filed = await client.post(
        "/api/v1/officer/dossiers", json={**birth_registration(), "channel": "counter"}, headers=bearer(officer)
    )
    assert filed.status_code == 201, filed.text
    draft = filed.json()
    assert draft["status"] == "draft"
    for token in (officer, colleague):
        assert await _listed(client, token, status="draft") == [draft["id"]]
        assert await _listed(client, token) == [draft["id"]]
        read = await client.get(f"/api/v1/officer/dossiers/{draft['id']}", headers=bearer(token))
        assert read.status_code == 200
        history = await client.get(f"/api/v1/dossiers/{draft['id']}/history", headers=bearer(token))
        assert history.status_code == 200
    scanned = await client.post(
        f"/api/v1/officer/dossiers/{draft['id']}/documents",
        headers=bearer(colleague),
        **upload("scan.pdf", PDF, "application/pdf", "birth-certificate"),
    )
    assert scanned.status_code == 201, scanned.text
