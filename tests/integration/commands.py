"""Running `motcua` as an operator does: the real command in its own process, on the test's
database and Redis."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from core.settings import Settings

ROOT = Path(__file__).resolve().parents[2]


def environment(settings: Settings, **extra: str) -> dict[str, str]:
    env = {
        **os.environ,
        "DATABASE_URL": str(settings.database_url),
        "REDIS_URL": str(settings.redis_url),
        "MOTCUA_JWT_SECRET": settings.jwt_secret,
        "MOTCUA_BANK_WEBHOOK_SECRET": settings.bank_webhook_secret,
        "MOTCUA_DATA_DIR": settings.data_dir,
    }
    for name in ("MOTCUA_ENV", "MOTCUA_PROVINCE", "MOTCUA_PROVINCE_CODE", "MOTCUA_LOG_FORMAT"):
        env.pop(name, None)
    env.update(extra)
    return env


@dataclass(frozen=True)
class Result:
    returncode: int
    stdout: str
    stderr: str


def motcua(settings: Settings, *args: str, **env: str) -> Result:
    done = subprocess.run(
        [sys.executable, "-m", "cli", *args],
        cwd=ROOT,
        env=environment(settings, **env),
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    return Result(done.returncode, done.stdout, done.stderr)


async def amotcua(settings: Settings, *args: str, **env: str) -> Result:
    """The same without blocking the event loop, for commands the in-process app must answer (it
    confirms a disabled account while the command waits)."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "cli",
        *args,
        cwd=ROOT,
        env=environment(settings, **env),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    stdout, stderr = await asyncio.wait_for(process.communicate(), 180)
    return Result(process.returncode or 0, stdout.decode(), stderr.decode())
