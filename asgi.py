"""Composition root: create_app(settings) -> Litestar. Importing this module has no side effects."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import msgspec
from litestar import Litestar
from litestar.channels import ChannelsPlugin
from litestar.channels.backends.redis import RedisChannelsPubSubBackend
from litestar.config.cors import CORSConfig
from litestar.datastructures import State
from litestar.middleware import DefineMiddleware
from litestar.openapi import OpenAPIConfig
from litestar.openapi.spec import Components, SecurityScheme
from litestar.plugins.prometheus import PrometheusConfig

from api.accounts.disabled import DisabledAccounts
from api.accounts.routes import AuthController, get_me
from api.accounts.sms import SmsSender, sms_sender_from_settings
from api.agencies.routes import list_agencies
from api.agencies.service import load_directory
from api.assistant_facts import CatalogFacts, DossierFactsReader, OfficeFacts
from api.catalog import refresh as catalog_refresh
from api.catalog.routes import ProcedureController, add_procedure, list_procedure_versions, replace_procedure
from api.catalog.service import load_catalog
from api.context import AppContext
from api.deps import DEPENDENCIES
from api.docs import docs_assets, docs_router, docs_ui
from api.dossiers.deadlines import warn_of_deadlines
from api.dossiers.lifecycle import on_payment_succeeded
from api.dossiers.payable import PayableDossiers
from api.dossiers.routes import DossierController, list_documents
from api.dossiers.storage import FileStore
from api.dossiers.workdays import WorkCalendar, load_default_overrides, parse_working_hours
from api.examples import EXAMPLES
from api.handoffs.routes import HandoffController
from api.handoffs.service import HandoffRecords
from api.integrations import delivery as webhooks
from api.integrations import placing
from api.integrations.models import source_of
from api.integrations.routes import SubscriptionController, event_feed
from api.links import LINKS
from api.officer.routes import OfficerDossierController
from api.onestop.routes import one_stop_event
from api.ops import MetricsController, live, ready
from api.problems import EXCEPTION_HANDLERS
from api.seed import load_overrides
from api.stats.rollup import roll_up_indicators
from api.stats.routes import indicators, on_time
from api.tracking.routes import track, tracking_lookup_page, tracking_page
from api.unread_body import DrainUnreadBody
from assistant import routes as assistant_routes
from assistant.channels import routes as channel_routes
from assistant.channels.platforms import MessengerApi, TokenPair, ZaloApi
from assistant.channels.service import TOPIC as CHAT_TOPIC
from assistant.channels.service import ChannelInbox, ChatReplies, reply_consumer
from assistant.channels.tokens import ZaloTokens
from assistant.service import Assistant
from core import embedded
from core.clock import Clock, SystemClock
from core.db import acquire, create_pool
from core.events import EventBus, PaymentSucceeded
from core.guards import TokenVerifier, check_routes
from core.headers import security_headers
from core.input_bounds import InputBounds
from core.openapi import TAGS, document
from core.outbox import Consumer, Dispatcher, all_of
from core.periodic import every
from core.ratelimit import TRUSTED_PROXIES, RateLimiter
from core.redis import create_redis
from core.request_ids import request_ids
from core.sealing import DataKeys
from core.settings import Settings
from i18n.catalogs import preload as preload_catalogs
from notifications import handoff_alerts, officer_alerts
from notifications import sms as status_sms
from notifications.pushes import TOPICS as PUSH_TOPICS
from notifications.pushes import push_consumer
from notifications.realtime import LivePublisher
from notifications.realtime import stream as notification_stream
from notifications.routes import DeviceController, NotificationController
from notifications.senders import PushSender, sender_from_settings
from payments import officer_routes as payment_officer_routes
from payments import routes as payment_routes
from payments.bank_queue import BankNotificationQueue
from payments.consumers import vnpay_refunds
from payments.service import PaymentsContext, expire_due
from payments.vnpay_api import VNPayApi

log = logging.getLogger("motcua")

ROUTES: list[Any] = [
    AuthController,
    get_me,
    ProcedureController,
    list_procedure_versions,
    replace_procedure,
    add_procedure,
    list_agencies,
    DossierController,
    list_documents,
    OfficerDossierController,
    track,
    tracking_page,
    tracking_lookup_page,
    one_stop_event,
    SubscriptionController,
    event_feed,
    on_time,
    indicators,
    live,
    ready,
    payment_routes.open_payment,
    payment_routes.get_payment,
    payment_routes.qr_png,
    payment_routes.qr_svg,
    payment_routes.bank_webhook,
    payment_routes.vnpay_ipn,
    payment_routes.vnpay_return,
    payment_routes.get_receipt,
    payment_routes.receipt_qr,
    payment_routes.verify_receipt_page,
    payment_officer_routes.refund,
    payment_officer_routes.list_exceptions,
    payment_officer_routes.resolve,
    payment_officer_routes.reconciliation,
    DeviceController,
    NotificationController,
    notification_stream,
    assistant_routes.ask,
    HandoffController,
    channel_routes.verify_messenger,
    channel_routes.messenger_webhook,
    channel_routes.zalo_webhook,
]


def resolve_database(settings: Settings) -> str:
    """DATABASE_URL, or an embedded PostgreSQL under the data directory."""
    return settings.database_url or embedded.start_postgres(Path(settings.data_dir))


def resolve_services(settings: Settings) -> tuple[str, str]:
    """The PostgreSQL and Redis URLs, starting embedded servers for the ones not configured."""
    return resolve_database(settings), settings.redis_url or embedded.start_redis(Path(settings.data_dir))


@dataclass
class Runtime:
    """Everything one process holds: the HTTP app's context, the payments context, outside clients."""

    ctx: AppContext
    payments: PaymentsContext
    push_sender: PushSender | None = None
    vnpay_api: VNPayApi | None = None
    chat: ChatReplies | None = None
    chat_http: httpx.AsyncClient | None = None
    own_sms: SmsSender | None = None  # the gateway client this runtime opened (not one it was handed)
    webhooks: webhooks.WebhookDeliverer | None = None


