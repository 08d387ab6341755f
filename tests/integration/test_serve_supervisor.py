"""`motcua serve`'s own process supervises granian's worker for as long as it runs: it migrates and
seeds in a forked child and must not end up holding what the child loaded."""

from __future__ import annotations

import subprocess
import sys

from core.settings import Settings
from tests.integration.commands import ROOT, environment

# what seeding and serving need, and supervising does not
HEAVY = ("api.seed", "api.catalog.service", "api.agencies.addresses", "asyncpg", "rapidfuzz", "holidays")
HEAVY += ("numpy", "litestar", "asgi", "runtime", "assistant")

# `serve` up to the moment it hands over to granian, which then prints what this process holds
PROBE = f"""
import sys, granian
def report(self):
    print(" ".join(sorted(m for m in sys.modules if m.split(".")[0] in {HEAVY!r} or m in {HEAVY!r})))
granian.Granian.serve = report
import cli
cli.main(["serve", "--port", "1"], standalone_mode=False)
"""


def test_the_supervisor_keeps_none_of_what_preparing_loaded(settings: Settings) -> None:
    done = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env=environment(settings),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == []
