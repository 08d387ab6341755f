"""`motcua serve`'s own process supervises granian's worker for as long as it runs: once the
database is migrated and seeded (in a forked child), it becomes a fresh interpreter that holds
granian and the log format, and nothing of what the command line, the seed or the app loaded."""

from __future__ import annotations

from pathlib import Path

import psutil

from core.settings import Settings
from tests.integration.clusters import serve_until_ready
from tests.integration.commands import environment

# the compiled modules of what preparing and serving load, and supervising does not
HEAVY = ("msgspec/", "asyncpg/", "rapidfuzz/", "numpy", "cryptography/", "click/")


def test_the_supervisor_holds_none_of_what_preparing_loaded(settings: Settings, tmp_path: Path) -> None:
    server, _ = serve_until_ready(environment(settings, MOTCUA_LOG_FORMAT="json"), tmp_path / "serve.log")
    try:
        supervisor = psutil.Process(server.pid)
        assert supervisor.cmdline()[1:] == ["-m", "core.supervisor"]
        mapped = {m.path for m in supervisor.memory_maps()}
        assert [path for path in mapped for heavy in HEAVY if f"site-packages/{heavy}" in path] == []
        (worker,) = supervisor.children()
        assert any("site-packages/msgspec/" in m.path for m in worker.memory_maps())
    finally:
        assert server.stop() == 0
    # the supervisor's own lines, in the format asked for
    assert '"logger":"_granian","message":"Granian shutdown completed' in server.output()
