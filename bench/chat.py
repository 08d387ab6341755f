"""Chat channel webhooks and replies: signed Messenger events to a real `motcua serve`, answers to a
stand-in Graph API from the dispatcher running inside `serve`.

    uv run python bench/chat.py [--messages N] [--concurrency C] [--worker]

Creates a throw-away database, runs `motcua migrate` and `motcua seed`, starts the Graph API stand-in
of the integration tests (tests/integration/standins/graph_api.py) in this process and `motcua serve`
(one worker, MOTCUA_INPROCESS_WORKER=true; with --worker a separate `motcua worker` answers instead)
pointed at it. N signed events (`X-Hub-Signature-256`), one
text each from N different citizens (realistic questions, round robin), are POSTed over C
keep-alive connections with one request in flight on each. Reported: webhook answers per second and
their latency (the platform's wait), and for every message the time from its POST to the arrival of
its reply at the stand-in. Checks: every webhook answered 200 `{"received": 1}`, the stand-in
accepted exactly one reply per citizen, every chat_messages row is answered.

The server and the stand-in are stopped, the database dropped and the scratch directory removed at
the end, whatever happens. Only 127.0.0.1 is contacted. Every loop is bounded in count and in time.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from typing import Any

import asyncpg
import harness
import httpx

sys.path.insert(0, str(harness.ROOT))

from assistant.channels.signatures import messenger_signature
from tests.integration.standins.graph_api import GraphStandin

APP_SECRET = "bench-app-secret"
PAGE_TOKEN = "bench-page-token"
TEXTS = (
    "lam giay khai sinh can gi",
    "cấp lại căn cước mất bao lâu",
    "le phi lam ho chieu bao nhieu",
    "đăng ký kết hôn nộp ở đâu",
    "xin chào",
    "thoi tiet hom nay",
)


class TimedGraph(GraphStandin):
    """The stand-in, noting when each citizen's reply arrived."""

    def __init__(self) -> None:
        super().__init__(page_token=PAGE_TOKEN)
        self.arrivals: dict[str, float] = {}

    def answer(self, method: str, path: str, query: dict[str, str], headers: dict[str, str], body: bytes) -> Any:
        status, answer = super().answer(method, path, query, headers, body)
        if status == 200:
            self.arrivals.setdefault(answer["recipient_id"], time.time())
        return status, answer


def event(n: int) -> tuple[str, bytes]:
    psid = f"PSID{n:07d}"
    item = {
        "sender": {"id": psid},
        "recipient": {"id": "PAGE"},
        "timestamp": 1764557000000 + n,
        "message": {"mid": f"m_bench_{n}", "text": TEXTS[n % len(TEXTS)]},
    }
    return psid, json.dumps({"object": "page", "entry": [{"id": "PAGE", "time": 1, "messaging": [item]}]}).encode()


async def send_all(
    url: str, count: int, concurrency: int, first: int = 0
) -> tuple[dict[str, float], list[float], list[str]]:
    sent: dict[str, float] = {}
    latencies: list[float] = []
    problems: list[str] = []
    queue = list(range(first, first + count))
    async with httpx.AsyncClient(
        base_url=url, timeout=30.0, limits=httpx.Limits(max_connections=concurrency)
    ) as client:

        async def lane() -> None:
            while queue:
                psid, body = event(queue.pop())
                headers = {
                    "X-Hub-Signature-256": messenger_signature(body, APP_SECRET),
                    "Content-Type": "application/json",
                }
                started = time.time()
                response = await client.post("/api/v1/channels/messenger/webhook", content=body, headers=headers)
                latencies.append((time.time() - started) * 1000)
                sent[psid] = started
                if response.status_code != 200 or response.json() != {"received": 1}:
                    problems.append(f"{psid}: {response.status_code} {response.text[:200]}")

        await asyncio.gather(*(lane() for _ in range(concurrency)))
    return sent, latencies, problems


