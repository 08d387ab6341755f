"""A copy of a civil status extract asked twice costs two copies' fee (Thông tư 281/2016/TT-BTC)."""

from __future__ import annotations

from typing import Any

from litestar.testing import AsyncTestClient

from tests.integration.conftest import TokenFactory, bearer
from tests.integration.helpers import applicant


def _extract_copy(copies: object) -> dict[str, Any]:
    return {
        "procedure": "civil-status-extract-copy",
        "applicant": applicant("0912000555"),
        "form": {
            "extract_type": "khai_sinh",
            "subject_full_name": "Trần Minh Khang",
            "registration_authority": "UBND phường Bến Thành",
            "copies": copies,
        },
        "delivery": {"method": "desk"},
    }


async def test_the_fee_is_per_copy_asked_and_follows_the_draft(
    client: AsyncTestClient[Any], make_token: TokenFactory
) -> None:
    citizen = await make_token("0912000555")
    response = await client.post("/api/v1/dossiers", json=_extract_copy(2), headers=bearer(citizen))
    assert response.status_code == 201, response.text
    dossier = response.json()
    assert dossier["fee"] == 16_000

    form = {**_extract_copy(3)["form"]}
    changed = await client.patch(f"/api/v1/dossiers/{dossier['id']}", json={"form": form}, headers=bearer(citizen))
    assert changed.status_code == 200, changed.text
    assert changed.json()["fee"] == 24_000


async def test_a_quantity_that_is_not_a_whole_number_of_copies_is_refused(
    client: AsyncTestClient[Any], make_token: TokenFactory
) -> None:
    citizen = await make_token("0912000556")
    for copies in (0, 2.5, 1_000_000_000):
        response = await client.post("/api/v1/dossiers", json=_extract_copy(copies), headers=bearer(citizen))
        assert response.status_code == 422, response.text
        assert [e["field"] for e in response.json()["errors"]] == ["form.copies"]
