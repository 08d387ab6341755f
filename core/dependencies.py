"""Litestar resolves the dependencies a handler takes at one depth together, in an anyio task group
whenever there are two or more (upstream issue 4563). Nearly every route here takes two or more that
are plain functions (`ctx`, `locale`, `caller`, `paging`): measured with py-spy under wrk on the
catalog detail, creating and joining that task group was a third of the worker's time.

`install()` has the app resolve the plain-function ones in turn, at once, and keeps the task group
only for two or more that truly wait (a pooled connection and another); what each handler receives
is the same. Litestar's own resolution of one dependency (its sub-dependencies, generators and
their cleanup) is used as it is."""

from __future__ import annotations

from typing import Any

from anyio import create_task_group
from litestar._kwargs.cleanup import DependencyCleanupGroup
from litestar._kwargs.dependencies import DependencyContainer, resolve_dependency
from litestar._kwargs.kwargs_model import KwargsModel
from litestar.connection import ASGIConnection


async def resolve_dependencies(
    self: KwargsModel, connection: ASGIConnection[Any, Any, Any, Any], kwargs: dict[str, Any]
) -> DependencyCleanupGroup:
    cleanup_group = DependencyCleanupGroup()
    for batch in self.dependency_batches:
        waiting: list[DependencyContainer] = []
        for dependency in batch:
            provide = dependency.provide
            if provide.has_sync_callable and not provide.has_async_generator_dependency:  # awaits nothing
                await resolve_dependency(dependency, connection, kwargs, cleanup_group)
            else:
                waiting.append(dependency)
        if len(waiting) == 1:
            await resolve_dependency(waiting[0], connection, kwargs, cleanup_group)
        elif waiting:
            try:
                async with create_task_group() as group:
                    for dependency in waiting:
                        group.start_soon(resolve_dependency, dependency, connection, kwargs, cleanup_group)
            except BaseExceptionGroup as raised:  # as Litestar does: the first failure, not the group
                raise raised.exceptions[0] from raised
    return cleanup_group


def install() -> None:
    """For every app of the process (idempotent)."""
    KwargsModel.resolve_dependencies = resolve_dependencies  # type: ignore[method-assign]
