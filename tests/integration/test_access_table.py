"""Who may call what: every route of the app, called by six callers on real records, against the
status the table below expects. A route without a row fails (a new route must be classified), and
so does a row whose rule is not the guard its route carries.

The callers, in the order each row is called and its statuses are written:
  anonymous     no token
  citizen_b     a citizen who owns none of the records below
  officer_y     an officer of another office
  citizen_a     the citizen who owns them
  officer_x     an officer of office X, where A's dossiers went
  admin         an administrator

The records (each made on first use, afresh for every row): A's passport dossier D in office X,
submitted, received, paid by VietQR (payment P, its e-receipt), its result attached and approved;
A's unsubmitted draft in office X with one paper; a walk-in draft office X files; A's phone
registered for pushes; A's inbox; money paid twice for P (an exception of office X); a
conversation handed to office X. A row that changes a record (withdraw, refund, close) is
written for that order: the first caller allowed gets the change, a later one its conflict."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Literal

import asyncpg
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from litestar.types import HTTPDisconnectEvent

from api.handoffs import queries as handoff_queries
from core import guards
from core.clock import FixedClock
from core.db import acquire
from core.events import Dispatcher
from notifications.pushes import TOPICS, push_consumer
from notifications.senders import LoggingSender
from tests.integration.api.catalog_helpers import procedure_document, restore
from tests.integration.conftest import MESSENGER_VERIFY_TOKEN, TokenFactory, bearer
from tests.integration.factories import passport_dossier
from tests.integration.helpers import PDF, passport_issuance, upload
from tests.integration.payments_helpers import BANK, credit, signed

Who = Literal["anonymous", "citizen_b", "officer_y", "citizen_a", "officer_x", "admin"]
CALLERS: tuple[Who, ...] = ("anonymous", "citizen_b", "officer_y", "citizen_a", "officer_x", "admin")
OFFICE_X = "000.00.01.H29"  # Công an Thành phố: passports
OFFICE_Y = "000.01.73.H29"  # UBND phường Sài Gòn
PHONES: dict[Who, str] = {
    "citizen_a": "0912345678",  # the applicant's phone in helpers.applicant()
    "citizen_b": "0912000002",
    "officer_y": "0900000003",
    "officer_x": "0900000004",
    "admin": "0900000005",
}


@dataclass
class Call:
    method: str
    path: str
    kwargs: dict[str, Any] = field(default_factory=dict)
    stream: bool = False  # an endless answer (SSE): only its status is read


class World:
    """The callers' tokens and the records, each made once, when a row first needs it."""

    def __init__(self, client: AsyncTestClient[Any], clock: FixedClock, pool: asyncpg.Pool) -> None:
        self.client, self.clock, self.pool = client, clock, pool
        self.tokens: dict[Who, str] = {}
        self._made: dict[str, Any] = {}

    @classmethod
    async def of(
        cls, client: AsyncTestClient[Any], make_token: TokenFactory, clock: FixedClock, pool: asyncpg.Pool
    ) -> World:
        world = cls(client, clock, pool)
        world.tokens = {
            "citizen_a": await make_token(PHONES["citizen_a"]),
            "citizen_b": await make_token(PHONES["citizen_b"]),
            "officer_y": await make_token(PHONES["officer_y"], "officer", (OFFICE_Y,)),
            "officer_x": await make_token(PHONES["officer_x"], "officer", (OFFICE_X,)),
            "admin": await make_token(PHONES["admin"], "admin"),
        }
        return world

    def auth(self, who: Who) -> dict[str, str]:
        return bearer(self.tokens[who]) if who in self.tokens else {}

    async def _once(self, name: str, make: Callable[[], Awaitable[Any]]) -> Any:
        if name not in self._made:
            self._made[name] = await make()
        return self._made[name]

    async def _ok(self, method: str, path: str, who: Who, status: int, **kwargs: Any) -> dict[str, Any]:
        response = await self.client.request(method, path, headers=self.auth(who), **kwargs)
        assert response.status_code == status, f"{method} {path}: {response.text}"
        return response.json() if response.content else {}

    async def dossier(self) -> dict[str, Any]:
        """D: submitted, received, paid, its result attached and approved (result_ready)."""

        async def make() -> dict[str, Any]:
            dossier = await passport_dossier(
                self.client, self.tokens["citizen_a"], receive_with=self.tokens["officer_x"]
            )
            await self.payment_of(dossier)
            url = f"/api/v1/officer/dossiers/{dossier['id']}"
            await self._ok("POST", f"{url}/result", "officer_x", 201, **upload("kq.pdf", PDF, "application/pdf"))
            done = await self._ok("POST", f"{url}/actions", "officer_x", 200, json={"action": "approve"})
            assert done["status"] == "result_ready"
            return done

        return dict(await self._once("dossier", make))

    async def payment_of(self, dossier: dict[str, Any]) -> dict[str, Any]:
        async def make() -> dict[str, Any]:
            payment = await self._ok(
                "POST", f"/api/v1/dossiers/{dossier['id']}/payments", "citizen_a", 201, json={"method": "vietqr"}
            )
            settled = await self.client.post(BANK, **signed(credit(payment), self.clock))
            assert settled.json() == {"result": "settled"}
            return payment

        return dict(await self._once("payment", make))

    async def payment(self) -> dict[str, Any]:
        """P: D's VietQR payment, settled."""
        await self.dossier()
        return dict(self._made["payment"])

    async def papers(self) -> list[str]:
        """The ids of A's uploads to D (their wallet)."""
        dossier = await self.dossier()
        return [d["document_id"] for d in dossier["documents"]]

    async def draft(self) -> dict[str, Any]:
        """A's draft in office X, with one paper of two."""

        async def make() -> dict[str, Any]:
            draft = await self._ok("POST", "/api/v1/dossiers", "citizen_a", 201, json=passport_issuance())
            paper = await self._ok(
                "POST",
                f"/api/v1/dossiers/{draft['id']}/documents",
                "citizen_a",
                201,
                **upload("to-khai.pdf", PDF, "application/pdf", "tk01-form"),
            )
            return {**draft, "paper": paper["id"]}

        return dict(await self._once("draft", make))

    async def counter_draft(self) -> dict[str, Any]:
        """A walk-in dossier office X is filing (a draft of the office's)."""

        async def make() -> dict[str, Any]:
            return await self._ok(
                "POST", "/api/v1/officer/dossiers", "officer_x", 201, json=passport_issuance(channel="counter")
            )

        return dict(await self._once("counter", make))

    async def device(self) -> str:
        """A's phone, registered for pushes."""

        async def make() -> str:
            token = "fcm-a-" + "a" * 60
            await self._ok("PUT", f"/api/v1/devices/{token}", "citizen_a", 200, json={"platform": "android"})
            return token

        return str(await self._once("device", make))

    async def notification(self) -> str:
        """One of A's inbox, from D's steps as the worker delivers them."""

        async def make() -> str:
            await self.dossier()
            consumer = push_consumer(self.pool, self.clock, LoggingSender())
            dispatcher = Dispatcher(self.pool, dict.fromkeys(TOPICS, consumer), clock=self.clock)
            while await dispatcher.run_once():
                pass
            inbox = await self._ok("GET", "/api/v1/notifications", "citizen_a", 200)
            return str(inbox["items"][0]["id"])

        return str(await self._once("notification", make))

    async def payment_exception(self) -> str:
        """Money for P that came a second time: an exception for office X to refund."""

        async def make() -> str:
            payment = await self.payment()
            again = await self.client.post(BANK, **signed(credit(payment), self.clock))
            assert again.json() == {"result": "exception"}, again.text
            found = await self._ok("GET", "/api/v1/officer/payments/exceptions", "officer_x", 200)
            return str(found["items"][0]["id"])

        return str(await self._once("exception", make))

    async def unmatched_money(self) -> str:
        """Money the bank reports for no payment of ours: an exception of no office, for an admin."""

        async def make() -> str:
            stray = await self.client.post(BANK, **signed(stray_credit("FT-stray"), self.clock))
            assert stray.json() == {"result": "exception"}, stray.text
            found = await self._ok("GET", "/api/v1/officer/payments/exceptions", "admin", 200)
            return str(found["items"][0]["id"])

        return str(await self._once("unmatched", make))

    async def handoff(self) -> str:
        """A's conversation the assistant handed to office X."""

        async def make() -> str:
            async with acquire(self.pool) as conn:
                user_id = await conn.fetchval("SELECT id FROM users WHERE phone = $1", PHONES["citizen_a"])
                row = await conn.fetchrow(
                    handoff_queries.OPEN_HANDOFF,
                    uuid.uuid4(),
                    "app-session-a",
                    user_id,
                    "Tôi cần gặp cán bộ về hộ chiếu",
                    "passport-issuance",
                    self.clock.now(),
                    "app",
                    OFFICE_X,
                )
            assert row is not None
            return str(row["id"])

        return str(await self._once("handoff", make))

    async def subscription(self) -> dict[str, Any]:
        """A provincial system subscribed to every dossier step (it never answers: no delivery is due)."""

        async def make() -> dict[str, Any]:
            body = {"url": "http://127.0.0.1:9/events", "types": ["vn.motcua.dossier.*"]}
            return await self._ok("POST", "/api/v1/admin/subscriptions", "admin", 201, json=body)

        return dict(await self._once("subscription", make))

    async def receipt_page(self) -> str:
        """The path of P's e-receipt verification page (the receipt QR)."""
        payment = await self.payment()
        receipt = await self._ok("GET", f"/api/v1/payments/{payment['id']}/receipt", "citizen_a", 200)
        return str(receipt["verify_url"]).removeprefix("https://motcua.example.vn")


