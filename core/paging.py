"""How every list is asked for and answered (contracts.md, "Conventions").

Asked: `?limit=` (1-100, default 20) and `?offset=`, bounded where PostgreSQL is (an offset past int32
is an error, not an empty page). A list route takes both as one parameter, `paging: PagingQuery`,
which the composition root provides by that name from the two query parameters (`paging_from_query`),
so the OpenAPI document still shows `limit` and `offset`. Search text `q` is bounded too: a search
costs what the index costs, not what the query's length does.

Answered: `{"items": [...], "total": N}` (`Page`), `total` counting every item the filters match."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Generic, TypeVar

import msgspec
from litestar.di import NamedDependency
from litestar.params import QueryParameter

from core.bounds import MAX_SEARCH

T = TypeVar("T")

MAX_LIMIT = 100
DEFAULT_LIMIT = 20
MAX_OFFSET = 2**31 - 1

Limit = Annotated[int, QueryParameter(ge=1, le=MAX_LIMIT, description="Items per page (1-100)")]
Offset = Annotated[int, QueryParameter(ge=0, le=MAX_OFFSET, description="Items to skip")]
SearchText = Annotated[
    str | None,
    QueryParameter(max_length=MAX_SEARCH, description=f"Words to look for (at most {MAX_SEARCH} characters)"),
]


class Paging(msgspec.Struct, frozen=True):
    """The part of a list a request asks for."""

    limit: int
    offset: int

    def window(self, items: Sequence[T]) -> list[T]:
        """The asked part of a list held in memory."""
        return list(items[self.offset : self.offset + self.limit])


def paging_from_query(limit: Limit = DEFAULT_LIMIT, offset: Offset = 0) -> Paging:
    """The provider of `paging`: Litestar has already held both parameters to their bounds."""
    return Paging(limit=limit, offset=offset)


PagingQuery = NamedDependency[Paging]  # as `paging`, from ?limit= and ?offset=


class Page(msgspec.Struct, Generic[T], frozen=True):
    items: list[T]
    total: int
