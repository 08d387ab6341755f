"""`motcua serve`'s own process supervises granian's worker for as long as it runs: once the
database is migrated and seeded (in a forked child), it becomes a fresh interpreter that holds
granian and the log format, and nothing of what the command line, the seed or the app loaded."""

from __future__ import annotations

from pathlib import Path

from core.settings import Settings
from tests.integration.clusters import serve_until_ready
from tests.integration.commands import environment

# the compiled modules of what preparing and serving load, and supervising does not
HEAVY = ("msgspec/", "asyncpg/", "rapidfuzz/", "numpy", "cryptography/", "click/")


def test_the_supervisor_holds_none_of_what_preparing_loaded(settings: Settings, tmp_path: Path) -> None:
    server, _ = serve_until_ready(environment(settings, MOTCUA_LOG_FORMAT="json"), tmp_path / "serve.log")
    try:
        proc = Path(f"/proc/{server.pid}")
        assert proc.joinpath("cmdline").read_bytes().split(b"\0")[1:3] == [b"-m", b"core.supervisor"]
        mapped = proc.joinpath("maps").read_text()
        assert [heavy for heavy in HEAVY if f"site-packages/{heavy}" in mapped] == []
        (worker,) = {
            child for task in proc.joinpath("task").iterdir() for child in (task / "children").read_text().split()
        }
        assert "site-packages/msgspec/" in Path(f"/proc/{worker}/maps").read_text()
    finally:
        assert server.stop() == 0
    # the supervisor's own lines, in the format asked for
    assert '"logger":"_granian","message":"Granian shutdown completed' in server.output()