Make = Callable[[World, Who], Awaitable[Call]]
Found = Callable[[World], Awaitable[str]]


@dataclass(frozen=True)
class Row:
    method: str
    route: str  # as Litestar lists it (path parameters without their types)
    rule: str  # the guard of core/guards.py the route carries
    call: Make
    expect: tuple[int, ...]  # per caller, in the order of CALLERS
    label: str = ""
    found: Found | None = None  # an id a list answer holds for `finders` and for no other caller
    finders: tuple[Who, ...] = ()

    @property
    def id(self) -> str:
        return f"{self.method} {self.route}" + (f" [{self.label}]" if self.label else "")


def call(method: str, path: str, **kwargs: Any) -> Make:
    """A call to a fixed path."""

    async def make(world: World, who: Who) -> Call:
        return Call(method, path, dict(kwargs))

    return make


def on(method: str, template: str, record: Callable[[World], Awaitable[Any]], **kwargs: Any) -> Make:
    """A call to a path naming a record: `{id}` is its id (a dict's "id", or the string itself)."""

    async def make(world: World, who: Who) -> Call:
        found = await record(world)
        ident = found["id"] if isinstance(found, dict) else found
        return Call(method, template.format(id=ident, found=found), dict(kwargs))

    return make


def dossier(w: World) -> Awaitable[dict[str, Any]]:
    return w.dossier()


