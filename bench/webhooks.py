"""Signed bank-webhook throughput: POST /api/v1/payments/webhooks/bank against a real server.

    uv run python bench/webhooks.py [--requests N] [--concurrency C] [--workers W] [--offices K]

Creates a throw-away database on the local PostgreSQL, runs `motcua migrate` and `motcua seed`,
starts `motcua serve` on a free port and builds payable dossiers through the HTTP API (create,
upload the papers, submit, an officer receives it, open a VietQR payment): a passport application
(the city police, one office for the whole city) and, with --offices K, a certified copy at each
of K-1 ward offices. It clones them in bulk with SQL into as many awaiting-payment dossiers with a
pending payment as there are notifications to settle, then fires N signed notifications at a
bounded concurrency over HTTP/1.1 keep-alive connections: each settling notification pays a
distinct pending payment, a share repeats an earlier transaction id (answered "duplicate") and a
share cannot be matched (unknown reference, no reference, underpaid, wrong account: answered
"exception"). It reports throughput and latency percentiles, the answers, where the CPU went
(this generator, the server's processes, PostgreSQL, anything else running), optionally what
PostgreSQL's backends wait for (--waits), then GET /health/live with the same client as the
ceiling of client and HTTP stack, and checks with SQL that exactly the expected payments settled,
each with its receipt, and that the ledger sums to zero. The server is stopped, the database
dropped and the scratch directory removed at the end, whatever happens.

The default client is a small HTTP/1.1 client on asyncio streams (about 0.1 ms of CPU per
request here); --client httpx uses httpx.AsyncClient, which costs about 2-3 ms of CPU per request
on this machine and would take the cores the server needs.

Only 127.0.0.1 is contacted. Every loop is bounded in count and in time.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import math
import random
import secrets
import socket
import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Literal

import asyncpg
import harness
import httpx
import psutil

from core.signing import sign
from payments.references import new_reference

HOST = harness.HOST
BANK_PATH = "/api/v1/payments/webhooks/bank"
LIVE_PATH = "/health/live"
BANK_SECRET = "bench-bank-secret-" + secrets.token_hex(8)
CITIZEN_PHONE = "0912700001"
OFFICER_PHONE = "0900700001"
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)
READY_TIMEOUT = 90.0
MAX_HEADER_BYTES = 64 * 1024
MAX_CHUNKS = 10_000

Kind = Literal["settle", "duplicate", "exception"]
ClientName = Literal["raw", "httpx"]


# ---- the notifications ----------------------------------------------------------------------


@dataclass(frozen=True)
class Account:
    """Where a payment's money goes, and how much."""

    bank_bin: str
    account_number: str
    amount: int


@dataclass(frozen=True)
class Target:
    """One cloned pending payment a notification can pay."""

    payment_id: uuid.UUID
    dossier_id: uuid.UUID
    reference: str
    account: Account


@dataclass(frozen=True)
class Note:
    kind: Kind
    transaction_id: str
    body: bytes
    payment_id: uuid.UUID | None  # the payment a settling note pays


def _memo(reference: str, rng: random.Random) -> str:
    """Memos the way banks relay them: prefixes, lower case, a space or a dash inside the reference."""
    ref = reference.lower() if rng.random() < 0.5 else reference
    cut = rng.randint(2, len(ref) - 1)
    sep = rng.choice(["", " ", "-"])
    return f"CT DEN:{rng.randint(0, 9999):04d} {ref[:cut]}{sep}{ref[cut:]} thanh toan le phi ho so"


def _body(txn: str, account: Account, *, amount: int, content: str, bank_bin: str | None = None) -> bytes:
    return json.dumps(
        {
            "transaction_id": txn,
            "bank_bin": bank_bin or account.bank_bin,
            "account_number": account.account_number,
            "amount": amount,
            "content": content,
            "transacted_at": datetime.now(UTC).isoformat(),
        },
        ensure_ascii=False,
    ).encode()


def _txn(prefix: str, n: int) -> str:
    return f"{prefix}{n:011d}"


