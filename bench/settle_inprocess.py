"""The bank notification's database work without HTTP: what the settling transaction alone costs.

    uv run python bench/settle_inprocess.py [--requests N] [--concurrency C] [--pool P]

Same fixture as bench/webhooks.py (a throw-away database, one payable passport dossier made
through the HTTP API by a short-lived server, cloned with SQL), then calls
payments.bank_notifications.receive_bank_notification in this process, C at a time over an asyncpg pool of
P connections, the way the route does after checking the signature. It counts the SQL statements
(round trips) one settling, one repeated and one unmatched notification send, and reports
throughput, latency, this process's CPU per notification and PostgreSQL's. Comparing it with
bench/webhooks.py separates the HTTP layer from the transaction. Loops are bounded.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import random
import sys
import time
from collections import Counter
from typing import Any

import harness
import msgspec
import webhooks as wh


async def count_statements(runtime: Any, body: bytes, *, show: bool = False) -> tuple[str, int]:
    """The answer to one notification and how many statements it sent to PostgreSQL (listed if `show`)."""
    from payments.bank_notifications import receive_bank_notification
    from payments.models import BankNotification

    seen: list[str] = []
    note = msgspec.json.decode(body, type=BankNotification)

    def logged(query: Any) -> None:
        seen.append(query.query)

    async with runtime.ctx.pool.acquire() as conn:
        conn.add_query_logger(logged)  # sees every statement, BEGIN and COMMIT included
        try:
            answer = await receive_bank_notification(conn, runtime.payments, note)
        finally:
            conn.remove_query_logger(logged)
    for i, query in enumerate(seen if show else [], 1):
        print(f"  {i:2d}. {' '.join(query.split())[:110]}", file=sys.stderr)
    return answer, len(seen)


async def run(args: argparse.Namespace, env: dict[str, str], name: str, notes: list[wh.Note]) -> wh.LoadResult:
    os.environ.update(env)
    from core.db import acquire
    from core.settings import from_env
    from payments.bank_notifications import receive_bank_notification
    from payments.models import BankNotification
    from runtime import close_runtime, start_runtime

    logging.getLogger("motcua.payments").setLevel(logging.ERROR)  # one warning per unmatched notification
    runtime = await start_runtime(from_env(), pool_size=args.pool)
    try:
        # open every pooled connection now, so that their backends are watched from the start
        held = [await runtime.ctx.pool.acquire() for _ in range(args.pool)]
        for conn in held:
            await runtime.ctx.pool.release(conn)
        # one of each kind first, its statements counted (they are part of the checked outcome)
        probes: dict[str, wh.Note] = {}
        for note in notes:
            probes.setdefault(note.kind, note)
        for kind in ("settle", "exception"):
            if kind in probes:
                answer, n = await count_statements(runtime, probes[kind].body, show=args.statements)
                print(f"statements for one {kind} notification ({answer}): {n}", file=sys.stderr)
        if "settle" in probes:
            answer, n = await count_statements(runtime, probes["settle"].body)
            print(f"statements for a repeated notification ({answer}): {n}", file=sys.stderr)
        rest = [n for n in notes if n not in probes.values()]

        latencies: list[float] = []
        answered_at: list[float] = []
        answers: Counter[str] = Counter()
        errors: Counter[str] = Counter()
        queue = iter(rest)
        deadline = time.perf_counter() + args.max_seconds

        async def worker() -> None:
            for note in queue:  # bounded: the shared iterator is consumed once
                if time.perf_counter() > deadline:
                    break
                t0 = time.perf_counter()
                try:
                    async with asyncio.timeout(args.request_timeout):
                        decoded = msgspec.json.decode(note.body, type=BankNotification)
                        async with acquire(runtime.ctx.pool) as conn:
                            answers[await receive_bank_notification(conn, runtime.payments, decoded)] += 1
                except (OSError, TimeoutError) as exc:
                    errors[type(exc).__name__] += 1
                    continue
                latencies.append(time.perf_counter() - t0)
                answered_at.append(time.time())

        watched = wh.watch(os.getpid(), name)
        stop = asyncio.Event()
        dsn = harness.database_url(name)
        sampler = asyncio.ensure_future(harness.sample_waits(dsn, stop, args.max_seconds)) if args.waits else None
        before = wh.cpu_sample(watched)
        await asyncio.gather(*(worker() for _ in range(args.concurrency)))
        after = wh.cpu_sample(watched)
        stop.set()
        # the process's own CPU is the application's here; the sampler's share is negligible
        cpu = wh.cpu_between(before, after)
        return wh.LoadResult(
            label="settling in-process (no HTTP)",
            sent=len(latencies) + sum(errors.values()),
            wall=after.at - before.at,
            latencies=latencies,
            answered_at=answered_at,
            statuses=Counter({200: len(latencies)}),
            answers=answers,
            errors=errors,
            cpu=wh.Cpu(
                generator=0.0, server=cpu.generator, backends=cpu.backends, pg_shared=cpu.pg_shared, busy=cpu.busy
            ),
            unsent=len(rest) - len(latencies) - sum(errors.values()),
            waits=await sampler if sampler is not None else Counter(),
        )
    finally:
        await close_runtime(runtime)


def report(result: wh.LoadResult, args: argparse.Namespace) -> None:
    c = result.cpu
    rate = result.rate
    print(
        f"{result.label}: offices={args.offices} concurrency={args.concurrency} pool={args.pool} "
        f"notifications={len(result.latencies)}"
    )
    print(f"  throughput  {rate:8.0f} /s over {result.wall:.2f} s")
    print(
        f"  latency ms  p50 {result.pct(0.50):.1f}  p95 {result.pct(0.95):.1f}  p99 {result.pct(0.99):.1f}  "
        f"max {result.pct(1.0):.1f}"
    )
    print("  answers     " + ", ".join(f"{k}: {v}" for k, v in sorted(result.answers.items())))
    print(
        f"  CPU cores   this process {c.server:.2f}, PostgreSQL backends {c.backends:.2f}, PostgreSQL shared "
        f"{c.pg_shared:.2f}, other processes {c.other:.2f}; busy {c.busy:.2f}"
    )
    if rate:
        print(
            f"  per notification: this process {c.server / rate * 1000:.2f} ms CPU, "
            f"PostgreSQL {(c.backends + c.pg_shared) / rate * 1000:.2f} ms CPU"
        )
    samples = result.waits.get("(samples)", 0)
    if samples:
        print(f"  PostgreSQL backends, mean count per state over {samples} samples:")
        for what, n in result.waits.most_common(9):
            if what != "(samples)":
                print(f"    {n / samples:5.2f}  {what}")


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    p.add_argument("--requests", type=int, default=3000)
    p.add_argument("--concurrency", type=int, default=16)
    p.add_argument("--pool", type=int, default=10, help="asyncpg pool size (the server uses 10 per worker)")
    p.add_argument("--offices", type=int, default=1, help="as in bench/webhooks.py")
    p.add_argument("--duplicates", type=float, default=0.05)
    p.add_argument("--exceptions", type=float, default=0.05)
    p.add_argument("--waits", action="store_true", help="sample PostgreSQL wait events")
    p.add_argument("--statements", action="store_true", help="list the statements of one notification of each kind")
    p.add_argument("--max-seconds", type=float, default=300.0)
    p.add_argument("--request-timeout", type=float, default=30.0)
    p.add_argument("--seed", type=int, default=20261123)
    args = p.parse_args()
    if not (10 <= args.requests <= 200_000 and 1 <= args.concurrency <= 1000 and 1 <= args.pool <= 90):
        p.error("--requests 10..200000, --concurrency 1..1000, --pool 1..90")
    if not 1 <= args.offices <= 100:
        p.error("--offices 1..100")

    rng = random.Random(args.seed)
    duplicates = round(args.requests * args.duplicates)
    exceptions = round(args.requests * args.exceptions)
    settles = args.requests - duplicates - exceptions
    with harness.scratch() as tmp:
        name, database_url, scratch = tmp.name, tmp.url, tmp.dir
        port = harness.free_port()
        env = wh.bench_env(database_url, scratch / "data", port)
        server = None
        try:
            harness.migrate_and_seed(env)
            log = scratch / "server.log"
            server = wh.start_server(env, port, 1, log)
            wh.wait_ready(f"http://{harness.HOST}:{port}", server, log)
            wards = asyncio.run(wh.ward_names(database_url, args.offices - 1)) if args.offices > 1 else []
            templates = wh.make_templates(f"http://{harness.HOST}:{port}", env, wards)
            harness.stop(server)
            server = None
            targets = asyncio.run(wh.clone_targets(database_url, templates, settles, expires_in=args.max_seconds + 600))
            notes = wh.build_notes(
                targets,
                settles=settles,
                duplicates=duplicates,
                exceptions=exceptions,
                issued={t.reference for t in targets},
                rng=rng,
                prefix="FT",
            )
            print(f"busy before the run: {harness.wait_quiet(0.3, 60):.2f} cores", file=sys.stderr)
            result = asyncio.run(run(args, env, name, notes))
            report(result, args)
            expected = {n.payment_id for n in notes if n.kind == "settle" and n.payment_id is not None}
            problems = asyncio.run(wh.verify(database_url, expected, exceptions))
            if result.errors or result.unsent:
                problems.append("not every notification was handled")
            print(
                "check: " + ("exactly the expected payments settled; the ledger sums to zero" if not problems else "")
            )
            for problem in problems:
                print(f"  PROBLEM: {problem}")
            return 0 if not problems else 1
        finally:
            if server is not None:
                harness.stop(server)


if __name__ == "__main__":
    sys.exit(main())