async def unanswered(database_url: str) -> int:
    conn = await asyncpg.connect(database_url)
    try:
        count: int = await conn.fetchval("SELECT count(*) FROM chat_messages WHERE replied_at IS NULL")
        return count
    finally:
        await conn.close()


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    p.add_argument("--messages", type=int, default=1000, help="webhook events, one per citizen (default 1000)")
    p.add_argument("--concurrency", type=int, default=8, help="connections in flight (default 8)")
    p.add_argument("--worker", action="store_true", help="answer from a separate `motcua worker`, not inside serve")
    p.add_argument("--max-seconds", type=float, default=300.0, help="time limit of the replies to arrive")
    args = p.parse_args(argv)
    if not (1 <= args.messages <= 50_000 and 1 <= args.concurrency <= 64):
        p.error("--messages 1..50000, --concurrency 1..64")
    with harness.scratch() as tmp, TimedGraph() as graph:
        port = harness.free_port()
        env = harness.bench_env(
            tmp.url,
            tmp.dir / "data",
            {
                "MOTCUA_INPROCESS_WORKER": "false" if args.worker else "true",
                "MOTCUA_MESSENGER_APP_SECRET": APP_SECRET,
                "MOTCUA_MESSENGER_PAGE_TOKEN": PAGE_TOKEN,
                "MOTCUA_GRAPH_API_BASE": graph.url,
            },
        )
        harness.migrate_and_seed(env)
        server = harness.spawn([sys.executable, "-m", "cli", "serve", "--port", str(port)], env, tmp.dir / "serve.log")
        worker = (
            harness.spawn([sys.executable, "-m", "cli", "worker"], env, tmp.dir / "worker.log") if args.worker else None
        )
        try:
            url = f"http://{harness.HOST}:{port}"
            deadline = time.time() + 120
            while time.time() < deadline:
                try:
                    if httpx.get(url + "/health/ready", timeout=2).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                time.sleep(0.3)
            else:
                raise RuntimeError("server did not become ready")
            # warm-up, not measured, from other citizens
            warmup, _, _ = asyncio.run(send_all(url, min(50, args.messages), args.concurrency, first=10_000_000))
            settle = time.time() + 60
            while len(graph.arrivals) < len(warmup) and time.time() < settle:
                time.sleep(0.2)
            warm = len(graph.arrivals)
            began = time.time()
            sent, latencies, problems = asyncio.run(send_all(url, args.messages, args.concurrency))
            posted = time.time()
            deadline = posted + args.max_seconds
            while sum(k in graph.arrivals for k in sent) < len(sent) and time.time() < deadline:
                time.sleep(0.2)
            ends = [(graph.arrivals[k] - v) * 1000 for k, v in sent.items() if k in graph.arrivals]
            done = max((graph.arrivals[k] for k in sent if k in graph.arrivals), default=posted)
            if len(ends) != len(sent):
                problems.append(f"{len(ends)} replies for {len(sent)} messages")
            replies = [m for m in graph.messages if m["recipient"]["id"] in sent]
            if len(replies) != len(sent):
                problems.append(f"the stand-in accepted {len(replies)} replies for {len(sent)} citizens")
            left = asyncio.run(unanswered(tmp.url))
            if left:
                problems.append(f"{left} chat_messages rows unanswered")
            print(
                f"{len(sent)} webhooks over {args.concurrency} connections (after {warm} warm-up replies)\n"
                f"  webhooks   {len(sent) / (posted - began):.0f}/s; answer ms p50 {harness.pct(latencies, 0.5):.1f}"
                f"  p95 {harness.pct(latencies, 0.95):.1f}  p99 {harness.pct(latencies, 0.99):.1f}"
                f"  max {harness.pct(latencies, 1.0):.1f}\n"
                f"  replies    {len(ends)} in {done - began:.2f} s: {len(ends) / (done - began):.0f}/s;"
                f" POST to reply ms p50 {harness.pct(ends, 0.5):.0f}  p95 {harness.pct(ends, 0.95):.0f}"
                f"  p99 {harness.pct(ends, 0.99):.0f}"
            )
        finally:
            harness.stop(server)
            if worker is not None:
                harness.stop(worker)
    for problem in problems:
        print("PROBLEM:", problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
