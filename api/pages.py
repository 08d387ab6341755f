"""List envelopes: {"items": [...], "total": N} with limit (default 20, max 100) and offset."""

from __future__ import annotations

from typing import Generic, TypeVar

import msgspec

from core.errors import ValidationError

T = TypeVar("T")


class Page(msgspec.Struct, Generic[T], frozen=True):
    items: list[T]
    total: int


class Paging(msgspec.Struct, frozen=True):
    limit: int
    offset: int

    @classmethod
    def of(cls, limit: int, offset: int) -> Paging:
        errors: list[tuple[str, str, dict[str, object]]] = []
        if not 1 <= limit <= 100:
            errors.append(("limit", "invalid", {}))
        if offset < 0:
            errors.append(("offset", "invalid", {}))
        if errors:
            raise ValidationError(errors)
        return cls(limit=limit, offset=offset)
