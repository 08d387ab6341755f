"""The assistant's cost: NLU latency in-process, messages/s over HTTP on one worker, and its memory.

1. **NLU in-process.** The learned models are loaded once (the time is reported), then every message
   of the evaluation sets (``tests/data/*.jsonl``) is understood (normalize, rules, both models,
   the conversation's decision) ``--passes`` times. Wall time and thread CPU time per message: p50,
   p99, max.
2. **Memory.** A fresh interpreter imports what a worker imports without the assistant (Litestar,
   asyncpg, redis, msgspec, the catalog) and reads its RSS; then imports the assistant, loads the
   models and understands a few messages, and reads it again.
3. **HTTP.** A scratch database (migrated and seeded), ``motcua serve --workers 1`` (granian), then
   ``POST /api/v1/assistant/messages`` anonymous, rate limits off, over ``--connections`` keep-alive
   connections with one request in flight each (the raw HTTP/1.1 client of ``webhooks.py``). Each
   connection keeps its own session. Messages/s, latency, and the server's CPU per message.

The machine may be shared: CPU time per message is the figure that does not depend on the load.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import subprocess
import sys
import time

import harness
from webhooks import RawConnection, start_server, wait_ready

EVAL = harness.ROOT / "tests" / "data"
SETS = ("assistant_eval.jsonl", "nlu_dev.jsonl", "nlu_heldout.jsonl")
PATH = "/api/v1/assistant/messages"
LIVE = "/health/live"
MAX_SECONDS = 120.0

_MEMORY_PROBE = """
import gc, json, sys, psutil
import litestar, asyncpg, redis.asyncio, msgspec, granian
from api.catalog.service import load_catalog_data
catalog = load_catalog_data()
gc.collect()
before = psutil.Process().memory_info().rss
from assistant.nlu import Understander, normalize
import assistant.service
understander = Understander([p.slug for p in catalog.procedures])
for text in sys.argv[1:]:
    understander(normalize(text))
gc.collect()
print(json.dumps({"before": before, "after": psutil.Process().memory_info().rss}))
"""


def messages() -> list[str]:
    lines = [line for name in SETS for line in (EVAL / name).read_text("utf-8").splitlines() if line.strip()]
    return [json.loads(line)["text"] for line in lines]


def nlu_latency(texts: list[str], passes: int) -> dict[str, float]:
    sys.path.insert(0, str(harness.ROOT))
    from api.catalog.service import load_catalog_data
    from assistant.conversation import follow
    from assistant.dialogue import DialogueState
    from assistant.nlu import Understander, normalize
    from assistant.nlu.model import load_model

    catalog = load_catalog_data()
    started = time.perf_counter()
    load_model()
    understander = Understander([p.slug for p in catalog.procedures])
    build = time.perf_counter() - started
    for text in texts[:20]:  # warm-up
        understander(normalize(text))
    wall: list[float] = []
    cpu: list[float] = []
    deadline = time.monotonic() + MAX_SECONDS
    for _ in range(passes):
        for text in texts:
            c0, w0 = time.thread_time_ns(), time.perf_counter_ns()
            message = normalize(text)
            follow(understander(message), message, DialogueState())
            wall.append((time.perf_counter_ns() - w0) / 1e6)
            cpu.append((time.thread_time_ns() - c0) / 1e6)
        if time.monotonic() > deadline:
            break
    return {
        "messages": len(wall),
        "build_ms": build * 1000,
        "p50_ms": harness.pct(wall, 0.5),
        "p99_ms": harness.pct(wall, 0.99),
        "max_ms": max(wall),
        "cpu_mean_ms": sum(cpu) / len(cpu),
        "cpu_p99_ms": harness.pct(cpu, 0.99),
    }


def memory(texts: list[str]) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, "-c", _MEMORY_PROBE, *texts[:30]],
        cwd=harness.ROOT,
        capture_output=True,
        text=True,
        timeout=harness.CLI_TIMEOUT,
        check=True,
    )
    rss = json.loads(done.stdout.strip().splitlines()[-1])
    return {"before_mb": rss["before"] / 2**20, "after_mb": rss["after"] / 2**20}


async def http_load(port: int, texts: list[str], count: int, connections: int, *, path: str = PATH) -> dict[str, float]:
    """``count`` requests over ``connections`` connections; ``path`` other than the assistant's is a GET."""
    queue = list(range(count))
    latencies: list[float] = []
    statuses: dict[int, int] = {}

    async def worker(n: int) -> None:
        conn = RawConnection(harness.HOST, port)
        headers = {"Content-Type": "application/json"}
        try:
            while queue:
                i = queue.pop()
                body = json.dumps({"text": texts[i % len(texts)], "session_id": f"bench-{n}"}).encode()
                t0 = time.perf_counter()
                if path == PATH:
                    status, _ = await conn.request("POST", PATH, headers, body)
                else:
                    status, _ = await conn.request("GET", path, {}, b"")
                latencies.append((time.perf_counter() - t0) * 1000)
                statuses[status] = statuses.get(status, 0) + 1
        finally:
            await conn.close()

    started = time.perf_counter()
    await asyncio.wait_for(asyncio.gather(*(worker(n) for n in range(connections))), MAX_SECONDS)
    elapsed = time.perf_counter() - started
    return {
        "requests": len(latencies),
        "seconds": elapsed,
        "rate": len(latencies) / elapsed,
        "p50_ms": harness.pct(latencies, 0.5),
        "p99_ms": harness.pct(latencies, 0.99),
        "ok": statuses.get(200, 0),
    }


