"""The memory of `motcua serve` and `motcua worker`, ready and idle, and `serve`'s time to ready (issue 23).

    uv run python bench/memory.py [--runs 3] [--settle 3]

A scratch database (`motcua_bench_<random>`, dropped at the end) is migrated and seeded with the real
commands; `serve` then starts on an existing database, as it does after a deploy. Against the
machine's PostgreSQL and `REDIS_URL` (never the embedded servers, whose memory is not the app's):

- `uv run motcua serve --workers 1` as it comes (the worker's loops in-process), timed from the spawn
  to its first `200` on `/health/ready`, then, `--settle` seconds later, the RSS and PSS (from
  `/proc/<pid>/smaps_rollup`: a page the granian worker shares with the supervisor it was forked
  from counted once) of each process of the group: `uv run`'s own, the supervisor, the worker;
- the same with `MOTCUA_INPROCESS_WORKER=false`, as the Kubernetes manifests run it, beside
- `uv run motcua worker` (ready on its probe port).

Each is started `--runs` times; the median of each figure is printed, then every run, with the CPU
time the group took to be ready (the figure the machine's load moves least) and, for `serve`, when
its log said each phase was over: the database checked (or migrated and seeded), the worker forked
by granian's supervisor, the worker's app imported and started (its lifespan done). With `--requests N`,
`serve` is also measured after N requests, one at a time (catalog reads in vi and en, a search, the
list, and bench/doors.py's twelve assistant messages in turn): the figure a pod's request sits on.
"""

from __future__ import annotations

import argparse
import contextlib
import re
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import harness
import httpx
import psutil
from doors import MESSAGES, load_line

# the lines of `serve`'s log that end its phases: the database checked (or migrated and seeded), then
# granian's supervisor started and forking the worker, the worker's app imported and started
PHASES = {
    "prepared": "motcua: PostgreSQL:",
    "supervisor": "Spawning worker-1",
    "worker": "Started worker-1",
}
_STAMP = re.compile(r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}) ")


@dataclass(frozen=True)
class Sample:
    ready_s: float
    cpu_s: float  # CPU time of the group until ready (the machine's load moves it least)
    processes: list[tuple[str, int, int]]  # (command, RSS MiB, PSS MiB)
    phases: dict[str, float] = field(default_factory=dict)  # seconds after the spawn, by PHASES' name

    @property
    def rss(self) -> int:
        return sum(rss for _, rss, _ in self.processes)

    @property
    def pss(self) -> int:
        return sum(pss for _, _, pss in self.processes)

    @property
    def rss_without_uv(self) -> int:
        return sum(rss for name, rss, _ in self.processes if not name.startswith("uv "))


def started_cpu_seconds(pid: int) -> float:
    """User and system CPU of the tree under `pid`, with its children that have ended (the forked
    child that migrated and seeded)."""
    total = 0.0
    for proc in harness.process_tree(pid):
        with contextlib.suppress(psutil.Error):
            t = proc.cpu_times()
            total += t.user + t.system + t.children_user + t.children_system
    return total


