"""PostgreSQL stopping, crashing and restarting under a running `motcua serve`, on a cluster of the
test's own: clean 503 problems with Retry-After (never a 500, never a traceback in the server's log),
readiness that says so, a pool that comes back by itself, nothing half-written and no dossier the
caller was not told of."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import time
import uuid
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest

from api.accounts.service import bind_agency, ensure_user, principal_for
from core.auth import Role, issue_access_token
from core.clock import FixedClock, SystemClock
from core.db import acquire, create_pool, unavailable
from core.errors import ServiceUnavailableError
from core.events import Dispatcher, DossierStatusChanged, Event, EventBus
from core.settings import Settings
from core.signing import sign
from tests.integration.clusters import MotcuaProcess, PrivatePostgres, serve_until_ready
from tests.integration.conftest import bearer
from tests.integration.helpers import PDF, applicant, birth_registration
from tests.integration.payments_helpers import BANK, credit

CREATE = "/api/v1/dossiers"
PASSPORT_OFFICE = "000.00.01.H29"
DB = "motcua"


class Served:
    def __init__(self, cluster: PrivatePostgres, server: MotcuaProcess, url: str, settings: Settings) -> None:
        self.cluster = cluster
        self.server = server
        self.url = url
        self.settings = settings
        self._log_mark = 0

    def log_since_mark(self) -> str:
        text = self.server.output()
        new, self._log_mark = text[self._log_mark :], len(text)
        return new


@pytest.fixture(scope="module")
def served(settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    with PrivatePostgres() as cluster:
        cluster.create_database(DB)
        env = {
            **os.environ,
            "DATABASE_URL": cluster.url(DB),
            "REDIS_URL": str(settings.redis_url),
            "MOTCUA_JWT_SECRET": settings.jwt_secret,
            "MOTCUA_DATA_DIR": str(tmp_path_factory.mktemp("data")),
            "MOTCUA_INPROCESS_WORKER": "false",
            "MOTCUA_RATE_LIMITS": "off",
            "MOTCUA_BANK_WEBHOOK_SECRET": settings.bank_webhook_secret,
        }
        server, url = serve_until_ready(env, tmp_path_factory.mktemp("log") / "serve.log")
        try:
            yield Served(cluster, server, url, settings)
        finally:
            server.stop()


@pytest.fixture
async def http(served: Served) -> AsyncIterator[httpx.AsyncClient]:
    served.log_since_mark()
    async with httpx.AsyncClient(base_url=served.url, timeout=60) as client:
        yield client
    log = served.log_since_mark()
    assert "Traceback" not in log and " ERROR " not in log, log[-5000:]


async def token(served: Served, phone: str, role: str = "citizen", *agencies: str) -> str:
    now = datetime.now(UTC)
    conn = await asyncpg.connect(served.cluster.url(DB))
    try:
        async with conn.transaction():
            user_id = await ensure_user(conn, phone=phone, clock=FixedClock(now), role=Role(role))
            for agency in agencies:
                await bind_agency(conn, user_id=user_id, office_code=agency)
            principal = await principal_for(conn, user_id)
    finally:
        await conn.close()
    return issue_access_token(principal, secret=served.settings.jwt_secret, now=now, ttl=3600)


def assert_clean_503(response: httpx.Response) -> None:
    assert response.status_code == 503, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert int(response.headers["retry-after"]) > 0
    assert response.json()["code"] == "service-unavailable"


async def test_readiness_and_requests_say_unavailable_while_the_database_is_down_and_recover_alone(
    served: Served, http: httpx.AsyncClient
) -> None:
    citizen = await token(served, "0912770001")
    assert (await http.get("/health/ready")).status_code == 200
    assert (await http.post(CREATE, json=birth_registration(), headers=bearer(citizen))).status_code == 201
    await asyncio.to_thread(served.cluster.stop, "immediate")
    try:
        ready = await http.get("/health/ready")
        assert ready.status_code == 503
        assert ready.json()["checks"]["postgres"].startswith("down")
        assert ready.json()["checks"]["redis"] == "ok"
        assert_clean_503(await http.post(CREATE, json=birth_registration(), headers=bearer(citizen)))
        assert_clean_503(await http.get(CREATE, headers=bearer(citizen)))
        assert (await http.get("/api/v1/procedures/birth-registration")).status_code == 200  # kept in memory
    finally:
        await asyncio.to_thread(served.cluster.start)
    assert (await http.get("/health/ready")).status_code == 200
    listed = await http.get(CREATE, headers=bearer(citizen))
    assert listed.status_code == 200 and listed.json()["total"] == 1


async def test_a_server_failover_left_read_only_is_a_503_not_a_500(served: Served, http: httpx.AsyncClient) -> None:
    """What a primary demoted to a standby answers a write (25006, read-only transaction) was a 500."""
    citizen = await token(served, "0912770004")
    admin = await asyncpg.connect(served.cluster.url(DB))
    try:
        await admin.execute("ALTER SYSTEM SET default_transaction_read_only = on")
        await admin.execute("SELECT pg_reload_conf()")
        await asyncio.sleep(0.5)  # every backend reads the file again before its next statement
        try:
            assert_clean_503(await http.post(CREATE, json=birth_registration(), headers=bearer(citizen)))
            assert (await http.get(CREATE, headers=bearer(citizen))).status_code == 200  # reads still answer
        finally:
            await admin.execute("ALTER SYSTEM RESET default_transaction_read_only")
            await admin.execute("SELECT pg_reload_conf()")
            await asyncio.sleep(0.5)
    finally:
        await admin.close()
    assert (await http.post(CREATE, json=birth_registration(), headers=bearer(citizen))).status_code == 201


async def test_no_pooled_connection_within_the_wait_is_unavailable(served: Served) -> None:
    pool = await create_pool(served.cluster.url(DB), min_size=1, max_size=1)
    try:
        async with acquire(pool):
            started = time.monotonic()
            with pytest.raises(ServiceUnavailableError):
                async with acquire(pool, within=0.3):
                    pass
            assert time.monotonic() - started < 2
    finally:
        await pool.close()


async def test_an_upload_refused_before_its_body_was_read_still_gets_its_answer(
    served: Served, http: httpx.AsyncClient
) -> None:
    """While the database is down, uploads are answered 503 before their body is read. Under granian,
    a third of those answers reached concurrent clients as a broken connection (the unread body)."""
    citizen = await token(served, "0912770003")
    dossier = (await http.post(CREATE, json=birth_registration(), headers=bearer(citizen))).json()["id"]
    seen: Counter[str] = Counter()

    async def upload_again_and_again() -> None:
        for _ in range(15):
            files = {"file": ("a.pdf", PDF + b"%" * 100_000, "application/pdf")}
            try:
                response = await http.post(
                    f"{CREATE}/{dossier}/documents", headers=bearer(citizen), files=files, data={"requirement": "x"}
                )
                seen[str(response.status_code)] += 1
            except httpx.TransportError as exc:
                seen[repr(exc)] += 1

    await asyncio.to_thread(served.cluster.stop, "immediate")
    try:
        await asyncio.gather(*(upload_again_and_again() for _ in range(4)))
    finally:
        await asyncio.to_thread(served.cluster.start)
    assert seen == {"503": 60}


async def _waiting_on_commit(url: str) -> None:
    conn = await asyncpg.connect(url)
    try:
        async with asyncio.timeout(30):
            while not await conn.fetchval(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event = 'SyncRep' AND datname = $1", DB
            ):
                await asyncio.sleep(0.05)
    finally:
        await conn.close()


async def test_a_creation_whose_commit_answer_was_lost_is_answered_as_it_ended(
    served: Served, http: httpx.AsyncClient
) -> None:
    """The server writes the COMMIT, then dies before answering it: the dossier exists after the
    restart, so the answer is 201 with it (it was a 503, and the citizen's retry filed a second one)."""
    citizen = await token(served, "0912770002")
    admin = await asyncpg.connect(served.cluster.url(DB))
    try:
        # a synchronous standby that never comes: each COMMIT is written locally, then waits for it
        await admin.execute("ALTER SYSTEM SET synchronous_standby_names = 'nobody'")
        await admin.execute("SELECT pg_reload_conf()")
        async with asyncio.timeout(10):
            while await admin.fetchval("SHOW synchronous_standby_names") != "nobody":
                await asyncio.sleep(0.05)
    finally:
        await admin.close()
    creating = asyncio.create_task(http.post(CREATE, json=birth_registration(), headers=bearer(citizen)))
    try:
        await _waiting_on_commit(served.cluster.url(DB))
    finally:
        await asyncio.to_thread(served.cluster.stop, "immediate")
        served.cluster.forget_setting("synchronous_standby_names")
        await asyncio.to_thread(served.cluster.start)
    response = await creating
    assert response.status_code == 201, response.text
    listed = (await http.get(CREATE, headers=bearer(citizen))).json()
    assert [d["id"] for d in listed["items"]] == [response.json()["id"]]


class Outcomes:
    def __init__(self) -> None:
        self.statuses: Counter[tuple[str, int]] = Counter()
        self.created: set[str] = set()
        self.settled: set[str] = set()  # payments the bank was told were settled (or already were)
        self.unclean: list[str] = []

    def note(self, step: str, response: httpx.Response, *, retried: bool) -> bool:
        """Whether the step went through. A move retried after a 503 may meet the state its first try
        left (409), as a client that retries does; anything else but success and a clean 503 is wrong."""
        self.statuses[(step, response.status_code)] += 1
        if response.status_code == 503:
            try:
                assert_clean_503(response)
            except (AssertionError, KeyError, ValueError):
                self.unclean.append(f"{step}: {response.status_code} {response.headers} {response.text[:300]}")
            return False
        if response.status_code == 409 and retried:
            return True
        if response.status_code >= 300:
            self.unclean.append(f"{step}: {response.status_code} {response.text[:300]}")
            return False
        return True


def signed_now(body: dict[str, Any], secret: str) -> dict[str, Any]:
    raw = json.dumps(body).encode()
    timestamp = str(int(SystemClock().now().timestamp()))
    headers = {"Content-Type": "application/json", "X-Motcua-Timestamp": timestamp}
    return {"content": raw, "headers": headers | {"X-Motcua-Signature": sign(secret, timestamp, raw)}}


async def _file_and_pay(
    http: httpx.AsyncClient, citizen: str, officer: str, secret: str, outcomes: Outcomes, deadline: float
) -> None:
    """One filing after another: create, papers, submit, received by an officer, paid by bank
    transfer; each step tried again after a 503 until it goes through or the time is up."""
    auth = bearer(citizen)
    body = {
        "procedure": "passport-issuance",
        "applicant": applicant(),
        "form": {"request_type": "cap_lan_dau"},
        "delivery": {"method": "desk"},
    }

    async def step(name: str, method: str, url: str, **kwargs: Any) -> httpx.Response | None:
        retried = False
        while time.monotonic() < deadline:
            try:
                response = await http.request(method, url, **kwargs)
            except httpx.TransportError as exc:
                outcomes.unclean.append(f"{name}: {exc!r}")
                return None
            if outcomes.note(name, response, retried=retried):
                return response
            if response.status_code != 503:
                return None
            retried = True
            await asyncio.sleep(0.2)
        return None

    while time.monotonic() < deadline:
        created = await step("create", "POST", CREATE, json=body, headers=auth)
        if created is None:
            continue
        dossier = created.json()["id"]
        outcomes.created.add(dossier)
        for key in ("tk01-form", "portrait-photos"):
            files = {"file": ("a.pdf", PDF, "application/pdf")}
            await step(
                "upload", "POST", f"{CREATE}/{dossier}/documents", headers=auth, files=files, data={"requirement": key}
            )
        await step("submit", "POST", f"{CREATE}/{dossier}/submit", headers=auth)
        await step(
            "receive",
            "POST",
            f"/api/v1/officer/dossiers/{dossier}/actions",
            json={"action": "receive"},
            headers=bearer(officer),
        )
        opened = await step("pay", "POST", f"{CREATE}/{dossier}/payments", json={"method": "vietqr"}, headers=auth)
        if opened is not None and opened.status_code == 201:
            payment = opened.json()
            if await step("settle", "POST", BANK, **signed_now(credit(payment), secret)) is not None:
                outcomes.settled.add(payment["id"])


async def test_a_crash_under_load_answers_201_or_a_clean_503_and_leaves_nothing_half_written(
    served: Served, http: httpx.AsyncClient
) -> None:
    """`pg_ctl restart -m immediate` (every backend killed mid-statement, crash recovery), twice, while
    four citizens file, get received and pay."""
    officer = await token(served, "0900770000", "officer", PASSPORT_OFFICE)
    citizens = [await token(served, f"091277010{i}") for i in range(4)]
    outcomes = Outcomes()
    deadline = time.monotonic() + 14
    secret = served.settings.bank_webhook_secret
    load = [asyncio.create_task(_file_and_pay(http, c, officer, secret, outcomes, deadline)) for c in citizens]
    await asyncio.sleep(3)
    for _ in range(2):
        await asyncio.to_thread(served.cluster.restart, "immediate")
        await asyncio.sleep(2.5)
    await asyncio.gather(*load)
    assert not outcomes.unclean, outcomes.unclean
    assert sum(n for (_, status), n in outcomes.statuses.items() if status == 503) > 0, outcomes.statuses
    assert outcomes.statuses[("create", 201)] > 4 and outcomes.settled, outcomes.statuses

    conn = await asyncpg.connect(served.cluster.url(DB))
    try:
        owners = [r["id"] for r in await conn.fetch("SELECT id FROM users WHERE phone LIKE '091277010%'")]
        stored = {str(r["id"]) for r in await conn.fetch("SELECT id FROM dossiers WHERE owner_id = ANY($1)", owners)}
        # every dossier answered 201 is there, and no other: none the citizen was told failed
        assert stored == outcomes.created
        # each move is whole: the dossier's status is the last of its history, and each move has its event
        assert not await conn.fetch(
            """SELECT d.id FROM dossiers d WHERE d.status IS DISTINCT FROM
                   (SELECT h.to_status FROM dossier_history h WHERE h.dossier_id = d.id ORDER BY h.id DESC LIMIT 1)"""
        )
        moves = await conn.fetchval("SELECT count(*) FROM dossier_history WHERE from_status IS NOT NULL")
        events = await conn.fetchval("SELECT count(*) FROM outbox WHERE topic = 'dossier.status_changed'")
        assert moves == events
        # a settled payment has its ledger pair, its receipt and a paid dossier that moved on
        assert not await conn.fetch(
            """SELECT p.id FROM payments p JOIN dossiers d ON d.id = p.dossier_id
               WHERE p.status = 'succeeded' AND (d.paid_at IS NULL OR d.status <> 'processing'
                   OR (SELECT count(*) FROM ledger_entries l WHERE l.payment_id = p.id) <> 2
                   OR NOT EXISTS (SELECT 1 FROM payment_receipts r WHERE r.payment_id = p.id))"""
        )
        assert await conn.fetchval("SELECT coalesce(sum(amount), 0) FROM ledger_entries") == 0
        succeeded = {str(r["id"]) for r in await conn.fetch("SELECT id FROM payments WHERE status = 'succeeded'")}
        assert outcomes.settled <= succeeded  # no settlement the bank was told of is lost
        assert await conn.fetchval("SELECT count(*) FROM outbox WHERE topic = 'payment.succeeded'") == len(succeeded)
    finally:
        await conn.close()


async def test_the_dispatcher_outlives_a_crash_and_listens_again(
    served: Served, caplog: pytest.LogCaptureFixture
) -> None:
    """The worker's loop keeps claiming with a pause while the database is down (no traceback), and
    hears the commits made after the restart at once, not at its next poll."""
    pool = await create_pool(served.cluster.url(DB), min_size=1, max_size=4)
    seen: set[uuid.UUID] = set()

    async def consume(event: Event) -> None:
        seen.add(event.event_id)

    async def publish() -> uuid.UUID:
        event = status_changed()
        async with acquire(pool) as conn, conn.transaction():
            await EventBus().publish(conn, event)
        return event.event_id

    async def consumed(event_id: uuid.UUID) -> None:
        async with asyncio.timeout(5):
            while event_id not in seen:
                await asyncio.sleep(0.02)

    stop = asyncio.Event()
    dispatcher = Dispatcher(pool, {"dossier.status_changed": consume}, clock=SystemClock(), poll_seconds=60)
    caplog.clear()
    running = asyncio.create_task(dispatcher.run(stop))
    try:
        await consumed(await publish())
        await asyncio.to_thread(served.cluster.stop, "immediate")
        await asyncio.sleep(2)  # a few claims fail meanwhile
        await asyncio.to_thread(served.cluster.start)
        async with asyncio.timeout(30):
            while True:
                try:
                    after = await publish()
                    break
                except Exception as exc:
                    if not unavailable(exc):
                        raise
                    await asyncio.sleep(0.2)
        await consumed(after)
        assert not running.done()
    finally:
        stop.set()
        await asyncio.wait_for(running, timeout=10)
        await pool.close()
    outbox = [r for r in caplog.records if r.name == "motcua.outbox"]
    assert any("claim failed" in r.getMessage() for r in outbox)
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]