def outbox_consumers(runtime: Runtime) -> dict[str, Consumer]:
    """Side effects driven by committed events, by outbox topic. Consumers of a topic run in the order
    listed, and an event one of them fails is not handed to the next until it succeeds: the steps
    leaving for other systems come first (database work only, so the pushes' outages never hold them)."""
    by_topic: dict[str, list[Consumer]] = {}
    if runtime.webhooks is not None:
        leaving = webhooks.IntegrationConsumer(runtime.webhooks)
        for topic in placing.TOPICS:
            by_topic.setdefault(topic, []).append(leaving)
    if runtime.push_sender is not None:
        pushes = push_consumer(
            runtime.ctx.pool, runtime.ctx.clock, runtime.push_sender, LivePublisher(runtime.ctx.redis)
        )
        for topic in PUSH_TOPICS:
            by_topic.setdefault(topic, []).append(pushes)
        alerts = officer_alerts.officer_alerts(runtime.ctx.pool, runtime.ctx.clock, runtime.push_sender)
        for topic in (officer_alerts.TOPIC, officer_alerts.BACKLOG_TOPIC):
            by_topic.setdefault(topic, []).append(alerts)
        by_topic.setdefault(handoff_alerts.TOPIC, []).append(
            handoff_alerts.handoff_alerts(
                runtime.ctx.pool,
                runtime.ctx.clock,
                runtime.push_sender,
                runtime.ctx.settings.handoff_queue_office_codes,
            )
        )
    # SMS only where no device takes the push, so a failing FCM and a failing gateway never hold one event
    texts = status_sms.sms_consumer(runtime.ctx.pool, runtime.ctx.clock, runtime.ctx.sms)
    for topic in status_sms.TOPICS:
        by_topic.setdefault(topic, []).append(texts)
    if runtime.vnpay_api is not None:
        by_topic.setdefault("payment.refunded", []).append(vnpay_refunds(runtime.payments, runtime.vnpay_api))
    if runtime.chat is not None:
        by_topic.setdefault(CHAT_TOPIC, []).append(reply_consumer(runtime.chat))
    return {topic: all_of(*consumers) for topic, consumers in by_topic.items()}


