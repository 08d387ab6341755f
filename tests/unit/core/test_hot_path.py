"""Dependencies resolved without a task group for the plain-function ones: every handler still gets
what it asks for, a generator's cleanup still runs after the answer, a failure is still the answer.
Guards still run on every request, given the route's handler itself rather than a copy of it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator
from typing import Any

import pytest
from anyio import create_task_group
from litestar import Litestar, get
from litestar.di import NamedDependency, Provide
from litestar.exceptions import NotAuthorizedException
from litestar.testing import TestClient

from core import hot_path

closed: list[str] = []
Dep = NamedDependency[str]


def plain() -> str:
    return "plain"


def other(plain: Dep) -> str:
    return f"{plain}+other"


async def waits() -> str:
    await asyncio.sleep(0)
    return "waits"


async def _held(name: str) -> AsyncGenerator[str, None]:
    await asyncio.sleep(0)
    yield name
    closed.append(name)


async def pooled() -> AsyncGenerator[str, None]:
    async for value in _held("pooled"):
        yield value


async def pooled_too() -> AsyncGenerator[str, None]:
    async for value in _held("pooled-too"):
        yield value


def refuses() -> str:
    raise NotAuthorizedException()


@get("/all", sync_to_thread=False)
def everything(plain: Dep, other: Dep, waits: Dep, pooled: Dep, pooled_too: Dep) -> list[str]:
    return [plain, other, waits, pooled, pooled_too]


@get("/one-waits", sync_to_thread=False)
def one_waits(plain: Dep, other: Dep, pooled: Dep) -> list[str]:
    return [plain, other, pooled]


guarded_by: list[Any] = []


async def noting(connection: Any, handler: Any) -> None:
    guarded_by.append(handler)


async def refusing(connection: Any, handler: Any) -> None:
    raise NotAuthorizedException()


@get("/guarded", sync_to_thread=False, guards=[noting])
def guarded() -> str:
    return "in"


@get("/shut", sync_to_thread=False, guards=[noting, refusing])
def shut() -> str:
    return "in"


@get("/refused", sync_to_thread=False)
def refused(refuses: Dep, pooled: Dep) -> str:
    return refuses


def app() -> Litestar:
    hot_path.install()
    return Litestar(
        [everything, one_waits, refused, guarded, shut],
        dependencies={
            "plain": Provide(plain, sync_to_thread=False),
            "other": Provide(other, sync_to_thread=False),
            "waits": Provide(waits),
            "pooled": Provide(pooled),
            "pooled_too": Provide(pooled_too),
            "refuses": Provide(refuses, sync_to_thread=False),
        },
    )


def test_each_dependency_is_given_and_generators_are_closed_after_the_answer() -> None:
    closed.clear()
    with TestClient(app()) as client:
        response = client.get("/all")
    assert response.status_code == 200
    assert response.json() == ["plain", "plain+other", "waits", "pooled", "pooled-too"]
    assert sorted(closed) == ["pooled", "pooled-too"]


def test_a_dependency_that_refuses_is_the_answer() -> None:
    with TestClient(app()) as client:
        assert client.get("/refused").status_code == 401


def test_a_task_group_only_for_two_or_more_that_wait(monkeypatch: pytest.MonkeyPatch) -> None:
    groups: list[object] = []
    real = create_task_group

    def counted() -> Any:
        groups.append(object())
        return real()

    monkeypatch.setattr(hot_path, "create_task_group", counted)
    with TestClient(app()) as client:
        assert client.get("/one-waits").json() == ["plain", "plain+other", "pooled"]
        assert groups == []
        assert client.get("/all").status_code == 200
        assert len(groups) == 1  # waits, pooled and pooled_too together; plain and other in turn


def test_guards_run_on_every_request_in_order_on_the_handler_itself() -> None:
    guarded_by.clear()
    with TestClient(app()) as client:
        assert client.get("/guarded").text == "in"
        assert client.get("/guarded").text == "in"
        assert client.get("/shut").status_code == 401
    names = [getattr(handler, "handler_name", None) for handler in guarded_by]
    assert names == ["guarded", "guarded", "shut"]
    assert guarded_by[0] is guarded_by[1]  # the app's handler, not a copy made for each request
