"""A pooled connection that knows whether it may have left state in its database session.

asyncpg's pool resets every connection it takes back (`pg_advisory_unlock_all(); CLOSE ALL; UNLISTEN *;
RESET ALL`): one more round trip per request, about a fifth of a simple request's CPU in the serving
process. The application's statements leave nothing in the session: transactions end before release
(asyncpg rolls back one left open, whatever the reset), locks are `pg_advisory_xact_lock`, settings are
`SET LOCAL` or `set_config(…, true)`. So the reset is skipped for a connection whose statements since
its last reset are all of that kind, and kept for one that

- sent a statement that may leave something in the session (`leaves_session_state`: a `SET` that is not
  `LOCAL`, `set_config` not local, a session advisory lock, `LISTEN`, `DECLARE`, a temporary table,
  `DO`), whatever the statement's outcome;
- was used through `prepare()`, a cursor, a COPY, a listener or another method not watched here;
- saw a statement fail, or be cancelled, before the server answered it: asyncpg sends Parse and
  Describe without a Sync, and an argument it cannot encode (or a wrong count of them, or a
  cancellation) stops it before Bind, leaving the server in the implicit transaction the Parse opened,
  holding its locks on the tables named. A bare `prepare()` leaves that too, which is why it counts.

The statements' texts are classified once each: the application sends a few hundred distinct ones."""

from __future__ import annotations

import re
from collections.abc import Awaitable
from functools import lru_cache
from typing import Any, TypeVar

import asyncpg

T = TypeVar("T")
_COMMENTS = re.compile(r"--[^\n]*|/\*.*?\*/", re.DOTALL)
# what may outlive a statement's transaction, each read on the text without its comments and lower-cased
_SESSION_STATE = re.compile(
    r"(?:^|;)\s*(?:set\s+(?!local\b|transaction\b)|listen\b|declare\b|do\b)"  # a statement that begins so
    r"|\bpg_(?:try_)?advisory_lock"  # pg_advisory_lock(_shared), not pg_advisory_xact_lock
    r"|\btemp(?:orary)?\b"  # a temporary table (ON COMMIT DROP or not: simpler to count them all)
)
_SET_CONFIG = re.compile(r"\bset_config\s*\(")
_SET_CONFIG_LOCAL = re.compile(r"\bset_config\s*\(\s*'[^']*'\s*,\s*'[^']*'\s*,\s*true\s*\)")


@lru_cache(maxsize=4096)
def leaves_session_state(query: str) -> bool:
    """Whether `query` may leave something in the database session beyond its transaction; when unsure, yes."""
    text = _COMMENTS.sub(" ", query).lower()
    if _SESSION_STATE.search(text):
        return True
    return len(_SET_CONFIG.findall(text)) != len(_SET_CONFIG_LOCAL.findall(text))


class PooledConnection(asyncpg.Connection):
    """asyncpg's connection, noting what calls for the full reset when it goes back to the pool."""

    __slots__ = ("needs_reset",)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.needs_reset = False

    async def _watched(self, query: str, sending: Awaitable[T]) -> T:
        """`sending` (the statement `query` on its way), noting what calls for the full reset."""
        if leaves_session_state(query):
            self.needs_reset = True
        try:
            return await sending
        except BaseException:
            self.needs_reset = True
            raise

    async def execute(self, query: str, *args: Any, **kwargs: Any) -> str:
        return await self._watched(query, super().execute(query, *args, **kwargs))

    async def fetch(self, query: str, *args: Any, **kwargs: Any) -> Any:
        return await self._watched(query, super().fetch(query, *args, **kwargs))

    async def fetchval(self, query: str, *args: Any, **kwargs: Any) -> Any:
        return await self._watched(query, super().fetchval(query, *args, **kwargs))

    async def fetchrow(self, query: str, *args: Any, **kwargs: Any) -> Any:
        return await self._watched(query, super().fetchrow(query, *args, **kwargs))

    async def executemany(self, command: str, args: Any, **kwargs: Any) -> None:
        await self._watched(command, super().executemany(command, args, **kwargs))

    # Every other way of sending a statement counts as leaving state: none is on a busy path.
    async def prepare(self, *args: Any, **kwargs: Any) -> Any:
        self.needs_reset = True
        return await super().prepare(*args, **kwargs)

    def cursor(self, *args: Any, **kwargs: Any) -> Any:
        self.needs_reset = True
        return super().cursor(*args, **kwargs)

    async def fetchmany(self, *args: Any, **kwargs: Any) -> Any:
        self.needs_reset = True
        return await super().fetchmany(*args, **kwargs)

    async def add_listener(self, *args: Any, **kwargs: Any) -> None:
        self.needs_reset = True
        await super().add_listener(*args, **kwargs)

    async def copy_from_table(self, *args: Any, **kwargs: Any) -> str:
        self.needs_reset = True
        return await super().copy_from_table(*args, **kwargs)

    async def copy_from_query(self, *args: Any, **kwargs: Any) -> str:
        self.needs_reset = True
        return await super().copy_from_query(*args, **kwargs)

    async def copy_to_table(self, *args: Any, **kwargs: Any) -> str:
        self.needs_reset = True
        return await super().copy_to_table(*args, **kwargs)

    async def copy_records_to_table(self, *args: Any, **kwargs: Any) -> str:
        self.needs_reset = True
        return await super().copy_records_to_table(*args, **kwargs)


async def reset_if_needed(conn: asyncpg.Connection) -> None:
    """The pool's `reset`, run after asyncpg has rolled back any transaction left open: the full reset
    for a connection that may have left state in its session (or is not a PooledConnection), none
    for the others."""
    # not isinstance: asyncpg's connections answer it for any class of connection
    if not getattr(conn, "needs_reset", True):
        return
    query = conn.get_reset_query()
    if query:
        await asyncpg.Connection.execute(conn, query)
    if type(conn) is PooledConnection:
        conn.needs_reset = False
