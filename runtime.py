"""What one process holds, built the same way for `motcua serve` (asgi.py) and `motcua worker` (cli.py):
the database pool, Redis, the application and payments contexts, the outside clients, the outbox
consumers and the periodic jobs. Top level beside asgi.py, not in core/: it wires every package."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import asyncpg
from redis.asyncio import Redis

from api.accounts.oidc import OidcConfig, RelyingParty
from api.accounts.sms import SmsSender, sms_sender_from_settings
from api.agencies.service import OfficeDirectory, load_directory
from api.assistant_facts import CatalogFacts, DossierFactsReader, OfficeFacts
from api.catalog import refresh as catalog_refresh
from api.catalog.service import Catalog, load_catalog
from api.context import AppContext
from api.dossiers.deadlines import warn_of_deadlines
from api.dossiers.lifecycle import on_payment_succeeded
from api.dossiers.payable import PayableDossiers
from api.dossiers.queue import fold as fold_queue_counts
from api.dossiers.signing_keys import ResultSigning
from api.dossiers.storage import FileStore
from api.dossiers.workdays import CalendarOverride, WorkCalendar, load_default_overrides, parse_working_hours
from api.integrations import delivery as webhooks
from api.integrations import placing
from api.integrations.models import source_of
from api.seed import load_overrides
from api.stats.rollup import roll_up
from assistant.channels.platforms import MessengerApi, TokenPair, ZaloApi
from assistant.channels.service import ChatReplies, reply_consumer
from assistant.channels.tokens import ZaloTokens
from assistant.nlu.model import load_model
from assistant.service import Assistant
from core import embedded
from core.clock import Clock, SystemClock, today_in_vn
from core.db import acquire, create_pool, unavailable
from core.events import (
    ChatMessageReceived,
    Consumer,
    Consumers,
    Dispatcher,
    EventBus,
    PaymentRefunded,
    PaymentSucceeded,
)
from core.periodic import every
from core.probe import open_probes
from core.ratelimit import RateLimiter
from core.readiness import Readiness, readiness
from core.redis import create_redis
from core.sealing import DataKeys
from core.settings import Settings
from i18n.catalogs import preload as preload_catalogs
from notifications import handoff_alerts, officer_alerts, pushes
from notifications import sms as status_sms
from notifications.realtime import LivePublisher
from notifications.senders import PushSender, sender_from_settings
from payments.bank_queue import BankNotificationQueue
from payments.consumers import vnpay_refunds
from payments.service import PaymentsContext, expire_due
from payments.vnpay_api import VNPayApi

if TYPE_CHECKING:  # imported where an outside client is made: a process with none configured needs no httpx
    import httpx

log = logging.getLogger("motcua")


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
    # what the bank webhook hands its notifications to; start_runtime always builds one, tests of the
    # consumers alone go without
    bank_queue: BankNotificationQueue | None = None
    push_sender: PushSender | None = None
    vnpay_api: VNPayApi | None = None
    chat: ChatReplies | None = None
    chat_http: httpx.AsyncClient | None = None
    own_sms: SmsSender | None = None  # the gateway client this runtime opened (not one it was handed)
    webhooks: webhooks.WebhookDeliverer | None = None


def consumers_of(runtime: Runtime) -> Consumers:
    """Side effects driven by committed events, by kind of event. Consumers of a kind run in the order
    added, and an event one of them fails is not handed to the next until it succeeds: the steps
    leaving for other systems come first (database work only, so the pushes' outages never hold them)."""
    ctx, consumers = runtime.ctx, Consumers()
    if runtime.webhooks is not None:
        consumers.add(webhooks.IntegrationConsumer(runtime.webhooks), *placing.EVENTS)
    if runtime.push_sender is not None:
        sender = runtime.push_sender
        consumers.add(pushes.push_consumer(ctx.pool, ctx.clock, sender, LivePublisher(ctx.redis)), *pushes.EVENTS)
        consumers.add(officer_alerts.officer_alerts(ctx.pool, ctx.clock, sender), *officer_alerts.EVENTS)
        offices = ctx.settings.handoff_queue_office_codes
        consumers.add(handoff_alerts.handoff_alerts(ctx.pool, ctx.clock, sender, offices), *handoff_alerts.EVENTS)
    # SMS only where no device takes the push, so a failing FCM and a failing gateway never hold one event
    consumers.add(status_sms.sms_consumer(ctx.pool, ctx.clock, ctx.sms), *status_sms.EVENTS)
    if runtime.vnpay_api is not None:
        consumers.add(vnpay_refunds(runtime.payments, runtime.vnpay_api), PaymentRefunded)
    if runtime.chat is not None:
        consumers.add(reply_consumer(runtime.chat), ChatMessageReceived)
    return consumers


def outbox_consumers(runtime: Runtime) -> dict[str, Consumer]:
    """The consumers as the dispatcher claims rows: by outbox topic."""
    return consumers_of(runtime).by_topic()


@dataclass(frozen=True)
class _Reference:
    """What the process reads from the database once at start (and again when it changes)."""

    catalog: Catalog
    offices: OfficeDirectory
    overrides: list[CalendarOverride]


async def _read_reference(settings: Settings, pool: asyncpg.Pool) -> _Reference:
    async with acquire(pool) as conn:
        catalog = await load_catalog(conn, province=settings.province_code)
        offices = await load_directory(
            conn, province_code=settings.province_code, default_commune_office=settings.default_commune_office
        )
        overrides = [*load_default_overrides(), *await load_overrides(conn)]
    return _Reference(catalog, offices, overrides)


def _app_context(
    settings: Settings,
    pool: asyncpg.Pool,
    redis: Redis,
    reference: _Reference,
    *,
    clock: Clock,
    bus: EventBus,
    sms: SmsSender,
) -> AppContext:
    return AppContext(
        settings=settings,
        pool=pool,
        redis=redis,
        clock=clock,
        bus=bus,
        catalog=reference.catalog,
        calendar=WorkCalendar(reference.overrides, hours=parse_working_hours(settings.working_hours)),
        offices=reference.offices,
        sms=sms,
        files=FileStore(Path(settings.storage_dir)),
        limiter=RateLimiter(redis, clock, enabled=settings.rate_limits),
        keys=DataKeys.from_text(settings.data_key),
        signing=ResultSigning.from_settings(settings),
        oidc=_relying_party(settings, redis),
    )


def _relying_party(settings: Settings, redis: Redis) -> RelyingParty | None:
    if not settings.oidc_issuer:
        return None
    config = OidcConfig(
        issuer=settings.oidc_issuer,
        client_id=settings.oidc_client_id,
        client_secret=settings.oidc_client_secret,
        redirect_uri=settings.oidc_callback_url,
    )
    return RelyingParty(config, redis)


def _payments_context(ctx: AppContext) -> PaymentsContext:
    # dependency inversion: payments announce, the dossier side reacts in the same transaction
    ctx.bus.subscribe_batch(PaymentSucceeded, on_payment_succeeded(lambda: ctx.moving))
    return PaymentsContext(
        settings=ctx.settings,
        pool=ctx.pool,
        clock=ctx.clock,
        bus=ctx.bus,
        dossiers=PayableDossiers(lambda: ctx.catalog, ctx.offices),
    )


def _vnpay_api(settings: Settings) -> VNPayApi | None:
    if not (settings.vnpay_tmn_code and settings.vnpay_hash_secret):
        return None
    return VNPayApi(api_url=settings.vnpay_api_url, tmn_code=settings.vnpay_tmn_code, secret=settings.vnpay_hash_secret)


def _push_sender(settings: Settings) -> PushSender:
    sender = sender_from_settings(settings.firebase_credentials, settings.firebase_project_id, settings.fcm_base_url)
    if sender.name == "logging":
        log.warning("no Firebase credentials (MOTCUA_FIREBASE_CREDENTIALS): pushes go to the log only")
    return sender


def _webhooks(ctx: AppContext) -> webhooks.WebhookDeliverer:
    source = source_of(ctx.settings.province_code)
    placer = placing.Placer(ctx.pool, ctx.clock, source=source, national_code=_national_code(ctx))
    return webhooks.WebhookDeliverer(ctx.pool, ctx.clock, placer, production=ctx.settings.production)


def _read_files() -> None:
    """What a process reads from its own files before it answers: the message catalogs, and the NLU
    model that the catalog's search index is built on (kept once read: `load_model` caches it)."""
    preload_catalogs()
    load_model()


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
    # in a thread: its file reading and unpacking overlap the connections' round trips
    files = asyncio.ensure_future(asyncio.to_thread(_read_files))
    try:
        database_url, redis_url = resolve_services(settings)
        pool = await create_pool(database_url, max_size=pool_size)
    except BaseException:
        await asyncio.gather(files, return_exceptions=True)  # the thread runs on anyway: its outcome is not news
        raise
    redis = create_redis(redis_url)
    try:
        await files
        reference = await _read_reference(settings, pool)
    except BaseException:  # e.g. the database went away meanwhile: a caller that tries again leaks nothing
        await redis.aclose()
        await pool.close()
        raise
    ctx = _app_context(settings, pool, redis, reference, clock=clock or SystemClock(), bus=bus or EventBus(), sms=sms)
    chat_http = _chat_http(settings)
    payments = _payments_context(ctx)
    runtime = Runtime(
        ctx=ctx,
        payments=payments,
        bank_queue=BankNotificationQueue(payments),
        push_sender=_push_sender(settings),
        vnpay_api=_vnpay_api(settings),
        chat=chat_replies(ctx, chat_http),
        chat_http=chat_http,
        own_sms=own_sms,
        webhooks=_webhooks(ctx),
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
        catalog=CatalogFacts(ctx.catalog, today_in_vn(ctx.clock)),
        dossiers=DossierFactsReader(ctx.pool, ctx.catalog),
        handoffs=ctx.handoff_records,
        hotline=ctx.settings.hotline,
        offices=OfficeFacts(ctx.pool, ctx.offices),
    )


def _zalo_configured(s: Settings) -> bool:
    return bool(s.zalo_app_id and (s.zalo_access_token or s.zalo_refresh_token))


def _chat_http(settings: Settings) -> httpx.AsyncClient | None:
    """The chat platforms' HTTP client, when one is configured."""
    if not (settings.messenger_page_token or _zalo_configured(settings)):
        return None
    import httpx

    return httpx.AsyncClient()


def chat_replies(ctx: AppContext, http: httpx.AsyncClient | None) -> ChatReplies:
    """The worker's side of the chat channels; a platform without credentials gets no client (and
    without any, `http` is None)."""
    s = ctx.settings
    messenger = zalo = zalo_tokens = None
    if s.messenger_page_token and http is not None:
        messenger = MessengerApi(http, base=s.graph_api_base, page_token=s.messenger_page_token)
    if _zalo_configured(s) and http is not None:
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


class _Closable(Protocol):
    async def aclose(self) -> None: ...


async def close_runtime(runtime: Runtime) -> None:
    clients: list[_Closable | None] = [
        runtime.push_sender,
        runtime.vnpay_api,
        runtime.chat_http,
        runtime.own_sms,
        runtime.webhooks,
        runtime.ctx.oidc,
    ]
    for client in clients:
        if client is not None:
            await client.aclose()
    if runtime.bank_queue is not None:
        await runtime.bank_queue.drain()
    await runtime.ctx.redis.aclose()
    await runtime.ctx.pool.close()


def background(runtime: Runtime, stop: asyncio.Event) -> list[Awaitable[None]]:
    """The worker's loops: the outbox dispatcher and periodic housekeeping."""
    ctx = runtime.ctx
    dispatcher = Dispatcher(
        ctx.pool, outbox_consumers(runtime), clock=ctx.clock, lease_seconds=ctx.settings.outbox_lease_seconds
    )
    jobs = [dispatcher.run(stop)]
    if runtime.webhooks is not None:
        jobs.append(runtime.webhooks.run(stop))
    return [
        *jobs,
        every(30, stop, lambda: expire_due(runtime.payments), "expired payments"),
        every(60, stop, lambda: warn_of_deadlines(ctx.deadline_watch), "deadline warnings"),
        every(300, stop, lambda: roll_up(ctx.pool, ctx.clock.now), "indicator rollup"),
        # each move adds a row to its office's count; folding keeps a count a few rows to sum
        every(60, stop, lambda: fold_queue_counts(ctx.pool), "queue counts folded"),
    ]


def catalog_follower(runtime: Runtime, stop: asyncio.Event) -> Awaitable[None]:
    """Each process, server or worker, keeps its copy of the catalog current."""
    return catalog_refresh.follow(runtime.ctx, stop, check_seconds=runtime.ctx.settings.catalog_check_seconds)


async def start_once_the_database_answers(settings: Settings, stop: asyncio.Event) -> Runtime | None:
    """The worker's runtime; while the database does not answer, tried again after a pause that
    doubles up to 30 s (a worker started during a database restart waits for it rather than exiting)."""
    pause = 1.0
    while not stop.is_set():
        try:
            return await start_runtime(settings, pool_size=10)  # a batch of events works in parallel
        except Exception as exc:
            if not unavailable(exc):
                raise
            log.warning("the database is unavailable (%r); trying again in %.0f s", exc, pause)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=pause)
        pause = min(pause * 2, 30.0)
    return None


async def run_worker(settings: Settings, stop: asyncio.Event) -> None:
    """`motcua worker`: the background loops and the catalog follower until `stop`; its probes, when it
    has a probe port, from the start (alive while it waits for the database, ready once it has it)."""
    started: list[Runtime] = []

    async def ready() -> Readiness:
        if not started:
            return Readiness("unavailable", {"postgres": "down: not connected yet", "redis": "down: not connected yet"})
        return await readiness(started[0].ctx.pool, started[0].ctx.redis)

    port = settings.worker_probe_port
    probes = await open_probes(settings.worker_probe_host, port, ready) if port else None
    try:
        runtime = await start_once_the_database_answers(settings, stop)
        if runtime is None:  # asked to stop before the database came
            return
        started.append(runtime)
        try:
            await asyncio.gather(*background(runtime, stop), catalog_follower(runtime, stop))
        finally:
            await close_runtime(runtime)
    finally:
        if probes is not None:
            probes.close()
            await probes.wait_closed()
