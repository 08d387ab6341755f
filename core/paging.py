"""The `limit`, `offset` and `q` query parameters of every list, bounded where the contract bounds
them (limit 1-100, q at most 200 characters: a search costs what the index costs, not what the
query's length does) and where PostgreSQL does (an offset past int64 is an error, not an empty page)."""

from __future__ import annotations

from typing import Annotated

from litestar.params import QueryParameter

from core.bounds import MAX_SEARCH

MAX_OFFSET = 2**31 - 1

Limit = Annotated[int, QueryParameter(ge=1, le=100, description="Items per page (1-100)")]
Offset = Annotated[int, QueryParameter(ge=0, le=MAX_OFFSET, description="Items to skip")]
SearchText = Annotated[
    str | None,
    QueryParameter(max_length=MAX_SEARCH, description=f"Words to look for (at most {MAX_SEARCH} characters)"),
]
