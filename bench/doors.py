"""The public doors beside the framework's ceiling, in one run (issue 23's first table): the catalog's
reads, a signed-in citizen's dossier creation and the assistant.

    uv run python bench/doors.py [--connections 64] [--duration 8] [--warmup 2] [--rounds 1]

A scratch database (`motcua_bench_<random>`, dropped at the end) is migrated and seeded with the real
commands. Then, on this machine, side by side:

- the **ceiling**: `bench/ceiling.py`, one bare Litestar route answering a msgspec struct on granian
  (one worker, uvloop, as `motcua serve` runs the app), nothing else;
- **`motcua serve --workers 1`** on that database (started through `uv run`, as an operator would),
  timed from the spawn to its first `200` on `/health/ready`, and `uv run`'s own start measured apart;
- for each door, the ceiling, then the door: 2 s of wrk unmeasured, then `wrk -t2 -c64 -d8s --latency`;
  requests/s, p50/p99 and the server's CPU per request (its processes' CPU time over the measured
  seconds, the figure least moved by other load); the ratio to the ceiling measured just before;
- the memory of the serving process group after the load: RSS of each process and their sum, and the
  proportional share (PSS: a page shared by the supervisor and its forked worker counted once);
- in-process: a catalog search for a query not asked before (the index's cost without its memory).

The two POST doors are driven by a wrk Lua script: `POST /api/v1/dossiers` with a citizen's token
(`motcua token`), the same birth registration each time (each request files one more draft);
`POST /api/v1/assistant/messages` anonymous, turning through twelve citizen messages of every kind and
style (the understanding remembers a message it has read: one message asked again would measure that).

Rate limits are off (as in every benchmark here: wrk is one address). Every loop is bounded in count
and time; the servers are stopped, the database dropped, whatever happens.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import harness

WRK_GRACE = 30.0


@dataclass(frozen=True)
class Door:
    name: str
    path: str
    headers: tuple[str, ...] = ()
    target_ratio: float | None = None
    target_p99_ms: float | None = None
    bodies: tuple[str, ...] = ()  # POSTed in turn as JSON, by a wrk script; none: GET
    signed_in: bool = False  # with a citizen's bearer token
    target_rate: float | None = None  # requests/s, where the target is a rate rather than a ratio


FILING = (
    '{"procedure":"birth-registration","applicant":{"full_name":"Nguyễn Thị Lan","identity_number":"079190001234",'
    '"date_of_birth":"1990-05-12","phone":"0912345678","address":"12 Lê Lợi, phường Bến Thành, TP.HCM"},'
    '"form":{"child_full_name":"Trần Minh Khang","child_sex":"nam","child_date_of_birth":"2026-11-01",'
    '"place_of_birth":"Bệnh viện Từ Dũ, TP.HCM","child_ethnicity":"Kinh"},"delivery":{"method":"desk"}}'
)
MESSAGES = tuple(
    f'{{"text": "{text}"}}'
    for text in (
        "Làm giấy khai sinh cho con cần những giấy tờ gì?",
        "le phi lam ho chieu bao nhieu",
        "cccd lm lai mat bao lau z ad",
        "How long does a judicial record certificate take?",
        "đăng ký kết hôn nộp ở đâu, online được không",
        "ho so cua toi toi dau roi",
        "chuyển khoản rồi mà app vẫn báo chưa thanh toán",
        "xin chào",
        "cảm ơn nhiều nha",
        "cho mình gặp cán bộ",
        "thời tiết hôm nay thế nào",
        "giay xac nhan tinh trang hon nhan lam o phuong nao",
    )
)


DOORS = (
    Door("GET /api/v1/procedures/birth-registration", "/api/v1/procedures/birth-registration", (), 0.5, 50),
    Door(
        "… the same, Accept-Language: en",
        "/api/v1/procedures/birth-registration",
        ("Accept-Language: en",),
        0.5,
        50,
    ),
    Door("GET /api/v1/procedures?q=dang ky khai sinh", "/api/v1/procedures?q=dang%20ky%20khai%20sinh", (), 0.3, 50),
    Door("GET /api/v1/procedures (the whole list)", "/api/v1/procedures", (), None, None),
    Door("POST /api/v1/dossiers (signed in)", "/api/v1/dossiers", (), None, 200, (FILING,), True, 600),
    Door("POST /api/v1/assistant/messages", "/api/v1/assistant/messages", (), None, 100, MESSAGES, False, 1000),
)


def _lua(text: str) -> str:
    return "[==[" + text + "]==]"


def script(door: Door, token: str | None, folder: Path) -> Path:
    """The wrk script of a POST door: its bodies in turn, JSON, with the citizen's token if it needs one."""
    headers = {"Content-Type": "application/json"}
    if door.signed_in and token:
        headers["Authorization"] = f"Bearer {token}"
    lines = ['wrk.method = "POST"']
    lines += [f"wrk.headers[ {_lua(k)} ] = {_lua(v)}" for k, v in headers.items()]  # "[ [" is not "[["
    lines += ["local bodies = {" + ", ".join(_lua(b) for b in door.bodies) + "}", "local turn = 0"]
    lines += [
        "request = function()",
        "  turn = turn % #bodies + 1",
        "  return wrk.format(nil, nil, nil, bodies[turn])",
        "end",
    ]
    path = folder / f"door-{abs(hash(door.name))}.lua"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@dataclass