def draft(w: World) -> Awaitable[dict[str, Any]]:
    return w.draft()


def subscription(w: World) -> Awaitable[dict[str, Any]]:
    return w.subscription()


def payment(w: World) -> Awaitable[dict[str, Any]]:
    return w.payment()


async def otp_for_each(world: World, who: Who) -> Call:
    # a phone of its own each: a second code for one phone waits a minute
    return Call("POST", "/api/v1/auth/otp", {"json": {"phone": f"09887766{CALLERS.index(who):02d}"}})


async def device_of_each(world: World, who: Who) -> Call:
    token = f"fcm-{who}-" + "d" * 60
    return Call("PUT", f"/api/v1/devices/{token}", {"json": {"platform": "ios", "locale": "en"}})


def stray_credit(transaction_id: str) -> dict[str, Any]:
    """A transfer to the collecting account whose text names none of our payments."""
    return credit(
        {"vietqr": {"bank_bin": "970436", "account_number": "0011000123456"}, "amount": 1000, "reference": "MC"},
        memo="chuyen khoan khong ro noi dung",
        txn=transaction_id,
    )


async def bank_credit_for_each(world: World, who: Who) -> Call:
    """Stored and answered whoever's token rides along: the signature is what counts."""
    return Call("POST", BANK, signed(stray_credit(f"FT-{who}"), world.clock))


def stream(path: str) -> Make:
    async def make(world: World, who: Who) -> Call:
        return Call("GET", path, stream=True)

    return make


def stats(path: str) -> Make:
    return call("GET", path, params={"agency": OFFICE_X, "from": "2026-01-01", "to": "2026-12-31"})


async def dossier_id(w: World) -> str:
    return str((await w.dossier())["id"])


async def first_paper(w: World) -> str:
    return (await w.papers())[0]


ALL_200 = (200,) * 6
ADMIN_ONLY = (401, 403, 403, 403, 403)
SIGNED_IN_200 = (401, 200, 200, 200, 200, 200)
CITIZENS_200 = (401, 200, 403, 200, 403, 403)
OFFICERS_200 = (401, 403, 200, 403, 200, 200)
OFFICE_X_200 = (401, 403, 403, 403, 200, 200)  # officers of X and admins; another office is refused
OWNER_OR_OFFICE = (401, 404, 404, 200, 200, 200)  # a record of A's in office X, read
OWNER_ONLY = (401, 404, 404, 200, 404, 404)  # a record of A's alone (their draft, their inbox, their phone)
WEBHOOK = (401,) * 6  # without the peer's signature no bearer token helps

DOSSIER = "/api/v1/dossiers/{dossier_id}"
OFFICER_DOSSIER = "/api/v1/officer/dossiers/{dossier_id}"
PAYMENT = "/api/v1/payments/{payment_id}"

