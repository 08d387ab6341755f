"""The pages the QR codes open, in a real headless Chromium at phone size against `motcua serve`.

Each QR is read back from its PNG (as a phone camera would) and the URL it holds is opened on the
live server. Screenshots at 360x740 land in .artifacts/ for people to look at."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import AsyncTestClient
from playwright.async_api import Browser, Page, ViewportSize, async_playwright

from core.clock import FixedClock
from tests.integration.conftest import TokenFactory, bearer
from tests.integration.factories import paid_dossier, passport_dossier
from tests.integration.helpers import PDF, birth_registration, read_qr, upload

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = ViewportSize(width=360, height=740)
ARTIFACTS = Path(__file__).resolve().parents[3] / ".artifacts"
PUBLIC_BASE = "https://motcua.example.vn"  # the test settings' public base URL, printed in every QR
PERSONAL = ("Nguyễn Thị Lan", "079190001234", "0912345678", "12 Lê Lợi", "1990")

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="Debian's chromium is not installed at /usr/bin/chromium (apt-get install chromium)"
)


@pytest.fixture(scope="session")
async def browser() -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield launched
        await launched.close()


@pytest.fixture
async def phone(browser: Browser, live_server: str) -> AsyncIterator[Page]:
    """A phone-sized tab that fails the test if a page fetches anything but itself or logs an error."""
    context = await browser.new_context(viewport=PHONE, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh")
    page = await context.new_page()
    fetched: list[tuple[str, str]] = []
    errors: list[str] = []
    page.on("request", lambda request: fetched.append((request.resource_type, request.url)))
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    yield page
    await context.close()
    assert fetched and all(kind == "document" and url.startswith(live_server) for kind, url in fetched), fetched
    assert not [e for e in errors if "404" not in e], errors  # a 404 page is logged as a failed load


def on_live(url: str, live_server: str) -> str:
    assert url.startswith(PUBLIC_BASE + "/"), url
    return live_server + url.removeprefix(PUBLIC_BASE)


async def open_page(page: Page, url: str) -> int:
    response = await page.goto(url)
    assert response is not None
    headers = await response.all_headers()
    assert headers["content-type"].startswith("text/html") and headers["cache-control"] == "no-store"
    assert headers["content-security-policy"].startswith("default-src 'none'")
    return response.status


# The lowest WCAG contrast ratio between any element's own text and the background it sits on.
LOWEST_CONTRAST = """() => {
  const rgb = c => c.match(/[\\d.]+/g).map(Number);
  const lum = ([r, g, b]) => {
    const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const background = el => {
    for (; el; el = el.parentElement) {
      const c = rgb(getComputedStyle(el).backgroundColor);
      if (c.length < 4 || c[3] > 0) return c.slice(0, 3);
    }
    return [255, 255, 255];
  };
  let lowest = 21, where = "";
  for (const el of document.body.querySelectorAll("*")) {
    const own = [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
    if (!own) continue;
    const [a, b] = [lum(rgb(getComputedStyle(el).color)), lum(background(el))];
    const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    if (ratio < lowest) { lowest = ratio; where = el.tagName + " " + el.textContent.trim().slice(0, 30); }
  }
  return [lowest, where];
}"""


async def check_phone_page(page: Page, locale: str, shot: str) -> str:
    """What every public page owes a phone user; returns the visible text."""
    assert await page.get_attribute("html", "lang") == locale
    assert await page.evaluate("document.scrollingElement.scrollWidth") <= PHONE["width"]
    assert await page.evaluate("getComputedStyle(document.body).fontSize") == "16px"
    lowest, where = await page.evaluate(LOWEST_CONTRAST)
    assert lowest >= 4.5, (lowest, where)  # WCAG AA for normal text
    for landmark in ("header", "header nav[aria-label]", "main", "footer", "main h1"):
        assert await page.locator(landmark).count() == 1, landmark
    html = await page.content()
    for value in PERSONAL:
        assert value not in html, value
    ARTIFACTS.mkdir(exist_ok=True)
    await page.screenshot(path=str(ARTIFACTS / f"{shot}.png"), full_page=True)
    return await page.inner_text("body")


async def timeline(page: Page) -> list[str]:
    """The status labels of the ordered history; the last one is marked current in words, not colour only."""
    steps = page.locator("main ol.timeline > li")
    assert await steps.last.get_attribute("aria-current") == "step"
    assert await steps.last.locator(".current").count() == 1 and await steps.locator(".current").count() == 1
    labels: list[str] = await steps.locator(".step").evaluate_all(
        "els => els.map(e => e.firstChild.textContent.trim())"
    )
    return labels


async def test_receipt_qr_opens_the_tracking_page_with_the_fee_to_pay(
    client: AsyncTestClient[Any], make_token: TokenFactory, live_server: str, phone: Page
) -> None:
    citizen = await make_token("0912810001")
    officer = await make_token("0900810001", "officer", ("000.00.01.H29",))
    dossier = await passport_dossier(client, citizen, receive_with=officer)
    receipt = (await client.get(f"/api/v1/dossiers/{dossier['id']}/receipt", headers=bearer(citizen))).json()
    png = await client.get(f"/api/v1/dossiers/{dossier['id']}/receipt.png", headers=bearer(citizen))
    url = read_qr(png.content)
    assert url == receipt["tracking_url"]

    assert await open_page(phone, on_live(url, live_server)) == 200
    text = await check_phone_page(phone, "vi", "tracking-awaiting-payment-vi")
    assert await phone.locator("h1").inner_text() == "Tra cứu hồ sơ"
    assert receipt["code"] in text and "Cấp hộ chiếu phổ thông" in text
    assert "Chờ thanh toán phí, lệ phí" in await phone.locator(".badge").inner_text()
    year, month, day = receipt["appointment_date"].split("-")
    assert f"Ngày hẹn trả kết quả\n{day}/{month}/{year}" in text
    assert "N*** T** Lan" in text
    assert await timeline(phone) == ["Chờ tiếp nhận", "Đã tiếp nhận", "Chờ thanh toán phí, lệ phí"]
    assert "09:00 23/11/2026" in await phone.locator("ol.timeline").inner_text()  # Vietnam time
    next_step = await phone.get_by_role("region", name="Việc cần làm tiếp theo").inner_text()
    assert "Nộp lệ phí 200.000 ₫" in next_step

    await phone.get_by_role("link", name="English").click()
    await phone.wait_for_load_state()
    assert "lang=en" in phone.url and f"key={receipt['lookup_key']}" in phone.url
    text = await check_phone_page(phone, "en", "tracking-awaiting-payment-en")
    assert await phone.locator("h1").inner_text() == "Dossier status"
    assert "Awaiting fee payment" in text and "passport issuance" in text
    next_step = await phone.get_by_role("region", name="What to do next").inner_text()
    assert "Pay the fee of 200,000 VND" in next_step
    appointment = date.fromisoformat(receipt["appointment_date"])
    assert f"{appointment:%B} {appointment.day}, {appointment.year}" in text  # not dd/mm, which misleads in English
    assert re.search(r"9:00\sAM, November 23, 2026", await phone.locator("ol.timeline").inner_text())
    await phone.get_by_role("link", name="Tiếng Việt").click()
    await phone.wait_for_load_state()
    assert await phone.get_attribute("html", "lang") == "vi"


async def _act(client: AsyncTestClient[Any], officer: str, dossier_id: str, body: dict[str, Any]) -> None:
    response = await client.post(f"/api/v1/officer/dossiers/{dossier_id}/actions", json=body, headers=bearer(officer))
    assert response.status_code == 200, response.text


async def test_next_step_asks_for_the_missing_paper_then_where_to_collect_the_result(
    client: AsyncTestClient[Any], make_token: TokenFactory, live_server: str, phone: Page
) -> None:
    citizen = await make_token("0912810002")
    dossier = (await client.post("/api/v1/dossiers", json=birth_registration(), headers=bearer(citizen))).json()
    for key in ("birth-certificate", "declaration-form"):
        response = await client.post(
            f"/api/v1/dossiers/{dossier['id']}/documents",
            headers=bearer(citizen),
            **upload("a.pdf", PDF, "application/pdf", key),
        )
        assert response.status_code == 201, response.text
    receipt = (await client.post(f"/api/v1/dossiers/{dossier['id']}/submit", headers=bearer(citizen))).json()
    officer = await make_token("0900810002", "officer", (dossier["agency"]["code"],))
    await _act(
        client,
        officer,
        dossier["id"],
        {"action": "request_supplement", "note": "Ảnh chụp bị mờ", "missing": ["birth-certificate"]},
    )
    url = on_live(receipt["tracking_url"], live_server)

    assert await open_page(phone, url) == 200
    await check_phone_page(phone, "vi", "tracking-supplement-vi")
    next_step = phone.get_by_role("region", name="Việc cần làm tiếp theo")
    assert "Bổ sung giấy tờ" in await next_step.inner_text()
    assert await next_step.locator("ul.papers li").all_inner_texts() == ["Giấy chứng sinh"]
    assert "Ảnh chụp bị mờ" not in await phone.content()  # officers' free text may name people

    assert (await client.post(f"/api/v1/dossiers/{dossier['id']}/submit", headers=bearer(citizen))).status_code == 200
    for action in ("receive", "start_processing"):
        await _act(client, officer, dossier["id"], {"action": action})
    response = await client.post(
        f"/api/v1/officer/dossiers/{dossier['id']}/result",
        headers=bearer(officer),
        **upload("ket-qua.pdf", PDF, "application/pdf"),
    )
    assert response.status_code in (200, 201), response.text
    await _act(client, officer, dossier["id"], {"action": "approve"})

    assert await open_page(phone, url + "&lang=en") == 200
    await check_phone_page(phone, "en", "tracking-result-ready-en")
    collect = await phone.get_by_role("region", name="What to do next").inner_text()
    assert "Collect it at the one-stop desk of" in collect and "Ben Thanh Ward" in collect
    assert await timeline(phone) == [
        "Submitted, awaiting reception",
        "Supplement requested",
        "Submitted, awaiting reception",
        "Received",
        "Processing",
        "Result ready",
    ]


async def test_a_wrong_key_looks_exactly_like_an_unknown_code(
    client: AsyncTestClient[Any], make_token: TokenFactory, live_server: str, phone: Page
) -> None:
    citizen = await make_token("0912810003")
    dossier = await passport_dossier(client, citizen)
    receipt = (await client.get(f"/api/v1/dossiers/{dossier['id']}/receipt", headers=bearer(citizen))).json()
    code, key = receipt["code"], receipt["lookup_key"]
    wrong_key = "A" * 8 if key != "A" * 8 else "B" * 8

    assert await open_page(phone, f"{live_server}/t/{code}?key={wrong_key}") == 404
    wrong = await phone.content()
    await check_phone_page(phone, "vi", "tracking-not-found-vi")
    assert await phone.locator("h1").inner_text() == "Không tìm thấy hồ sơ"
    assert await open_page(phone, f"{live_server}/t/000.00.01.H29-261123-9999?key={wrong_key}") == 404
    assert await phone.content() == wrong
    assert await open_page(phone, f"{live_server}/t/{code}") == 404
    assert await phone.content() == wrong

    # the form on that page, filled through its labels, finds the dossier with the right key
    await phone.get_by_label("Mã hồ sơ").fill(f" {code.lower()} ")
    await phone.get_by_label("Mã tra cứu").fill(key.lower())
    await phone.get_by_role("button", name="Tra cứu").click()
    await phone.wait_for_load_state()
    assert "Chờ tiếp nhận" in await phone.locator(".badge").inner_text()
    await phone.get_by_role("link", name="English").click()
    await phone.wait_for_load_state()
    assert "Submitted, awaiting reception" in await phone.locator(".badge").inner_text()


async def test_e_receipt_qr_opens_its_verification_page(
    client: AsyncTestClient[Any], make_token: TokenFactory, clock: FixedClock, live_server: str, phone: Page
) -> None:
    citizen, _, _, payment = await paid_dossier(client, make_token, clock, "0912810004")
    receipt = (await client.get(f"/api/v1/payments/{payment['id']}/receipt", headers=bearer(citizen))).json()
    png = await client.get(receipt["qr_png_url"], headers=bearer(citizen))
    url = read_qr(png.content)
    assert url == receipt["verify_url"]

    assert await open_page(phone, on_live(url, live_server)) == 200
    text = await check_phone_page(phone, "vi", "receipt-vi")
    assert "Biên lai hợp lệ" in await phone.get_by_role("status").inner_text()
    assert receipt["number"] in text and "200.000 ₫" in text and "Hai trăm nghìn đồng" in text
    assert "N*** T** Lan" in text and "Chuyển khoản VietQR" in text
    assert re.search(r"\d\d:\d\d \d\d/\d\d/2026", text)

    await phone.get_by_role("link", name="English").click()
    await phone.wait_for_load_state()
    text = await check_phone_page(phone, "en", "receipt-en")
    assert "This receipt is genuine" in text and "200,000 VND" in text and "Two hundred thousand dong" in text
    assert re.search(r"\d{1,2}:\d\d\s[AP]M, [A-Z][a-z]+ \d{1,2}, 2026", text)

    number = receipt["number"]
    assert await open_page(phone, f"{live_server}/r/{number}?k=guessed") == 404
    forged = await phone.content()
    await check_phone_page(phone, "vi", "receipt-unknown-vi")
    assert await open_page(phone, f"{live_server}/r/000.00.01.H29-BL2026-999999?k=guessed") == 404
    assert await phone.content() == forged


async def test_the_api_docs_open_with_nothing_but_the_app(browser: Browser, live_server: str) -> None:
    """/schema is Swagger UI on files the app serves: every operation is listed, nothing is fetched
    from anywhere else (the machines it runs on may reach no CDN)."""
    context = await browser.new_context(viewport=ViewportSize(width=1280, height=900))
    page = await context.new_page()
    elsewhere: list[str] = []
    page.on("request", lambda request: None if request.url.startswith(live_server) else elsewhere.append(request.url))
    try:
        response = await page.goto(live_server + "/schema")
        assert response is not None and response.status == 200
        operations = page.locator(".opblock")
        await operations.first.wait_for(timeout=15_000)
        document = (await (await page.request.get(live_server + "/schema/openapi.json")).json())["paths"]
        listed = sum(
            1 for item in document.values() for method in item if method in {"get", "post", "put", "patch", "delete"}
        )
        assert await operations.count() >= listed  # an operation with two tags is listed under both
        ARTIFACTS.mkdir(exist_ok=True)
        await page.screenshot(path=str(ARTIFACTS / "api-docs.png"))
    finally:
        await context.close()
    assert not elsewhere, elsewhere
