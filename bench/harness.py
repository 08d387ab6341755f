"""What the benchmarks share: a throw-away database, `motcua` subprocesses, percentiles and CPU accounting."""

from __future__ import annotations

import asyncio
import contextlib
import math
import os
import re
import resource
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import psutil

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
# another local cluster (say one with pg_stat_statements preloaded) by BENCH_PGPORT
PG_PORT = int(os.environ.get("BENCH_PGPORT") or 5432)
PG_ADMIN_DSN = f"postgresql://postgres@127.0.0.1:{PG_PORT}/postgres"
# the machine's Redis may be shared: REDIS_URL from the environment wins
REDIS_URL = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/14"
CLI_TIMEOUT = 180.0
READY_TIMEOUT = 60.0
STOP_TIMEOUT = 20.0


# ---- the throw-away database ----------------------------------------------------------------


def database_url(name: str) -> str:
    return f"postgresql://postgres@127.0.0.1:{PG_PORT}/{name}"


async def create_database(name: str) -> None:
    conn = await asyncpg.connect(PG_ADMIN_DSN, timeout=10)
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()


async def drop_database(name: str) -> None:
    conn = await asyncpg.connect(PG_ADMIN_DSN, timeout=10)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


async def analyze(url: str) -> None:
    conn = await asyncpg.connect(url, timeout=10)
    try:
        await conn.execute("ANALYZE", timeout=600)
    finally:
        await conn.close()


@dataclass(frozen=True)
class Scratch:
    """A run's database (not yet created) and its scratch directory."""

    name: str
    url: str
    dir: Path


@contextlib.contextmanager
def scratch() -> Iterator[Scratch]:
    """A `motcua_bench_<random>` name and a scratch directory; the database, once created with
    `create(...)`, is dropped and the directory removed on the way out, whatever happens."""
    name = f"motcua_bench_{secrets.token_hex(4)}"
    run = Scratch(name, database_url(name), Path(tempfile.mkdtemp(prefix="motcua-bench-")))
    created = False
    try:
        asyncio.run(create_database(name))
        created = True
        yield run
    finally:
        if created:
            asyncio.run(drop_database(name))
        shutil.rmtree(run.dir, ignore_errors=True)


# ---- `motcua` subprocesses ------------------------------------------------------------------


def bench_env(database_url: str, data_dir: Path, extra: dict[str, str] | None = None) -> dict[str, str]:
    """This process's environment, pointed at the benchmark database, with `extra` laid over it."""
    env = dict(os.environ)
    env.update(
        {
            "DATABASE_URL": database_url,
            "REDIS_URL": REDIS_URL,
            "MOTCUA_DATA_DIR": str(data_dir),
            "MOTCUA_JWT_SECRET": "bench-jwt-" + secrets.token_hex(16),
            "MOTCUA_INPROCESS_WORKER": "false",
            "MOTCUA_RATE_LIMITS": "off",
            **(extra or {}),
        }
    )
    return env


def motcua(args: list[str], env: dict[str, str]) -> str:
    """`uv run motcua <args>`; its standard output, stripped."""
    done = subprocess.run(
        ["uv", "run", "--quiet", "motcua", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=CLI_TIMEOUT,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"motcua {' '.join(args)} failed ({done.returncode}):\n{done.stderr[-2000:]}")
    return done.stdout.strip()


def migrate_and_seed(env: dict[str, str]) -> None:
    motcua(["migrate"], env)
    motcua(["seed"], env)


def spawn(cmd: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    """`cmd` in the project root, its output to `log`, in its own process group (stopped as one, by this id)."""
    with log.open("wb") as out:
        return subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)


def stop(proc: subprocess.Popen[Any]) -> None:
    """SIGTERM to the process group, SIGKILL if it has not ended within STOP_TIMEOUT."""
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=STOP_TIMEOUT)
    except ProcessLookupError:
        pass


def wait_ready(url: str, proc: subprocess.Popen[bytes], log: Path, started: float) -> float:
    """Seconds from `started` to the first 200 at `url` (polled every 20 ms)."""
    with httpx.Client(timeout=1.0) as http:
        while time.monotonic() - started < READY_TIMEOUT:
            if proc.poll() is not None:
                raise RuntimeError(f"the server exited ({proc.returncode}):\n{log.read_text()[-3000:]}")
            try:
                if http.get(url).status_code == 200:
                    return time.monotonic() - started
            except httpx.HTTPError:
                pass
            time.sleep(0.02)
    raise RuntimeError(f"not ready within {READY_TIMEOUT:.0f}s:\n{log.read_text()[-3000:]}")


def start(cmd: list[str], env: dict[str, str], log: Path, ready: str) -> tuple[subprocess.Popen[bytes], float]:
    started = time.monotonic()
    proc = spawn(cmd, env, log)
    try:
        return proc, wait_ready(ready, proc, log, started)
    except BaseException:
        stop(proc)
        raise


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


# ---- measuring ------------------------------------------------------------------------------


