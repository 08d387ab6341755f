"""Pooled connections go back without a reset round trip (core/db.py `_keep_session`): that holds only
while no code leaves session state on them. Session-level advisory locks, settings and set_config are
refused here, outside the migration (which runs on a connection of its own and unlocks). LISTEN is
asyncpg's add_listener, which the dispatcher undoes with remove_listener before it releases."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
APPLICATION = ["api", "core", "payments", "notifications", "assistant", "documents", "i18n"]
SESSION_STATE = [
    re.compile(r"pg_advisory_lock(_shared)?\s*\(", re.IGNORECASE),  # the _xact_ forms end with the transaction
    re.compile(r"\bSET\s+(SESSION\s+)?[a-z_.]+\s+TO\b", re.IGNORECASE),  # UPDATE … SET col = …, never TO
    re.compile(
        r"\bSET\s+(SESSION\s+)?(search_path|statement_timeout|lock_timeout|work_mem|synchronous_commit"
        r"|session_replication_role|application_name)\s*=",
        re.IGNORECASE,
    ),
    re.compile(r"\bSET\s+(SESSION\s+)?(ROLE|TIME\s+ZONE)\s+[^=\s]", re.IGNORECASE),  # UPDATE … SET role = …
    re.compile(r"set_config\([^)]*,\s*false\s*\)", re.IGNORECASE),
]


def _sources() -> list[Path]:
    found = [ROOT / name for name in ("runtime.py", "asgi.py", "cli.py")]
    for package in APPLICATION:
        found += sorted((ROOT / package).rglob("*.py"))
        found += sorted((ROOT / package).rglob("*.sql"))
    return [p for p in found if "migrations" not in p.parts and p.name != "migrate.py"]


def test_no_code_leaves_session_state_on_a_pooled_connection() -> None:
    offending = [
        f"{path.relative_to(ROOT)}: {match.group(0)!r}"
        for path in _sources()
        for pattern in SESSION_STATE
        for match in pattern.finditer(path.read_text(encoding="utf-8"))
    ]
    assert offending == []


def test_the_patterns_catch_what_they_are_for() -> None:
    caught = [
        "SELECT pg_advisory_lock(1)",
        "SET statement_timeout = 0",
        "SET ROLE motcua_reader",
        "set search_path to x",
        "SELECT set_config('work_mem', '1MB', false)",
    ]
    passed = [
        "SELECT pg_advisory_xact_lock(1)",
        "SET LOCAL statement_timeout = 0",
        "UPDATE users SET full_name = $2",
        "UPDATE users SET role = $2 WHERE id = $1",
        "SELECT set_config('synchronous_commit', 'off', true)",
    ]
    assert all(any(p.search(text) for p in SESSION_STATE) for text in caught)
    assert not any(p.search(text) for text in passed for p in SESSION_STATE)
