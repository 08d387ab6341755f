"""Two costs of Litestar's request path that buy nothing here, taken out by `install()`.

**Dependencies.** Litestar resolves the dependencies a handler takes at one depth together, in an anyio task group
whenever there are two or more (upstream issue 4563). Nearly every route here takes two or more that
are plain functions (`ctx`, `locale`, `caller`, `paging`): measured with py-spy under wrk on the
catalog detail, creating and joining that task group was a third of the worker's time.

Here the plain-function ones are resolved in turn, at once, and the task group kept only for two or
more that truly wait (a pooled connection and another); what each handler receives is the same.
Litestar's own resolution of one dependency (its sub-dependencies, generators and their cleanup) is
used as it is.

**Guards.** Litestar hands each guard a fresh copy of the route handler on every request (`copy(self)`
in `authorize_connection`): 8 % of the catalog detail's CPU in-process, for the `public` rule that
checks nothing. The guards of core/guards.py read the handler and never change it, so they are given
the handler itself; they still run, in the same order, on every request."""

from __future__ import annotations

from typing import Any

from anyio import create_task_group
from litestar._kwargs.cleanup import DependencyCleanupGroup
from litestar._kwargs.dependencies import DependencyContainer, resolve_dependency
from litestar._kwargs.kwargs_model import KwargsModel
from litestar.connection import ASGIConnection
from litestar.handlers.base import BaseRouteHandler


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


async def authorize_connection(self: BaseRouteHandler, connection: ASGIConnection[Any, Any, Any, Any]) -> None:
    for guard in self.resolve_guards():
        await guard(connection, self)  # type: ignore[misc]  # made async by resolve_guards


def install() -> None:
    """For every app of the process (idempotent)."""
    KwargsModel.resolve_dependencies = resolve_dependencies  # type: ignore[method-assign]
    BaseRouteHandler.authorize_connection = authorize_connection  # type: ignore[method-assign]
