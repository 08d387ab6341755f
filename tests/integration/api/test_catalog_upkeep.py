"""The catalog kept by the province: the law on the day asked, administrators' edits with their history,
what an edit may not be, provincial fees, and a dossier's fee fixed the day it is filed."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import asyncpg
import msgspec
import pytest
from litestar.testing import AsyncTestClient

from api.catalog.service import load_catalog_data, seed_catalog
from core.clock import VN_TZ, FixedClock
from core.db import acquire
from tests.integration.api.catalog_helpers import document, seeded_catalog
from tests.integration.conftest import TokenFactory, bearer
from tests.integration.factories import submitted_dossier
from tests.integration.helpers import PDF, birth_registration, upload

__all__ = ["seeded_catalog"]  # the fixture, used by name

ID_CARD = "/api/v1/procedures/citizen-identity-card"
BEN_THANH = "000.01.14.H29"
AFTER_REVIEW = datetime(2026, 12, 7, 9, 0, tzinfo=VN_TZ)  # a Monday after the catalog's sources were checked


@pytest.fixture
def after_review(clock: FixedClock) -> None:
    """Edits are checked against today: a source checked on 6/12/2026 is not yet checked on the suite's 23/11."""
    clock.set(AFTER_REVIEW)


async def test_the_identity_card_fee_is_the_one_in_force_on_the_day_asked(client: AsyncTestClient[Any]) -> None:
    halved = (await client.get(ID_CARD, params={"on": "2026-12-06"})).json()
    base = (await client.get(ID_CARD, params={"on": "2027-01-01"})).json()

    assert (halved["on"], halved["fee"], base["on"], base["fee"]) == ("2026-12-06", 25000, "2027-01-01", 50000)
    renewal = [line for line in halved["fees"] if line["cases"]["en"] == "Renewal"]
    assert renewal == [
        {
            "amount": 25000,
            "case": "Cấp đổi",
            "cases": {"vi": "Cấp đổi", "en": "Renewal"},
            "from": "2025-07-01",
            "to": "2026-12-31",
            "basis": "Thông tư 64/2025/TT-BTC",
        }
    ]
    # only the lines in force that day: one per case
    assert sorted(line["case"] for line in base["fees"]) == sorted({line["case"] for line in base["fees"]})
    assert all(
        line["from"] <= "2027-01-01" and (line["to"] is None or line["to"] >= "2027-01-01") for line in base["fees"]
    )
    assert halved["sources"] and all(s["url"].startswith("https://") for s in halved["sources"])
    assert halved["verified_on"] is None and halved["unconfirmed"]


async def test_the_list_takes_the_day_too_and_today_is_vietnam_s(
    client: AsyncTestClient[Any], clock: FixedClock
) -> None:
    def fee_of(body: dict[str, Any]) -> int:
        return next(int(p["fee"]) for p in body["items"] if p["slug"] == "citizen-identity-card")

    params = {"q": "căn cước"}
    assert fee_of((await client.get("/api/v1/procedures", params={**params, "on": "2027-03-01"})).json()) == 50000
    # 31/12/2026 23:30 in Vietnam is still 2026 there, though 16:30 UTC
    clock.set(datetime(2026, 12, 31, 23, 30, tzinfo=VN_TZ))
    assert fee_of((await client.get("/api/v1/procedures", params=params)).json()) == 25000
    clock.set(datetime(2026, 12, 31, 23, 30, tzinfo=VN_TZ) + timedelta(hours=1))
    assert fee_of((await client.get("/api/v1/procedures", params=params)).json()) == 50000


async def test_the_office_on_the_day_follows_the_dated_move(client: AsyncTestClient[Any]) -> None:
    """The judicial record certificate went from the Department of Justice to the police on 1/3/2025."""
    before = (await client.get("/api/v1/procedures/judicial-record-certificate", params={"on": "2025-02-28"})).json()
    after = (await client.get("/api/v1/procedures/judicial-record-certificate", params={"on": "2025-03-01"})).json()
    assert (before["agency"]["code"], after["agency"]["code"]) == ("SO-TU-PHAP", "CONG-AN-TINH")
    police = await client.get("/api/v1/procedures", params={"agency": "CONG-AN-TINH", "on": "2025-03-01"})
    justice = await client.get("/api/v1/procedures", params={"agency": "SO-TU-PHAP", "on": "2025-03-01"})
    assert "judicial-record-certificate" in {p["slug"] for p in police.json()["items"]}
    assert "judicial-record-certificate" not in {p["slug"] for p in justice.json()["items"]}


