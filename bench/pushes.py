"""Push throughput and status-change-to-push latency: outbox rows to an FCM stand-in, through `motcua worker`.

    uv run python bench/pushes.py [--events N] [--devices-per-user D] [--rate R] [--workers W]

Creates a throw-away database on the local PostgreSQL, runs `motcua migrate` and `motcua seed`, inserts U
citizens with D registered devices each, and starts the FCM stand-in of the integration tests
(tests/integration/standins/fcm.py) in its own process, so its threads do not compete with a worker
for one GIL. A tiny extra HTTP server in that process answers GET /count and GET /arrivals?from=K
(arrival time, event id and token of every accepted message).

1. Throughput. N `dossier.status_changed` outbox rows (valid `DossierStatusChanged` payloads) are
   COPYed in, then W `motcua worker` processes are started, pointed at the stand-in the way
   tests/integration/notifications/test_worker_crash.py does it (MOTCUA_FIREBASE_CREDENTIALS=anonymous,
   MOTCUA_FIREBASE_PROJECT_ID, MOTCUA_FCM_BASE_URL). The clock runs from the workers' start until the
   stand-in has accepted N x D pushes. Checks: every (event, device) got exactly one push, push_deliveries
   holds N x D `sent` rows, every outbox row is done.
2. Latency. With the same workers idle, events are published at R per second for --seconds, the way the
   app does it: `EventBus.publish` inside a transaction (outbox row + NOTIFY). Each push's latency is
   the stand-in's arrival time minus the commit's return. Both clocks are this machine's time.time().

The workers and the stand-in are stopped, the database dropped and the scratch directory removed at the
end, whatever happens. Only 127.0.0.1 is contacted. Every loop is bounded in count and in time.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import secrets
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import asyncpg
import harness
import httpx
import msgspec
import psutil

from core.db import create_pool
from core.events import DossierStatusChanged, EventBus

PROJECT = "motcua-bench"
POLL = 0.05

# The stand-in's process: FcmStandin in its background thread, plus a stats server on the main thread.
RUNNER = r"""
import json, sys, threading, time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse
from tests.integration.standins.fcm import FcmStandin

project, lifetime = sys.argv[1], float(sys.argv[2])
arrivals = []  # [time.time(), event_id, token] per accepted message
lock = threading.Lock()
standin = FcmStandin(project)
original = standin._record

def record(request, accepted=None):
    if accepted is not None:
        now = time.time()
        with lock:
            arrivals.append([now, accepted.get("data", {}).get("event_id", ""), accepted.get("token", "")])
    original(request, accepted)

standin._record = record

