"""Public routes: catalog, offices, tracking page, operations, unknown paths."""

from __future__ import annotations

from typing import Any

from litestar.testing import AsyncTestClient

from tests.integration.conftest import METRICS_TOKEN, bearer


async def test_procedure_detail_in_english(client: AsyncTestClient[Any]) -> None:
    response = await client.get("/api/v1/procedures/passport-issuance", params={"lang": "en"})
    assert response.status_code == 200
    body = response.json()
    assert body["name"] == "Ordinary passport issuance"
    assert body["names"]["vi"] == "Cấp hộ chiếu phổ thông"
    assert body["fee"] == 200000


async def test_unknown_procedure_is_a_localized_problem(client: AsyncTestClient[Any]) -> None:
    vi = await client.get("/api/v1/procedures/khong-co")
    en = await client.get("/api/v1/procedures/khong-co", headers={"Accept-Language": "en-US,en;q=0.9"})
    assert vi.status_code == en.status_code == 404
    assert vi.headers["content-type"].startswith("application/problem+json")
    assert vi.json()["title"] == "Không tìm thấy thủ tục"
    assert en.json()["title"] == "Procedure not found"


async def test_search_filters_and_pages(client: AsyncTestClient[Any]) -> None:
    everything = (await client.get("/api/v1/procedures", params={"limit": 100})).json()
    assert everything["total"] >= 40
    full = (await client.get("/api/v1/procedures", params={"online": "full", "limit": 100})).json()
    assert 0 < full["total"] < everything["total"]
    assert all(p["online"] == "full" for p in full["items"])
    nothing = (await client.get("/api/v1/procedures", params={"q": "thời tiết hôm nay"})).json()
    assert nothing == {"items": [], "total": 0}
    bad = await client.get("/api/v1/procedures", params={"limit": 1000})
    assert bad.status_code == 422


async def test_typo_and_colloquial_searches(client: AsyncTestClient[Any]) -> None:
    for query, slug in (
        ("khai sihn", "birth-registration"),
        ("sang ten so do", "land-transfer-registration"),
        ("ho chieu", "passport-issuance"),
        ("Giấy phép xây dựng", "construction-permit"),
        ("passport", "passport-issuance"),
    ):
        found = (await client.get("/api/v1/procedures", params={"q": query})).json()
        assert found["items"][0]["slug"] == slug, query


async def test_offices_are_listed(client: AsyncTestClient[Any]) -> None:
    body = (await client.get("/api/v1/agencies", params={"q": "ben thanh", "level": "commune"})).json()
    names = [a["name"] for a in body["items"]]
    assert "UBND phường Bến Thành" in names


async def test_tracking_page_for_an_unknown_code_is_a_404_page(client: AsyncTestClient[Any]) -> None:
    response = await client.get("/t/000.00.00.H29-261123-0001", params={"key": "ABCDEFGH"})
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert "Không tìm thấy hồ sơ" in response.text


async def test_health_and_metrics(client: AsyncTestClient[Any]) -> None:
    assert (await client.get("/health/live")).json() == {"status": "ok"}
    ready = await client.get("/health/ready")
    assert ready.status_code == 200 and ready.json()["checks"] == {"postgres": "ok", "redis": "ok"}
    metrics = await client.get("/metrics", headers=bearer(METRICS_TOKEN))
    assert metrics.status_code == 200 and "motcua" in metrics.text


async def test_unknown_path_is_a_problem(client: AsyncTestClient[Any]) -> None:
    response = await client.get("/api/v1/khong-co-duong-nay")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/problem+json")


async def test_tracking_is_rate_limited_per_client(client: AsyncTestClient[Any]) -> None:
    statuses = [
        (await client.get("/api/v1/track/000.00.00.H29-261123-0001", params={"key": "ABCDEFGH"})).status_code
        for _ in range(31)
    ]
    assert statuses[:30] == [404] * 30
    assert statuses[30] == 429
    limited = await client.get("/api/v1/track/000.00.00.H29-261123-0001", params={"key": "ABCDEFGH"})
    assert 0 < int(limited.headers["retry-after"]) <= 60


async def test_lang_parameter_wins_over_accept_language_on_problems_and_pages(client: AsyncTestClient[Any]) -> None:
    english_header = {"Accept-Language": "en-GB,en;q=0.9"}
    vietnamese_header = {"Accept-Language": "vi-VN,vi;q=0.9,en;q=0.5"}
    problem = await client.get("/api/v1/procedures/khong-co", params={"lang": "en"}, headers=vietnamese_header)
    assert problem.json()["title"] == "Procedure not found"
    problem = await client.get("/api/v1/procedures/khong-co", params={"lang": "vi"}, headers=english_header)
    assert problem.json()["title"] == "Không tìm thấy thủ tục"

    page = await client.get("/t", headers=english_header)
    assert page.status_code == 200
    assert '<html lang="en">' in page.text and "Look up with the codes on the receipt" in page.text
    page = await client.get("/t", params={"lang": "vi"}, headers=english_header)
    assert '<html lang="vi">' in page.text and "Tra cứu bằng mã trên giấy biên nhận" in page.text
