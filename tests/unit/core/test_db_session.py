"""Which statements may leave state in a pooled connection's session, and so call for its reset."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from core.db_session import leaves_session_state

MIGRATIONS = Path(__file__).parents[3] / "core" / "migrations"


@pytest.mark.parametrize(
    "sql",
    [
        "SET work_mem = '64MB'",
        "set session statement_timeout to 1000",
        "SELECT 1; SET search_path TO x",
        "-- first a comment\nSET lock_timeout = 5",
        "SELECT set_config('work_mem', '64MB', false)",
        "SELECT set_config('work_mem', $1, $2)",
        "SELECT set_config('a', 'b', true), set_config('c', 'd', false)",
        "SELECT pg_advisory_lock(1)",
        "SELECT pg_try_advisory_lock_shared($1)",
        "LISTEN outbox",
        "DECLARE c CURSOR WITH HOLD FOR SELECT 1",
        "CREATE TEMP TABLE t (n int)",
        "SELECT * INTO TEMPORARY t FROM users",
        "DO $$ BEGIN PERFORM 1; END $$",
    ],
)
def test_a_statement_that_may_outlive_its_transaction_calls_for_the_reset(sql: str) -> None:
    assert leaves_session_state(sql)


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE users SET role = $2 WHERE id = $1",
        "INSERT INTO t (a) VALUES ($1) ON CONFLICT (a) DO UPDATE SET a = excluded.a",
        "UPDATE dossiers\nSET status = $2\nWHERE id = $1",
        "SET LOCAL plan_cache_mode = force_generic_plan",
        "SET TRANSACTION ISOLATION LEVEL SERIALIZABLE",
        "SELECT pg_advisory_xact_lock(7170650723)",
        "SELECT pg_try_advisory_xact_lock(hashtext('x'))",
        "SELECT 1 FROM (SELECT set_config('synchronous_commit', 'off', true)) AS s",
        "BEGIN",
        "COMMIT",
        "SELECT 'the set of things' -- SET x = 1",
    ],
)
def test_a_statement_that_leaves_nothing_in_the_session_does_not(sql: str) -> None:
    assert not leaves_session_state(sql)


_FUNCTION_BODY = re.compile(r"CREATE\s+(?:OR\s+REPLACE\s+)?FUNCTION.*?AS\s+(\$\w*\$)(.*?)\1", re.DOTALL | re.IGNORECASE)


def test_no_function_of_the_schema_leaves_session_state() -> None:
    """A trigger or function that did would reach a pooled connection without its statement saying so."""
    bodies = [m.group(2) for path in MIGRATIONS.glob("*.sql") for m in _FUNCTION_BODY.finditer(path.read_text())]
    assert bodies  # the pattern still finds the schema's functions
    # a PL/pgSQL block's own DECLARE section declares variables, not a cursor of the session
    statements = [re.sub(r"^\s*declare\b", "", body, flags=re.IGNORECASE) for body in bodies]
    assert [body[:80] for body in statements if leaves_session_state(body)] == []
