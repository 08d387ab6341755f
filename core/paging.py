"""The `limit` and `offset` query parameters of every list, bounded where the contract bounds them
(limit 1-100) and where PostgreSQL does (an offset past int64 is an error, not an empty page)."""

from __future__ import annotations

from typing import Annotated

from litestar.params import QueryParameter

MAX_OFFSET = 2**31 - 1

Limit = Annotated[int, QueryParameter(ge=1, le=100, description="Items per page (1-100)")]
Offset = Annotated[int, QueryParameter(ge=0, le=MAX_OFFSET, description="Items to skip")]
