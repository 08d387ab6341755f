"""asyncpg pool with JSON columns encoded and decoded by msgspec; what a lost database looks like.

PostgreSQL may restart, crash, fail over or refuse connections for a while. `unavailable(exc)` tells
such a fault from a bug, `acquire` waits a bounded time for a connection, and `transaction` finds
out, when the answer to its COMMIT was lost, whether the COMMIT happened."""

from __future__ import annotations

import asyncio
import errno
import logging
import socket
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass
from typing import Any, Final, TypeVar, cast

import asyncpg
import msgspec
from asyncpg import exceptions as pg_errors

from core.db_session import PooledConnection, reset_if_needed
from core.errors import ServiceUnavailableError

log = logging.getLogger("motcua.db")

_encoder = msgspec.json.Encoder()
_decoder = msgspec.json.Decoder()


def json_text(value: Any) -> str:
    """JSON for a text parameter cast to jsonb in SQL, as arrays of jsonb need it (`unnest($1::text[])`)."""
    return _encoder.encode(value).decode()


_encode = json_text


def _decode(value: str) -> Any:
    return _decoder.decode(value)


async def _init(conn: asyncpg.Connection) -> None:
    for name in ("json", "jsonb"):
        await conn.set_type_codec(name, encoder=_encode, decoder=_decode, schema="pg_catalog")


async def connect(url: str) -> asyncpg.Connection:
    conn = await asyncpg.connect(url)
    await _init(conn)
    return conn


# asyncpg replaces a connection after 50,000 queries by default, and its pool hands out the most recently
# released connection first: the one connection a busy worker's settling batches use reached that every
# 20 s at 1,000 notifications/s, and its replacement (a new backend, type introspection, every statement
# prepared again) stalled the batches behind it by up to 250 ms (bench/README.md). Connections still go
# after MAX_QUERIES or 5 idle minutes, which bounds what a backend's caches can grow to.
MAX_QUERIES = 5_000_000
# Prepared statements kept per connection. The application sends about two hundred distinct ones; with
# asyncpg's 100 the least used would be prepared again on every use.
STATEMENT_CACHE_SIZE = 512


class _FaultsInOneLine(logging.Filter):
    """asyncpg's pool logs every failed attempt to reconnect its minimum of connections with a traceback,
    once a second or more while the database is down. That fault is expected: one line says it."""

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        if exc is not None and unavailable(exc):
            record.msg, record.args = f"{record.getMessage()} ({exc!r})", ()
            record.exc_info, record.exc_text = None, None
        return True


_POOL_LOG = logging.getLogger("asyncpg.pool")


async def create_pool(url: str, *, min_size: int = 2, max_size: int = 10) -> asyncpg.Pool:
    if not any(isinstance(f, _FaultsInOneLine) for f in _POOL_LOG.filters):
        _POOL_LOG.addFilter(_FaultsInOneLine())
    pool = await asyncpg.create_pool(
        url,
        min_size=min_size,
        max_size=max_size,
        init=_init,
        max_queries=MAX_QUERIES,
        statement_cache_size=STATEMENT_CACHE_SIZE,
        connection_class=PooledConnection,
        reset=reset_if_needed,
    )
    assert pool is not None
    return pool


# How long a caller waits for a pooled connection (and the connecting of a new one) before being told
# the database is unavailable: every connection busy behind a server that stopped answering must not
# hold requests forever.
ACQUIRE_TIMEOUT = 10.0
# How long a COMMIT whose answer was lost is looked up for, while the server restarts.
COMMIT_LOOKUP_SECONDS = 30.0

# The faults of a database that is down, restarting, failing over or out of resources, rather than of
# the statement sent: the same request may succeed once it is back.
FAULTS: tuple[type[BaseException], ...] = (
    asyncpg.PostgresConnectionError,  # class 08: the connection failed, was refused or was lost
    pg_errors.OperatorInterventionError,  # class 57: shutting down, crashed, starting up, cancelled
    pg_errors.InsufficientResourcesError,  # class 53: too many connections, disk full, out of memory
    asyncpg.ReadOnlySQLTransactionError,  # 25006: writing to a server that a failover made a standby
    pg_errors.TargetServerAttributeNotMatched,  # a multi-host URL found no server of the kind asked for
    ConnectionError,  # refused, reset, aborted, broken pipe
    TimeoutError,  # connecting or waiting for a pooled connection took too long
    socket.gaierror,  # the server's name does not resolve
)
# what else the network says when connecting fails (a plain OSError); not a missing file, a full disk...
_NETWORK_ERRNOS = frozenset({errno.ENETUNREACH, errno.EHOSTUNREACH, errno.ENETDOWN, errno.EHOSTDOWN, errno.ETIMEDOUT})


def unavailable(exc: BaseException) -> bool:
    """Whether `exc` says the database is unavailable, not that the request or the code is wrong."""
    if isinstance(exc, (*FAULTS, ServiceUnavailableError)):
        return True
    if type(exc) is OSError:  # asyncio's "Multiple exceptions: ..." when every address of a host failed
        return exc.errno in _NETWORK_ERRNOS or str(exc).startswith("Multiple exceptions")
    # asyncpg's own errors for a connection the server closed: using it ("connection is closed", "the
    # underlying connection is closed", e.g. rolling back a transaction whose connection just died), or
    # the pooled connection asyncpg gave back to its pool when the server closed it ("released back to
    # the pool": the next statement of the request meets that, not the lost connection)
    return isinstance(exc, asyncpg.InterfaceError) and any(text in str(exc) for text in _LOST)


_LOST = ("connection is closed", "connection has been released back to the pool")