@pytest.mark.parametrize("on", ["1899-12-31", "2101-01-01", "2026-13-01", "tomorrow"])
async def test_a_day_out_of_bounds_or_unreadable_is_422(client: AsyncTestClient[Any], on: str) -> None:
    for path in (ID_CARD, "/api/v1/procedures"):
        response = await client.get(path, params={"on": on})
        assert response.status_code == 422, (path, response.text)
        assert [e["field"] for e in response.json()["errors"]] == ["on"]


async def _version(client: AsyncTestClient[Any], slug: str) -> int:
    return int((await client.get(f"/api/v1/procedures/{slug}")).json()["version"])


@pytest.mark.usefixtures("seeded_catalog", "after_review")
async def test_an_admin_edits_a_fee_and_the_history_says_who_and_what(
    client: AsyncTestClient[Any], make_token: TokenFactory
) -> None:
    admin = await make_token("0900190001", "admin")
    officer = await make_token("0900190002", "officer", (BEN_THANH,))
    before = await _version(client, "passport-issuance")
    doc = document("passport-issuance")
    doc["fees"][1]["amount"] = 250000  # "Cấp mới" from 2026-01-01

    response = await client.put("/api/v1/admin/procedures/passport-issuance", json=doc, headers=bearer(admin))

    assert response.status_code == 200, response.text
    assert (response.json()["version"], response.json()["fee"]) == (before + 1, 250000)
    assert (await client.get("/api/v1/procedures/passport-issuance")).json()["fee"] == 250000
    history = (await client.get("/api/v1/procedures/passport-issuance/versions", headers=bearer(officer))).json()
    newest = history["items"][0]
    assert (newest["version"], newest["fields"], newest["changed_by"]["role"]) == (before + 1, ["fees"], "admin")
    me = (await client.get("/api/v1/me", headers=bearer(admin))).json()
    assert newest["changed_by"]["id"] == me["id"]
    assert [i["version"] for i in history["items"]] == sorted((i["version"] for i in history["items"]), reverse=True)
    assert history["total"] == len(history["items"]) >= 2
    # the same document again is no new version
    again = await client.put("/api/v1/admin/procedures/passport-issuance", json=doc, headers=bearer(admin))
    assert again.json()["version"] == before + 1


@pytest.mark.usefixtures("seeded_catalog", "after_review")
async def test_a_citizen_or_an_officer_may_not_edit_and_nothing_changes(
    client: AsyncTestClient[Any], make_token: TokenFactory
) -> None:
    citizen = await make_token("0900190003")
    officer = await make_token("0900190004", "officer", (BEN_THANH,))
    before = (await client.get("/api/v1/procedures/passport-issuance")).json()
    doc = document("passport-issuance")
    doc["fees"][1]["amount"] = 1

    for headers, status in ((bearer(citizen), 403), (bearer(officer), 403), ({}, 401)):
        put = await client.put("/api/v1/admin/procedures/passport-issuance", json=doc, headers=headers)
        post = await client.post("/api/v1/admin/procedures", json={**doc, "slug": "new-one"}, headers=headers)
        assert (put.status_code, post.status_code) == (status, status)
    assert (await client.get("/api/v1/procedures/passport-issuance")).json() == before
    assert (await client.get("/api/v1/procedures/new-one")).status_code == 404
    versions = await client.get("/api/v1/procedures/passport-issuance/versions", headers=bearer(citizen))
    assert versions.status_code == 403


def _invalid_documents() -> list[tuple[str, dict[str, Any], set[str]]]:
    overlapping = document("passport-issuance")
    overlapping["fees"].append({**overlapping["fees"][1], "from": "2026-06-01", "amount": 1})
    reversed_period = document("passport-issuance")
    reversed_period["fees"][0]["to"] = "2024-12-31"
    unknown_agency = document("passport-issuance")
    unknown_agency["agency"] = "BO-KHONG-CO"
    negative = document("passport-issuance")
    negative["fees"][0]["amount"] = -5
    no_sources = document("passport-issuance")
    no_sources["sources"] = []
    bad_url = document("passport-issuance")
    bad_url["sources"][0]["url"] = "javascript:alert(1)"
    future_check = document("passport-issuance")
    future_check["sources"][0]["checked_on"] = "2030-01-01"
    unconfirmed_silently = document("birth-registration")
    unconfirmed_silently["unconfirmed"] = None
    wrong_slug = document("birth-registration")
    missing_fees = document("passport-issuance")
    del missing_fees["fees"]
    many = document("passport-issuance")
    many["agency"] = "BO-KHONG-CO"
    many["fees"][0]["case"] = "Khác"
    many["fees"][0]["to"] = "2024-01-01"
    return [
        ("passport-issuance", overlapping, {"fees[4].from"}),
        ("passport-issuance", reversed_period, {"fees[0].to"}),
        ("passport-issuance", unknown_agency, {"agency"}),
        ("passport-issuance", negative, {"fees[0].amount"}),
        ("passport-issuance", no_sources, {"sources"}),
        ("passport-issuance", bad_url, {"sources[0].url"}),
        ("passport-issuance", future_check, {"sources[0].checked_on"}),
        ("birth-registration", unconfirmed_silently, {"unconfirmed"}),
        ("passport-issuance", wrong_slug, {"slug"}),
        ("passport-issuance", missing_fees, {"fees"}),
        ("passport-issuance", many, {"agency", "fees[0].case", "fees[0].to"}),
    ]


