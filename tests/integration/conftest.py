"""Integration fixtures: a fresh PostgreSQL database per run (and per xdist worker), migrated once
and seeded; a Redis database flushed before each test; the app on Litestar's test client.

Services come from DATABASE_URL / REDIS_URL, else the local ones on their default ports, else
embedded ones started under a temporary directory."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import httpx
import pytest
from litestar.testing import AsyncTestClient
from redis.asyncio import Redis

from api.accounts.service import bind_agency, ensure_user, principal_for
from api.accounts.sms import MemorySmsSender
from api.context import AppContext
from api.seed import seed_all
from asgi import create_app
from core import embedded
from core.auth import Role, issue_access_token
from core.clock import VN_TZ, FixedClock
from core.db import acquire, connect, create_pool
from core.migrate import migrate
from core.settings import Settings
from notifications.senders import FirebaseSender
from tests.integration.standins.fcm import FcmStandin

MUTABLE_TABLES = (
    "webhook_deliveries, webhook_subscriptions, integration_events, integration_horizon, sms_deliveries, "
    "chat_messages, zalo_tokens, handoffs, push_deliveries, notifications, notification_preferences, devices, "
    "payment_receipts, payment_receipt_counters, ledger_entries, payment_exceptions, bank_notifications, "
    "vnpay_notifications, payments, collection_accounts, "
    "onestop_events, indicator_months, office_queue_counts, dossier_audit, dossier_ratings, dossier_originals_seen, "
    "dossier_history, "
    "dossier_documents, "
    "dossiers, "
    "dossier_counters, documents, "
    "files, officer_agencies, refresh_tokens, users, outbox"
)
DEFAULT_NOW = datetime(2026, 11, 23, 9, 0, tzinfo=VN_TZ)  # a Monday morning
JWT_SECRET = "test-secret-" + "x" * 32
DATA_KEY = "dGVzdC1kYXRhLWtleS1mb3Itc2VhbGluZy0zMi1ieXQ="  # 32 bytes, base64
ONESTOP_SECRET = "onestop-test-secret"
BANK_SECRET = "bank-test-secret"
VNPAY_SECRET = "VNPAYTESTSECRET0123456789ABCDEFG"
PROJECT = "motcua-test"  # the Firebase project of the FCM stand-in
MESSENGER_VERIFY_TOKEN = "messenger-verify-test"
MESSENGER_APP_SECRET = "TEST_APP_SECRET"
ZALO_APP_ID = "50554360515256678"
ZALO_OA_SECRET = "TEST_OA_SECRET_KEY"
METRICS_TOKEN = "metrics-test-token"


def _port_open(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) == 0


_TMP = Path(tempfile.mkdtemp(prefix="motcua-test-"))


def _admin_database_url() -> str:
    if os.environ.get("DATABASE_URL"):
        return os.environ["DATABASE_URL"]
    if _port_open(5432):
        return "postgresql://postgres@127.0.0.1:5432/postgres"
    return embedded.start_postgres(_TMP)


def _redis_url() -> str:
    if os.environ.get("REDIS_URL"):
        return os.environ["REDIS_URL"]
    if _port_open(6379):
        return "redis://127.0.0.1:6379"
    return embedded.start_redis(_TMP)


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, parts.fragment))


@pytest.fixture(scope="session")
async def database_url(worker_id: str) -> AsyncIterator[str]:
    admin_url = _admin_database_url()
    name = f"motcua_test_{worker_id}_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(admin_url)
    await admin.execute(f'CREATE DATABASE "{name}"')
    url = _with_database(admin_url, name)
    conn = await connect(url)
    try:
        await migrate(conn)
        await seed_all(conn, now=DEFAULT_NOW)
    finally:
        await conn.close()
    yield url
    await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    await admin.close()


@pytest.fixture(scope="session")
def worker_id(request: pytest.FixtureRequest) -> str:
    return str(getattr(request.config, "workerinput", {}).get("workerid", "main"))


@pytest.fixture(scope="session")
def redis_url(worker_id: str) -> str:
    base = _redis_url()
    if base.startswith("unix://"):
        return base
    index = 15 - (int(worker_id[2:]) % 8 if worker_id.startswith("gw") else 0)
    parts = urlsplit(base)
    return urlunsplit((parts.scheme, parts.netloc, f"/{index}", parts.query, parts.fragment))


@pytest.fixture(scope="session")
def settings(database_url: str, redis_url: str) -> Settings:
    return Settings(
        database_url=database_url,
        redis_url=redis_url,
        data_dir=str(_TMP / "data"),
        storage_dir=str(_TMP / "files"),
        public_base_url="https://motcua.example.vn",
        jwt_secret=JWT_SECRET,
        data_key=DATA_KEY,
        inprocess_worker=False,  # tests drive the dispatcher and housekeeping themselves
        sign_results=False,  # the papers tests upload are stand-ins no signer reads; signing has its own tests
        onestop_webhook_secret=ONESTOP_SECRET,
        bank_webhook_secret=BANK_SECRET,
        vnpay_tmn_code="MOTCUA01",
        vnpay_hash_secret=VNPAY_SECRET,
        vnpay_pay_url="https://sandbox.vnpayment.vn/paymentv2/vpcpay.html",
        messenger_verify_token=MESSENGER_VERIFY_TOKEN,
        messenger_app_secret=MESSENGER_APP_SECRET,
        zalo_app_id=ZALO_APP_ID,
        zalo_oa_secret=ZALO_OA_SECRET,
        max_file_bytes=2 * 1024 * 1024,
        max_dossier_bytes=5 * 1024 * 1024,
        metrics_token=METRICS_TOKEN,
    )


@pytest.fixture(scope="session")
def clock() -> FixedClock:
    return FixedClock(DEFAULT_NOW)


@pytest.fixture(scope="session")
def sms() -> MemorySmsSender:
    return MemorySmsSender()


@pytest.fixture(scope="session")
async def client(settings: Settings, clock: FixedClock, sms: MemorySmsSender) -> AsyncIterator[AsyncTestClient[Any]]:
    app = create_app(settings, clock=clock, sms=sms)
    async with AsyncTestClient(app=app) as test_client:
        yield test_client


@pytest.fixture
def app_context(client: AsyncTestClient[Any], pool: asyncpg.Pool) -> AppContext:
    """The app's context on the test's own pool: the app's pool lives on the client's event loop."""
    ctx: AppContext = client.app.state.ctx
    return replace(ctx, pool=pool)


@pytest.fixture(scope="session")
async def pool(database_url: str) -> AsyncIterator[asyncpg.Pool]:
    p = await create_pool(database_url, min_size=1, max_size=60)
    yield p
    await p.close()


@pytest.fixture(autouse=True)
async def _clean_state(database_url: str, redis_url: str, clock: FixedClock) -> None:
    """Every integration test starts from the seeded catalog and nothing else."""
    clock.set(DEFAULT_NOW)
    conn = await asyncpg.connect(database_url)
    try:
        # the audit trail refuses TRUNCATE by trigger; a session that replays as a replica fires none
        await conn.execute("SET session_replication_role = replica")
        await conn.execute(f"TRUNCATE {MUTABLE_TABLES} RESTART IDENTITY CASCADE")
    finally:
        await conn.close()
    redis = Redis.from_url(redis_url)
    await redis.flushdb()
    await redis.aclose()


TokenFactory = Callable[..., Awaitable[str]]


@pytest.fixture
def make_token(pool: asyncpg.Pool, settings: Settings, clock: FixedClock) -> TokenFactory:
    async def make(phone: str, role: str = "citizen", agencies: tuple[str, ...] = ()) -> str:
        async with acquire(pool) as conn, conn.transaction():
            user_id = await ensure_user(conn, phone=phone, clock=clock, role=Role(role))
            for agency in agencies:
                await bind_agency(conn, user_id=user_id, office_code=agency)
            principal = await principal_for(conn, user_id)
        return issue_access_token(principal, secret=settings.jwt_secret, now=clock.now(), ttl=7 * 24 * 3600)

    return make


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture(scope="session")
def live_server(settings: Settings) -> Iterator[str]:
    """`motcua serve` as a real process on a free port, on the test database and Redis."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {
        **os.environ,
        "DATABASE_URL": str(settings.database_url),
        "REDIS_URL": str(settings.redis_url),
        "MOTCUA_JWT_SECRET": settings.jwt_secret,
        "MOTCUA_DATA_KEY": settings.data_key,
        "MOTCUA_DATA_DIR": settings.data_dir,
        "MOTCUA_INPROCESS_WORKER": "false",
        "MOTCUA_ONESTOP_WEBHOOK_SECRET": settings.onestop_webhook_secret,
        "MOTCUA_BANK_WEBHOOK_SECRET": settings.bank_webhook_secret,
        "MOTCUA_VNPAY_TMN_CODE": settings.vnpay_tmn_code,
        "MOTCUA_VNPAY_HASH_SECRET": settings.vnpay_hash_secret,
        "MOTCUA_MESSENGER_APP_SECRET": settings.messenger_app_secret,
        "MOTCUA_ZALO_APP_ID": settings.zalo_app_id,
        "MOTCUA_ZALO_OA_SECRET": settings.zalo_oa_secret,
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "cli", "serve", "--port", str(port)],
        cwd=Path(__file__).resolve().parents[2],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if server.poll() is not None:
                raise RuntimeError(f"server exited: {server.stderr.read().decode() if server.stderr else ''}")
            try:
                if httpx.get(url + "/health/ready", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.3)
        else:
            raise RuntimeError("server did not become ready in 60 s")
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()


@pytest.fixture
def fcm() -> Iterator[FcmStandin]:
    """A stand-in FCM HTTP v1 server, for tests that follow pushes."""
    with FcmStandin(PROJECT) as standin:
        yield standin


@pytest.fixture
async def sender(fcm: FcmStandin) -> AsyncIterator[FirebaseSender]:
    """The real firebase-admin sender, pointed at the stand-in."""
    sender = FirebaseSender(credentials="anonymous", project_id=PROJECT, base_url=fcm.url, timeout=10)
    yield sender
    await sender.aclose()
