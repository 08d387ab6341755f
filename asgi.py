"""Composition root: create_app(settings) -> Litestar. Importing this module has no side effects.

The routes are each package's own list; what a process holds (pool, Redis, contexts, consumers,
periodic jobs) is built by runtime.py, the same for `motcua serve` and `motcua worker`."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path

import msgspec
from litestar import Litestar
from litestar.channels import ChannelsPlugin
from litestar.channels.backends.redis import RedisChannelsPubSubBackend
from litestar.config.cors import CORSConfig
from litestar.datastructures import State
from litestar.middleware import DefineMiddleware
from litestar.openapi import OpenAPIConfig
from litestar.openapi.spec import Components, SecurityScheme
from litestar.types import ControllerRouterHandler, Middleware

from api import ops
from api.accounts import routes as accounts
from api.accounts.disabled import DisabledAccounts
from api.accounts.sms import SmsSender
from api.agencies import routes as agencies
from api.catalog import routes as catalog
from api.catalog.front import in_front
from api.context import AppContext
from api.deps import DEPENDENCIES
from api.docs import docs_assets, docs_router, docs_ui
from api.dossiers.routes import DossierController, list_documents
from api.examples import EXAMPLES
from api.handoffs import routes as handoffs
from api.integrations import routes as integrations
from api.links import LINKS
from api.officer import routes as officer
from api.onestop import routes as onestop
from api.problems import EXCEPTION_HANDLERS
from api.stats import routes as stats
from api.tracking import routes as tracking
from api.unread_body import DrainUnreadBody
from api.verification import routes as verification
from assistant import routes as assistant
from assistant.channels.service import ChannelInbox
from core import embedded, hot_path
from core.clock import Clock
from core.events import EventBus
from core.guards import TokenVerifier, check_routes
from core.headers import security_headers
from core.input_bounds import InputBounds
from core.memory import settle_heap, thaw_heap
from core.metrics import APP_NAME, RequestMetrics
from core.openapi import TAGS, document
from core.ratelimit import TRUSTED_PROXIES
from core.redis import create_redis
from core.request_ids import request_ids
from core.settings import Settings
from notifications import routes as notifications
from payments import officer_routes as payment_officers
from payments import routes as payments
from runtime import Runtime, background, build_assistant, catalog_follower, close_runtime, start_runtime

ROUTES: list[ControllerRouterHandler] = [
    *accounts.ROUTES,
    *catalog.ROUTES,
    *agencies.ROUTES,
    DossierController,
    list_documents,
    *officer.ROUTES,
    *handoffs.ROUTES,
    *tracking.ROUTES,
    *verification.ROUTES,
    *onestop.ROUTES,
    *integrations.ROUTES,
    *stats.ROUTES,
    *ops.ROUTES,
    *payments.ROUTES,
    *payment_officers.ROUTES,
    *notifications.ROUTES,
    *assistant.ROUTES,
]


def _serve_state(app: Litestar, runtime: Runtime, settings: Settings, disabled: DisabledAccounts) -> None:
    """What the route handlers reach through the app's state."""
    app.state.ctx = runtime.ctx
    app.state.tokens = TokenVerifier(settings.jwt_secret, runtime.ctx.clock, disabled)
    app.state.payments = runtime.payments
    app.state.bank_queue = runtime.bank_queue
    app.state.assistant_limits = assistant.AssistantLimits(
        runtime.ctx.limiter,
        per_address=settings.assistant_rate_per_minute_ip,
        per_session=settings.assistant_rate_per_minute_session,
        per_user=settings.assistant_rate_per_minute_user,
    )
    app.state.assistant = runtime.chat.assistant if runtime.chat else build_assistant(runtime.ctx)

    def on_catalog(ctx: AppContext) -> None:
        app.state.assistant = runtime.chat.assistant if runtime.chat else build_assistant(ctx)

    runtime.ctx.catalog_listeners.append(on_catalog)  # after rebuild_assistant: the chat's is new by then
    app.state.channel_inbox = ChannelInbox.of(settings, runtime.ctx.bus, runtime.ctx.clock)