def status_changed() -> DossierStatusChanged:
    return DossierStatusChanged(
        event_id=uuid.uuid4(),
        occurred_at=datetime.now(UTC),
        dossier_id=uuid.uuid4(),
        code="X-261123-0001",
        owner_id=None,
        agency_code=PASSPORT_OFFICE,
        procedure_slug="passport-issuance",
        procedure_names={"vi": "Cấp hộ chiếu", "en": "Passport"},
        from_status="submitted",
        to_status="received",
        action="receive",
        actor_role="officer",
    )


async def test_a_worker_started_while_the_database_is_down_waits_for_it(
    served: Served, settings: Settings, tmp_path: Path
) -> None:
    """It exited with a traceback; now it waits, then dispatches, then stops cleanly on SIGTERM."""
    env = {**served.server.env, "MOTCUA_DATA_DIR": str(tmp_path)}
    await asyncio.to_thread(served.cluster.stop, "immediate")
    worker = MotcuaProcess(["worker"], env, tmp_path / "worker.log")
    try:
        try:
            worker.start()
            async with asyncio.timeout(60):
                while "the database is unavailable" not in worker.output():
                    assert worker.running(), worker.output()
                    await asyncio.sleep(0.2)
        finally:
            await asyncio.to_thread(served.cluster.start)
        conn = await asyncpg.connect(served.cluster.url(DB))
        try:
            event = status_changed()
            async with conn.transaction():
                await EventBus().publish(conn, event)
            async with asyncio.timeout(60):
                while await conn.fetchval("SELECT status FROM outbox WHERE id = $1", event.event_id) != "done":
                    assert worker.running(), worker.output()
                    await asyncio.sleep(0.2)
        finally:
            await conn.close()
    finally:
        assert worker.stop() == 0, worker.output()
    assert "Traceback" not in worker.output(), worker.output()
