"""Operating it: the version, the production check, offices of the province, simulated transfers,
one log format, the embedded PostgreSQL's lifecycle. Each command runs as operators run it."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import AsyncIterator
from datetime import timedelta
from importlib import metadata
from pathlib import Path
from typing import Any

import asyncpg
import msgspec
import pytest
from litestar.testing import AsyncTestClient

from core.clock import SystemClock
from core.db import acquire
from core.settings import Settings
from tests.integration.commands import ROOT, environment, motcua
from tests.integration.conftest import TokenFactory, _admin_database_url, _with_database, bearer
from tests.integration.factories import vietqr_payment

# what a province sets in production: nothing at a development value
PRODUCTION = {
    "MOTCUA_ENV": "production",
    "MOTCUA_ONESTOP_WEBHOOK_SECRET": "onestop-secret",
    "MOTCUA_COLLECTION_ACCOUNT_NUMBER": "0071001234567",
    "MOTCUA_HOTLINE": "0222 3822 123",
    "MOTCUA_PUBLIC_BASE_URL": "https://dichvucong.bacninh.example.vn",
    "MOTCUA_FIREBASE_CREDENTIALS": "/etc/motcua/firebase.json",
    "MOTCUA_SMS_PROVIDER": "esms",
    "MOTCUA_ESMS_API_KEY": "esms-key",
    "MOTCUA_ESMS_SECRET_KEY": "esms-secret",
    "MOTCUA_ESMS_BRANDNAME": "MOTCUA",
    "MOTCUA_DATA_KEY": "A" * 43 + "=",
}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _listening(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) == 0


def test_version_prints_the_installed_package_s_version(settings: Settings) -> None:
    result = motcua(settings, "--version")
    assert result.returncode == 0
    assert result.stdout == f"motcua {metadata.version('motcua')}\n"


def test_check_lists_development_values_and_fails_only_in_production(settings: Settings) -> None:
    laptop = motcua(settings, "check")
    assert laptop.returncode == 0, laptop.stderr
    names = [line.split()[0] for line in laptop.stdout.splitlines()]
    assert {"sms-sender", "sample-bank-account", "placeholder-hotline", "public-base-url"} <= set(names)
    assert "jwt-secret" not in names  # the test's secret is set, not generated

    production = motcua(settings, "check", MOTCUA_ENV="production")
    assert production.returncode == 1
    # the same checks; a data key is never generated in production, so it is missing rather than generated
    assert [line.split()[0] for line in production.stdout.splitlines()] == names
    assert "refuse them in production" in production.stderr

    generated = motcua(settings, "check", MOTCUA_JWT_SECRET="", MOTCUA_DATA_DIR=settings.data_dir)
    assert "jwt-secret" in generated.stdout


@pytest.mark.parametrize("command", ["serve", "worker"])
def test_serve_and_worker_refuse_development_values_in_production(settings: Settings, command: str) -> None:
    port = _free_port()
    args = ["serve", "--port", str(port)] if command == "serve" else ["worker"]
    started = time.monotonic()
    result = motcua(settings, *args, **{**PRODUCTION, "MOTCUA_HOTLINE": "1900 0000"})
    assert result.returncode == 1
    assert time.monotonic() - started < 60
    assert "placeholder-hotline: citizens are told to call the placeholder 1900 0000 (set MOTCUA_HOTLINE)" in (
        result.stderr
    )
    assert f"{command} refused" in result.stderr
    assert "sample-bank-account" not in result.stderr
    assert not _listening(port)


def test_worker_logs_one_json_object_per_line(settings: Settings) -> None:
    worker = subprocess.Popen(
        [sys.executable, "-m", "cli", "worker"],
        cwd=ROOT,
        env=environment(settings, MOTCUA_LOG_FORMAT="json"),
        stderr=subprocess.PIPE,
        text=True,
    )
    # read until the dispatcher says it started (a busy machine starts a worker in more than a few seconds),
    # a minute at most: past it the worker is killed, which ends the reading
    deadline = threading.Timer(60, worker.kill)
    deadline.start()
    lines: list[str] = []
    try:
        assert worker.stderr is not None
        for line in worker.stderr:
            lines.append(line.rstrip("\n"))
            if "outbox dispatcher started" in line:
                break
        worker.send_signal(signal.SIGTERM)
        _, rest = worker.communicate(timeout=30)
    finally:
        deadline.cancel()
        if worker.poll() is None:
            worker.kill()
    stderr = "\n".join(lines)
    lines += (rest or "").splitlines()
    assert any("outbox dispatcher started" in line for line in lines), stderr
    for line in lines:
        entry = json.loads(line)
        assert {"time", "level", "logger", "message"} <= set(entry), line


def test_offices_list_prints_code_and_name(settings: Settings) -> None:
    result = motcua(settings, "offices", "list", "--q", "ben thanh")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "000.01.14.H29\tUBND phường Bến Thành\n001.01.14.H29\tCông an phường Bến Thành\n"
    assert motcua(settings, "offices", "list").stdout.count("\n") == 10 + 2 * 168


@pytest.fixture
async def fresh_database(settings: Settings) -> AsyncIterator[Settings]:
    """An empty database of its own: the commands under test migrate and seed it."""
    admin_url = _admin_database_url()
    name = f"motcua_ops_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(admin_url)
    await admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield msgspec.structs.replace(settings, database_url=_with_database(admin_url, name))
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


async def test_official_codes_and_names_are_imported_all_or_nothing(fresh_database: Settings, tmp_path: Path) -> None:
    settings, province = fresh_database, {"MOTCUA_PROVINCE": "Bắc Ninh"}
    seeded = motcua(settings, "seed", **province)
    assert seeded.returncode == 0, seeded.stderr
    assert "offices: 208" in seeded.stdout
    created = motcua(settings, "officer", "create", "--phone", "0900222001", "--agency", "000.01.01.H06", **province)
    assert created.returncode == 0, created.stderr

    good = tmp_path / "official.csv"
    good.write_text(
        "code,name,level,ward\n"
        "000.21.30.H06,Ủy ban nhân dân phường Bắc Giang,commune,Phường Bắc Giang\n"
        "000.00.12.H06,Sở Tư pháp tỉnh Bắc Ninh,province,\n",
        encoding="utf-8",
    )
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "code,name,level,ward\n000.21.31.H06,UBND phường Kinh Bắc,commune,Phường Kinh Bắc\n"
        "000.21.32.H06,UBND phường Bến Thành,commune,Phường Bến Thành\n",
        encoding="utf-8",
    )
    refused = motcua(settings, "offices", "import", str(bad), **province)
    assert refused.returncode == 1
    assert f"{bad}: line 3: no ward, commune or special zone 'Phường Bến Thành' in the province" in refused.stderr
    assert "nothing imported" in refused.stderr
    assert "000.21.31.H06" not in motcua(settings, "offices", "list", "--q", "kinh bac", **province).stdout

    imported = motcua(settings, "offices", "import", str(good), **province)
    assert imported.returncode == 0, imported.stderr
    assert imported.stdout == "2 offices updated, 2 with a new code\n"
    listed = motcua(settings, "offices", "list", "--q", "bac giang", **province).stdout
    assert "000.21.30.H06\tỦy ban nhân dân phường Bắc Giang\n" in listed
    assert "000.01.01.H06" not in listed

    # seeding again keeps the official code and name; the officer's office followed its new code
    again = motcua(settings, "seed", **province)
    assert again.returncode == 0, again.stderr
    conn = await asyncpg.connect(str(settings.database_url))
    try:
        count = await conn.fetchval("SELECT count(*) FROM offices WHERE province_code = '24'")
        names = await conn.fetchval("SELECT names->>'vi' FROM offices WHERE code = '000.21.30.H06'")
        bound = await conn.fetchval(
            "SELECT office_code FROM officer_agencies JOIN users ON users.id = user_id WHERE phone = '0900222001'"
        )
    finally:
        await conn.close()
    assert (count, names, bound) == (208, "Ủy ban nhân dân phường Bắc Giang", "000.21.30.H06")


async def test_a_pending_vietqr_payment_settles_by_simulated_transfer(
    client: AsyncTestClient[Any], make_token: TokenFactory, pool: asyncpg.Pool, settings: Settings, live_server: str
) -> None:
    citizen, _, dossier, payment = await vietqr_payment(client, make_token, "0812400001")
    async with acquire(pool) as conn:  # payable now on the server's own clock
        await conn.execute(
            "UPDATE payments SET expires_at = $2 WHERE id = $1",
            uuid.UUID(payment["id"]),
            SystemClock().now() + timedelta(hours=1),
        )
    refused = motcua(settings, "payments", "simulate", payment["id"], "--url", live_server, MOTCUA_ENV="production")
    assert refused.returncode == 1
    assert "refused with MOTCUA_ENV=production" in refused.stderr

    result = motcua(settings, "payments", "simulate", payment["id"], "--url", live_server)
    assert result.returncode == 0, result.stderr
    assert result.stdout == '200 {"result":"settled"}\n'
    paid = (await client.get(f"/api/v1/payments/{payment['id']}", headers=bearer(citizen))).json()
    assert paid["status"] == "succeeded"
    moved = (await client.get(f"/api/v1/dossiers/{dossier['id']}", headers=bearer(citizen))).json()
    assert moved["status"] == "processing"

    again = motcua(settings, "payments", "simulate", payment["id"], "--url", live_server)
    assert again.returncode == 1
    assert "is a succeeded vietqr payment, not a pending VietQR one" in again.stderr


def _postgres_pid(data_dir: Path) -> int | None:
    try:
        pid = int((data_dir / "pg" / "postmaster.pid").read_text().split("\n", 1)[0])
        os.kill(pid, 0)
    except (OSError, ValueError):
        return None
    return pid


def test_the_embedded_postgresql_stops_with_its_last_user_quietly(settings: Settings, tmp_path: Path) -> None:
    data = tmp_path / "data"
    result = motcua(settings, "migrate", DATABASE_URL="", MOTCUA_DATA_DIR=str(data))
    assert result.returncode == 0, result.stderr
    assert "applied: 0001_base.sql" in result.stdout
    assert "initdb" not in result.stderr and "Success. You can now start" not in result.stderr
    assert "RuntimeDirWarning" not in result.stderr and "XDG_RUNTIME_DIR" not in result.stderr
    assert _postgres_pid(data) is None

    # one left behind by a process killed outright (no exit handlers) is stopped on request
    leave = "import os, sys; from pathlib import Path; from core import embedded; "
    leave += "embedded.start_postgres(Path(sys.argv[1])); os._exit(0)"
    subprocess.run([sys.executable, "-c", leave, str(data)], cwd=ROOT, check=True, timeout=120, capture_output=True)
    assert _postgres_pid(data) is not None
    stopped = motcua(settings, "embedded", "stop", MOTCUA_DATA_DIR=str(data))
    assert (stopped.returncode, stopped.stdout) == (0, "stopped\n")
    assert _postgres_pid(data) is None
    assert motcua(settings, "embedded", "stop", MOTCUA_DATA_DIR=str(data)).stdout.startswith("no embedded PostgreSQL")

    # and the next user forgets the dead handle, so it stops the server when it is done
    subprocess.run([sys.executable, "-c", leave, str(data)], cwd=ROOT, check=True, timeout=120, capture_output=True)
    assert motcua(settings, "migrate", DATABASE_URL="", MOTCUA_DATA_DIR=str(data)).returncode == 0
    assert _postgres_pid(data) is None