def _lifespan(
    settings: Settings, clock: Clock | None, sms: SmsSender | None, bus: EventBus | None
) -> Callable[[Litestar], AbstractAsyncContextManager[None]]:
    """The server's runtime, with the worker's loops in-process unless MOTCUA_INPROCESS_WORKER is off."""

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        runtime = await start_runtime(settings, clock=clock, sms=sms, bus=bus)
        disabled = DisabledAccounts()
        await disabled.load(runtime.ctx.pool)
        _serve_state(app, runtime, settings, disabled)
        stop = asyncio.Event()
        jobs = [*background(runtime, stop)] if settings.inprocess_worker else []
        jobs += [catalog_follower(runtime, stop), disabled.listen(runtime.ctx.redis, runtime.ctx.pool, stop)]
        tasks = [asyncio.ensure_future(job) for job in jobs]
        settle_heap()
        try:
            yield
        finally:
            stop.set()
            await asyncio.gather(*tasks, return_exceptions=True)
            await close_runtime(runtime)
            thaw_heap()

    return lifespan


def _openapi_config() -> OpenAPIConfig:
    return OpenAPIConfig(
        title="Một Cửa API",
        version="1.0.0",
        description="Backend of the citizen app of a Vietnamese provincial one-stop shop.",
        openapi_router=docs_router("/schema"),
        render_plugins=[docs_ui()],
        components=Components(
            security_schemes={"bearer": SecurityScheme(type="http", scheme="bearer", bearer_format="JWT")}
        ),
        security=[{"bearer": []}],
        tags=TAGS,
    )


def _middleware(settings: Settings, max_body: int) -> list[Middleware]:
    # draining outermost: an early answer (a bound, a database fault) still reads the body it refused
    return [
        request_ids,
        DefineMiddleware(DrainUnreadBody, limit=max_body),
        DefineMiddleware(RequestMetrics, app_name=APP_NAME),
        InputBounds(max_json_bytes=settings.max_json_bytes),
    ]


def create_app(
    settings: Settings,
    *,
    clock: Clock | None = None,
    sms: SmsSender | None = None,
    bus: EventBus | None = None,
) -> Litestar:
    if settings.redis_url is None:  # one embedded Redis for the runtime and the live channels alike
        settings = msgspec.structs.replace(settings, redis_url=embedded.start_redis(Path(settings.data_dir)))
    channels_redis = create_redis(settings.redis_url or "")
    channels = ChannelsPlugin(backend=RedisChannelsPubSubBackend(redis=channels_redis), arbitrary_channels_allowed=True)
    max_body = settings.max_file_bytes + 1024 * 1024
    hot_path.install()
    app = Litestar(
        plugins=[channels],
        on_shutdown=[channels_redis.aclose],
        route_handlers=[*ROUTES, docs_assets()],
        state=State({TRUSTED_PROXIES: settings.trusted_proxy_networks, "operator_token": settings.metrics_token}),
        dependencies=DEPENDENCIES,
        exception_handlers=EXCEPTION_HANDLERS,
        lifespan=[_lifespan(settings, clock, sms, bus)],
        middleware=_middleware(settings, max_body),
        before_send=[security_headers(https=settings.public_base_url.startswith("https://"))],
        cors_config=CORSConfig(allow_origins=["*"], allow_headers=["Authorization", "Content-Type", "Accept-Language"]),
        request_max_body_size=max_body,
        openapi_config=_openapi_config(),
        debug=False,
        logging_config=None,  # one log format, set by the process (core/logs.py), not Litestar's own
    )
    check_routes(app)
    document(app, EXAMPLES, LINKS)
    in_front(app)
    return app


def app_from_env() -> Litestar:
    """The factory `motcua serve` hands to granian: each worker reads the environment once (granian
    has set up logging in the worker from the configuration `serve` gave it)."""
    from core.settings import from_env

    return create_app(from_env())
