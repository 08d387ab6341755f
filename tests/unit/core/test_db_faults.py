"""Which errors say the database is unavailable (a 503 the caller may retry), and which are bugs."""

from __future__ import annotations

import errno

import asyncpg
import pytest
from asyncpg import exceptions as pg_errors

from core.db import unavailable
from core.errors import ServiceUnavailableError


@pytest.mark.parametrize(
    "exc",
    [
        pg_errors.CannotConnectNowError("the database system is not yet accepting connections"),
        pg_errors.AdminShutdownError("terminating connection due to administrator command"),
        pg_errors.CrashShutdownError("terminating connection because of crash of another server process"),
        asyncpg.ConnectionDoesNotExistError("connection was closed in the middle of operation"),
        asyncpg.ReadOnlySQLTransactionError("cannot execute INSERT in a read-only transaction"),
        pg_errors.TooManyConnectionsError("sorry, too many clients already"),
        ConnectionRefusedError(111, "Connect call failed"),
        ConnectionResetError(104, "Connection reset by peer"),
        TimeoutError(),
        OSError(errno.EHOSTUNREACH, "No route to host"),
        OSError("Multiple exceptions: [Errno 111] Connect call failed ('127.0.0.1', 5432), [Errno 99] ..."),
        asyncpg.InterfaceError("cannot call Transaction.__aexit__(): the underlying connection is closed"),
        asyncpg.InterfaceError("cannot call Connection.fetch(): connection has been released back to the pool"),
        ServiceUnavailableError(),  # no pooled connection within the wait
    ],
)
def test_a_database_that_is_down_restarting_or_failing_over_is_unavailable(exc: BaseException) -> None:
    assert unavailable(exc)


@pytest.mark.parametrize(
    "exc",
    [
        asyncpg.UniqueViolationError("duplicate key value violates unique constraint"),
        asyncpg.UndefinedColumnError('column "x" does not exist'),
        asyncpg.InterfaceError("cannot perform operation: another operation is in progress"),
        asyncpg.DataError("invalid input for query argument $1"),
        ValueError("bug"),
        FileNotFoundError(errno.ENOENT, "No such file or directory"),  # a stored paper gone: a 500 to look at
        OSError(errno.ENOSPC, "No space left on device"),
    ],
)
def test_a_wrong_statement_or_a_bug_is_not(exc: BaseException) -> None:
    assert not unavailable(exc)