@asynccontextmanager
async def acquire(pool: asyncpg.Pool, *, within: float = ACQUIRE_TIMEOUT) -> AsyncIterator[asyncpg.Connection]:
    """A pooled connection, typed as the connection it stands for; ServiceUnavailableError when none
    could be had within `within` seconds."""
    try:
        conn = await pool.acquire(timeout=within)
    except TimeoutError as exc:
        raise ServiceUnavailableError() from exc
    try:
        yield cast(asyncpg.Connection, conn)
    finally:
        await pool.release(conn)


# what a statement returns, after its write, for `transaction` to know its transaction without asking
XID_COLUMN = "pg_current_xact_id_if_assigned() AS xid"


@dataclass(slots=True)
class Written:
    """What the block of `transaction` tells it: the transaction's id, read by a statement of the block
    that wrote (returning XID_COLUMN), which spares asking for it before COMMIT; and the proof of the
    write, a query (with its arguments) answering whether what the block wrote is in the database."""

    xid: int | None = None
    proof: tuple[str, tuple[Any, ...]] | None = None


@asynccontextmanager
async def transaction(
    conn: asyncpg.Connection, pool: asyncpg.Pool, *, lookup_seconds: float = COMMIT_LOOKUP_SECONDS
) -> AsyncIterator[Written]:
    """`conn.transaction()`, for a use case whose caller must learn the truth of a write (a creation the
    caller cannot tell apart from a repeat). When the connection is lost during COMMIT, the server may
    have committed or not; this asks a fresh connection from `pool` once the server answers again: the
    transaction's fate (pg_xact_status) while it is still in progress, then the block's proof of its
    write (`Written.proof`). Committed: the block succeeds as if the answer had come. Otherwise, or
    still unknown after `lookup_seconds`, or with no proof: the fault is raised.

    The fate alone is not enough: after a crash, an id whose write never reached the WAL on disk is
    handed out again, and "committed" may then be another transaction's (a 201 for a dossier that does
    not exist). The id costs one more statement before COMMIT, unless the block tells it (`Written.xid`)."""
    tx = conn.transaction()
    await tx.start()
    try:
        written = Written()
        yield written
        xid = written.xid
        if xid is None:
            xid = await conn.fetchval("SELECT pg_current_xact_id_if_assigned()")
    except BaseException:
        with suppress(*FAULTS, asyncpg.InterfaceError):  # a lost connection has nothing to roll back
            await tx.rollback()
        raise
    try:
        await tx.commit()
    except Exception as exc:
        if xid is None or written.proof is None or not unavailable(exc):
            raise
        deadline = time.monotonic() + lookup_seconds
        fate = await _fate(pool, xid, deadline)
        # "committed" is ours, or another transaction's given the same id after a crash: the write tells
        if fate != "committed" or not await _proven(pool, written.proof, deadline):
            if fate is None:
                log.warning("the outcome of transaction %s is unknown: its COMMIT was sent as the database failed", xid)
            raise
        log.warning("transaction %s committed though its connection was lost (%r)", xid, exc)


async def _proven(pool: asyncpg.Pool, proof: tuple[str, tuple[Any, ...]], deadline: float) -> bool:
    """Whether the proof query answers true, asked until the database answers or `deadline` passes."""
    query, args = proof
    return await _asked(pool, deadline, query, *args) is True


async def _fate(pool: asyncpg.Pool, xid: int, deadline: float) -> str | None:
    """'committed' or 'aborted' once the transaction is no longer in progress; None if the database has
    not told by `deadline`."""
    query = "SELECT pg_xact_status($1::xid8)"
    fate = await _asked(pool, deadline, query, xid, settled=lambda fate: fate != "in progress")
    return None if fate is _UNANSWERED else cast("str | None", fate)


_UNANSWERED: Final = object()


async def _asked(
    pool: asyncpg.Pool, deadline: float, query: str, *args: Any, settled: Callable[[Any], bool] = lambda _: True
) -> Any:
    """`query`'s answer on a fresh connection, asked again after the database's fault (or an answer not
    yet `settled`) until `deadline`: `_UNANSWERED` if it gave none in time."""
    while True:
        try:
            async with acquire(pool, within=max(0.1, deadline - time.monotonic())) as conn:
                answer = await conn.fetchval(query, *args)
            if settled(answer):
                return answer
        except Exception as exc:
            if not unavailable(exc):
                raise
        if time.monotonic() >= deadline:
            return _UNANSWERED
        await asyncio.sleep(0.25)


RowT = TypeVar("RowT")


def row_as(kind: type[RowT], row: asyncpg.Record) -> RowT:
    """One row as a typed Struct: a column the Struct does not name is ignored, a missing or mistyped
    one is a ValidationError here rather than a KeyError far from the query."""
    return msgspec.convert(dict(row.items()), kind, strict=True)


async def fetch_one_as(kind: type[RowT], conn: asyncpg.Connection, query: str, *args: Any) -> RowT | None:
    row = await conn.fetchrow(query, *args)
    return None if row is None else row_as(kind, row)


async def fetch_all_as(kind: type[RowT], conn: asyncpg.Connection, query: str, *args: Any) -> list[RowT]:
    return [row_as(kind, row) for row in await conn.fetch(query, *args)]


async def fetch_page_as(kind: type[RowT], conn: asyncpg.Connection, query: str, *args: Any) -> tuple[list[RowT], int]:
    """A page of rows and how many rows there are in all: `query` carries `count(*) OVER () AS total`
    (0 for an empty page)."""
    rows = await conn.fetch(query, *args)
    total: int = rows[0]["total"] if rows else 0
    return [row_as(kind, row) for row in rows], total