class Stats(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def log_message(self, *args):
        pass
    def do_GET(self):
        url = urlparse(self.path)
        with lock:
            if url.path == "/count":
                body = {"accepted": len(arrivals), "requests": len(standin._requests),
                        "rejections": len(standin._rejections)}
            else:
                start = int(parse_qs(url.query).get("from", ["0"])[0])
                body = arrivals[start:]
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

stats = ThreadingHTTPServer(("127.0.0.1", 0), Stats)
stats.timeout = 0.5
standin.start()
print(json.dumps({"fcm": standin.url, "stats": "http://127.0.0.1:%d" % stats.server_address[1]}), flush=True)
deadline = time.monotonic() + lifetime
while time.monotonic() < deadline:
    stats.handle_request()
standin.stop()
"""


# ---- processes ------------------------------------------------------------------------------


def start_standin(lifetime: float, log: Path) -> tuple[subprocess.Popen[str], str, str]:
    with log.open("wb") as err:
        proc = subprocess.Popen(
            [sys.executable, "-c", RUNNER, PROJECT, str(lifetime)],
            cwd=harness.ROOT,
            stdout=subprocess.PIPE,
            stderr=err,
            text=True,
            start_new_session=True,
        )
    assert proc.stdout is not None
    line = proc.stdout.readline()  # the runner prints its URLs first; it exits by itself after `lifetime`
    if not line:
        harness.stop(proc)
        raise RuntimeError(f"the FCM stand-in did not start:\n{log.read_text()[-2000:]}")
    urls = json.loads(line)
    return proc, urls["fcm"], urls["stats"]


# ---- CPU accounting (as in webhooks.py, shortened) ------------------------------------------


@dataclass(frozen=True)
class CpuSample:
    at: float
    workers: float
    standin: float
    postgres: float  # the benchmark database's backends and PostgreSQL's shared processes
    redis: float
    bench: float  # this process (the publisher, the polling)
    busy: float


def _postgres(database: str) -> list[psutil.Process]:
    """The benchmark database's backends and PostgreSQL's shared processes."""
    backends, shared = harness.postgres_processes(database)
    return [*backends, *shared]


class CpuWatch:
    def __init__(self, workers: list[int], standin: int, database: str) -> None:
        self.workers = [p for pid in workers for p in harness.process_tree(pid)]
        self.standin = harness.process_tree(standin)
        self.database = database
        self.postgres = _postgres(database)
        self.redis = [p for p in psutil.process_iter(["name"]) if (p.info["name"] or "").startswith("redis-server")]

    def sample(self) -> CpuSample:
        self.postgres = list({p.pid: p for p in [*self.postgres, *_postgres(self.database)]}.values())
        return CpuSample(
            time.perf_counter(),
            harness.cpu_seconds(self.workers),
            harness.cpu_seconds(self.standin),
            harness.cpu_seconds(self.postgres),
            harness.cpu_seconds(self.redis),
            harness.own_cpu_seconds(),
            harness.busy_seconds(),
        )


def cpu_line(a: CpuSample, b: CpuSample, pushes: int) -> str:
    wall = b.at - a.at
    keys = ("workers", "standin", "postgres", "redis", "bench", "busy")
    w, s, p, r, me, busy = ((getattr(b, k) - getattr(a, k)) / wall for k in keys)
    other = max(0.0, busy - w - s - p - r - me)
    per = (lambda cores: cores * wall / pushes * 1000) if pushes else (lambda cores: math.nan)
    return (
        f"  CPU cores   workers {w:.2f}, stand-in {s:.2f}, PostgreSQL {p:.2f}, Redis {r:.2f}, this script {me:.2f}, "
        f"other {other:.2f}; busy {busy:.2f} "
        f"of {psutil.cpu_count()}\n"
        f"  per push    workers {per(w):.2f} ms, stand-in {per(s):.2f} ms, PostgreSQL {per(p):.2f} ms"
    )


# ---- the fixture ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Fixture:
    users: list[uuid.UUID]
    tokens: dict[uuid.UUID, list[str]]


def status_event(owner: uuid.UUID, n: int) -> DossierStatusChanged:
    return DossierStatusChanged(
        event_id=uuid.uuid4(),
        occurred_at=datetime.now(UTC),
        dossier_id=uuid.uuid4(),
        code=f"HS-BENCH-{n:07d}",
        owner_id=owner,
        agency_code="CA-HCM",
        procedure_slug="cap-ho-chieu",
        procedure_names={"vi": "Cấp hộ chiếu phổ thông", "en": "Ordinary passport"},
        from_status="submitted",
        to_status="received",
        action="receive",
        actor_role="officer",
        appointment_date=date(2026, 12, 7),
    )


async def make_fixture(database_url: str, users: int, devices: int) -> Fixture:
    now = datetime.now(UTC)
    ids = [uuid.uuid4() for _ in range(users)]
    tokens = {u: [f"bench-{secrets.token_hex(20)}" for _ in range(devices)] for u in ids}
    conn = await asyncpg.connect(database_url, timeout=10)
    try:
        await conn.copy_records_to_table(
            "users",
            records=[(u, f"09{i:08d}", "citizen", now) for i, u in enumerate(ids)],
            columns=["id", "phone", "role", "created_at"],
        )
        await conn.copy_records_to_table(
            "devices",
            records=[
                (t, u, "android" if j % 2 == 0 else "ios", "vi" if j % 2 == 0 else "en", now, now)
                for u in ids
                for j, t in enumerate(tokens[u])
            ],
            columns=["token", "user_id", "platform", "locale", "created_at", "updated_at"],
        )
    finally:
        await conn.close()
    return Fixture(ids, tokens)


async def insert_outbox(database_url: str, fixture: Fixture, count: int) -> set[str]:
    events = [status_event(fixture.users[i % len(fixture.users)], i) for i in range(count)]
    conn = await asyncpg.connect(database_url, timeout=10)
    try:
        await conn.copy_records_to_table(
            "outbox",
            records=[
                (e.event_id, "dossier.status_changed", msgspec.json.encode(e).decode(), e.occurred_at, e.occurred_at)
                for e in events
            ],
            columns=["id", "topic", "payload", "created_at", "available_at"],
        )
    finally:
        await conn.close()
    return {str(e.event_id) for e in events}


# ---- measuring ------------------------------------------------------------------------------


def count(stats: httpx.Client) -> dict[str, int]:
    answer: dict[str, int] = stats.get("/count").json()
    return answer


def wait_for(stats: httpx.Client, total: int, limit: float, procs: list[subprocess.Popen[bytes]]) -> dict[str, int]:
    deadline = time.monotonic() + limit
    seen = count(stats)
    while seen["accepted"] < total and time.monotonic() < deadline:
        if any(p.poll() is not None for p in procs):
            raise RuntimeError("a worker exited")
        time.sleep(POLL)
        seen = count(stats)
    return seen


def check_arrivals(arrivals: list[list[Any]], events: set[str], devices: int) -> list[str]:
    pairs: dict[tuple[str, str], int] = {}
    for _, event_id, token in arrivals:
        pairs[(event_id, token)] = pairs.get((event_id, token), 0) + 1
    problems = []
    twice = sum(1 for n in pairs.values() if n > 1)
    if twice:
        problems.append(f"{twice} (event, device) pairs got more than one push")
    foreign = {e for e, _ in pairs} - events
    if foreign:
        problems.append(f"{len(foreign)} pushed events were not the benchmark's")
    if len(pairs) != len(events) * devices:
        problems.append(f"{len(pairs)} distinct (event, device) pushes, expected {len(events) * devices}")
    return problems


async def check_database(database_url: str, events: int, devices: int) -> list[str]:
    conn = await asyncpg.connect(database_url, timeout=10)
    problems = []
    try:
        for _ in range(100):  # a worker records deliveries and marks the row done just after the send
            row = await conn.fetchrow(
                "SELECT (SELECT count(*) FROM push_deliveries WHERE status = 'sent') AS sent, "
                "(SELECT count(*) FROM push_deliveries) AS deliveries, "
                "(SELECT count(*) FROM outbox WHERE status = 'done') AS done, "
                "(SELECT count(*) FROM outbox) AS outbox, (SELECT count(*) FROM notifications) AS inbox"
            )
            assert row is not None
            if row["done"] == row["outbox"] == events:
                break
            await asyncio.sleep(0.1)
        if (row["sent"], row["deliveries"]) != (events * devices, events * devices):
            problems.append(f"push_deliveries: {row['sent']} sent of {row['deliveries']}, expected {events * devices}")
        if (row["done"], row["outbox"]) != (events, events):
            problems.append(f"outbox: {row['done']} done of {row['outbox']}, expected {events}")
        if row["inbox"] != events:
            problems.append(f"inbox entries: {row['inbox']}, expected {events}")
    finally:
        await conn.close()
    return problems


async def publish_at_rate(
    database_url: str, fixture: Fixture, rate: float, seconds: float, offset: int
) -> tuple[dict[str, float], float, float]:
    """Publishes rate x seconds events through EventBus.publish, each in its own transaction, on a
    fixed schedule; answers the commit time of each event, the achieved rate and the worst lag behind
    the schedule."""
    bus = EventBus()
    pool = await create_pool(database_url, min_size=4, max_size=8)
    committed: dict[str, float] = {}
    lag = 0.0
    total = max(1, round(rate * seconds))
    gate = asyncio.Semaphore(8)

    async def one(n: int) -> None:
        event = status_event(fixture.users[n % len(fixture.users)], n)
        async with gate, pool.acquire() as conn, conn.transaction():
            await bus.publish(conn, event)
        committed[str(event.event_id)] = time.time()

    try:
        tasks = []
        start = time.perf_counter()
        for i in range(total):
            due = start + i / rate
            delay = due - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            lag = max(lag, time.perf_counter() - due)
            tasks.append(asyncio.create_task(one(offset + i)))
            if time.perf_counter() - start > seconds * 3 + 10:
                break  # far behind: stop publishing
        async with asyncio.timeout(60):
            await asyncio.gather(*tasks)
        achieved = len(tasks) / max(time.perf_counter() - start, 1e-9)
    finally:
        await pool.close()
    return committed, achieved, lag


# ---- main -----------------------------------------------------------------------------------


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    p.add_argument("--events", type=int, default=2000, help="outbox rows in the throughput run (default 2000)")
    p.add_argument("--devices-per-user", type=int, default=2, help="registered devices per citizen (default 2)")
    p.add_argument("--users", type=int, default=500, help="citizens the events are spread over (default 500)")
    p.add_argument("--rate", type=float, default=200.0, help="status changes per second in the latency run")
    p.add_argument("--seconds", type=float, default=10.0, help="length of the latency run (default 10)")
    p.add_argument("--workers", type=int, default=1, help="`motcua worker` processes (default 1)")
    p.add_argument("--max-seconds", type=float, default=300.0, help="time limit of each phase")
    p.add_argument("--no-latency", action="store_true", help="skip the latency run")
    p.add_argument("--json", type=Path, help="also write the figures to this file")
    args = p.parse_args(argv)
    if not (1 <= args.events <= 200_000 and 1 <= args.devices_per_user <= 20 and 1 <= args.workers <= 8):
        p.error("--events 1..200000, --devices-per-user 1..20, --workers 1..8")
    if not (1 <= args.users <= 100_000 and 0 < args.rate <= 5000 and 0 < args.seconds <= 120):
        p.error("--users 1..100000, --rate 0..5000, --seconds 0..120")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    n, d, w = args.events, args.devices_per_user, args.workers
    with harness.scratch() as tmp:
        name, database_url, scratch = tmp.name, tmp.url, tmp.dir
        env = harness.bench_env(database_url, scratch / "data")
        procs: list[subprocess.Popen[Any]] = []
        problems: list[str] = []
        report: dict[str, Any] = {"events": n, "devices_per_user": d, "workers": w, "users": args.users}
        try:
            print(f"database {name}; scratch {scratch}", file=sys.stderr)
            harness.migrate_and_seed(env)
            fixture = asyncio.run(make_fixture(database_url, args.users, d))
            events = asyncio.run(insert_outbox(database_url, fixture, n))
            print(f"fixture: {args.users} citizens x {d} devices, {n} outbox rows", file=sys.stderr)

            standin, fcm_url, stats_url = start_standin(args.max_seconds * 3 + 120, scratch / "standin.log")
            procs.append(standin)
            env.update(
                {
                    "MOTCUA_FIREBASE_CREDENTIALS": "anonymous",
                    "MOTCUA_FIREBASE_PROJECT_ID": PROJECT,
                    "MOTCUA_FCM_BASE_URL": fcm_url,
                }
            )
            with httpx.Client(base_url=stats_url, timeout=10.0) as stats:
                # 1. throughput
                total = n * d
                spawned = time.time()
                workers = [
                    harness.spawn([sys.executable, "-m", "cli", "worker"], env, scratch / f"worker{i}.log")
                    for i in range(w)
                ]
                procs.extend(workers)
                watch = CpuWatch([p.pid for p in workers], standin.pid, name)
                started = wait_for(stats, 1, args.max_seconds, workers)["accepted"]
                before = watch.sample()  # the CPU is counted from the first push on, without the start-up
                seen = wait_for(stats, total, args.max_seconds, workers)
                done = time.time()
                after = watch.sample()
                arrivals = stats.get("/arrivals", params={"from": 0}).json()
                first, last = (min(a[0] for a in arrivals), max(a[0] for a in arrivals)) if arrivals else (done, done)
                problems += check_arrivals(arrivals, events, d)
                problems += asyncio.run(check_database(database_url, n, d))
                if seen["rejections"]:
                    problems.append(f"the stand-in rejected {seen['rejections']} messages")
                rate_all = len(arrivals) / (done - spawned)
                rate_steady = len(arrivals) / (last - first) if last > first else math.nan
                print(
                    f"\nthroughput: {n} events x {d} devices = {total} pushes, {w} worker(s)\n"
                    f"  received    {len(arrivals)} pushes ({seen['requests']} requests) in {done - spawned:.2f} s "
                    f"from the workers' start: {rate_all:.0f} pushes/s\n"
                    f"  first push  {first - spawned:.2f} s after the start (process start-up); first to last "
                    f"{last - first:.2f} s: {rate_steady:.0f} pushes/s\n"
                    + cpu_line(before, after, len(arrivals) - started)
                )
                report["throughput"] = {
                    "pushes": len(arrivals),
                    "seconds_from_start": round(done - spawned, 3),
                    "pushes_per_s": round(rate_all, 1),
                    "startup_s": round(first - spawned, 3),
                    "steady_pushes_per_s": round(rate_steady, 1),
                }

                # 2. latency at a rate
                if not args.no_latency:
                    offset = len(arrivals)
                    before = watch.sample()
                    committed, achieved, lag = asyncio.run(
                        publish_at_rate(database_url, fixture, args.rate, args.seconds, n)
                    )
                    wait_for(stats, offset + len(committed) * d, 60.0, workers)
                    after = watch.sample()
                    late = stats.get("/arrivals", params={"from": offset}).json()
                    latencies = [(t - committed[e]) * 1000 for t, e, _ in late if e in committed]
                    problems += check_arrivals(late, set(committed), d)
                    print(
                        f"latency: {len(committed)} status changes at {achieved:.0f}/s (asked {args.rate:.0f}/s, "
                        f"worst lag behind schedule {lag * 1000:.0f} ms), {len(late)} pushes\n"
                        f"  commit to stand-in ms  p50 {harness.pct(latencies, 0.5):.0f}  "
                        f"p95 {harness.pct(latencies, 0.95):.0f}  "
                        f"p99 {harness.pct(latencies, 0.99):.0f}  max {harness.pct(latencies, 1.0):.0f}\n"
                        + cpu_line(before, after, len(late))
                    )
                    report["latency"] = {
                        "events": len(committed),
                        "rate": round(achieved, 1),
                        "pushes": len(late),
                        **{f"p{q}_ms": round(harness.pct(latencies, q / 100), 1) for q in (50, 95, 99, 100)},
                    }
                    met_latency = harness.pct(latencies, 0.95) < 1000
                else:
                    met_latency = True
            print("check: " + ("every (event, device) got exactly one push, all recorded" if not problems else ""))
            for problem in problems:
                print(f"  PROBLEM: {problem}")
            # a worker runs for days: its rate is the one once it sends, not the seconds its imports take
            met = rate_steady >= 2000 and met_latency
            print(
                f"target (>= 2000 pushes/s once sending, p95 < 1 s at {args.rate:.0f}/s): {'met' if met else 'NOT met'}"
            )
            if args.json:
                report.update(date=datetime.now(UTC).date().isoformat(), cores=psutil.cpu_count(), problems=problems)
                args.json.write_text(json.dumps(report, indent=2) + "\n")
            return 0 if not problems else 1
        finally:
            for proc in reversed(procs):
                harness.stop(proc)


if __name__ == "__main__":
    sys.exit(main())