async def start_runtime(
    settings: Settings,
    *,
    clock: Clock | None = None,
    sms: SmsSender | None = None,
    bus: EventBus | None = None,
    pool_size: int = 10,
) -> Runtime:
    own_sms: SmsSender | None = None
    if sms is None:  # first: a sender refused in production stops the start before anything opens
        sms = own_sms = sms_sender_from_settings(settings)
    preload_catalogs()
    database_url, redis_url = resolve_services(settings)
    pool = await create_pool(database_url, max_size=pool_size)
    redis = create_redis(redis_url)
    try:
        async with acquire(pool) as conn:
            catalog = await load_catalog(conn, province=settings.province_code)
            offices = await load_directory(
                conn, province_code=settings.province_code, default_commune_office=settings.default_commune_office
            )
            overrides = [*load_default_overrides(), *await load_overrides(conn)]
    except BaseException:  # e.g. the database went away meanwhile: a caller that tries again leaks nothing
        await redis.aclose()
        await pool.close()
        raise
    clock = clock or SystemClock()
    ctx = AppContext(
        settings=settings,
        pool=pool,
        redis=redis,
        clock=clock,
        bus=bus or EventBus(),
        catalog=catalog,
        calendar=WorkCalendar(overrides, hours=parse_working_hours(settings.working_hours)),
        offices=offices,
        sms=sms,
        files=FileStore(Path(settings.storage_dir)),
        limiter=RateLimiter(redis, clock, enabled=settings.rate_limits),
        keys=DataKeys.from_text(settings.data_key),
    )
    # dependency inversion: payments announce, the dossier side reacts in the same transaction
    ctx.bus.subscribe_batch(PaymentSucceeded, on_payment_succeeded(ctx))
    payments = PaymentsContext(
        settings=settings, pool=pool, clock=ctx.clock, bus=ctx.bus, dossiers=PayableDossiers(ctx)
    )
    payments.bank_queue = BankNotificationQueue(payments)
    vnpay_api = None
    if settings.vnpay_tmn_code and settings.vnpay_hash_secret:
        vnpay_api = VNPayApi(
            api_url=settings.vnpay_api_url, tmn_code=settings.vnpay_tmn_code, secret=settings.vnpay_hash_secret
        )
    push_sender = sender_from_settings(
        settings.firebase_credentials, settings.firebase_project_id, settings.fcm_base_url
    )
    if push_sender.name == "logging":
        log.warning("no Firebase credentials (MOTCUA_FIREBASE_CREDENTIALS): pushes go to the log only")
    chat_http = httpx.AsyncClient()
    placer = placing.Placer(
        pool, ctx.clock, source=source_of(settings.province_code), national_code=_national_code(ctx)
    )
    deliverer = webhooks.WebhookDeliverer(pool, ctx.clock, placer, production=settings.production)
    runtime = Runtime(
        ctx=ctx,
        payments=payments,
        push_sender=push_sender,
        vnpay_api=vnpay_api,
        chat=chat_replies(ctx, chat_http),
        chat_http=chat_http,
        own_sms=own_sms,
        webhooks=deliverer,
    )
    ctx.catalog_listeners.append(lambda _: rebuild_assistant(runtime))
    return runtime


def rebuild_assistant(runtime: Runtime) -> None:
    """The assistant answers from facts built from the catalog (today's fees): built again when it changes."""
    if runtime.chat is not None:
        runtime.chat.assistant = build_assistant(runtime.ctx)


def _national_code(ctx: AppContext) -> Callable[[str], str | None]:
    """A procedure's code in the National Database on Administrative Procedures, from the catalog as it
    is when asked (a catalog without that field yet answers None, as does an unconfirmed code)."""

    def code(slug: str) -> str | None:
        found = getattr(ctx.catalog.get(slug), "national_code", None)
        return found if isinstance(found, str) and found else None

    return code


def build_assistant(ctx: AppContext) -> Assistant:
    return Assistant(
        redis=ctx.redis,
        catalog=CatalogFacts(ctx),
        dossiers=DossierFactsReader(ctx),
        handoffs=HandoffRecords(ctx),
        hotline=ctx.settings.hotline,
        offices=OfficeFacts(ctx),
    )


def chat_replies(ctx: AppContext, http: httpx.AsyncClient) -> ChatReplies:
    """The worker's side of the chat channels; a platform without credentials gets no client."""
    s = ctx.settings
    messenger = (
        MessengerApi(http, base=s.graph_api_base, page_token=s.messenger_page_token) if s.messenger_page_token else None
    )
    zalo = zalo_tokens = None
    if s.zalo_app_id and (s.zalo_access_token or s.zalo_refresh_token):
        zalo = ZaloApi(
            http,
            api_base=s.zalo_api_base,
            oauth_base=s.zalo_oauth_base,
            app_id=s.zalo_app_id,
            app_secret=s.zalo_app_secret,
        )
        first = TokenPair(access_token=s.zalo_access_token, refresh_token=s.zalo_refresh_token)
        zalo_tokens = ZaloTokens(ctx.pool, ctx.redis, ctx.clock, app_id=s.zalo_app_id, first=first)
    return ChatReplies(
        pool=ctx.pool,
        clock=ctx.clock,
        assistant=build_assistant(ctx),
        messenger=messenger,
        zalo=zalo,
        zalo_tokens=zalo_tokens,
    )


async def close_runtime(runtime: Runtime) -> None:
    if runtime.push_sender is not None:
        await runtime.push_sender.aclose()
    if runtime.vnpay_api is not None:
        await runtime.vnpay_api.aclose()
    if runtime.chat_http is not None:
        await runtime.chat_http.aclose()
    if runtime.own_sms is not None:
        await runtime.own_sms.aclose()
    if runtime.webhooks is not None:
        await runtime.webhooks.aclose()
    await runtime.payments.bank_queue.drain()
    await runtime.ctx.redis.aclose()
    await runtime.ctx.pool.close()