def pct(values: list[float], q: float) -> float:
    """The q-quantile (nearest rank) of `values`; NaN when empty."""
    if not values:
        return math.nan
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


def process_tree(pid: int) -> list[psutil.Process]:
    try:
        root = psutil.Process(pid)
        return [root, *root.children(recursive=True)]
    except psutil.Error:
        return []


def memory(pid: int) -> list[tuple[str, int, int]]:
    """(command, RSS, PSS) in MiB of each process of the tree under `pid`."""
    found = []
    for proc in process_tree(pid):
        try:
            info = proc.memory_full_info()
            cmd = proc.cmdline()
            name = " ".join([Path(cmd[0]).name, *cmd[1:3]])
        except psutil.Error:
            continue
        found.append((name, info.rss >> 20, info.pss >> 20))
    return found


def postgres_processes(database: str) -> tuple[list[psutil.Process], list[psutil.Process]]:
    """PostgreSQL's backends connected to `database`, and its shared processes (the postmaster,
    WAL writer, checkpointer, autovacuum...); other databases' backends are left out."""
    backends: list[psutil.Process] = []
    shared: list[psutil.Process] = []
    for proc in psutil.process_iter(["cmdline", "username"]):
        cmd = " ".join(proc.info["cmdline"] or [])
        if proc.info["username"] != "postgres" or "postgres" not in cmd.split(" ", 1)[0]:
            continue
        if "127.0.0.1(" in cmd or "[local]" in cmd:  # "postgres: 15/main: <user> <database> <client> <state>"
            if f" {database} " in cmd:
                backends.append(proc)
        else:
            shared.append(proc)
    return backends, shared


def cpu_seconds(procs: list[psutil.Process]) -> float:
    """User + system CPU seconds of `procs`, those that have ended left out."""
    total = 0.0
    for proc in procs:
        with contextlib.suppress(psutil.Error):
            t = proc.cpu_times()
            total += t.user + t.system
    return total


def own_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def busy_seconds() -> float:
    """Seconds every core of the machine has spent not idle (nor waiting for I/O)."""
    machine = psutil.cpu_times()
    return sum(machine) - machine.idle - getattr(machine, "iowait", 0.0)


def wait_quiet(limit: float, seconds: float) -> float:
    """Wait (at most `seconds`) until other work leaves the machine nearly idle; the last busy cores."""
    busy = math.nan
    for _ in range(max(1, int(seconds))):  # one-second samples, bounded
        before = busy_seconds()
        time.sleep(1.0)
        busy = (busy_seconds() - before) / 1.0
        if busy <= limit:
            break
    return busy


WAITS = """
SELECT a.state, coalesce(a.wait_event_type || ':' || a.wait_event, 'CPU or network') AS wait,
    left(regexp_replace(a.query, '\\s+', ' ', 'g'), 60) AS query
FROM pg_stat_activity a
WHERE a.datname = current_database() AND a.pid <> pg_backend_pid() AND a.backend_type = 'client backend'
    AND a.state <> 'idle'
"""


async def sample_waits(database_url: str, stop: asyncio.Event, max_seconds: float, every: float = 0.05) -> Counter[str]:
    """What the benchmark database's busy backends are doing, sampled every `every` seconds."""
    seen: Counter[str] = Counter()
    conn = await asyncpg.connect(database_url, timeout=10)
    try:
        for _ in range(int(max_seconds / every) + 1):  # bounded by the phase's time limit
            if stop.is_set():
                break
            for row in await conn.fetch(WAITS, timeout=5):
                what = row["wait"] if row["state"] == "active" else f"{row['state']} (waiting for the app)"
                seen[f"{what} <- {row['query']}" if row["wait"].startswith("Lock") else what] += 1
            seen["(samples)"] += 1
            await asyncio.sleep(every)
    finally:
        await conn.close()
    return seen


# ---- wrk --------------------------------------------------------------------------------------


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def _ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text)
    if not match:
        raise ValueError(f"not a wrk duration: {text!r}")
    return float(match.group(1)) * _UNITS[match.group(2)]


def parse_wrk(out: str) -> dict[str, Any]:
    def grab(pattern: str) -> str:
        match = re.search(pattern, out, re.MULTILINE)
        if not match:
            raise RuntimeError(f"wrk's output has no {pattern!r}:\n{out}")
        return match.group(1)

    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: (.*)$", out, re.MULTILINE)
    return {
        "rate": float(grab(r"^Requests/sec:\s+([\d.]+)")),
        "p50": _ms(grab(r"^\s+50%\s+(\S+)")),
        "p90": _ms(grab(r"^\s+90%\s+(\S+)")),
        "p99": _ms(grab(r"^\s+99%\s+(\S+)")),
        "max": _ms(grab(r"^\s+Latency\s+\S+\s+\S+\s+(\S+)")),
        "requests": int(grab(r"^\s+(\d+) requests in")),
        "non_2xx": int(non_2xx.group(1)) if non_2xx else 0,
        "errors": errors.group(1).strip() if errors else "",
    }
