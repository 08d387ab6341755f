"""What `motcua serve` becomes once the database is migrated and seeded: granian's supervisor.

It lives as long as the workers it forks, which import the app themselves (`asgi:app_from_env`), so
it holds nothing it does not need: `serve` replaces its own process image (same process id, so
`uv run` and a container's runtime still signal it) with a fresh interpreter running this module,
which imports granian and the log format, and none of the command line, the settings or the seed's
code that `serve` used before (click, msgspec, asyncpg's caller: 7-8 MB of the process group's RSS).
With an embedded PostgreSQL or Redis, `serve` stays the supervisor: its exit stops them.
"""

from __future__ import annotations

import json
import os
import sys
from typing import Any

ARGUMENTS = "MOTCUA_SUPERVISOR"  # this module's arguments, as JSON, read once and removed


def serve(host: str, port: int, workers: int, log_config: dict[str, Any]) -> None:
    from granian import Granian
    from granian.constants import Interfaces, Loops

    Granian(
        "asgi:app_from_env",
        address=host,
        port=port,
        workers=workers,
        interface=Interfaces.ASGI,
        # about a fifth less CPU per assistant message than asyncio's own loop (bench/README.md)
        loop=Loops.uvloop,
        factory=True,
        log_access=False,
        log_dictconfig=log_config,
    ).serve()


def become(host: str, port: int, workers: int, log_config: dict[str, Any]) -> None:
    """Replace this process with the supervisor; returns only if the interpreter cannot be run."""
    os.environ[ARGUMENTS] = json.dumps({"host": host, "port": port, "workers": workers, "log_config": log_config})
    sys.stdout.flush()
    sys.stderr.flush()
    os.execv(sys.executable, [sys.executable, "-m", __name__])  # noqa: S606 (this interpreter, this module)


def main() -> None:
    serve(**json.loads(os.environ.pop(ARGUMENTS)))


if __name__ == "__main__":
    main()
