"""One log format: plain by default, one JSON object per line on request, with the request id."""

import io
import json
import logging
import logging.config

import pytest

from core import logs


def _capture(fmt: str) -> tuple[logging.Logger, io.StringIO]:
    stream = io.StringIO()
    config = logs.config("INFO", fmt)
    config["handlers"]["stderr"]["stream"] = stream
    config["loggers"]["motcua.test"] = {"level": "INFO"}
    logging.config.dictConfig(config)
    return logging.getLogger("motcua.test"), stream


@pytest.fixture(autouse=True)
def _restore_logging() -> object:
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield None
    root.handlers[:] = handlers
    root.setLevel(level)


def test_json_lines_carry_time_level_logger_message_and_request_id() -> None:
    log, stream = _capture("json")
    log.info("outside any request")
    token = logs.request_id.set("4f2c")
    try:
        log.warning("dossier %s received", "000.01.14.H29-261123-0007")
    finally:
        logs.request_id.reset(token)
    try:
        raise ValueError("boom")
    except ValueError:
        log.exception("failed")
    first, second, third = (json.loads(line) for line in stream.getvalue().splitlines())
    assert set(first) == {"time", "level", "logger", "message"}
    assert first["time"].endswith("+00:00")
    assert second == {
        "time": second["time"],
        "level": "WARNING",
        "logger": "motcua.test",
        "message": "dossier 000.01.14.H29-261123-0007 received",
        "request_id": "4f2c",
    }
    assert third["level"] == "ERROR"
    assert "ValueError: boom" in third["exception"]


def test_plain_lines_by_default() -> None:
    log, stream = _capture("plain")
    token = logs.request_id.set("4f2c")
    try:
        log.info("hello")
    finally:
        logs.request_id.reset(token)
    line = stream.getvalue().strip()
    assert line.endswith(" INFO motcua.test: hello [request 4f2c]")


def test_the_embedded_database_s_commands_are_not_logged() -> None:
    _, stream = _capture("plain")
    logging.getLogger("pgserver").info("Running commandline: initdb ...")
    logging.getLogger("granian.access").info("a request")  # granian's own loggers use the same handler
    assert "initdb" not in stream.getvalue()
    assert "a request" in stream.getvalue()