ROWS: tuple[Row, ...] = (
    # catalog, sign-in, the assistant: public
    Row("GET", "/api/v1/procedures", "public", call("GET", "/api/v1/procedures", params={"q": "ho chieu"}), ALL_200),
    Row("GET", "/api/v1/procedures/{slug}", "public", call("GET", "/api/v1/procedures/passport-issuance"), ALL_200),
    # the province's systems: admins alone
    Row(
        "POST",
        "/api/v1/admin/subscriptions",
        "admin_only",
        call("POST", "/api/v1/admin/subscriptions", json={"url": "http://127.0.0.1:9/e", "types": ["vn.motcua.*"]}),
        (*ADMIN_ONLY, 201),
    ),
    Row(
        "GET",
        "/api/v1/admin/subscriptions",
        "admin_only",
        call("GET", "/api/v1/admin/subscriptions"),
        (*ADMIN_ONLY, 200),
    ),
    Row(
        "GET",
        "/api/v1/admin/subscriptions/{subscription_id}/deliveries",
        "admin_only",
        on("GET", "/api/v1/admin/subscriptions/{id}/deliveries", subscription),
        (*ADMIN_ONLY, 200),
    ),
    Row(
        "POST",
        "/api/v1/admin/subscriptions/{subscription_id}/deliveries/{delivery_id}/retry",
        "admin_only",
        on("POST", "/api/v1/admin/subscriptions/{id}/deliveries/" + str(uuid.UUID(int=7)) + "/retry", subscription),
        (*ADMIN_ONLY, 404),  # no such delivery: the route is reached, the record is not
    ),
    Row(
        "DELETE",
        "/api/v1/admin/subscriptions/{subscription_id}",
        "admin_only",
        on("DELETE", "/api/v1/admin/subscriptions/{id}", subscription),
        (*ADMIN_ONLY, 204),
    ),
    Row(
        "GET",
        "/api/v1/integrations/events",
        "admin_only",
        call("GET", "/api/v1/integrations/events"),
        (*ADMIN_ONLY, 200),
    ),
    Row(
        "GET",
        "/api/v1/procedures/{slug}/versions",
        "officer_only",
        call("GET", "/api/v1/procedures/passport-issuance/versions"),
        OFFICERS_200,
    ),
    Row(
        "PUT",
        "/api/v1/admin/procedures/{slug}",
        "admin_only",
        call("PUT", "/api/v1/admin/procedures/passport-issuance", json=procedure_document("passport-issuance")),
        (*ADMIN_ONLY, 200),
    ),
    Row(
        "POST",
        "/api/v1/admin/procedures",
        "admin_only",
        call("POST", "/api/v1/admin/procedures", json=procedure_document("passport-issuance", as_slug="passport-x")),
        (*ADMIN_ONLY, 201),
    ),
    Row("GET", "/api/v1/agencies", "public", call("GET", "/api/v1/agencies"), ALL_200),
    Row("POST", "/api/v1/auth/otp", "public", otp_for_each, (202,) * 6),
    Row(
        "POST",
        "/api/v1/auth/token",
        "public",
        call("POST", "/api/v1/auth/token", json={"phone": "0988776699", "otp": "000000"}),
        (401,) * 6,  # no code was sent: the proof is in the body, a bearer token changes nothing
    ),
    Row(
        "POST",
        "/api/v1/auth/refresh",
        "public",
        call("POST", "/api/v1/auth/refresh", json={"refresh_token": "not-a-refresh-token-of-anyone"}),
        (401,) * 6,
    ),
    Row("GET", "/api/v1/me", "signed_in", call("GET", "/api/v1/me"), SIGNED_IN_200),
    # the suite's app has no VNeID configured: the routes say so to everyone
    Row("GET", "/api/v1/auth/oidc/start", "public", call("GET", "/api/v1/auth/oidc/start"), (404,) * 6),
    Row(
        "GET",
        "/api/v1/auth/oidc/callback",
        "public",
        call("GET", "/api/v1/auth/oidc/callback", params={"code": "c", "state": "s"}),
        (404,) * 6,
    ),
    Row(
        "POST",
        "/api/v1/auth/oidc/exchange",
        "public",
        call("POST", "/api/v1/auth/oidc/exchange", json={"ticket": "not-a-ticket-of-anyone"}),
        (401,) * 6,  # the ticket is the proof, a bearer token changes nothing
    ),
    # nobody of the table signed in with VNeID
    Row("GET", "/api/v1/me/applicant", "signed_in", call("GET", "/api/v1/me/applicant"), (401,) + (404,) * 5),
    Row(
        "POST",
        "/api/v1/assistant/messages",
        "public",
        call("POST", "/api/v1/assistant/messages", json={"text": "lệ phí làm hộ chiếu"}),
        ALL_200,
    ),
    # a citizen's dossiers
    Row(
        "GET",
        "/api/v1/dossiers",
        "citizen_only",
        call("GET", "/api/v1/dossiers"),
        CITIZENS_200,
        found=dossier_id,
        finders=("citizen_a",),
    ),
    Row(
        "POST",
        "/api/v1/dossiers",
        "citizen_only",
        call("POST", "/api/v1/dossiers", json=passport_issuance()),
        (401, 201, 403, 201, 403, 403),
    ),
    Row("GET", DOSSIER, "signed_in", on("GET", "/api/v1/dossiers/{id}", dossier), OWNER_OR_OFFICE),
    Row("GET", DOSSIER, "signed_in", on("GET", "/api/v1/dossiers/{id}", draft), OWNER_ONLY, label="draft"),
    Row(
        "PATCH",
        DOSSIER,
        "citizen_only",
        on("PATCH", "/api/v1/dossiers/{id}", draft, json={"delivery": {"method": "desk"}}),
        (401, 404, 403, 200, 403, 403),
    ),
    Row(
        "POST",
        DOSSIER + "/documents",
        "citizen_only",
        on(
            "POST",
            "/api/v1/dossiers/{id}/documents",
            draft,
            **upload("anh.png", PDF, "application/pdf", "portrait-photos"),
        ),
        (401, 404, 403, 201, 403, 403),
    ),
    Row(
        "DELETE",
        DOSSIER + "/documents/{attachment_id}",
        "citizen_only",
        on("DELETE", "/api/v1/dossiers/{id}/documents/{found[paper]}", draft),
        (401, 404, 403, 204, 403, 403),
    ),
    Row(
        "POST",
        DOSSIER + "/submit",
        "citizen_only",
        on("POST", "/api/v1/dossiers/{id}/submit", draft),
        (401, 404, 403, 422, 403, 403),  # A reaches the check of the papers: one is missing
    ),
    Row(
        "POST",
        DOSSIER + "/withdraw",
        "citizen_only",
        on("POST", "/api/v1/dossiers/{id}/withdraw", draft),
        (401, 404, 403, 200, 403, 403),
    ),
    Row("GET", DOSSIER + "/history", "signed_in", on("GET", "/api/v1/dossiers/{id}/history", dossier), OWNER_OR_OFFICE),
    Row(
        "GET",
        DOSSIER + "/history",
        "signed_in",
        on("GET", "/api/v1/dossiers/{id}/history", draft),
        OWNER_ONLY,
        label="draft",
    ),
    Row("GET", DOSSIER + "/receipt", "signed_in", on("GET", "/api/v1/dossiers/{id}/receipt", dossier), OWNER_OR_OFFICE),
    Row(
        "GET",
        DOSSIER + "/receipt.png",
        "signed_in",
        on("GET", "/api/v1/dossiers/{id}/receipt.png", dossier),
        OWNER_OR_OFFICE,
    ),
    Row(
        "GET",
        DOSSIER + "/receipt.pdf",
        "signed_in",
        on("GET", "/api/v1/dossiers/{id}/receipt.pdf", dossier),
        OWNER_OR_OFFICE,
    ),
    Row("GET", DOSSIER + "/result", "signed_in", on("GET", "/api/v1/dossiers/{id}/result", dossier), OWNER_OR_OFFICE),
    Row(
        "POST",
        DOSSIER + "/rating",
        "citizen_only",
        on("POST", "/api/v1/dossiers/{id}/rating", dossier, json={"score": 5}),
        (401, 404, 403, 409, 403, 403),  # A reaches the status check: not returned yet
    ),
    Row(
        "POST",
        DOSSIER + "/payments",
        "signed_in",
        on("POST", "/api/v1/dossiers/{id}/payments", dossier, json={"method": "vnpay"}),
        (401, 404, 404, 409, 409, 409),  # past the check of who, the fee is already paid
    ),
    Row(
        "GET",
        "/api/v1/documents",
        "citizen_only",
        call("GET", "/api/v1/documents"),
        CITIZENS_200,
        found=first_paper,
        finders=("citizen_a",),
    ),
    # officers
    Row(
        "GET",
        "/api/v1/officer/dossiers",
        "officer_only",
        call("GET", "/api/v1/officer/dossiers"),
        OFFICERS_200,
        found=dossier_id,
        finders=("officer_x", "admin"),
    ),
    Row(
        "GET",
        "/api/v1/officer/dossiers",
        "officer_only",
        call("GET", "/api/v1/officer/dossiers", params={"agency": OFFICE_X}),
        OFFICE_X_200,
        label="of office X",
    ),
    Row(
        "POST",
        "/api/v1/officer/dossiers",
        "officer_only",
        call("POST", "/api/v1/officer/dossiers", json=passport_issuance(channel="counter", agency=OFFICE_X)),
        (401, 403, 403, 403, 201, 201),
    ),
    Row(
        "GET",
        OFFICER_DOSSIER,
        "officer_only",
        on("GET", "/api/v1/officer/dossiers/{id}", dossier),
        (401, 403, 404, 403, 200, 200),
    ),
    Row(
        "GET",
        OFFICER_DOSSIER,
        "officer_only",
        on("GET", "/api/v1/officer/dossiers/{id}", draft),
        (401, 403, 404, 403, 404, 404),
        label="draft",
    ),
    Row(
        "GET",
        OFFICER_DOSSIER + "/audit",
        "officer_only",
        on("GET", "/api/v1/officer/dossiers/{id}/audit", dossier),
        (401, 403, 404, 403, 200, 200),
    ),
    Row(
        "GET",
        OFFICER_DOSSIER + "/audit",
        "officer_only",
        on("GET", "/api/v1/officer/dossiers/{id}/audit", draft),
        (401, 403, 404, 403, 404, 404),
        label="draft",
    ),
    Row(
        "POST",
        OFFICER_DOSSIER + "/actions",
        "officer_only",
        on("POST", "/api/v1/officer/dossiers/{id}/actions", dossier, json={"action": "return"}),
        (401, 403, 404, 403, 200, 409),  # officer X returns it; the admin then finds it returned
    ),
    Row(
        "POST",
        OFFICER_DOSSIER + "/documents",
        "officer_only",
        on(
            "POST",
            "/api/v1/officer/dossiers/{id}/documents",
            World.counter_draft,
            **upload("scan.pdf", PDF, "application/pdf", "tk01-form"),
        ),
        (401, 403, 404, 403, 201, 201),
    ),
    Row(
        "POST",
        OFFICER_DOSSIER + "/resubmit",
        "officer_only",
        on("POST", "/api/v1/officer/dossiers/{id}/resubmit", World.counter_draft),
        (401, 403, 404, 403, 409, 409),  # past the check of who: a draft is not sent back for papers
    ),
    Row(
        "POST",
        OFFICER_DOSSIER + "/result",
        "officer_only",
        on("POST", "/api/v1/officer/dossiers/{id}/result", dossier, **upload("kq.pdf", PDF, "application/pdf")),
        (401, 403, 404, 403, 409, 409),  # past the check of who: the result is already approved
    ),
    Row(
        "GET",
        "/api/v1/officer/handoffs",
        "officer_only",
        call("GET", "/api/v1/officer/handoffs"),
        OFFICERS_200,
        found=World.handoff,
        finders=("officer_x", "admin"),
    ),
    Row(
        "POST",
        "/api/v1/officer/handoffs/{handoff_id}/close",
        "officer_only",
        on("POST", "/api/v1/officer/handoffs/{id}/close", World.handoff),
        (401, 403, 404, 403, 204, 409),
    ),
    Row("GET", "/api/v1/stats/on-time", "officer_only", stats("/api/v1/stats/on-time"), OFFICE_X_200),
    Row("GET", "/api/v1/stats/indicators", "officer_only", stats("/api/v1/stats/indicators"), OFFICE_X_200),
    Row(
        "GET",
        "/api/v1/stats/indicators",
        "officer_only",
        call("GET", "/api/v1/stats/indicators", params={"level": "commune"}),
        (401, 403, 403, 403, 403, 200),
        label="of every office of a level",
    ),
    # payments
    Row("GET", PAYMENT, "signed_in", on("GET", "/api/v1/payments/{id}", payment), OWNER_OR_OFFICE),
    Row("GET", PAYMENT + "/qr.png", "signed_in", on("GET", "/api/v1/payments/{id}/qr.png", payment), OWNER_OR_OFFICE),
    Row("GET", PAYMENT + "/qr.svg", "signed_in", on("GET", "/api/v1/payments/{id}/qr.svg", payment), OWNER_OR_OFFICE),
    Row("GET", PAYMENT + "/receipt", "signed_in", on("GET", "/api/v1/payments/{id}/receipt", payment), OWNER_OR_OFFICE),
    Row(
        "GET",
        PAYMENT + "/receipt.pdf",
        "signed_in",
        on("GET", "/api/v1/payments/{id}/receipt.pdf", payment),
        OWNER_OR_OFFICE,
    ),
    Row(
        "GET",
        PAYMENT + "/receipt.png",
        "signed_in",
        on("GET", "/api/v1/payments/{id}/receipt.png", payment),
        OWNER_OR_OFFICE,
    ),
    Row("GET", "/r/{number}", "public", on("GET", "{id}", World.receipt_page), ALL_200),
    Row(
        "POST",
        "/api/v1/officer/payments/{payment_id}/refund",
        "officer_only",
        on("POST", "/api/v1/officer/payments/{id}/refund", payment, json={"reason": "Nộp nhầm"}),
        (401, 403, 404, 403, 200, 409),
    ),
    Row(
        "GET",
        "/api/v1/officer/payments/exceptions",
        "officer_only",
        call("GET", "/api/v1/officer/payments/exceptions"),
        OFFICERS_200,
        found=World.payment_exception,
        finders=("officer_x", "admin"),
    ),
    Row(
        "POST",
        "/api/v1/officer/payments/exceptions/{exception_id}/resolve",
        "officer_only",
        on(
            "POST",
            "/api/v1/officer/payments/exceptions/{id}/resolve",
            World.payment_exception,
            json={"action": "refund"},
        ),
        (401, 403, 404, 403, 204, 409),
    ),
    Row(
        "POST",
        "/api/v1/officer/payments/exceptions/{exception_id}/resolve",
        "officer_only",
        on(
            "POST",
            "/api/v1/officer/payments/exceptions/{id}/resolve",
            World.unmatched_money,
            json={"action": "refund"},
        ),
        (401, 403, 403, 403, 403, 204),
        label="money of no office",
    ),
    Row(
        "GET",
        "/api/v1/officer/payments/exceptions",
        "officer_only",
        call("GET", "/api/v1/officer/payments/exceptions"),
        OFFICERS_200,
        label="money of no office",
        found=World.unmatched_money,
        finders=("admin",),
    ),
    Row(
        "GET",
        "/api/v1/officer/payments/reconciliation",
        "officer_only",
        call("GET", "/api/v1/officer/payments/reconciliation", params={"agency": OFFICE_X}),
        OFFICE_X_200,
    ),
    Row("POST", BANK, "signed_by_peer", call("POST", BANK, json={"transaction_id": "FT1"}), WEBHOOK),
    Row("POST", BANK, "signed_by_peer", bank_credit_for_each, ALL_200, label="signed by the bank"),
    Row(
        "GET",
        "/api/v1/payments/vnpay/ipn",
        "signed_by_peer",
        call("GET", "/api/v1/payments/vnpay/ipn", params={"vnp_TxnRef": "MC0000000000"}),
        ALL_200,  # VNPay is always answered 200; an unsigned call gets RspCode 97 and changes nothing
    ),
    Row("GET", "/api/v1/payments/vnpay/return", "public", call("GET", "/api/v1/payments/vnpay/return"), (400,) * 6),
    # notifications
    Row("PUT", "/api/v1/devices/{token}", "signed_in", device_of_each, SIGNED_IN_200),
    Row(
        "DELETE",
        "/api/v1/devices/{token}",
        "signed_in",
        on("DELETE", "/api/v1/devices/{id}", World.device),
        (401, 404, 404, 204, 404, 404),
    ),
    Row(
        "GET",
        "/api/v1/notifications",
        "signed_in",
        call("GET", "/api/v1/notifications"),
        SIGNED_IN_200,
        found=World.notification,
        finders=("citizen_a",),
    ),
    Row(
        "POST",
        "/api/v1/notifications/{notification_id}/read",
        "signed_in",
        on("POST", "/api/v1/notifications/{id}/read", World.notification),
        (401, 404, 404, 204, 404, 404),
    ),
    Row(
        "GET",
        "/api/v1/notifications/preferences",
        "signed_in",
        call("GET", "/api/v1/notifications/preferences"),
        SIGNED_IN_200,
    ),
    Row(
        "PUT",
        "/api/v1/notifications/preferences",
        "signed_in",
        call("PUT", "/api/v1/notifications/preferences", json={"push_reminder": False}),
        SIGNED_IN_200,
    ),
    Row("GET", "/api/v1/notifications/stream", "signed_in", stream("/api/v1/notifications/stream"), SIGNED_IN_200),
    # the province's systems and the chat platforms
    Row(
        "POST",
        "/api/v1/integrations/one-stop/events",
        "signed_by_peer",
        call("POST", "/api/v1/integrations/one-stop/events", json={"event_id": "e1"}),
        WEBHOOK,
    ),
    Row(
        "GET",
        "/api/v1/channels/messenger/webhook",
        "signed_by_peer",
        call(
            "GET",
            "/api/v1/channels/messenger/webhook",
            params={"hub.mode": "subscribe", "hub.verify_token": MESSENGER_VERIFY_TOKEN, "hub.challenge": "42"},
        ),
        ALL_200,
    ),
    Row(
        "POST",
        "/api/v1/channels/messenger/webhook",
        "signed_by_peer",
        call("POST", "/api/v1/channels/messenger/webhook", json={"object": "page", "entry": []}),
        WEBHOOK,
    ),
    Row(
        "POST",
        "/api/v1/channels/zalo/webhook",
        "signed_by_peer",
        call("POST", "/api/v1/channels/zalo/webhook", json={"event_name": "user_send_text"}),
        WEBHOOK,
    ),
    # public tracking
    Row(
        "GET",
        "/api/v1/track/{code}",
        "public",
        on("GET", "/api/v1/track/{found[code]}?key={found[lookup_key]}", dossier),
        ALL_200,
    ),
    Row("GET", "/t/{code}", "public", on("GET", "/t/{found[code]}?key={found[lookup_key]}", dossier), ALL_200),
    Row("GET", "/t", "public", call("GET", "/t"), ALL_200),
    Row(
        "GET",
        "/api/v1/verify/{code}",
        "public",
        on("GET", "/api/v1/verify/{found[code]}?key={found[lookup_key]}", dossier),
        ALL_200,
    ),
    Row("GET", "/v/{code}", "public", on("GET", "/v/{found[code]}?key={found[lookup_key]}", dossier), ALL_200),
    Row(
        "POST",
        "/api/v1/verify",
        "public",
        call("POST", "/api/v1/verify", **upload("kq.pdf", PDF, "application/pdf")),
        ALL_200,
    ),
    # operations and documentation
    Row("GET", "/health/live", "public", call("GET", "/health/live"), ALL_200),
    Row("GET", "/health/ready", "public", call("GET", "/health/ready"), ALL_200),
    # none of the six carries the operator's token (tests/integration/test_headers.py shows it working)
    Row("GET", "/metrics", "operator_token", call("GET", "/metrics"), (404,) * 6),
    Row("GET", "/schema", "public", call("GET", "/schema"), ALL_200),
    Row("GET", "/schema/openapi.json", "public", call("GET", "/schema/openapi.json"), ALL_200),
    Row("GET", "/schema/swagger", "public", call("GET", "/schema/swagger"), ALL_200),
    Row("GET", "/schema/oauth2-redirect.html", "public", call("GET", "/schema/oauth2-redirect.html"), ALL_200),
    Row("GET", "/schema/{path}", "public", call("GET", "/schema/nothing-here"), (404,) * 6),
    Row("GET", "/schema/assets/{file_path}", "public", call("GET", "/schema/assets/swagger-ui.css"), ALL_200),
    Row("HEAD", "/schema/assets/{file_path}", "public", call("HEAD", "/schema/assets/swagger-ui.css"), ALL_200),
)


