"""The serving process's CPU per request, in process: no HTTP server, no wrk, one request at a time.

    REDIS_URL=… uv run python bench/path_cpu.py [--dossiers 40000] [--requests 1500] [--rounds 2]
        [--against ../other-checkout]

A scratch database is migrated, seeded and filled as `bench/province.py` fills it (`--dossiers`), an
officer of the busiest office and a citizen get their tokens (`motcua token`). Then a child process
builds the app as `motcua serve`'s worker does (`asgi.app_from_env`, its lifespan run), and calls it
as an ASGI server would, under uvloop, against the database and Redis: for each door, 100 requests
unmeasured, then `--requests` timed, reporting the process's CPU time per request (`time.process_time`)
and the wall time. PostgreSQL's and Redis's own CPU is not in the figure: this is what a worker spends.

With `--against DIR`, the same child is run from that checkout of the project too (its own `uv`
environment, the same database), the two by turns, `--rounds` times: the way to compare a change
with what it changes, on a machine whose load moves (every figure is printed with the load average).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

DOORS: tuple[tuple[str, str, str, str], ...] = (
    # name, method, path and query, token ("citizen", "officer" or "")
    ("POST /api/v1/dossiers", "POST", "/api/v1/dossiers", "citizen"),
    ("POST /api/v1/assistant/messages", "POST", "/api/v1/assistant/messages", ""),
    ("officer queue, offset 1000", "GET", "/api/v1/officer/dossiers?agency={agency}&offset=1000&limit=20", "officer"),
    ("officer queue, status=submitted", "GET", "/api/v1/officer/dossiers?agency={agency}&status=submitted", "officer"),
    (
        "officer queue, overdue=reception",
        "GET",
        "/api/v1/officer/dossiers?agency={agency}&overdue=reception",
        "officer",
    ),
    (
        "on-time statistics, a year",
        "GET",
        "/api/v1/stats/on-time?agency={agency}&from={year_ago}&to={today}",
        "officer",
    ),
)


class Exchange:
    """One request's ASGI receive and send."""

    def __init__(self, body: bytes) -> None:
        self.body = body
        self.sent_body = False
        self.status = 0
        self.done = asyncio.Event()

    async def receive(self) -> dict[str, Any]:
        if not self.sent_body:
            self.sent_body = True
            return {"type": "http.request", "body": self.body, "more_body": False}
        await self.done.wait()
        return {"type": "http.disconnect"}

    async def send(self, message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            self.status = message["status"]
        elif message["type"] == "http.response.body" and not message.get("more_body"):
            self.done.set()


def scope(method: str, target: str, token: str, body: bytes, lifespan_state: dict[str, Any]) -> dict[str, Any]:
    path, _, query = target.partition("?")
    headers = [(b"host", b"127.0.0.1:8000"), (b"user-agent", b"bench"), (b"accept", b"*/*")]
    if token:
        headers.append((b"authorization", b"Bearer " + token.encode()))
    if body:
        headers += [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    return {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": query.encode(),
        "root_path": "",
        "headers": headers,
        "client": ("127.0.0.1", 40000),
        "server": ("127.0.0.1", 8000),
        "state": dict(lifespan_state),
    }


async def child(spec: dict[str, Any]) -> None:
    from asgi import app_from_env

    app = app_from_env()
    startup: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    started: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    lifespan_state: dict[str, Any] = {}
    await startup.put({"type": "lifespan.startup"})
    lifespan = asyncio.ensure_future(
        app({"type": "lifespan", "asgi": {"version": "3.0"}, "state": lifespan_state}, startup.get, started.put)  # type: ignore[arg-type]
    )
    message = await started.get()
    assert message["type"] == "lifespan.startup.complete", message
    results: dict[str, dict[str, float]] = {}
    try:
        for name, method, target, token, bodies in spec["doors"]:
            sent = [body.encode() for body in bodies] or [b""]

            async def one(turn: int, method: str = method, target: str = target, token: str = token) -> int:
                body = sent[turn % len(sent)]  # noqa: B023  # this door's, run before the next is set
                exchange = Exchange(body)
                await app(scope(method, target, token, body, lifespan_state), exchange.receive, exchange.send)  # type: ignore[arg-type]
                return exchange.status

            for turn in range(100):
                status = await one(turn)
                assert status < 300, (name, status)
            n = spec["requests"]
            cpu, wall = time.process_time(), time.perf_counter()
            for turn in range(n):
                await one(turn)
            results[name] = {
                "cpu_ms": (time.process_time() - cpu) / n * 1000,
                "wall_ms": (time.perf_counter() - wall) / n * 1000,
            }
    finally:
        await startup.put({"type": "lifespan.shutdown"})
        await started.get()
        await lifespan
    print(json.dumps(results))


def run_child(
    checkout: Path, env: dict[str, str], spec: dict[str, Any], profile: Path | None = None
) -> dict[str, dict[str, float]]:
    cmd = ["uv", "run", "--quiet", "--project", str(checkout), "python", __file__, "--child"]
    if profile is not None:  # py-spy on the child's own interpreter, not on `uv run`
        out = profile / f"{checkout.name}-{time.strftime('%H%M%S')}.txt"
        python = str(checkout / ".venv" / "bin" / "python")
        cmd = [
            "py-spy",
            "record",
            "--format",
            "raw",
            "--rate",
            "400",
            "-o",
            str(out),
            "--",
            python,
            __file__,
            "--child",
        ]
    done = subprocess.run(
        cmd,
        cwd=checkout,
        env=env,
        input=json.dumps(spec),
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"the child in {checkout} failed:\n{done.stderr[-3000:]}")
    result: dict[str, dict[str, float]] = json.loads([x for x in done.stdout.splitlines() if x.startswith("{")][-1])
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--dossiers", type=int, default=40_000, help="dossiers in the province (the officer's reads)")
    parser.add_argument("--requests", type=int, default=1500, help="timed requests per door")
    parser.add_argument("--rounds", type=int, default=2, help="times each checkout is measured")
    parser.add_argument("--against", type=Path, help="another checkout of the project, measured by turns")
    parser.add_argument("--only", help="the doors whose name holds this text, no other")
    parser.add_argument("--profile", type=Path, help="a folder for py-spy's samples of each child (collapsed stacks)")
    args = parser.parse_args()
    if args.child:
        import uvloop

        uvloop.run(child(json.loads(sys.stdin.read())))
        return 0

    import harness
    import province
    from doors import FILING, MESSAGES

    from core.clock import VN_TZ
    from core.sealing import DataKeys
    from core.settings import new_data_key

    key = new_data_key()
    with province.scratch() as db:
        env = harness.bench_env(db.url, db.dir, {"MOTCUA_DATA_KEY": key})
        harness.migrate_and_seed(env)
        now = datetime.now(UTC)
        asyncio.run(province.fill(db.url, args.dossiers, 0.05, 2000, DataKeys.from_text(key), now))
        officer = harness.motcua(
            ["token", "--phone", province.OFFICER_PHONE, "--role", "officer", "--agency", province.BUSIEST], env
        )
        citizen = harness.motcua(["token", "--phone", "0912345678"], env)
        today = now.astimezone(VN_TZ).date()
        fields = {
            "agency": province.BUSIEST,
            "today": today.isoformat(),
            "year_ago": today.replace(year=today.year - 1),
        }
        doors = []
        for name, method, target, who in DOORS:
            if args.only and args.only not in name:
                continue
            bodies = [FILING] if who == "citizen" else list(MESSAGES) if method == "POST" else []
            token = {"citizen": citizen, "officer": officer}.get(who, "")
            doors.append((name, method, target.format(**fields), token, bodies))
        spec = {"doors": doors, "requests": args.requests}
        checkouts = [harness.ROOT] + ([args.against.resolve()] if args.against else [])
        figures: dict[Path, list[dict[str, dict[str, float]]]] = {c: [] for c in checkouts}
        for n in range(args.rounds):
            for checkout in checkouts:
                load = os.getloadavg()[0]
                got = run_child(checkout, env, spec, args.profile)
                figures[checkout].append(got)
                print(f"round {n + 1}, {checkout.name}, load average {load:.2f}:", flush=True)
                for name, f in got.items():
                    print(f"  {name}: {f['cpu_ms']:.3f} ms CPU, {f['wall_ms']:.3f} ms wall per request", flush=True)
        print("\n| door | " + " | ".join(f"{c.name}: CPU ms/req (each round)" for c in checkouts) + " |")
        print("|---|" + "---|" * len(checkouts))
        for name in figures[checkouts[0]][0]:
            cells = [", ".join(f"{r[name]['cpu_ms']:.3f}" for r in figures[c]) for c in checkouts]
            print(f"| {name} | " + " | ".join(cells) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
