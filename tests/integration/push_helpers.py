"""Following pushes in tests: a citizen's two devices, draining the outbox through the push consumer in
the test's process, a real `motcua worker` process sending to the FCM stand-in, the outbox's statuses,
and status changes to push in bulk."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import asyncpg

from core.clock import FixedClock
from core.db import acquire
from core.events import Dispatcher, DossierStatusChanged
from core.settings import Settings
from notifications.pushes import TOPICS, push_consumer
from notifications.senders import FirebaseSender
from tests.integration.conftest import PROJECT
from tests.integration.standins.fcm import FcmStandin

ROOT = Path(__file__).resolve().parents[2]
VI_PHONE = "fcm-vi-" + "a" * 40  # the device tokens of a citizen's phone and tablet
EN_TABLET = "fcm-en-" + "b" * 40


async def drain(pool: asyncpg.Pool, clock: FixedClock, sender: FirebaseSender) -> int:
    """Settles every due outbox row through the push consumer; how many were claimed."""
    consumer = push_consumer(pool, clock, sender)
    dispatcher = Dispatcher(pool, dict.fromkeys(TOPICS, consumer), clock=clock)
    total = 0
    while claimed := await dispatcher.run_once():
        total += claimed
    return total


def start_worker(settings: Settings, fcm: FcmStandin, *, lease: int | None = 3) -> subprocess.Popen[bytes]:
    """`motcua worker` in its own process, pushing to the stand-in; a short outbox lease unless `lease`
    is None (the default lease)."""
    env = {
        **os.environ,
        "DATABASE_URL": str(settings.database_url),
        "REDIS_URL": str(settings.redis_url),
        "MOTCUA_JWT_SECRET": settings.jwt_secret,
        "MOTCUA_DATA_DIR": settings.data_dir,
        "MOTCUA_FIREBASE_CREDENTIALS": "anonymous",
        "MOTCUA_FIREBASE_PROJECT_ID": PROJECT,
        "MOTCUA_FCM_BASE_URL": fcm.url,
    }
    if lease is not None:
        env["MOTCUA_OUTBOX_LEASE_SECONDS"] = str(lease)
    return subprocess.Popen(
        [sys.executable, "-m", "cli", "worker"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )


async def outbox_statuses(pool: asyncpg.Pool) -> Counter[str]:
    """The dossier moves' rows only: on the wall clock the worker also announces the reception
    deadlines these dossiers (submitted on the tests' fixed date) have long passed."""
    async with acquire(pool) as conn:
        rows = await conn.fetch("SELECT status FROM outbox WHERE topic = 'dossier.status_changed'")
        return Counter(r["status"] for r in rows)


def status_change(owner: uuid.UUID, n: int) -> DossierStatusChanged:
    """The `n`th of a burst of status changes of `owner`'s dossiers, each of its own dossier."""
    return DossierStatusChanged(
        event_id=uuid.uuid4(),
        occurred_at=datetime.now(UTC),
        dossier_id=uuid.uuid4(),
        code=f"000.00.01.H29-261123-{n:04d}",
        owner_id=owner,
        agency_code="000.00.01.H29",
        procedure_slug="passport-issuance",
        procedure_names={"vi": "Cấp hộ chiếu phổ thông", "en": "Passport issuance"},
        from_status="received",
        to_status="processing",
        action="start_processing",
        actor_role="officer",
    )