def use(base: str, requests: int) -> None:
    """`requests` answered by `serve`: the catalog's reads (vi and en, a search, the list) and the
    assistant's twelve messages in turn (bench/doors.py's), one at a time."""
    paths = [
        "/api/v1/procedures/birth-registration",
        "/api/v1/procedures?q=dang%20ky%20khai%20sinh",
        "/api/v1/procedures",
    ]
    with httpx.Client(base_url=base, timeout=10) as http:
        for n in range(requests):
            if n % 2:
                http.post("/api/v1/assistant/messages", content=MESSAGES[n // 2 % len(MESSAGES)]).raise_for_status()
            else:
                lang = "en" if n % 4 else "vi"
                http.get(paths[n // 2 % len(paths)], headers={"Accept-Language": lang}).raise_for_status()


def phases(log: Path, spawned: float) -> dict[str, float]:
    """When each of PHASES' lines was logged, in seconds after `spawned` (a wall-clock time: the log's
    stamps are local times to the millisecond)."""
    found: dict[str, float] = {}
    for line in log.read_text(errors="replace").splitlines():
        stamp = _STAMP.match(line)
        for name, marker in PHASES.items():
            if stamp and name not in found and marker in line:
                at = datetime.strptime(stamp.group(1), "%Y-%m-%d %H:%M:%S,%f").timestamp()
                found[name] = at - spawned
    return found


def sample(
    cmd: list[str], env: dict[str, str], ready_url: str, log_name: str, settle: float, folder: Path, requests: int = 0
) -> Sample:
    spawned = time.time()
    proc, ready = harness.start(cmd, env, folder / log_name, ready_url)
    try:
        cpu = started_cpu_seconds(proc.pid)
        if requests:
            use(ready_url.removesuffix("/health/ready"), requests)
        time.sleep(settle)
        return Sample(ready, cpu, harness.memory(proc.pid), phases(folder / log_name, spawned))
    finally:
        harness.stop(proc)


def report(label: str, samples: list[Sample], timed: bool) -> None:
    def med(value: Callable[[Sample], float]) -> float:
        return statistics.median(value(s) for s in samples)

    print(f"\n{label}, median of {len(samples)}:")
    print(f"    RSS {med(lambda s: s.rss):.0f} MiB summed ({med(lambda s: s.rss_without_uv):.0f} without `uv run`)")
    print(f"    PSS {med(lambda s: s.pss):.0f} MiB summed")
    if timed:
        print(f"    ready {med(lambda s: s.ready_s):.2f} s after the spawn, {med(lambda s: s.cpu_s):.2f} s of CPU")
        if all(name in s.phases for s in samples for name in PHASES):
            at = {name: statistics.median(s.phases[name] for s in samples) for name in PHASES}
            print(
                f"    after the spawn: database checked {at['prepared']:.2f} s, worker forked {at['supervisor']:.2f} s,"
                f" its app imported and started {at['worker']:.2f} s, ready {med(lambda s: s.ready_s):.2f} s"
            )
    for index in range(len(samples[0].processes)):
        rss = statistics.median(s.processes[index][1] for s in samples if index < len(s.processes))
        pss = statistics.median(s.processes[index][2] for s in samples if index < len(s.processes))
        print(f"    {rss:5.0f} MiB RSS, {pss:5.0f} MiB PSS  {samples[0].processes[index][0]}")
    for number, s in enumerate(samples, 1):
        each = ", ".join(f"{rss}/{pss}" for _, rss, pss in s.processes)
        marks = "".join(f"{name} {s.phases[name]:.2f} s, " for name in PHASES if name in s.phases)
        print(
            f"    run {number}: {marks}ready {s.ready_s:.2f} s ({s.cpu_s:.2f} s CPU); "
            f"RSS/PSS per process {each}; RSS {s.rss}, PSS {s.pss}"
        )


def run(args: argparse.Namespace) -> int:
    print(load_line("before"), flush=True)
    with harness.scratch() as db:
        env = harness.bench_env(db.url, db.dir, {"MOTCUA_INPROCESS_WORKER": "true"})
        harness.migrate_and_seed(env)
        folder = db.dir
        apart = {**env, "MOTCUA_INPROCESS_WORKER": "false"}
        serve, serve_apart, worker, used = [], [], [], []
        for _ in range(args.runs):
            port = harness.free_port()
            base = f"http://{harness.HOST}:{port}"
            cmd = ["uv", "run", "--quiet", "motcua", "serve", "--host", harness.HOST, "--port", str(port)]
            serve.append(sample(cmd, env, base + "/health/ready", "serve.log", args.settle, folder))
            if args.requests:
                ready = base + "/health/ready"
                used.append(sample(cmd, env, ready, "serve-used.log", args.settle, folder, args.requests))
            serve_apart.append(sample(cmd, apart, base + "/health/ready", "serve-apart.log", args.settle, folder))
            probe = harness.free_port()
            with_probe = {**apart, "MOTCUA_WORKER_PROBE_PORT": str(probe)}
            cmd = ["uv", "run", "--quiet", "motcua", "worker"]
            url = f"http://127.0.0.1:{probe}/health/ready"
            worker.append(sample(cmd, with_probe, url, "worker.log", args.settle, folder))
    report("`uv run motcua serve` (the worker's loops in-process, the default)", serve, timed=True)
    report("`uv run motcua serve` with MOTCUA_INPROCESS_WORKER=false (as deployed)", serve_apart, timed=True)
    report("`uv run motcua worker`", worker, timed=False)
    if used:
        report(f"`uv run motcua serve` after {args.requests} requests", used, timed=True)
    print("\n" + load_line("after"))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3, help="starts of each command")
    parser.add_argument("--requests", type=int, default=0, help="also measure serve after this many requests")
    parser.add_argument("--settle", type=float, default=3.0, help="seconds idle after ready before measuring")
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