def background(runtime: Runtime, stop: asyncio.Event) -> list[Awaitable[None]]:
    """The worker's loops: the outbox dispatcher and periodic housekeeping."""
    dispatcher = Dispatcher(
        runtime.ctx.pool,
        outbox_consumers(runtime),
        clock=runtime.ctx.clock,
        lease_seconds=runtime.ctx.settings.outbox_lease_seconds,
    )
    jobs = [dispatcher.run(stop)]
    if runtime.webhooks is not None:
        jobs.append(runtime.webhooks.run(stop))
    return [
        *jobs,
        every(30, stop, lambda: expire_due(runtime.payments), "expired payments"),
        every(60, stop, lambda: warn_of_deadlines(runtime.ctx), "deadline warnings"),
        every(300, stop, lambda: roll_up_indicators(runtime.ctx), "indicator rollup"),
    ]


def catalog_follower(runtime: Runtime, stop: asyncio.Event) -> Awaitable[None]:
    """Each process, server or worker, keeps its copy of the catalog current."""
    return catalog_refresh.follow(runtime.ctx, stop, check_seconds=runtime.ctx.settings.catalog_check_seconds)


def create_app(
    settings: Settings,
    *,
    clock: Clock | None = None,
    sms: SmsSender | None = None,
    bus: EventBus | None = None,
) -> Litestar:
    if settings.redis_url is None:  # one embedded Redis for the runtime and the live channels alike
        settings = msgspec.structs.replace(settings, redis_url=embedded.start_redis(Path(settings.data_dir)))

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        runtime = await start_runtime(settings, clock=clock, sms=sms, bus=bus)
        app.state.ctx = runtime.ctx
        disabled = DisabledAccounts()
        await disabled.load(runtime.ctx.pool)
        app.state.tokens = TokenVerifier(settings.jwt_secret, runtime.ctx.clock, disabled)
        app.state.payments = runtime.payments
        app.state.assistant_limits = assistant_routes.AssistantLimits(
            runtime.ctx.limiter,
            per_address=settings.assistant_rate_per_minute_ip,
            per_session=settings.assistant_rate_per_minute_session,
            per_user=settings.assistant_rate_per_minute_user,
        )
        app.state.assistant = runtime.chat.assistant if runtime.chat else build_assistant(runtime.ctx)

        def on_catalog(ctx: AppContext) -> None:
            app.state.assistant = runtime.chat.assistant if runtime.chat else build_assistant(ctx)

        runtime.ctx.catalog_listeners.append(on_catalog)  # after rebuild_assistant: the chat's is new by then
        app.state.channel_inbox = ChannelInbox(settings=settings, bus=runtime.ctx.bus, clock=runtime.ctx.clock)
        stop = asyncio.Event()
        jobs = [*background(runtime, stop)] if settings.inprocess_worker else []
        jobs += [catalog_follower(runtime, stop), disabled.listen(runtime.ctx.redis, runtime.ctx.pool, stop)]
        tasks = [asyncio.ensure_future(job) for job in jobs]
        try:
            yield
        finally:
            stop.set()
            await asyncio.gather(*tasks, return_exceptions=True)
            await close_runtime(runtime)

    channels_redis = create_redis(settings.redis_url or "")
    channels = ChannelsPlugin(backend=RedisChannelsPubSubBackend(redis=channels_redis), arbitrary_channels_allowed=True)
    prometheus = PrometheusConfig(app_name="motcua", group_path=True)
    max_body = settings.max_file_bytes + 1024 * 1024
    app = Litestar(
        plugins=[channels],
        on_shutdown=[channels_redis.aclose],
        route_handlers=[*ROUTES, MetricsController, docs_assets()],
        state=State({TRUSTED_PROXIES: settings.trusted_proxy_networks, "operator_token": settings.metrics_token}),
        dependencies=DEPENDENCIES,
        exception_handlers=EXCEPTION_HANDLERS,
        lifespan=[lifespan],
        # draining outermost: an early answer (a bound, a database fault) still reads the body it refused
        middleware=[
            request_ids,
            DefineMiddleware(DrainUnreadBody, limit=max_body),
            prometheus.middleware,
            InputBounds(max_json_bytes=settings.max_json_bytes),
        ],
        before_send=[security_headers(https=settings.public_base_url.startswith("https://"))],
        cors_config=CORSConfig(allow_origins=["*"], allow_headers=["Authorization", "Content-Type", "Accept-Language"]),
        request_max_body_size=max_body,
        openapi_config=OpenAPIConfig(
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
        ),
        debug=False,
        logging_config=None,  # one log format, set by the process (core/logs.py), not Litestar's own
    )
    check_routes(app)
    document(app, EXAMPLES, LINKS)
    return app


def app_from_env() -> Litestar:
    """The factory `motcua serve` hands to granian: each worker reads the environment once (granian
    has set up logging in the worker from the configuration `serve` gave it)."""
    from core.settings import from_env

    return create_app(from_env())
