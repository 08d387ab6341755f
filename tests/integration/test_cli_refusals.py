"""`motcua serve` and `motcua worker` refuse to start on settings that must not run, before they
touch anything: with MOTCUA_ENV=production, the logging SMS sender would write every sign-in code
to the log (whoever reads it signs in as anyone)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from core.settings import Settings

ROOT = Path(__file__).resolve().parents[2]


def _start(settings: Settings, command: str, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {
        **{k: v for k, v in os.environ.items() if not k.startswith("MOTCUA_")},
        "DATABASE_URL": str(settings.database_url),
        "REDIS_URL": str(settings.redis_url),
        "MOTCUA_JWT_SECRET": settings.jwt_secret,
        "MOTCUA_DATA_DIR": settings.data_dir,
        "MOTCUA_INPROCESS_WORKER": "false",
        "MOTCUA_DATA_KEY": "A" * 43 + "=",  # production refuses to run without one (tested elsewhere)
        **env,
    }
    args = [sys.executable, "-m", "cli", command]
    if command == "serve":
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            args += ["--port", str(s.getsockname()[1])]
    return subprocess.run(args, cwd=ROOT, env=environ, capture_output=True, text=True, timeout=60, check=False)


@pytest.mark.parametrize("command", ["serve", "worker"])
def test_production_refuses_the_logging_sms_sender(settings: Settings, command: str) -> None:
    result = _start(settings, command, MOTCUA_ENV="production")
    assert result.returncode == 1, result.stderr
    assert "sms-sender" in result.stderr and "MOTCUA_SMS_PROVIDER" in result.stderr
    assert f"{command} refused" in result.stderr and "MOTCUA_ENV=production" in result.stderr
    assert "PostgreSQL:" not in result.stderr  # refused before anything was started


@pytest.mark.parametrize("command", ["serve", "worker"])
def test_esms_without_its_credentials_refuses_to_start(settings: Settings, command: str) -> None:
    result = _start(settings, command, MOTCUA_SMS_PROVIDER="esms", MOTCUA_ESMS_API_KEY="k")
    assert result.returncode == 1, result.stderr
    assert "needs MOTCUA_ESMS_SECRET_KEY, MOTCUA_ESMS_BRANDNAME" in result.stderr


def test_an_unknown_environment_refuses_to_start(settings: Settings) -> None:
    """A typo must not leave production running on development values."""
    result = _start(settings, "serve", MOTCUA_ENV="prod")
    assert result.returncode == 1
    assert "MOTCUA_ENV must be one of development, production" in result.stderr
    assert "Traceback" not in result.stderr