def routes_of(app: Litestar) -> dict[tuple[str, str], Any]:
    return {(method, path): handler for method, path, handler in guards.http_handlers(app)}


def test_every_route_has_a_row_and_every_row_a_route(client: AsyncTestClient[Any]) -> None:
    routes = routes_of(client.app)
    rows = {(row.method, row.route) for row in ROWS}
    assert not sorted(set(routes) - rows), "classify these routes in ROWS"
    assert not sorted(rows - set(routes)), "these rows name no route of the app"


def test_each_route_carries_the_rule_of_its_rows(client: AsyncTestClient[Any]) -> None:
    routes = routes_of(client.app)
    wrong = {
        row.id: guards.access_rule(routes[(row.method, row.route)]).__name__
        for row in ROWS
        if guards.access_rule(routes[(row.method, row.route)]).__name__ != row.rule
    }
    assert not wrong, f"the route carries another rule than its row says: {wrong}"


async def _status_of_stream(app: Litestar, path: str, headers: dict[str, str]) -> int:
    """The status of an endless answer (SSE), read from the ASGI app directly: the test client would
    wait for the end of a body that never ends. The client leaves once the answer has started."""
    started = asyncio.Event()
    status = 0

    async def receive() -> HTTPDisconnectEvent:
        await started.wait()
        return {"type": "http.disconnect"}

    async def send(message: Any) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]
            started.set()

    scope: Any = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
        "state": {},
    }
    answering = asyncio.ensure_future(app(scope, receive, send))
    try:
        async with asyncio.timeout(10):
            await started.wait()
    finally:
        answering.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await answering
    return status


