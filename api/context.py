"""What a request handler can reach, built once by the composition root."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import asyncpg
from redis.asyncio import Redis

from api.accounts.oidc import RelyingParty
from api.accounts.sms import SmsSender
from api.agencies.service import OfficeDirectory
from api.catalog.service import Catalog
from api.dossiers.deadlines import DeadlineWatch
from api.dossiers.documents import Papers
from api.dossiers.lifecycle import Moving, timing_of
from api.dossiers.reads import Showing
from api.dossiers.service import Filing
from api.dossiers.signed_results import ResultSigner
from api.dossiers.signing_keys import ResultSigning
from api.dossiers.storage import FileStore
from api.dossiers.workdays import WorkCalendar
from api.handoffs.service import HandoffRecords
from core.clock import Clock
from core.events import EventBus
from core.ratelimit import RateLimiter
from core.sealing import DataKeys
from core.settings import Settings


@dataclass
class AppContext:
    settings: Settings
    pool: asyncpg.Pool
    redis: Redis
    clock: Clock
    bus: EventBus
    catalog: Catalog
    calendar: WorkCalendar
    offices: OfficeDirectory
    sms: SmsSender
    files: FileStore
    limiter: RateLimiter
    keys: DataKeys  # seals identity numbers at rest
    signing: ResultSigning | None = None  # signs results on approval (api/dossiers/signed_results.py)
    oidc: RelyingParty | None = None  # sign-in with VNeID, when MOTCUA_OIDC_ISSUER is set
    # called with the context each time the catalog is reloaded or the day turns (what is built from it)
    catalog_listeners: list[Callable[[AppContext], None]] = field(default_factory=list)

    # What each group of use cases takes, built from the above at the call (a route, a worker's round):
    # the catalog is replaced when it is reloaded, so a bundle is not kept. The assistant's hand-off
    # desk is the exception, built again with the assistant on every reload (runtime.rebuild_assistant).

    @property
    def showing(self) -> Showing:
        return Showing(self.catalog, self.offices, self.clock, self.settings.public_base_url)

    @property
    def papers(self) -> Papers:
        s = self.settings
        return Papers(self.catalog, self.clock, self.files, s.max_file_bytes, s.max_dossier_bytes)

    @property
    def filing(self) -> Filing:
        return Filing(self.showing, self.keys, self.pool)

    @property
    def moving(self) -> Moving:
        signer = ResultSigner(self.signing, self.offices, self.papers, self.settings.public_base_url)
        return Moving(self.clock, self.catalog, timing_of(self.settings, self.calendar), self.bus, signer)

    @property
    def deadline_watch(self) -> DeadlineWatch:
        closing = self.calendar.hours[-1][1]
        alert_days = self.settings.deadline_alert_days
        return DeadlineWatch(self.pool, self.clock, self.bus, self.catalog, closing, alert_days)

    @property
    def handoff_records(self) -> HandoffRecords:
        return HandoffRecords(self.pool, self.clock, self.bus, self.catalog, self.offices)