class Measured:
    rate: float
    p50: float
    p99: float
    non_2xx: int
    errors: str
    cpu_ms: float


def wrk(
    url: str, headers: tuple[str, ...], args: argparse.Namespace, seconds: float, lua: Path | None = None
) -> dict[str, Any]:
    cmd = ["wrk", f"-t{args.threads}", f"-c{args.connections}", f"-d{max(1, round(seconds))}s", "--latency"]
    cmd += ["--timeout", "10s", *(part for h in headers for part in ("-H", h))]
    cmd += [*(("-s", str(lua)) if lua else ()), url]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + WRK_GRACE, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"wrk failed ({done.returncode}): {done.stderr[-2000:]}")
    return harness.parse_wrk(done.stdout)


def measure(
    url: str, headers: tuple[str, ...], server_pid: int, args: argparse.Namespace, lua: Path | None = None
) -> Measured:
    if args.warmup > 0:
        wrk(url, headers, args, args.warmup, lua)
    tree = harness.process_tree(server_pid)
    before = harness.cpu_seconds(tree)
    got = wrk(url, headers, args, args.duration, lua)
    used = harness.cpu_seconds(tree) - before
    return Measured(
        rate=got["rate"],
        p50=got["p50"],
        p99=got["p99"],
        non_2xx=got["non_2xx"],
        errors=got["errors"],
        cpu_ms=used / max(1, got["requests"]) * 1000,
    )


def citizen_token(env: dict[str, str]) -> str:
    """A citizen's access token minted by the operator's command, on the benchmark's database."""
    cmd = ["uv", "run", "--quiet", "motcua", "token", "--phone", "0912345678"]
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=120, check=True)
    return done.stdout.strip().splitlines()[-1]


def uv_start(env: dict[str, str], runs: int = 3) -> float:
    """`uv run`'s own start: the median of `uv run python -c pass`."""
    times = []
    for _ in range(runs):
        started = time.monotonic()
        subprocess.run(["uv", "run", "--quiet", "python", "-c", "pass"], cwd=harness.ROOT, env=env, check=True)
        times.append(time.monotonic() - started)
    return statistics.median(times)