def http_bench(texts: list[str], count: int, connections: int) -> dict[str, float]:
    with harness.scratch() as run:
        port = harness.free_port()
        env = harness.bench_env(run.url, run.dir, {"MOTCUA_PUBLIC_BASE_URL": f"http://{harness.HOST}:{port}"})
        harness.migrate_and_seed(env)
        log = run.dir / "server.log"
        server = start_server(env, port, 1, log)
        try:
            wait_ready(f"http://{harness.HOST}:{port}", server, log)
            asyncio.run(http_load(port, texts, min(500, count), connections))  # warm-up
            tree = harness.process_tree(server.pid)
            cpu0, busy0 = harness.cpu_seconds(tree), harness.busy_seconds()
            result = asyncio.run(http_load(port, texts, count, connections))
            result["server_cpu_ms_per_message"] = (harness.cpu_seconds(tree) - cpu0) / result["requests"] * 1000
            result["machine_busy_cores"] = (harness.busy_seconds() - busy0) / result["seconds"]
            # the ceiling of this client and the HTTP stack: the cheapest route, same connections
            cpu0 = harness.cpu_seconds(tree)
            live = asyncio.run(http_load(port, texts, count, connections, path=LIVE))
            result["live_rate"] = live["rate"]
            result["live_cpu_ms"] = (harness.cpu_seconds(tree) - cpu0) / live["requests"] * 1000
            rss = sum(p.memory_info().rss for p in tree if p.is_running()) / 2**20
            result["server_rss_mb"] = rss
            return result
        finally:
            harness.stop(server)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    p.add_argument("--passes", type=int, default=10, help="passes over the evaluation messages in-process")
    p.add_argument("--requests", type=int, default=5000, help="HTTP requests in the measured run")
    p.add_argument("--connections", type=int, default=16)
    p.add_argument("--http", action=argparse.BooleanOptionalAction, default=True, help="also run the HTTP part")
    args = p.parse_args(argv)
    texts = messages()
    load = harness.busy_seconds()
    time.sleep(1.0)
    print(f"machine busy before the run: {harness.busy_seconds() - load:.2f} cores")
    nlu = nlu_latency(texts, args.passes)
    print(
        f"NLU in-process: {nlu['messages']:.0f} messages, models loaded in {nlu['build_ms']:.0f} ms; "
        f"wall p50 {nlu['p50_ms']:.3f} ms, p99 {nlu['p99_ms']:.3f} ms, max {nlu['max_ms']:.2f} ms; "
        f"CPU mean {nlu['cpu_mean_ms']:.3f} ms, p99 {nlu['cpu_p99_ms']:.3f} ms"
    )
    mem = memory(texts)
    print(
        f"memory: {mem['before_mb']:.0f} MB without the assistant, {mem['after_mb']:.0f} MB with it "
        f"(+{mem['after_mb'] - mem['before_mb']:.0f} MB)"
    )
    if args.http:
        h = http_bench(texts, args.requests, args.connections)
        print(
            f"HTTP, 1 worker, {args.connections} connections: {h['requests']:.0f} requests ({h['ok']:.0f} ok) in "
            f"{h['seconds']:.1f} s = {h['rate']:.0f} messages/s; p50 {h['p50_ms']:.1f} ms, p99 {h['p99_ms']:.1f} ms; "
            f"server CPU {h['server_cpu_ms_per_message']:.2f} ms/message; machine busy {h['machine_busy_cores']:.2f} "
            f"cores; server RSS {h['server_rss_mb']:.0f} MB"
        )
        print(f"GET {LIVE}, same client: {h['live_rate']:.0f} requests/s, server CPU {h['live_cpu_ms']:.2f} ms/request")
    return 0


if __name__ == "__main__":
    sys.exit(main())
