"""An officer refunds a card payment; the worker asks VNPay (a stand-in on 127.0.0.1) for the money back."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import Any

import asyncpg
from litestar.testing import AsyncTestClient

from core.clock import FixedClock
from core.db import acquire
from core.events import Dispatcher
from core.settings import Settings
from payments.consumers import vnpay_refunds
from payments.service import PaymentsContext
from payments.vnpay_api import VNPayApi
from tests.integration.conftest import VNPAY_SECRET, TokenFactory, bearer
from tests.integration.factories import passport_dossier
from tests.integration.payments_helpers import vnpay_ipn
from tests.integration.standins.vnpay_api import VNPayStandin

ROOT = Path(__file__).resolve().parents[3]


async def test_refunded_card_payment_is_refunded_at_vnpay_once(
    client: AsyncTestClient[Any], make_token: TokenFactory, clock: FixedClock, pool: asyncpg.Pool
) -> None:
    citizen = await make_token("0912800001")
    officer = await make_token("0900800001", "officer", ("000.00.01.H29",))
    dossier = await passport_dossier(client, citizen, receive_with=officer)
    payment = (
        await client.post(
            f"/api/v1/dossiers/{dossier['id']}/payments", json={"method": "vnpay"}, headers=bearer(citizen)
        )
    ).json()
    ipn = vnpay_ipn(payment)
    assert (await client.get("/api/v1/payments/vnpay/ipn", params=ipn)).json()["RspCode"] == "00"
    refunded = await client.post(
        f"/api/v1/officer/payments/{payment['id']}/refund",
        json={"reason": "Công dân nộp nhầm"},
        headers=bearer(officer),
    )
    assert refunded.status_code == 200

    pctx: PaymentsContext = replace(client.app.state.payments, pool=pool)
    with VNPayStandin(tmn_code="MOTCUA01", secret=VNPAY_SECRET) as standin:
        standin.seed(
            payment["reference"],
            amount=payment["amount"],
            transaction_no=ipn["vnp_TransactionNo"],
            pay_date=ipn["vnp_PayDate"],
        )
        api = VNPayApi(api_url=standin.url, tmn_code="MOTCUA01", secret=VNPAY_SECRET, timeout=5)
        try:
            dispatcher = Dispatcher(pool, {"payment.refunded": vnpay_refunds(pctx, api)}, clock=clock)
            assert await dispatcher.run_once() == 1
            assert await dispatcher.run_once() == 0
        finally:
            await api.aclose()
        refunds = [r for r in standin.requests if (r.json or {}).get("vnp_Command") == "refund"]
    assert len(refunds) == 1
    assert refunds[0].response_code == "00" and refunds[0].checksum_ok
    assert (refunds[0].json or {})["vnp_Amount"] == str(payment["amount"] * 100)
    async with acquire(pool) as conn:
        statuses = Counter(
            r["status"] for r in await conn.fetch("SELECT status FROM outbox WHERE topic = 'payment.refunded'")
        )
    assert statuses == Counter({"done": 1})


def test_reconcile_command_prints_the_day_as_json(settings: Settings) -> None:
    env = {
        **os.environ,
        "DATABASE_URL": str(settings.database_url),
        "MOTCUA_JWT_SECRET": settings.jwt_secret,
        "MOTCUA_DATA_DIR": settings.data_dir,
    }
    result = subprocess.run(
        [sys.executable, "-m", "cli", "payments", "reconcile", "--date", "2026-11-23"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    day = json.loads(result.stdout)
    assert day["date"] == "2026-11-23" and set(day) >= {"settled", "received", "unmatched", "open_exceptions"}
