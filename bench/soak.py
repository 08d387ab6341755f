"""Soak: mixed traffic at a steady rate for minutes, with a worker and a Redis restart in the middle.

    uv run python bench/soak.py [--minutes 10] [--workers 2] [--journeys 1] [--catalog 8] [--assistant 2]

What runs, all on 127.0.0.1: a throw-away database on the local PostgreSQL (as the other benchmarks),
a Redis server of the run's own (the one restarted), the FCM stand-in of the tests in its own process
(bench/pushes.py), `motcua serve --workers W` and one `motcua worker`.

The traffic is an open load: each stream's requests are due on schedule whatever the answers.
- catalog: `--catalog` per second, a search or a procedure page;
- assistant: `--assistant` per second, an anonymous question;
- journeys: `--journeys` per second, a citizen (one of 40, each with a phone registered for pushes)
  files a passport application: create, two papers, submit; the police officer receives it (awaiting
  the fee), the citizen opens a VietQR payment and the bank's signed notification settles it. Each
  step that answers 503 is tried again after its Retry-After, as the app and the bank do.

At `--worker-restart-at` (a share of the run) the worker is SIGKILLed and started again; at
`--redis-restart-at` Redis is killed and started again `--redis-down` seconds later. A restart window
runs from the restart until `--grace` seconds after the restarted service answers.

Checks, printed as PROBLEM lines (exit status 1):
- no 5xx outside the restart windows (503s inside them are counted and shown);
- no lost settlement: every payment the bank was told was settled has succeeded, and none is left pending;
- no lost push: once the outbox is drained (none pending or dead), every push owed (each citizen-facing
  event, to each device of its owner) reached the FCM stand-in;
- memory: the RSS of the server's processes at the end is within 10 % of a baseline taken after a
  warm-up (the first sample after 20 % of the run), and the same for the restarted worker from its
  own warm-up.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import math
import random
import secrets
import shutil
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg
import harness
import httpx
import psutil
import pushes

from api.accounts.service import bind_agency, ensure_user, principal_for
from core.auth import Role, issue_access_token
from core.clock import FixedClock
from core.signing import sign
from notifications.pushes import TOPICS as PUSH_TOPICS

HOST = harness.HOST
BANK_PATH = "/api/v1/payments/webhooks/bank"
BANK_SECRET = "soak-bank-secret-" + secrets.token_hex(8)
POLICE = "000.00.01.H29"  # the passport office: receives every application of the journeys
CITIZENS = 40
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)
SEARCHES = ["khai sinh", "ho chieu", "đăng ký kết hôn", "chứng thực bản sao", "giấy phép xây dựng", "tạm trú"]
SLUGS = ["birth-registration", "passport-issuance", "certified-copy", "marriage-registration"]
QUESTIONS = [
    "làm khai sinh cần giấy tờ gì",
    "cấp hộ chiếu mất bao lâu",
    "lệ phí chứng thực bản sao bao nhiêu",
    "đăng ký kết hôn nộp ở đâu",
    "xin chào",
    "cảm ơn",
]
READY_TIMEOUT = 120.0
STEP_GIVE_UP = 120.0  # a journey step still refused after this long is abandoned (and counted)
DRAIN_TIMEOUT = 180.0
MEMORY_EVERY = 5.0
MEMORY_LIMIT = 0.10


# ---- what happened --------------------------------------------------------------------------


@dataclass
class Answer:
    at: float  # time.monotonic() when it came (or failed)
    kind: str
    status: int  # 0: no HTTP answer (connection error, timeout)
    latency: float
    detail: str = ""


@dataclass
class Window:
    what: str
    start: float
    end: float = math.inf


@dataclass
class Run:
    answers: list[Answer] = field(default_factory=list)
    windows: list[Window] = field(default_factory=list)
    settled: set[str] = field(default_factory=set)  # payments the bank was told were settled
    abandoned: Counter[str] = field(default_factory=Counter)
    journeys: int = 0
    memory: dict[str, list[tuple[float, int]]] = field(default_factory=lambda: defaultdict(list))

    def note(self, kind: str, status: int, started: float, detail: str = "") -> None:
        now = time.monotonic()
        self.answers.append(Answer(now, kind, status, now - started, detail))

    def in_window(self, at: float) -> Window | None:
        return next((w for w in self.windows if w.start - 1.0 <= at <= w.end), None)


# ---- Redis of the run's own -----------------------------------------------------------------


class Redis:
    def __init__(self, directory: Path) -> None:
        self.port = harness.free_port()
        self.url = f"redis://{HOST}:{self.port}/0"
        self.dir = directory
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            raise RuntimeError("redis-server is not installed")
        self.proc = harness.spawn(
            [
                binary,
                "--bind",
                HOST,
                "--port",
                str(self.port),
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.dir),
            ],
            {},
            self.dir / "redis.log",
        )
        for _ in range(200):  # bounded: 10 s
            with contextlib.suppress(OSError), socket_to(self.port):
                return
            time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=10)


@contextlib.contextmanager
def socket_to(port: int) -> Any:
    import socket

    with socket.create_connection((HOST, port), timeout=0.5) as sock:
        yield sock


# ---- set-up ---------------------------------------------------------------------------------


async def make_people(database_url: str, secret: str, ttl: int) -> tuple[list[tuple[str, str]], str]:
    """(phone, token) of each citizen, and the police officer's token."""
    now = datetime.now(UTC)
    clock = FixedClock(now)
    conn = await asyncpg.connect(database_url, timeout=10)
    try:
        citizens = []
        async with conn.transaction():
            for n in range(CITIZENS):
                phone = f"09127{n:05d}"
                user = await ensure_user(conn, phone=phone, clock=clock)
                citizens.append(
                    (phone, issue_access_token(await principal_for(conn, user), secret=secret, now=now, ttl=ttl))
                )
            officer = await ensure_user(conn, phone="0900799999", clock=clock, role=Role.OFFICER)
            await bind_agency(conn, user_id=officer, office_code=POLICE)
            officer_token = issue_access_token(await principal_for(conn, officer), secret=secret, now=now, ttl=ttl)
    finally:
        await conn.close()
    return citizens, officer_token


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def device_of(phone: str) -> str:
    return f"soak-device-{phone}-" + "d" * 24


