"""The operator commands, run as operators run them."""

from __future__ import annotations

import signal
import subprocess
import sys
import time

from core.auth import verify_access_token
from core.clock import SystemClock
from core.settings import Settings
from tests.integration.commands import ROOT, environment, motcua


def test_token_prints_only_a_valid_access_token(settings: Settings) -> None:
    result = motcua(settings, "token", "--phone", "+84 912 000 999", "--role", "officer", "--agency", "000.00.01.H29")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 1
    principal = verify_access_token(lines[0], secret=settings.jwt_secret, now=SystemClock().now())
    assert principal.phone == "0912000999"
    assert principal.agencies == ("000.00.01.H29",)


def test_token_refuses_an_unknown_office(settings: Settings) -> None:
    result = motcua(settings, "token", "--phone", "0912000998", "--role", "officer", "--agency", "NOPE")
    assert result.returncode != 0
    assert "unknown office" in result.stderr


def test_seed_is_idempotent(settings: Settings) -> None:
    result = motcua(settings, "seed")
    assert result.returncode == 0, result.stderr
    assert "procedures: 40 (0 changed)" in result.stdout


def test_worker_stops_on_sigterm(settings: Settings) -> None:
    worker = subprocess.Popen(
        [sys.executable, "-m", "cli", "worker"], cwd=ROOT, env=environment(settings), stderr=subprocess.PIPE, text=True
    )
    try:
        time.sleep(3)
        assert worker.poll() is None, worker.stderr.read() if worker.stderr else ""
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(timeout=15) == 0
    finally:
        if worker.poll() is None:
            worker.kill()


def test_the_committed_nlu_report_is_what_the_model_measures(settings: Settings) -> None:
    """Train the model again, or change what it is measured on: `uv run motcua nlu report --write`."""
    result = motcua(settings, "nlu", "report")
    assert result.returncode == 0, result.stderr
    assert result.stdout == (ROOT / "assistant" / "nlu" / "REPORT.md").read_text("utf-8")