@pytest.mark.usefixtures("seeded_catalog", "after_review")
@pytest.mark.parametrize(("slug", "doc", "fields"), _invalid_documents())
async def test_an_invalid_edit_is_422_naming_each_field_and_changes_nothing(
    client: AsyncTestClient[Any],
    make_token: TokenFactory,
    pool: asyncpg.Pool,
    slug: str,
    doc: dict[str, Any],
    fields: set[str],
) -> None:
    admin = await make_token("0900190005", "admin")
    before = (await client.get(f"/api/v1/procedures/{slug}")).json()
    async with acquire(pool) as conn:
        versions = await conn.fetchval("SELECT count(*) FROM procedure_versions WHERE slug = $1", slug)

    response = await client.put(f"/api/v1/admin/procedures/{slug}", json=doc, headers=bearer(admin))

    assert response.status_code == 422, response.text
    assert {e["field"] for e in response.json()["errors"]} >= fields
    assert (await client.get(f"/api/v1/procedures/{slug}")).json() == before
    async with acquire(pool) as conn:
        assert await conn.fetchval("SELECT count(*) FROM procedure_versions WHERE slug = $1", slug) == versions


@pytest.mark.usefixtures("seeded_catalog", "after_review")
async def test_an_admin_adds_a_procedure_once(client: AsyncTestClient[Any], make_token: TokenFactory) -> None:
    admin = await make_token("0900190006", "admin")
    doc = document("certified-copy")
    doc.update(slug="certified-translation", names={"vi": "Chứng thực bản dịch", "en": "Certified translation"})
    doc["keywords"] = ["chung thuc ban dich"]

    created = await client.post("/api/v1/admin/procedures", json=doc, headers=bearer(admin))
    again = await client.post("/api/v1/admin/procedures", json=doc, headers=bearer(admin))

    assert created.status_code == 201, created.text
    assert (created.json()["slug"], created.json()["version"], created.json()["fee"]) == (
        "certified-translation",
        1,
        2000,
    )
    assert again.status_code == 409
    listed = (await client.get("/api/v1/procedures", params={"q": "chứng thực bản dịch"})).json()["items"]
    assert listed[0]["slug"] == "certified-translation"


@pytest.mark.usefixtures("seeded_catalog", "after_review")
async def test_a_fee_the_province_sets_is_confirmed_only_for_the_province_served(
    client: AsyncTestClient[Any], make_token: TokenFactory
) -> None:
    admin = await make_token("0900190007", "admin")
    seeded = (await client.get("/api/v1/procedures/marital-status-certificate")).json()
    assert (seeded["fee_scope"], seeded["fee_confirmed"]) == ("province", False)
    assert "chưa được xác nhận cho tỉnh" in seeded["unconfirmed"]

    doc = document("marital-status-certificate")
    hanoi_line = {
        "amount": 3000,
        "case": "Cấp Giấy xác nhận",
        "cases": {"vi": "Cấp Giấy xác nhận", "en": "Certificate"},
        "from": "2026-01-01",
        "to": None,
        "basis": "Nghị quyết HĐND thành phố Hà Nội",
    }
    source = {"title": "Nghị quyết HĐND", "url": "https://example.gov.vn/nq", "checked_on": "2026-11-20"}
    doc["provinces"] = {"01": {"fees": [hanoi_line], "sources": [source], "verified_on": "2026-11-20"}}
    only_hanoi = await client.put(
        "/api/v1/admin/procedures/marital-status-certificate", json=doc, headers=bearer(admin)
    )
    assert only_hanoi.status_code == 200, only_hanoi.text
    assert (only_hanoi.json()["fee"], only_hanoi.json()["fee_confirmed"]) == (seeded["fee"], False)

    doc["provinces"]["79"] = {
        "fees": [{**hanoi_line, "amount": 5000}],
        "sources": [source],
        "verified_on": "2026-11-20",
    }
    with_ours = await client.put("/api/v1/admin/procedures/marital-status-certificate", json=doc, headers=bearer(admin))
    body = with_ours.json()
    assert (body["fee"], body["fee_confirmed"]) == (5000, True)
    assert [line["amount"] for line in body["fees"]] == [5000]
    assert "chưa được xác nhận cho tỉnh" not in (body["unconfirmed"] or "")

    doc["provincial_fee"] = False
    refused = await client.put("/api/v1/admin/procedures/marital-status-certificate", json=doc, headers=bearer(admin))
    assert refused.status_code == 422
    assert [e["field"] for e in refused.json()["errors"]] == ["provinces"]