def build_notes(
    targets: list[Target],
    *,
    settles: int,
    duplicates: int,
    exceptions: int,
    issued: set[str],
    rng: random.Random,
    prefix: str,
) -> list[Note]:
    """`settles` notes paying targets[0:settles] once each, `duplicates` repeats of some of them,
    `exceptions` notes that cannot settle; shuffled. The answer counts do not depend on the order
    the server sees them in: a repeat and its original race on the transaction id's primary key
    (one settles, the other is a duplicate) and an underpaid or wrong-account note is an exception
    before or after the full payment settles."""
    notes: list[Note] = []
    for i, target in enumerate(targets[:settles]):
        txn = _txn(prefix, i)
        account = target.account
        body = _body(txn, account, amount=account.amount, content=_memo(target.reference, rng))
        notes.append(Note("settle", txn, body, target.payment_id))
    originals = list(notes)
    for _ in range(duplicates if originals else 0):
        original = rng.choice(originals)
        notes.append(Note("duplicate", original.transaction_id, original.body, None))
    for j in range(exceptions):
        txn = _txn(prefix + "X", j)
        paid = rng.choice(targets[:settles]) if settles else None
        flavour = j % 4 if paid is not None else j % 2
        account = (paid or targets[0]).account
        if flavour == 0:  # a reference-shaped string we never issued
            unknown = new_reference()
            for _ in range(100):  # bounded; a collision among 31**8 references is rare
                if unknown not in issued:
                    break
                unknown = new_reference()
            body = _body(txn, account, amount=account.amount, content=_memo(unknown, rng))
        elif flavour == 1 or paid is None:  # no reference at all
            body = _body(txn, account, amount=account.amount, content="chuyen tien nop le phi ho chieu")
        elif flavour == 2:  # underpaid
            body = _body(txn, account, amount=account.amount // 2, content=_memo(paid.reference, rng))
        else:  # paid into another bank's account
            body = _body(txn, account, amount=account.amount, content=_memo(paid.reference, rng), bank_bin="970418")
        notes.append(Note("exception", txn, body, None))
    rng.shuffle(notes)
    return notes


# ---- a lean HTTP/1.1 keep-alive client ------------------------------------------------------


class RawConnection:
    """Just enough HTTP/1.1 for a load generator: keep-alive, Content-Length or chunked answers."""

    def __init__(self, host: str, port: int) -> None:
        self.host = host
        self.port = port
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None

    async def _open(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        if self._reader is None or self._writer is None or self._writer.is_closing():
            self._reader, self._writer = await asyncio.open_connection(self.host, self.port)
            sock = self._writer.get_extra_info("socket")
            if sock is not None:
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return self._reader, self._writer

    async def request(self, method: str, path: str, headers: dict[str, str], body: bytes) -> tuple[int, bytes]:
        reader, writer = await self._open()
        lines = [f"{method} {path} HTTP/1.1", f"Host: {self.host}:{self.port}", f"Content-Length: {len(body)}"]
        lines += [f"{k}: {v}" for k, v in headers.items()]
        writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body)
        head = await reader.readuntil(b"\r\n\r\n")
        if len(head) > MAX_HEADER_BYTES:
            raise ValueError("response head too large")
        status_line, *header_lines = head.decode("latin-1").split("\r\n")
        status = int(status_line.split(" ", 2)[1])
        fields: dict[str, str] = {}
        for line in header_lines:
            name, sep, value = line.partition(":")
            if sep:
                fields[name.strip().lower()] = value.strip()
        if "content-length" in fields:
            content = await reader.readexactly(int(fields["content-length"]))
        elif fields.get("transfer-encoding", "").lower() == "chunked":
            parts: list[bytes] = []
            for _ in range(MAX_CHUNKS):
                size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
                if size == 0:
                    await reader.readuntil(b"\r\n")
                    break
                parts.append(await reader.readexactly(size))
                await reader.readexactly(2)
            else:
                raise ValueError("too many chunks")
            content = b"".join(parts)
        else:
            raise ValueError("response without a length")
        if fields.get("connection", "").lower() == "close":
            await self.close()
        return status, content

    async def close(self) -> None:
        if self._writer is not None:
            self._writer.close()
            with contextlib.suppress(OSError):
                await self._writer.wait_closed()
        self._reader = self._writer = None


# ---- the load -------------------------------------------------------------------------------


@dataclass
class CpuSample:
    at: float
    generator: float  # this process, seconds of user + system
    server: float  # the server's process tree
    backends: float  # PostgreSQL backends connected to the benchmark's database
    pg_shared: float  # PostgreSQL's own processes (WAL writer, checkpointer...), shared with other databases
    busy: float  # every core, seconds not idle, every process of the machine


@dataclass(frozen=True)
class Cpu:
    """Cores used over a phase, by who."""

    generator: float
    server: float
    backends: float
    pg_shared: float
    busy: float

    @property
    def other(self) -> float:
        return max(0.0, self.busy - self.generator - self.server - self.backends - self.pg_shared)


@dataclass(frozen=True)
class Watched:
    server: list[psutil.Process]
    backends: list[psutil.Process]
    pg_shared: list[psutil.Process]


def watch(server_pid: int, database: str) -> Watched:
    """The processes whose CPU time is attributed: the server's tree and PostgreSQL's processes."""
    return Watched(harness.process_tree(server_pid), *harness.postgres_processes(database))


def cpu_sample(watched: Watched) -> CpuSample:
    return CpuSample(
        at=time.perf_counter(),
        generator=harness.own_cpu_seconds(),
        server=harness.cpu_seconds(watched.server),
        backends=harness.cpu_seconds(watched.backends),
        pg_shared=harness.cpu_seconds(watched.pg_shared),
        busy=harness.busy_seconds(),
    )


def cpu_between(before: CpuSample, after: CpuSample) -> Cpu:
    wall = after.at - before.at
    return Cpu(
        generator=(after.generator - before.generator) / wall,
        server=(after.server - before.server) / wall,
        backends=(after.backends - before.backends) / wall,
        pg_shared=(after.pg_shared - before.pg_shared) / wall,
        busy=(after.busy - before.busy) / wall,
    )


@dataclass
class LoadResult:
    label: str
    sent: int
    wall: float
    latencies: list[float]  # seconds, completed requests only
    answered_at: list[float]  # wall-clock time (time.time()) of each answer, in the order of latencies
    statuses: Counter[int]
    answers: Counter[str]
    errors: Counter[str]
    cpu: Cpu
    unsent: int = 0
    waits: Counter[str] = field(default_factory=Counter)  # sampled states of the database's backends

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.wall if self.wall > 0 else 0.0

    def pct(self, q: float) -> float:
        return harness.pct(self.latencies, q) * 1000


def _signed_headers(body: bytes) -> dict[str, str]:
    timestamp = str(int(time.time()))
    return {
        "Content-Type": "application/json",
        "X-Motcua-Timestamp": timestamp,
        "X-Motcua-Signature": sign(BANK_SECRET, timestamp, body),
    }


def _answer(status: int, content: bytes) -> str:
    if status != 200:
        return f"http {status}"
    try:
        return str(json.loads(content).get("result", "?"))
    except (ValueError, AttributeError):
        return "unreadable"


async def run_load(
    label: str,
    port: int,
    jobs: list[bytes | None],
    *,
    concurrency: int,
    client: ClientName,
    max_seconds: float,
    request_timeout: float,
    server_pid: int,
    database: str,
    waits: bool = False,
    rate: float = 0.0,
) -> LoadResult:
    """Send every job (a webhook body, or None for GET /health/live) over `concurrency` keep-alive
    connections, each connection one request at a time; stop taking new jobs after max_seconds.
    With `rate` (jobs/s), job i is due at start + i/rate (an open load, as a bank sends) and its latency
    counts from then, so time it waited for a free connection counts too."""
    latencies: list[float] = []
    answered_at: list[float] = []
    statuses: Counter[int] = Counter()
    answers: Counter[str] = Counter()
    errors: Counter[str] = Counter()
    queue: Iterator[tuple[int, bytes | None]] = iter(enumerate(jobs))
    sent = 0
    started = time.perf_counter()
    deadline = started + max_seconds

    async def one(send: Any, index: int, body: bytes | None) -> None:
        nonlocal sent
        t0 = time.perf_counter()
        if rate > 0:
            t0 = started + index / rate
            await asyncio.sleep(max(0.0, t0 - time.perf_counter()))
        headers = _signed_headers(body) if body is not None else {}
        sent += 1
        try:
            async with asyncio.timeout(request_timeout):
                status, content = await send(body, headers)
        except (OSError, TimeoutError, asyncio.IncompleteReadError, ValueError, httpx.HTTPError) as exc:
            errors[type(exc).__name__] += 1
            return
        latencies.append(time.perf_counter() - t0)
        answered_at.append(time.time())
        statuses[status] += 1
        answers[_answer(status, content) if body is not None else f"http {status}"] += 1

    async def raw_worker() -> None:
        conn = RawConnection(HOST, port)

        async def send(body: bytes | None, headers: dict[str, str]) -> tuple[int, bytes]:
            if body is None:
                return await conn.request("GET", LIVE_PATH, headers, b"")
            return await conn.request("POST", BANK_PATH, headers, body)

        try:
            for index, body in queue:  # bounded: the shared iterator is consumed once
                if time.perf_counter() > deadline:
                    break
                await one(send, index, body)
        finally:
            await conn.close()

    async def httpx_worker(http: httpx.AsyncClient) -> None:
        async def send(body: bytes | None, headers: dict[str, str]) -> tuple[int, bytes]:
            if body is None:
                response = await http.get(LIVE_PATH)
            else:
                response = await http.post(BANK_PATH, content=body, headers=headers)
            return response.status_code, response.content

        for index, body in queue:
            if time.perf_counter() > deadline:
                break
            await one(send, index, body)

    watched = watch(server_pid, database)
    stop = asyncio.Event()
    sampler = (
        asyncio.ensure_future(harness.sample_waits(harness.database_url(database), stop, max_seconds))
        if waits
        else None
    )
    before = cpu_sample(watched)
    if client == "raw":
        await asyncio.gather(*(raw_worker() for _ in range(concurrency)))
    else:
        limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
        async with httpx.AsyncClient(base_url=f"http://{HOST}:{port}", limits=limits, timeout=request_timeout) as http:
            await asyncio.gather(*(httpx_worker(http) for _ in range(concurrency)))
    after = cpu_sample(watched)
    stop.set()
    wall = after.at - before.at
    return LoadResult(
        label=label,
        sent=sent,
        wall=wall,
        latencies=latencies,
        answered_at=answered_at,
        statuses=statuses,
        answers=answers,
        errors=errors,
        cpu=cpu_between(before, after),
        unsent=len(jobs) - sent,
        waits=await sampler if sampler is not None else Counter(),
    )


# ---- the database and the server ------------------------------------------------------------


def bench_env(database_url: str, data_dir: Path, port: int) -> dict[str, str]:
    extra = {"MOTCUA_BANK_WEBHOOK_SECRET": BANK_SECRET, "MOTCUA_PUBLIC_BASE_URL": f"http://{HOST}:{port}"}
    return harness.bench_env(database_url, data_dir, extra)


def start_server(
    env: dict[str, str], port: int, workers: int, log: Path, with_packages: tuple[str, ...] = ()
) -> subprocess.Popen[bytes]:
    """`motcua serve`; `with_packages` are laid over the environment for this run only (uv run --with)."""
    extra = [arg for package in with_packages for arg in ("--with", package)]
    serve = ["motcua", "serve", "--host", HOST, "--port", str(port), "--workers", str(workers)]
    return harness.spawn(["uv", "run", "--quiet", *extra, *serve], env, log)


def wait_ready(base: str, server: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + READY_TIMEOUT
    with httpx.Client(base_url=base, timeout=2.0) as http:
        while time.monotonic() < deadline:
            if server.poll() is not None:
                raise RuntimeError(f"the server exited ({server.returncode}):\n{log.read_text()[-3000:]}")
            try:
                if http.get("/health/ready").status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.25)
    raise RuntimeError(f"the server was not ready within {READY_TIMEOUT:.0f}s:\n{log.read_text()[-3000:]}")


# ---- the fixture ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Template:
    dossier_id: uuid.UUID
    payment_id: uuid.UUID
    agency: str
    account: Account


def _ok(response: httpx.Response, expected: int = 200) -> dict[str, Any]:
    if response.status_code != expected:
        raise RuntimeError(f"{response.request.method} {response.request.url}: {response.status_code} {response.text}")
    data: dict[str, Any] = response.json()
    return data


def _applicant(address: str) -> dict[str, Any]:
    return {
        "full_name": "Nguyễn Thị Lan",
        "identity_number": "079190001234",
        "date_of_birth": "1990-05-12",
        "phone": CITIZEN_PHONE,
        "email": None,
        "address": address,
    }


def _dossier_bodies(wards: list[str]) -> list[tuple[dict[str, Any], tuple[str, ...]]]:
    """A passport application (the city police, one office for the whole city), then a certified copy
    at each ward's People's Committee: request bodies and the papers each one needs."""
    passport = {
        "procedure": "passport-issuance",
        "applicant": _applicant("12 Lê Lợi, phường Bến Thành, TP.HCM"),
        "form": {"request_type": "cap_lan_dau"},
        "delivery": {"method": "desk"},
    }
    bodies: list[tuple[dict[str, Any], tuple[str, ...]]] = [(passport, ("tk01-form", "portrait-photos"))]
    for ward in wards:
        copy = {
            "procedure": "certified-copy",
            "applicant": _applicant(f"5 Nguyễn Huệ, {ward[:1].lower()}{ward[1:]}, TP.HCM"),
            "form": {"document_type": "Bằng tốt nghiệp", "number_of_copies": 2, "pages_per_copy": 1},
            "delivery": {"method": "desk"},
        }
        bodies.append((copy, ("original-document",)))
    return bodies


async def ward_names(database_url: str, count: int) -> list[str]:
    conn = await asyncpg.connect(database_url, timeout=10)
    try:
        rows = await conn.fetch(
            "SELECT ward FROM offices WHERE kind = 'UBND-XA' AND ward LIKE 'Phường %' ORDER BY code LIMIT $1", count
        )
    finally:
        await conn.close()
    return [r["ward"] for r in rows]


def make_templates(base: str, env: dict[str, str], wards: list[str]) -> list[Template]:
    """Payable dossiers and their open VietQR payments, made the way a citizen and an officer make
    them: create, upload the papers, submit, the office receives it (awaiting payment), pay by VietQR."""
    citizen = {"Authorization": "Bearer " + harness.motcua(["token", "--phone", CITIZEN_PHONE], env)}
    made: list[dict[str, Any]] = []
    with httpx.Client(base_url=base, timeout=30.0) as http:
        for body, papers in _dossier_bodies(wards):
            dossier = _ok(http.post("/api/v1/dossiers", headers=citizen, json=body), 201)
            for requirement in papers:
                _ok(
                    http.post(
                        f"/api/v1/dossiers/{dossier['id']}/documents",
                        headers=citizen,
                        data={"requirement": requirement},
                        files={"file": ("paper.pdf", PDF, "application/pdf")},
                    ),
                    201,
                )
            _ok(http.post(f"/api/v1/dossiers/{dossier['id']}/submit", headers=citizen))
            made.append(dossier)
        agencies = sorted({d["agency"]["code"] for d in made})
        if len(agencies) < len(made):
            print(f"note: {len(made)} dossiers landed in {len(agencies)} distinct offices", file=sys.stderr)
        officer_args = ["token", "--phone", OFFICER_PHONE, "--role", "officer"]
        for agency in agencies:
            officer_args += ["--agency", agency]
        officer = {"Authorization": "Bearer " + harness.motcua(officer_args, env)}
        templates: list[Template] = []
        for dossier in made:
            received = _ok(
                http.post(
                    f"/api/v1/officer/dossiers/{dossier['id']}/actions", headers=officer, json={"action": "receive"}
                )
            )
            if received["status"] != "awaiting_payment":
                raise RuntimeError(f"the received dossier is {received['status']}, not awaiting_payment")
            payment = _ok(
                http.post(f"/api/v1/dossiers/{dossier['id']}/payments", headers=citizen, json={"method": "vietqr"}),
                201,
            )
            templates.append(
                Template(
                    dossier_id=uuid.UUID(dossier["id"]),
                    payment_id=uuid.UUID(payment["id"]),
                    agency=dossier["agency"]["code"],
                    account=Account(
                        bank_bin=payment["vietqr"]["bank_bin"],
                        account_number=payment["vietqr"]["account_number"],
                        amount=payment["amount"],
                    ),
                )
            )
    return templates


# the clones carry the template's sealed identity number, bound to the template: it opens for no clone,
# which settling never needs
CLONE_DOSSIERS = """
INSERT INTO dossiers (id, code, lookup_key, status, procedure_slug, agency_code, owner_id, channel, applicant,
    identity_number, identity_sealed, identity_hash, form, form_sealed, delivery, fee, paid_at, address_flagged,
    submitted_at, received_at, appointment_date, created_at, updated_at)
SELECT c.id, t.code || '-' || c.n, t.lookup_key, t.status, t.procedure_slug, t.agency_code, t.owner_id, t.channel,
    t.applicant, t.identity_number, t.identity_sealed, t.identity_hash, t.form, t.form_sealed, t.delivery, t.fee,
    t.paid_at, t.address_flagged, t.submitted_at, t.received_at, t.appointment_date, t.created_at, t.updated_at
FROM dossiers t CROSS JOIN unnest($2::uuid[], $3::int[]) AS c(id, n)
WHERE t.id = $1
"""

CLONE_HISTORY = """
INSERT INTO dossier_history (dossier_id, from_status, to_status, action, actor_id, actor_role, actor_name, note,
    data, at)
SELECT c.id, h.from_status, h.to_status, h.action, h.actor_id, h.actor_role, h.actor_name, h.note, h.data, h.at
FROM dossier_history h CROSS JOIN unnest($2::uuid[]) AS c(id)
WHERE h.dossier_id = $1
"""

CLONE_PAYMENTS = """
INSERT INTO payments (id, dossier_id, method, status, amount, currency, reference, agency_code, bank_bin,
    account_number, account_name, payer_name, owner_id, expires_at, pay_url, created_at, updated_at)
SELECT c.id, c.dossier_id, t.method, t.status, t.amount, t.currency, c.reference, t.agency_code, t.bank_bin,
    t.account_number, t.account_name, t.payer_name, t.owner_id, $5, t.pay_url, now(), now()
FROM payments t CROSS JOIN unnest($2::uuid[], $3::uuid[], $4::text[]) AS c(id, dossier_id, reference)
WHERE t.id = $1
"""


async def clone_targets(database_url: str, templates: list[Template], count: int, *, expires_in: float) -> list[Target]:
    """`count` copies of the template dossiers, taken in turn (awaiting payment, with their history),
    each with its own pending VietQR payment and reference: rows the webhook cannot tell from ones
    made through the API."""
    conn = await asyncpg.connect(database_url, timeout=10)
    try:
        issued = {r["reference"] for r in await conn.fetch("SELECT reference FROM payments")}
        references: list[str] = []
        for _ in range(count * 2):  # bounded; collisions among 31**8 references are rare
            if len(references) == count:
                break
            ref = new_reference()
            if ref not in issued:
                issued.add(ref)
                references.append(ref)
        targets: list[Target] = []
        async with conn.transaction():
            for i, template in enumerate(templates):
                mine = [
                    Target(uuid.uuid4(), uuid.uuid4(), ref, template.account) for ref in references[i :: len(templates)]
                ]
                dossier_ids = [t.dossier_id for t in mine]
                await conn.execute(
                    CLONE_DOSSIERS, template.dossier_id, dossier_ids, list(range(1, len(mine) + 1)), timeout=600
                )
                await conn.execute(CLONE_HISTORY, template.dossier_id, dossier_ids, timeout=600)
                await conn.execute(
                    CLONE_PAYMENTS,
                    template.payment_id,
                    [t.payment_id for t in mine],
                    dossier_ids,
                    [t.reference for t in mine],
                    datetime.now(UTC) + timedelta(seconds=expires_in),
                    timeout=600,
                )
                targets += mine
        await conn.execute("ANALYZE", timeout=600)
    finally:
        await conn.close()
    random.Random(len(targets)).shuffle(targets)  # offices interleaved, not in blocks
    return targets


# ---- checking the outcome -------------------------------------------------------------------


async def verify(database_url: str, settled_ids: set[uuid.UUID], exceptions: int) -> list[str]:
    """Problems found; empty when exactly the expected payments settled and the books balance."""
    problems: list[str] = []
    conn = await asyncpg.connect(database_url, timeout=10)
    try:
        succeeded = {
            r["id"] for r in await conn.fetch("SELECT id FROM payments WHERE status = 'succeeded'", timeout=120)
        }
        if succeeded != settled_ids:
            problems.append(
                f"settled payments: {len(succeeded)}, expected {len(settled_ids)} "
                f"({len(succeeded - settled_ids)} unexpected, {len(settled_ids - succeeded)} missing)"
            )
        bad_by = await conn.fetchval(
            "SELECT count(*) FROM payments p LEFT JOIN bank_notifications b ON b.payment_id = p.id "
            "AND b.result = 'settled' WHERE p.status = 'succeeded' AND (b.transaction_id IS NULL "
            "OR p.settled_by <> 'bank:' || b.transaction_id)",
            timeout=120,
        )
        if bad_by:
            problems.append(f"{bad_by} settled payments without their settling bank notification")
        moved = await conn.fetchval(
            "SELECT count(*) FROM dossiers WHERE id IN (SELECT dossier_id FROM payments WHERE status = 'succeeded') "
            "AND status = 'processing' AND paid_at IS NOT NULL",
            timeout=120,
        )
        if moved != len(settled_ids):
            problems.append(f"dossiers moved to processing and paid: {moved}, expected {len(settled_ids)}")
        row = await conn.fetchrow(
            "SELECT count(*) AS n, coalesce(sum(amount), 0) AS total FROM ledger_entries", timeout=120
        )
        assert row is not None
        expected_entries = 2 * (len(settled_ids) + exceptions)
        if row["total"] != 0 or row["n"] != expected_entries:
            problems.append(f"ledger: {row['n']} entries summing to {row['total']}, expected {expected_entries} and 0")
        unbalanced = await conn.fetchval(
            "SELECT count(*) FROM (SELECT coalesce(exception_id::text, payment_id::text) FROM ledger_entries "
            "GROUP BY 1 HAVING sum(amount) <> 0) AS u",
            timeout=120,
        )
        if unbalanced:
            problems.append(f"{unbalanced} movements do not balance")
        if await conn.fetchval("SELECT to_regclass('payment_receipts') IS NOT NULL"):
            receipts = await conn.fetchval(
                "SELECT count(*) FROM payment_receipts r JOIN payments p ON p.id = r.payment_id "
                "WHERE p.status = 'succeeded'",
                timeout=120,
            )
            numbers = await conn.fetchval("SELECT count(DISTINCT number) FROM payment_receipts", timeout=120)
            if (receipts, numbers) != (len(settled_ids), len(settled_ids)):
                problems.append(f"receipts: {receipts} ({numbers} distinct numbers), expected {len(settled_ids)}")
        counts = await conn.fetchrow(
            "SELECT (SELECT count(*) FROM payment_exceptions) AS exceptions, "
            "(SELECT count(*) FROM bank_notifications WHERE result = 'settled') AS settled, "
            "(SELECT count(*) FROM bank_notifications WHERE result = 'exception') AS excepted",
            timeout=120,
        )
        assert counts is not None
        if (counts["exceptions"], counts["settled"], counts["excepted"]) != (exceptions, len(settled_ids), exceptions):
            problems.append(
                f"rows: {counts['exceptions']} exceptions, {counts['settled']} settled and {counts['excepted']} "
                f"excepted notifications; expected {exceptions}, {len(settled_ids)}, {exceptions}"
            )
    finally:
        await conn.close()
    return problems


# ---- the report -----------------------------------------------------------------------------


def describe(
    result: LoadResult, workers: int, concurrency: int, client: ClientName, offices: int = 1, timeline: float = 0.0
) -> str:
    c = result.cpu

    def per(cores: float) -> float:
        return cores / result.rate * 1000 if result.rate else math.nan

    lines = [
        f"{result.label}: workers={workers} concurrency={concurrency} client={client} offices={offices} "
        f"requests={len(result.latencies)}/{result.sent + result.unsent}",
        f"  throughput  {result.rate:8.0f} req/s over {result.wall:.2f} s",
        f"  latency ms  p50 {result.pct(0.50):.1f}  p95 {result.pct(0.95):.1f}  p99 {result.pct(0.99):.1f}  "
        f"max {result.pct(1.0):.1f}",
        "  answers     " + ", ".join(f"{k}: {v}" for k, v in sorted(result.answers.items())),
        f"  CPU cores   generator {c.generator:.2f}, server {c.server:.2f}, PostgreSQL backends {c.backends:.2f}, "
        f"PostgreSQL shared {c.pg_shared:.2f}, other processes {c.other:.2f}; "
        f"busy {c.busy:.2f} of {psutil.cpu_count() or '?'}",
        f"  per request server {per(c.server):.2f} ms CPU, PostgreSQL {per(c.backends + c.pg_shared):.2f} ms, "
        f"generator {per(c.generator):.2f} ms",
    ]
    samples = result.waits.get("(samples)", 0)
    if samples:
        lines.append(f"  PostgreSQL backends, mean count per state over {samples} samples:")
        for what, n in result.waits.most_common(9):
            if what != "(samples)":
                lines.append(f"    {n / samples:5.2f}  {what}")
    if timeline > 0 and result.latencies:
        lines.append(f"  timeline    per {timeline:g} s of answers (UTC, to line up with PostgreSQL's log):")
        windows: dict[int, list[float]] = {}
        for at, latency in zip(result.answered_at, result.latencies, strict=True):
            windows.setdefault(int(at // timeline), []).append(latency)
        for window, latencies in sorted(windows.items()):
            when = datetime.fromtimestamp(window * timeline, UTC).strftime("%H:%M:%S")
            lines.append(
                f"    {when}  {len(latencies):6d} answers  p50 {harness.pct(latencies, 0.5) * 1000:6.1f}  "
                f"p99 {harness.pct(latencies, 0.99) * 1000:6.1f}  max {max(latencies) * 1000:6.1f} ms"
            )
    if result.errors:
        lines.append("  errors      " + ", ".join(f"{k}: {v}" for k, v in sorted(result.errors.items())))
    if result.unsent:
        lines.append(f"  unsent      {result.unsent} (time limit reached)")
    return "\n".join(lines)


def as_json(result: LoadResult, workers: int, concurrency: int, client: ClientName) -> dict[str, Any]:
    return {
        "label": result.label,
        "workers": workers,
        "concurrency": concurrency,
        "client": client,
        "completed": len(result.latencies),
        "unsent": result.unsent,
        "seconds": round(result.wall, 3),
        "rate": round(result.rate, 1),
        "p50_ms": round(result.pct(0.50), 2),
        "p95_ms": round(result.pct(0.95), 2),
        "p99_ms": round(result.pct(0.99), 2),
        "max_ms": round(result.pct(1.0), 2),
        "answers": dict(result.answers),
        "errors": dict(result.errors),
        "waits": dict(result.waits.most_common(12)),
        "cpu_cores": {
            "generator": round(result.cpu.generator, 3),
            "server": round(result.cpu.server, 3),
            "postgres_backends": round(result.cpu.backends, 3),
            "postgres_shared": round(result.cpu.pg_shared, 3),
            "other": round(result.cpu.other, 3),
            "busy": round(result.cpu.busy, 3),
        },
    }


# ---- main -----------------------------------------------------------------------------------


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    p.add_argument("--requests", type=int, default=5000, help="notifications measured (default 5000)")
    p.add_argument("--concurrency", type=int, default=16, help="connections, one request in flight each")
    p.add_argument("--workers", type=int, default=1, help="granian worker processes")
    p.add_argument(
        "--offices",
        type=int,
        default=1,
        help="1: passport fees, all to the city police; K: also certified copies at K-1 ward offices",
    )
    p.add_argument("--duplicates", type=float, default=0.05, help="share of repeated transaction ids")
    p.add_argument("--exceptions", type=float, default=0.05, help="share of notifications that cannot settle")
    p.add_argument("--warmup", type=int, default=500, help="settling notifications sent first, not measured")
    p.add_argument("--client", choices=["raw", "httpx"], default="raw", help="load generator's HTTP client")
    p.add_argument(
        "--server-with",
        action="append",
        default=[],
        metavar="PACKAGE",
        help="run the server with this package added for the run only (uv run --with), e.g. uvloop",
    )
    p.add_argument("--baseline", action=argparse.BooleanOptionalAction, default=True, help="also GET /health/live")
    p.add_argument("--max-seconds", type=float, default=300.0, help="time limit of each load phase")
    p.add_argument("--request-timeout", type=float, default=30.0)
    p.add_argument("--quiet-wait", type=float, default=60.0, help="seconds to wait for other work to stop first")
    p.add_argument("--quiet-cores", type=float, default=0.3, help="busy cores below which the machine is quiet")
    p.add_argument("--waits", action="store_true", help="sample PostgreSQL wait events during the measured run")
    p.add_argument(
        "--timeline",
        type=float,
        default=0.0,
        metavar="SECONDS",
        help="also print the measured run's latency per window of SECONDS, to find when the slow answers came",
    )
    p.add_argument(
        "--rate",
        type=float,
        default=0.0,
        help="notifications/s offered in the measured run, each due on schedule whether or not a connection "
        "is free (latency counts from when it was due); 0: as fast as the connections go",
    )
    p.add_argument("--seed", type=int, default=20261123)
    p.add_argument("--json", type=Path, help="also write the figures to this file")
    args = p.parse_args(argv)
    if not (1 <= args.requests <= 1_000_000 and 1 <= args.concurrency <= 1000 and 1 <= args.workers <= 16):
        p.error("--requests 1..1000000, --concurrency 1..1000, --workers 1..16")
    if not (0 <= args.duplicates < 1 and 0 <= args.exceptions < 1 and args.duplicates + args.exceptions < 1):
        p.error("--duplicates and --exceptions are shares in [0, 1) summing below 1")
    if args.requests - round(args.requests * args.duplicates) - round(args.requests * args.exceptions) < 1:
        p.error("at least one notification must settle")
    if not (0 <= args.warmup <= 100_000):
        p.error("--warmup 0..100000")
    if not (1 <= args.offices <= 100):
        p.error("--offices 1..100")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    rng = random.Random(args.seed)
    duplicates = round(args.requests * args.duplicates)
    exceptions = round(args.requests * args.exceptions)
    settles = args.requests - duplicates - exceptions
    with harness.scratch() as tmp:
        name, database_url, scratch = tmp.name, tmp.url, tmp.dir
        log = scratch / "server.log"
        port = harness.free_port()
        env = bench_env(database_url, scratch / "data", port)
        server: subprocess.Popen[bytes] | None = None
        problems: list[str] = []
        try:
            print(f"database {name}; scratch {scratch}", file=sys.stderr)
            harness.migrate_and_seed(env)
            server = start_server(env, port, args.workers, log, tuple(args.server_with))
            base = f"http://{HOST}:{port}"
            wait_ready(base, server, log)
            extra = f" with {', '.join(args.server_with)}" if args.server_with else ""
            print(f"server ready on {base} (pid {server.pid}, {args.workers} worker(s){extra})", file=sys.stderr)

            t0 = time.perf_counter()
            wards = asyncio.run(ward_names(database_url, args.offices - 1)) if args.offices > 1 else []
            templates = make_templates(base, env, wards)
            targets = asyncio.run(
                clone_targets(database_url, templates, args.warmup + settles, expires_in=args.max_seconds * 3 + 600)
            )
            issued = {t.reference for t in targets}
            warm = build_notes(
                targets[: args.warmup],
                settles=args.warmup,
                duplicates=0,
                exceptions=0,
                issued=issued,
                rng=rng,
                prefix="FTW",
            )
            notes = build_notes(
                targets[args.warmup :],
                settles=settles,
                duplicates=duplicates,
                exceptions=exceptions,
                issued=issued,
                rng=rng,
                prefix="FT",
            )
            print(
                f"fixture: {len(targets)} pending payments at {len({t.agency for t in templates})} office(s) in "
                f"{time.perf_counter() - t0:.1f}s; "
                f"{len(notes)} notifications: {settles} settle, {duplicates} repeat, {exceptions} cannot settle",
                file=sys.stderr,
            )

            def load(label: str, jobs: list[bytes | None], *, waits: bool = False, rate: float = 0.0) -> LoadResult:
                assert server is not None
                return asyncio.run(
                    run_load(
                        label,
                        port,
                        jobs,
                        concurrency=args.concurrency,
                        client=args.client,
                        max_seconds=args.max_seconds,
                        request_timeout=args.request_timeout,
                        server_pid=server.pid,
                        database=name,
                        waits=waits,
                        rate=rate,
                    )
                )

            results: list[LoadResult] = []
            if warm:
                warmed = load("warm-up", [n.body for n in warm])
                print(describe(warmed, args.workers, args.concurrency, args.client, args.offices), file=sys.stderr)
                # what autovacuum does on a live database (this machine may run without it): statistics that
                # count the warm-up's rows, and the servers' cached plans made again from them
                asyncio.run(harness.analyze(database_url))
            quiet = harness.wait_quiet(args.quiet_cores, args.quiet_wait)
            print(f"machine busy before the run: {quiet:.2f} cores", file=sys.stderr)
            results.append(load("bank webhook", [n.body for n in notes], waits=args.waits, rate=args.rate))
            if args.baseline:
                results.append(load("GET /health/live", [None] * args.requests))

            sent_all = all(r.unsent == 0 and not r.errors for r in results)
            expected_settled = {
                n.payment_id for n in [*warm, *notes] if n.kind == "settle" and n.payment_id is not None
            }
            problems = asyncio.run(verify(database_url, expected_settled, exceptions))
            hook = results[0]
            want = {"settled": settles, "duplicate": duplicates, "exception": exceptions}
            got = {k: hook.answers.get(k, 0) for k in want}
            if sent_all and got != want:
                problems.append(f"answers {got}, expected {want}")
            if not sent_all:
                problems.append("not every request was answered (see errors/unsent); SQL checks may not apply")

            print()
            for result in results:
                print(
                    describe(
                        result,
                        args.workers,
                        args.concurrency,
                        args.client,
                        args.offices,
                        args.timeline if result is results[0] else 0.0,
                    )
                )
            print(
                "check: " + ("exactly the expected payments settled; the ledger sums to zero" if not problems else "")
            )
            for problem in problems:
                print(f"  PROBLEM: {problem}")
            # under an open load the throughput is the offered rate less the last answer's latency over the run
            # (999.6/s for 8,000 at 1,000/s); falling behind shows in the latency, counted from when each was due
            throughput_met = args.rate >= 1000 and hook.rate >= 0.99 * args.rate if args.rate else hook.rate >= 1000
            target_met = throughput_met and hook.pct(0.99) < 50
            print(f"target (>= 1000/s, p99 < 50 ms): {'met' if target_met else 'NOT met'}")
            if args.json:
                args.json.write_text(
                    json.dumps(
                        {
                            "date": datetime.now(UTC).date().isoformat(),
                            "cores": psutil.cpu_count(),
                            "requests": args.requests,
                            "warmup": args.warmup,
                            "offices": args.offices,
                            "server_with": args.server_with,
                            "results": [as_json(r, args.workers, args.concurrency, args.client) for r in results],
                            "problems": problems,
                        },
                        indent=2,
                    )
                    + "\n"
                )
            return 0 if not problems else 1
        finally:
            if server is not None:
                harness.stop(server)


if __name__ == "__main__":
    sys.exit(main())
