"""core/guards.py: a route must say who may call it, once, and take the caller only as its rule provides."""

from __future__ import annotations

import inspect
from typing import Any

import pytest
from litestar import Controller, Litestar, get
from litestar.di import Provide
from litestar.handlers.base import BaseRouteHandler

from core import guards
from core.guards import check_routes, citizen_only, officer_only, public, signed_in
from core.injected import Caller, MaybeCaller


def _app(*handlers: Any) -> Litestar:
    providers = {"caller": Provide(lambda: None, sync_to_thread=False)}
    providers["maybe_caller"] = Provide(lambda: None, sync_to_thread=False)
    return Litestar(route_handlers=list(handlers), dependencies=providers, openapi_config=None)


def test_a_route_without_a_rule_is_refused() -> None:
    @get("/open")
    async def forgotten() -> str:
        return ""

    with pytest.raises(RuntimeError, match=r"GET /open: forgotten: one access rule .* found none"):
        check_routes(_app(forgotten))


def test_two_rules_on_one_route_are_refused_even_across_layers() -> None:
    class Officers(Controller):
        path = "/officer"
        guards = [officer_only]

        @get("/", guards=[public])
        async def widened(self) -> str:
            return ""

    with pytest.raises(RuntimeError, match=r"GET /officer: .*found \['officer_only', 'public'\]"):
        check_routes(_app(Officers))


def test_the_caller_is_taken_only_under_a_rule_that_signs_in() -> None:
    @get("/me", guards=[public])
    async def me(caller: Caller) -> str:
        return str(caller)

    with pytest.raises(RuntimeError, match="takes `caller` under public"):
        check_routes(_app(me))


def test_maybe_caller_belongs_to_public_routes() -> None:
    @get("/ask", guards=[signed_in])
    async def ask(maybe_caller: MaybeCaller) -> str:
        return str(maybe_caller)

    with pytest.raises(RuntimeError, match="`maybe_caller` belongs to public routes, not signed_in"):
        check_routes(_app(ask))


def test_a_rule_on_the_controller_counts_and_litestar_options_answers_are_left_alone() -> None:
    class Mine(Controller):
        path = "/mine"
        guards = [citizen_only]

        @get("/")
        async def mine(self, caller: Caller) -> str:
            return str(caller)

    app = _app(Mine)
    check_routes(app)
    assert [(m, p, h.handler_name) for m, p, h in guards.http_handlers(app)] == [("GET", "/mine", "mine")]


@pytest.mark.parametrize("rule", guards.ACCESS_RULES, ids=lambda rule: rule.__name__)
def test_rules_are_coroutines(rule: guards.Guard) -> None:
    """Litestar runs a plain-function guard in a worker thread: one thread hop per request for nothing."""
    assert inspect.iscoroutinefunction(rule)
    handler: BaseRouteHandler = get("/x", guards=[rule], sync_to_thread=False)(lambda: None)
    assert handler.resolve_guards() == [rule]