@pytest.mark.usefixtures("seeded_catalog", "after_review")
async def test_a_dossier_s_fee_is_the_one_in_force_the_day_it_is_submitted_and_stays(
    client: AsyncTestClient[Any], make_token: TokenFactory, clock: FixedClock
) -> None:
    admin = await make_token("0900190008", "admin")
    citizen = await make_token("0900190009")
    doc = document("birth-registration")
    late = {**doc["fees"][0], "case": "Đăng ký", "cases": {"vi": "Đăng ký", "en": "Registration"}}
    doc["fees"] = [{**late, "amount": 0, "to": "2026-12-31"}, {**late, "amount": 20000, "from": "2027-01-01"}]
    assert (
        await client.put("/api/v1/admin/procedures/birth-registration", json=doc, headers=bearer(admin))
    ).status_code == 200

    early = await submitted_dossier(client, citizen)  # 7/12/2026
    draft = (await client.post("/api/v1/dossiers", json=birth_registration(), headers=bearer(citizen))).json()
    assert (early["fee"], draft["fee"]) == (0, 0)

    clock.set(datetime(2027, 1, 4, 9, 0, tzinfo=VN_TZ))
    citizen = await make_token("0900190009")
    admin = await make_token("0900190008", "admin")
    receipt = await _submit(client, citizen, draft["id"])
    assert receipt["fee"] == 20000

    doc["fees"][1]["amount"] = 30000
    assert (
        await client.put("/api/v1/admin/procedures/birth-registration", json=doc, headers=bearer(admin))
    ).status_code == 200
    for dossier_id, fee in ((early["id"], 0), (draft["id"], 20000)):
        assert (await client.get(f"/api/v1/dossiers/{dossier_id}", headers=bearer(citizen))).json()["fee"] == fee
    assert (await client.get("/api/v1/procedures/birth-registration")).json()["fee"] == 30000


async def _submit(client: AsyncTestClient[Any], token: str, dossier_id: str) -> dict[str, Any]:
    for key in ("declaration-form", "birth-certificate"):
        await client.post(
            f"/api/v1/dossiers/{dossier_id}/documents",
            headers=bearer(token),
            **upload("a.pdf", PDF, "application/pdf", key),
        )
    response = await client.post(f"/api/v1/dossiers/{dossier_id}/submit", headers=bearer(token))
    assert response.status_code == 200, response.text
    receipt: dict[str, Any] = response.json()
    return receipt


@pytest.mark.usefixtures("seeded_catalog", "after_review")
async def test_a_new_seed_reaches_untouched_procedures_but_keeps_an_administrator_s_edit(
    client: AsyncTestClient[Any], make_token: TokenFactory, pool: asyncpg.Pool
) -> None:
    admin = await make_token("0900190010", "admin")
    doc = document("signature-attestation")
    doc["fees"][0]["amount"] = 11000
    assert (
        await client.put("/api/v1/admin/procedures/signature-attestation", json=doc, headers=bearer(admin))
    ).status_code == 200
    seed = load_catalog_data()
    corrected = [
        msgspec.structs.replace(p, processing_days=p.processing_days + 1)
        if p.slug in {"signature-attestation", "certified-copy"}
        else p
        for p in seed.procedures
    ]
    try:
        async with acquire(pool) as conn:
            changed = await seed_catalog(
                conn, msgspec.structs.replace(seed, procedures=tuple(corrected)), now=AFTER_REVIEW
            )
            docs = {
                r["slug"]: r["doc"]
                for r in await conn.fetch(
                    "SELECT slug, doc FROM procedures WHERE slug = ANY($1)", ["signature-attestation", "certified-copy"]
                )
            }
        assert changed == 1
        assert docs["signature-attestation"]["fees"][0]["amount"] == 11000
        assert docs["signature-attestation"]["processing_days"] == doc["processing_days"]
        assert docs["certified-copy"]["processing_days"] == document("certified-copy")["processing_days"] + 1
    finally:
        async with acquire(pool) as conn:
            await seed_catalog(conn, seed, now=AFTER_REVIEW)