@pytest.fixture
async def catalog_put_back(
    row: Row, pool: asyncpg.Pool, client: AsyncTestClient[Any], redis_url: str
) -> AsyncIterator[None]:
    """The catalog is seeded once a run: an admin's edit of it is undone after its row."""
    yield
    if row.route.startswith("/api/v1/admin/procedures"):
        await restore(pool, client, redis_url)


@pytest.mark.parametrize("row", ROWS, ids=lambda row: row.id)
@pytest.mark.usefixtures("catalog_put_back")
async def test_who_may_call(
    row: Row, client: AsyncTestClient[Any], make_token: TokenFactory, clock: FixedClock, pool: asyncpg.Pool
) -> None:
    world = await World.of(client, make_token, clock, pool)
    app = client.app
    handler = routes_of(app)[(row.method, row.route)]
    found = await row.found(world) if row.found else None
    got: dict[Who, int] = {}
    lists: dict[Who, Any] = {}
    for who in CALLERS:
        planned = await row.call(world, who)
        _, served_by, *_ = app.asgi_router.handle_routing(path=planned.path.split("?")[0], method=planned.method)
        assert served_by is handler, f"{planned.method} {planned.path} is not served by the route of {row.id}"
        headers = {**planned.kwargs.pop("headers", {}), **world.auth(who)}
        if planned.stream:
            got[who] = await _status_of_stream(app, planned.path, headers)
            continue
        response = await client.request(planned.method, planned.path, headers=headers, **planned.kwargs)
        got[who] = response.status_code
        if found is not None and response.status_code == 200:
            lists[who] = response.json()
    expected = dict(zip(CALLERS, row.expect, strict=True))
    assert got == expected, "\n".join(f"{who}: expected {expected[who]}, got {got[who]}" for who in CALLERS)
    if found is not None:
        holding = {who for who, answer in lists.items() if found in {str(item["id"]) for item in answer["items"]}}
        assert holding == set(row.finders), f"{found} listed for {sorted(holding)}, expected {sorted(row.finders)}"