def fresh_search_us(env: dict[str, str]) -> str:
    """The catalog index for queries it has not answered before, in a process of its own."""
    code = (
        "import time, statistics\n"
        "from api.catalog.search import ProcedureIndex\n"
        "from api.catalog.service import load_catalog_data\n"
        "index = ProcedureIndex(load_catalog_data().procedures)\n"
        "queries = [f'{w} {i}' for i in range(40) for w in "
        "('dang ky khai sinh', 'ho chieu', 'lltp', 'giay doc than', 'dk thuong tru', 'khai sihn')]\n"
        "times = []\n"
        "for q in queries:\n"
        "    t = time.perf_counter(); index.search(q); times.append((time.perf_counter() - t) * 1e6)\n"
        "t = time.perf_counter(); index.search(queries[0]); again = (time.perf_counter() - t) * 1e6\n"
        "print(f'{statistics.median(times):.0f} us median, {max(times):.0f} us max over {len(times)} queries; "
        "asked again {again:.1f} us')\n"
    )
    done = subprocess.run(
        ["uv", "run", "--quiet", "python", "-c", code],
        cwd=harness.ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return done.stdout.strip()


def load_line(label: str) -> str:
    one, five, fifteen = os.getloadavg()
    return f"{label}: {datetime.now(UTC):%Y-%m-%d %H:%M:%S} UTC, load average {one:.2f} {five:.2f} {fifteen:.2f}"


def report_doors(results: list[tuple[Door, Measured, Measured]], args: argparse.Namespace) -> None:
    print(f"\nwrk -t{args.threads} -c{args.connections} -d{args.duration:g}s --latency, one `motcua serve` worker\n")
    print(
        "| door | req/s | p50 ms | p99 ms | server CPU ms/req | ceiling req/s, p99 ms, CPU ms/req (just before) "
        "| ratio (req/s) | ratio (CPU) | target |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for door, got, ceiling in results:
        ratio = got.rate / ceiling.rate if ceiling.rate else 0.0
        target = ""
        if door.target_ratio is not None:
            ok = ratio >= door.target_ratio and got.p99 < (door.target_p99_ms or float("inf"))
            target = f"≥ {door.target_ratio}×, p99 < {door.target_p99_ms:g} ms: {'yes' if ok else 'no'}"
        elif door.target_rate is not None:
            ok = got.rate >= door.target_rate and got.p99 < (door.target_p99_ms or float("inf"))
            target = f"≥ {door.target_rate:,.0f}/s, p99 < {door.target_p99_ms:g} ms: {'yes' if ok else 'no'}"
        bad = f" ({got.non_2xx} non-2xx {got.errors})" if got.non_2xx or got.errors else ""
        by_cpu = ceiling.cpu_ms / got.cpu_ms if got.cpu_ms else 0.0
        print(
            f"| {door.name}{bad} | {got.rate:,.0f} | {got.p50:.1f} | {got.p99:.1f} | {got.cpu_ms:.3f} "
            f"| {ceiling.rate:,.0f}, {ceiling.p99:.1f}, {ceiling.cpu_ms:.3f} "
            f"| {ratio:.2f}× | {by_cpu:.2f}× | {target} |"
        )


def report_memory(serve_pid: int, ceiling_pid: int) -> None:
    for label, pid in (("motcua serve", serve_pid), ("ceiling", ceiling_pid)):
        rows = harness.memory(pid)
        rss, pss = sum(r for _, r, _ in rows), sum(p for _, _, p in rows)
        without_uv = sum(r for name, r, _ in rows if not name.startswith("uv "))
        print(f"\n{label}: RSS {rss} MiB summed ({without_uv} without `uv run`'s own process), PSS {pss} MiB")
        for name, rss, pss in rows:
            print(f"    {rss:4d} MiB RSS, {pss:4d} MiB PSS  {name}")


def run(args: argparse.Namespace) -> int:
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed (Debian: apt-get install wrk)")
    print(load_line("before"), flush=True)
    with harness.scratch() as db:
        env = harness.bench_env(db.url, db.dir)
        harness.migrate_and_seed(env)
        uv = uv_start(env)
        port, ceiling_port = harness.free_port(), harness.free_port()
        base = f"http://{harness.HOST}:{port}"
        ceiling_url = f"http://{harness.HOST}:{ceiling_port}/"
        serve_cmd = ["uv", "run", "--quiet", "motcua", "serve", "--host", harness.HOST, "--port", str(port)]
        server, ready = harness.start(serve_cmd, env, db.dir / "serve.log", base + "/health/ready")
        try:
            ceiling_cmd = ["uv", "run", "--quiet", "python", "bench/ceiling.py", str(ceiling_port)]
            ceiling, _ = harness.start(ceiling_cmd, env, db.dir / "ceiling.log", ceiling_url)
            try:
                print(
                    f"\n`motcua serve` ready {ready:.2f} s after its spawn; `uv run`'s own start {uv:.2f} s", flush=True
                )
                token = citizen_token(env)
                results = []
                for _ in range(args.rounds):
                    for door in DOORS:
                        lua = script(door, token, db.dir) if door.bodies else None
                        top = measure(ceiling_url, (), ceiling.pid, args)
                        got = measure(base + door.path, door.headers, server.pid, args, lua)
                        results.append((door, got, top))
                        print(f"  {door.name}: {got.rate:,.0f} req/s against {top.rate:,.0f}", flush=True)
                report_doors(results, args)
                report_memory(server.pid, ceiling.pid)
            finally:
                harness.stop(ceiling)
        finally:
            harness.stop(server)
        print(f"\ncatalog search, a query not asked before (in-process): {fresh_search_us(env)}")
    print(load_line("after"))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--connections", type=int, default=64, help="wrk connections")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--duration", type=float, default=8.0, help="seconds of wrk per door")
    parser.add_argument("--warmup", type=float, default=2.0, help="seconds of wrk before each measure")
    parser.add_argument("--rounds", type=int, default=1, help="times each door is measured")
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