async def register_devices(http: httpx.AsyncClient, citizens: list[tuple[str, str]]) -> None:
    for n, (phone, token) in enumerate(citizens):
        platform, locale = ("android", "vi") if n % 2 == 0 else ("ios", "en")
        response = await http.put(
            f"/api/v1/devices/{device_of(phone)}", json={"platform": platform, "locale": locale}, headers=bearer(token)
        )
        if response.status_code != 200:
            raise RuntimeError(f"device registration: {response.status_code} {response.text}")


def wait_ready(base: str, proc: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + READY_TIMEOUT
    with httpx.Client(base_url=base, timeout=2.0) as http:
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise RuntimeError(f"the server exited ({proc.returncode}):\n{log.read_text()[-3000:]}")
            with contextlib.suppress(httpx.HTTPError):
                if http.get("/health/ready").status_code == 200:
                    return
            time.sleep(0.25)
    raise RuntimeError(f"the server was not ready within {READY_TIMEOUT:.0f}s:\n{log.read_text()[-3000:]}")


# ---- the traffic ----------------------------------------------------------------------------


async def call(
    run: Run, http: httpx.AsyncClient, kind: str, method: str, url: str, **kwargs: Any
) -> httpx.Response | None:
    started = time.monotonic()
    try:
        response = await http.request(method, url, **kwargs)
    except httpx.HTTPError as exc:
        run.note(kind, 0, started, repr(exc))
        return None
    run.note(kind, response.status_code, started, response.text[:200] if response.status_code >= 500 else "")
    return response


async def step(
    run: Run, http: httpx.AsyncClient, kind: str, method: str, url: str, ok: int, **kwargs: Any
) -> httpx.Response | None:
    """A journey's step, tried again after a 503 (after its Retry-After) or a lost connection, as the
    app does; a retried move meeting the state its first try left (409) went through."""
    give_up = time.monotonic() + STEP_GIVE_UP
    retried = False
    while time.monotonic() < give_up:
        response = await call(run, http, kind, method, url, **kwargs)
        if response is not None and (response.status_code == ok or (retried and response.status_code == 409)):
            return response
        if response is not None and response.status_code not in (503, 502, 504):
            run.abandoned[f"{kind} {response.status_code}"] += 1
            return None
        retried = True
        wait = float(response.headers.get("retry-after", 1)) if response is not None else 1.0
        await asyncio.sleep(min(wait, 5.0))
    run.abandoned[f"{kind} gave up"] += 1
    return None


def signed(body: dict[str, Any]) -> dict[str, Any]:
    raw = json.dumps(body, ensure_ascii=False).encode()
    timestamp = str(int(time.time()))
    headers = {"Content-Type": "application/json", "X-Motcua-Timestamp": timestamp}
    return {"content": raw, "headers": headers | {"X-Motcua-Signature": sign(BANK_SECRET, timestamp, raw)}}


async def journey(run: Run, http: httpx.AsyncClient, citizen: tuple[str, str], officer: str) -> None:
    phone, token = citizen
    auth = bearer(token)
    body = {
        "procedure": "passport-issuance",
        "applicant": {
            "full_name": "Nguyễn Thị Lan",
            "identity_number": "079190001234",
            "date_of_birth": "1990-05-12",
            "phone": phone,
            "email": None,
            "address": "12 Lê Lợi, phường Bến Thành, TP.HCM",
        },
        "form": {"request_type": "cap_lan_dau"},
        "delivery": {"method": "desk"},
    }
    created = await step(run, http, "create", "POST", "/api/v1/dossiers", 201, json=body, headers=auth)
    if created is None:
        return
    dossier = created.json()["id"]
    for requirement in ("tk01-form", "portrait-photos"):
        files = {"file": ("paper.pdf", PDF, "application/pdf")}
        url = f"/api/v1/dossiers/{dossier}/documents"
        if (
            await step(
                run, http, "upload", "POST", url, 201, headers=auth, data={"requirement": requirement}, files=files
            )
            is None
        ):
            return
    if await step(run, http, "submit", "POST", f"/api/v1/dossiers/{dossier}/submit", 200, headers=auth) is None:
        return
    await asyncio.sleep(random.uniform(0.5, 2.0))  # the office gets to it
    action = {"json": {"action": "receive"}, "headers": bearer(officer)}
    if await step(run, http, "receive", "POST", f"/api/v1/officer/dossiers/{dossier}/actions", 200, **action) is None:
        return
    await call(run, http, "view", "GET", f"/api/v1/dossiers/{dossier}", headers=auth)
    opened = await step(
        run, http, "pay", "POST", f"/api/v1/dossiers/{dossier}/payments", 201, json={"method": "vietqr"}, headers=auth
    )
    if opened is None:
        return
    payment = opened.json()
    await asyncio.sleep(random.uniform(0.5, 2.0))  # the transfer reaches the bank
    credit = {
        "transaction_id": f"FT{uuid.uuid4().int % 10**11:011d}",
        "bank_bin": payment["vietqr"]["bank_bin"],
        "account_number": payment["vietqr"]["account_number"],
        "amount": payment["amount"],
        "content": f"CT DEN:0123 {payment['reference'].lower()} thanh toan le phi ho so",
        "transacted_at": datetime.now(UTC).isoformat(),
    }
    settled = await step(run, http, "settle", "POST", BANK_PATH, 200, **signed(credit))
    if settled is not None and settled.json().get("result") in {"settled", "duplicate"}:
        run.settled.add(payment["id"])
    await call(run, http, "inbox", "GET", "/api/v1/notifications", headers=auth)


async def steady(rate: float, until: float, start: Any) -> list[asyncio.Task[None]]:
    """Starts `start()` `rate` times a second on schedule until `until`; the tasks started."""
    tasks: list[asyncio.Task[None]] = []
    if rate <= 0:
        return tasks
    period = 1.0 / rate
    due = time.monotonic()
    while due < until:
        await asyncio.sleep(max(0.0, due - time.monotonic()))
        tasks.append(asyncio.create_task(start()))
        due += period
    return tasks


# ---- restarts and memory --------------------------------------------------------------------


def rss(pid: int) -> int:
    return sum(p.memory_info().rss for p in harness.process_tree(pid) if p.is_running())


async def sample_memory(run: Run, procs: dict[str, Any], until: float) -> None:
    while time.monotonic() < until:
        for name, proc in procs.items():
            with contextlib.suppress(psutil.Error):
                run.memory[name].append((time.monotonic(), rss(proc().pid)))
        await asyncio.sleep(MEMORY_EVERY)


async def restart_worker(run: Run, state: dict[str, Any], env: dict[str, str], log: Path, grace: float) -> None:
    window = Window("worker restart (SIGKILL)", time.monotonic())
    run.windows.append(window)
    old = state["worker"]
    with contextlib.suppress(ProcessLookupError):
        import os

        os.killpg(old.pid, signal.SIGKILL)
    old.wait(timeout=10)
    run.memory["worker"].clear()  # a new process: its own baseline
    state["worker"] = harness.spawn(["uv", "run", "--quiet", "motcua", "worker"], env, log)
    for _ in range(600):  # bounded: 60 s
        if "outbox dispatcher started" in await asyncio.to_thread(log.read_text, errors="replace"):
            break
        await asyncio.sleep(0.1)
    await asyncio.sleep(grace)
    window.end = time.monotonic()


async def restart_redis(run: Run, redis: Redis, down: float, grace: float) -> None:
    window = Window(f"Redis restart ({down:.0f} s down)", time.monotonic())
    run.windows.append(window)
    redis.kill()
    await asyncio.sleep(down)
    await asyncio.to_thread(redis.start)
    await asyncio.sleep(grace)
    window.end = time.monotonic()


# ---- checks ---------------------------------------------------------------------------------


OWED = """
SELECT o.id::text AS event_id, d.token
FROM outbox o JOIN devices d ON d.user_id = (o.payload->>'owner_id')::uuid
WHERE o.topic = ANY($1::text[]) AND o.payload->>'owner_id' IS NOT NULL AND o.payload->>'moved_on_to' IS NULL
    AND NOT (o.topic = 'payment.expired' AND coalesce((o.payload->>'replaced')::boolean, false))
"""


async def drained(database_url: str) -> Counter[str]:
    conn = await asyncpg.connect(database_url, timeout=10)
    try:
        deadline = time.monotonic() + DRAIN_TIMEOUT
        while True:
            statuses = Counter(
                {
                    r["status"]: r["n"]
                    for r in await conn.fetch("SELECT status, count(*) AS n FROM outbox GROUP BY status")
                }
            )
            if not statuses.get("pending") or time.monotonic() > deadline:
                return statuses
            await asyncio.sleep(1.0)
    finally:
        await conn.close()


async def owed_and_payments(database_url: str) -> tuple[set[tuple[str, str]], Counter[str]]:
    conn = await asyncpg.connect(database_url, timeout=10)
    try:
        owed = {(r["event_id"], r["token"]) for r in await conn.fetch(OWED, list(PUSH_TOPICS))}
        payments = Counter(
            {
                r["status"]: r["n"]
                for r in await conn.fetch("SELECT status, count(*) AS n FROM payments GROUP BY status")
            }
        )
        return owed, payments
    finally:
        await conn.close()


def arrivals(stats: str) -> list[tuple[float, str, str]]:
    with httpx.Client(timeout=30) as http:
        return [tuple(a) for a in http.get(f"{stats}/arrivals", params={"from": 0}).json()]  # type: ignore[misc]


def memory_growth(samples: list[tuple[float, int]], warm_from: float) -> tuple[int, int, float] | None:
    warm = [rss for at, rss in samples if at >= warm_from]
    if len(warm) < 2:
        return None
    return warm[0], warm[-1], (warm[-1] - warm[0]) / warm[0]


def pct(values: list[float], q: float) -> float:
    return harness.pct(values, q) * 1000


def report(run: Run, args: argparse.Namespace, began: float, ended: float, checks: dict[str, Any]) -> list[str]:
    problems: list[str] = []
    by_kind: dict[str, list[Answer]] = defaultdict(list)
    for answer in run.answers:
        by_kind[answer.kind].append(answer)
    seconds = ended - began
    rate = len(run.answers) / seconds
    print(f"\n{len(run.answers)} requests in {seconds:.0f} s ({rate:.1f}/s), {run.journeys} journeys")
    print(f"{'kind':<10}{'count':>7}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'max ms':>9}  statuses")
    for kind, answers in sorted(by_kind.items()):
        latencies = [a.latency for a in answers if a.status]
        statuses = Counter(a.status for a in answers)
        print(
            f"{kind:<10}{len(answers):>7}{pct(latencies, 0.5):>9.1f}{pct(latencies, 0.95):>9.1f}"
            f"{pct(latencies, 0.99):>9.1f}{max(latencies, default=0) * 1000:>9.1f}  {dict(sorted(statuses.items()))}"
        )
    slowest = sorted(run.answers, key=lambda a: a.latency, reverse=True)[:5]
    shown = ", ".join(f"{a.kind} {a.latency * 1000:.0f} ms at {a.at - began:.0f} s" for a in slowest)
    print(f"slowest: {shown}")
    for window in run.windows:
        inside = Counter(
            f"{a.kind} {a.status}"
            for a in run.answers
            if a.status >= 500 or a.status == 0
            if window.start - 1 <= a.at <= window.end
        )
        span = f"{window.start - began:.0f}-{window.end - began:.0f} s"
        print(f"window {window.what}: at {span}; 5xx or no answer inside: {dict(inside)}")
    outside = [a for a in run.answers if (a.status >= 500 or a.status == 0) and run.in_window(a.at) is None]
    if outside:
        shown = Counter(f"{a.kind} {a.status}" for a in outside)
        problems.append(
            f"{len(outside)} 5xx or unanswered outside the restart windows: {dict(shown)}; first: {outside[0].detail}"
        )
    if run.abandoned:
        problems.append(f"journey steps abandoned: {dict(run.abandoned)}")
    statuses, owed, arrived, payments = checks["outbox"], checks["owed"], checks["arrived"], checks["payments"]
    lost = owed - arrived
    twice = sum(1 for n in Counter(checks["arrival_pairs"]).values() if n > 1)
    print(f"outbox: {dict(statuses)}; pushes owed {len(owed)}, arrived {len(owed & arrived)}, lost {len(lost)}")
    print(f"pushes sent more than once (shown once on the phone, by the dossier's tag): {twice}")
    print(f"payments: {dict(payments)}; settlements the bank was told of: {len(run.settled)}")
    if statuses.get("pending") or statuses.get("dead"):
        problems.append(f"outbox not drained: {dict(statuses)}")
    if lost:
        problems.append(f"{len(lost)} pushes lost, e.g. {sorted(lost)[:3]}")
    if payments.get("pending"):
        problems.append(f"{payments['pending']} payments left pending")
    if checks["unsettled"]:
        problems.append(f"{len(checks['unsettled'])} payments told settled are not succeeded")
    warm_from = began + 0.2 * seconds
    for name, samples in sorted(run.memory.items()):
        growth = memory_growth(
            samples, warm_from if name == "server" else (samples[0][0] + 0.2 * seconds if samples else 0)
        )
        if growth is None:
            print(f"memory {name}: too few samples")
            continue
        first, last, share = growth
        print(
            f"memory {name}: {first / 2**20:.1f} MiB after warm-up -> {last / 2**20:.1f} MiB at the end ({share:+.1%})"
        )
        if share > MEMORY_LIMIT:
            problems.append(f"memory of {name} grew {share:.1%} (limit {MEMORY_LIMIT:.0%})")
    for problem in problems:
        print(f"PROBLEM: {problem}")
    return problems


# ---- the run --------------------------------------------------------------------------------


async def load(
    args: argparse.Namespace,
    base: str,
    state: dict[str, Any],
    env: dict[str, str],
    redis: Redis,
    logs: Path,
    people: Any,
) -> tuple[Run, float, float]:
    citizens, officer = people
    run = Run()
    seconds = args.minutes * 60
    limits = httpx.Limits(max_connections=200, max_keepalive_connections=100)
    async with httpx.AsyncClient(base_url=base, timeout=30.0, limits=limits) as http:
        await register_devices(http, citizens)
        began = time.monotonic()
        until = began + seconds
        rng = random.Random(7)

        async def catalog() -> None:
            if rng.random() < 0.6:
                await call(run, http, "catalog", "GET", "/api/v1/procedures", params={"q": rng.choice(SEARCHES)})
            else:
                await call(run, http, "catalog", "GET", f"/api/v1/procedures/{rng.choice(SLUGS)}")

        async def assistant() -> None:
            await call(
                run, http, "assistant", "POST", "/api/v1/assistant/messages", json={"text": rng.choice(QUESTIONS)}
            )

        async def filing() -> None:
            run.journeys += 1
            await journey(run, http, rng.choice(citizens), officer)

        procs = {"server": lambda: state["server"], "worker": lambda: state["worker"]}
        background = [
            asyncio.create_task(sample_memory(run, procs, until)),
            asyncio.create_task(
                _at(
                    began + args.worker_restart_at * seconds,
                    restart_worker(run, state, env, logs / "worker.log", args.grace),
                )
            ),
            asyncio.create_task(
                _at(began + args.redis_restart_at * seconds, restart_redis(run, redis, args.redis_down, args.grace))
            ),
        ]
        streams = await asyncio.gather(
            steady(args.catalog, until, catalog),
            steady(args.assistant, until, assistant),
            steady(args.journeys, until, filing),
        )
        ended = time.monotonic()
        await asyncio.gather(*background)
        started = [task for tasks in streams for task in tasks]
        done, pending = await asyncio.wait(started, timeout=STEP_GIVE_UP * 8) if started else (set(), set())
        for task in pending:
            task.cancel()
        for task in done:
            if task.exception() is not None:
                print(f"a stream task failed: {task.exception()!r}", file=sys.stderr)
    return run, began, ended


async def _at(when: float, job: Any) -> None:
    await asyncio.sleep(max(0.0, when - time.monotonic()))
    await job


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--workers", type=int, default=2, help="motcua serve --workers")
    parser.add_argument(
        "--journeys", type=float, default=1.0, help="filings started per second (about 9 requests each)"
    )
    parser.add_argument("--catalog", type=float, default=8.0, help="catalog requests per second")
    parser.add_argument("--assistant", type=float, default=2.0, help="assistant messages per second")
    parser.add_argument("--worker-restart-at", type=float, default=0.4, help="share of the run")
    parser.add_argument("--redis-restart-at", type=float, default=0.7, help="share of the run")
    parser.add_argument("--redis-down", type=float, default=3.0, help="seconds Redis stays down")
    parser.add_argument("--grace", type=float, default=5.0, help="seconds a restart window lasts after the restart")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()

    with harness.scratch() as scratch:
        logs = scratch.dir
        redis = Redis(scratch.dir)
        redis.start()
        standin, fcm_url, stats = pushes.start_standin(args.minutes * 60 + 900, logs / "fcm.log")
        port = harness.free_port()
        env = harness.bench_env(
            scratch.url,
            scratch.dir / "data",
            {
                "REDIS_URL": redis.url,
                "MOTCUA_BANK_WEBHOOK_SECRET": BANK_SECRET,
                "MOTCUA_PUBLIC_BASE_URL": f"http://{HOST}:{port}",
                "MOTCUA_FIREBASE_CREDENTIALS": "anonymous",
                "MOTCUA_FIREBASE_PROJECT_ID": pushes.PROJECT,
                "MOTCUA_FCM_BASE_URL": fcm_url,
            },
        )
        state: dict[str, Any] = {}
        try:
            harness.migrate_and_seed(env)
            people = asyncio.run(make_people(scratch.url, env["MOTCUA_JWT_SECRET"], int(args.minutes * 60 + 3600)))
            serve = [
                "uv",
                "run",
                "--quiet",
                "motcua",
                "serve",
                "--host",
                HOST,
                "--port",
                str(port),
                "--workers",
                str(args.workers),
            ]
            state["server"] = harness.spawn(serve, env, logs / "serve.log")
            state["worker"] = harness.spawn(["uv", "run", "--quiet", "motcua", "worker"], env, logs / "worker.log")
            base = f"http://{HOST}:{port}"
            wait_ready(base, state["server"], logs / "serve.log")
            print(
                f"soak: {args.minutes:g} min, serve --workers {args.workers}, {args.catalog:g} catalog/s, "
                f"{args.assistant:g} assistant/s, {args.journeys:g} filings/s",
                flush=True,
            )
            run, began, ended = asyncio.run(load(args, base, state, env, redis, logs, people))
            statuses = asyncio.run(drained(scratch.url))
            owed, payments = asyncio.run(owed_and_payments(scratch.url))
            got = arrivals(stats)
            pairs = [(event, token) for _, event, token in got]
            unsettled = asyncio.run(_unsettled(scratch.url, run.settled))
            checks = {
                "outbox": statuses,
                "owed": owed,
                "arrived": set(pairs),
                "arrival_pairs": pairs,
                "payments": payments,
                "unsettled": unsettled,
            }
            problems = report(run, args, began, ended, checks)
            for name in ("serve.log", "worker.log"):
                text = (logs / name).read_text(errors="replace")
                if "Traceback" in text:
                    at = text.index("Traceback")
                    problems.append(f"a traceback in {name}")
                    print(f"PROBLEM: a traceback in {name}:\n{text[max(0, at - 300) : at + 2500]}")
            if args.json:
                args.json.write_text(
                    json.dumps({"problems": problems, "requests": len(run.answers), "journeys": run.journeys}, indent=2)
                )
            return 1 if problems else 0
        finally:
            for proc in (state.get("worker"), state.get("server"), standin):
                if proc is not None:
                    harness.stop(proc)
            redis.kill()


async def _unsettled(database_url: str, settled: set[str]) -> list[str]:
    conn = await asyncpg.connect(database_url, timeout=10)
    try:
        rows = await conn.fetch(
            "SELECT id::text FROM payments WHERE id::text = ANY($1::text[]) AND status <> 'succeeded'", list(settled)
        )
        return [r["id"] for r in rows]
    finally:
        await conn.close()


if __name__ == "__main__":
    sys.exit(main())
