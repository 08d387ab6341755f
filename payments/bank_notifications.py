"""Credit notifications of the collecting bank: each settles the payment its memo names, or is kept as
an exception for an officer. Idempotent by the bank's transaction id; a batch goes in one transaction."""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, field
from datetime import datetime

import asyncpg

from core.db import fetch_one_as, row_as
from payments import queries
from payments.models import BankNotification, ExceptionReason, OpenPayment, booked_amount, judge
from payments.ports import PayableDossier
from payments.receipts import issue_receipts
from payments.references import find_reference
from payments.rows import ClaimRow, PaymentFactsRow, RowVersion, SettledRow
from payments.service import PaymentsContext
from payments.settlement import ToSettle, Unmatched, settle_many, store_exceptions

log = logging.getLogger("motcua.payments")


@dataclass(frozen=True)
class _Claim:
    """A notification stored by this transaction, with the payment its memo names, if any."""

    note: BankNotification
    version: RowVersion
    payment: PaymentFactsRow | None


@dataclass(frozen=True)
class _Match:
    """A notification whose money matches its payment exactly."""

    note: BankNotification
    version: RowVersion
    payment: PaymentFactsRow


@dataclass
class _Sorting:
    settling: list[_Match] = field(default_factory=list)  # the first match of each dossier
    judged_later: list[_Match] = field(default_factory=list)  # a second one for a dossier of this batch
    unmatched: list[Unmatched] = field(default_factory=list)


def _first_of_each(notes: list[BankNotification]) -> list[BankNotification]:
    """The first notification of each transaction id, in order."""
    first: dict[str, BankNotification] = {}
    for note in notes:
        first.setdefault(note.transaction_id, note)
    for note in first.values():
        if booked_amount(note.amount) != note.amount:  # the figure is kept here only
            log.warning(
                "bank notification %s names %s VND, out of range: booked as 0", note.transaction_id, note.amount
            )
    return list(first.values())


async def _claim(conn: asyncpg.Connection, notes: list[BankNotification], now: datetime) -> list[_Claim]:
    """Store the notifications not seen before; the others (duplicates) are not returned."""
    records = await conn.fetch(
        queries.CLAIM_BANK_NOTIFICATIONS,
        [n.transaction_id for n in notes],
        [n.bank_bin for n in notes],
        [n.account_number for n in notes],
        [booked_amount(n.amount) for n in notes],
        [n.content for n in notes],
        [n.transacted_at for n in notes],
        [find_reference(n.content) for n in notes],
        now,
    )
    claimed: dict[str, tuple[RowVersion, PaymentFactsRow | None]] = {}
    for record in records:
        head = row_as(ClaimRow, record)
        payment = row_as(PaymentFactsRow, record) if head.id is not None else None
        claimed[head.transaction_id] = (head.claimed_version, payment)
    return [_Claim(note, *claimed[note.transaction_id]) for note in notes if note.transaction_id in claimed]


def _reason(payment: PaymentFactsRow | None, note: BankNotification, now: datetime) -> ExceptionReason | None:
    """Why the notification's money cannot settle `payment` (payments.models.judge), None when it can."""
    facts = None
    if payment is not None:
        facts = OpenPayment(
            status=payment.status,
            amount=payment.amount,
            expired=payment.expires_at <= now,
            bank_bin=payment.bank_bin,
            account_number=payment.account_number,
            dossier_paid=payment.dossier_paid,
        )
    return judge(facts, amount=note.amount, bank_bin=note.bank_bin, account_number=note.account_number)


def _unmatched(note: BankNotification, payment_id: uuid.UUID | None, reason: ExceptionReason) -> Unmatched:
    return Unmatched(
        source="bank",
        source_id=note.transaction_id,
        payment_id=payment_id,
        reason=reason,
        amount=booked_amount(note.amount),
        account=f"bank:{note.bank_bin}:{note.account_number.strip()}",
    )


def _sort(claims: list[_Claim], now: datetime) -> _Sorting:
    """Which claims settle now, which wait for another of their dossier in this batch, which never do."""
    sorting = _Sorting()
    dossiers: set[uuid.UUID] = set()
    for claim in claims:
        reason = _reason(claim.payment, claim.note, now)
        if reason is not None:
            payment_id = claim.payment.id if claim.payment is not None else None
            sorting.unmatched.append(_unmatched(claim.note, payment_id, reason))
            continue
        assert claim.payment is not None  # judge matches no money without its payment
        match = _Match(claim.note, claim.version, claim.payment)
        if match.payment.dossier_id in dossiers:
            sorting.judged_later.append(match)
        else:
            dossiers.add(match.payment.dossier_id)
            sorting.settling.append(match)
    return sorting


@dataclass
class _Settled:
    receipts: list[tuple[SettledRow, PayableDossier | None]]
    transaction_ids: list[str]
    unmatched: list[Unmatched]  # matched when read, but no longer when settling


async def _settle(conn: asyncpg.Connection, pctx: PaymentsContext, sorting: _Sorting, now: datetime) -> _Settled:
    """Settle the matches under their dossiers' locks; a match that settled nothing is judged again."""
    dossier_ids = sorted({m.payment.dossier_id for m in sorting.settling})
    dossiers = await pctx.dossiers.lock_many(conn, dossier_ids) if sorting.settling else {}
    to_settle = [
        ToSettle(
            m.payment,
            dossiers.get(m.payment.dossier_id),
            settled_by=f"bank:{m.note.transaction_id}",
            bank_transaction=m.note.transaction_id,
            claimed_version=m.version,
        )
        for m in sorting.settling
    ]
    settled = await settle_many(conn, pctx, to_settle, now)
    outcome = _Settled([(settled[i.payment.id], i.dossier) for i in to_settle if i.payment.id in settled], [], [])
    for match in [*sorting.settling, *sorting.judged_later]:
        row = settled.get(match.payment.id)
        if row is not None and row.transaction_id == match.note.transaction_id:
            outcome.transaction_ids.append(match.note.transaction_id)
            continue
        # settled, expired or paid otherwise since it was read: judge it as it is now
        now_facts = await fetch_one_as(PaymentFactsRow, conn, queries.GET_PAYMENT_FACTS, match.payment.id)
        reason = _reason(now_facts, match.note, now) or ExceptionReason.DOSSIER_ALREADY_PAID
        outcome.unmatched.append(_unmatched(match.note, match.payment.id, reason))
    return outcome


async def receive_bank_notification(conn: asyncpg.Connection, pctx: PaymentsContext, note: BankNotification) -> str:
    """settled | duplicate | exception; idempotent by the bank's transaction id."""
    return (await receive_bank_notifications(conn, pctx, [note]))[0]


async def receive_bank_notifications(
    conn: asyncpg.Connection, pctx: PaymentsContext, notes: list[BankNotification]
) -> list[str]:
    """The answer to each notification (settled | duplicate | exception), all decided in one transaction
    with set-based statements; idempotent by the bank's transaction id (the same id twice in `notes`: the
    second is a duplicate). Either all of them are stored or, on an error, none."""
    now = pctx.clock.now()
    unique = _first_of_each(notes)
    async with conn.transaction():
        sorting = _sort(await _claim(conn, unique, now), now)
        settled = await _settle(conn, pctx, sorting, now)
        unmatched = [*sorting.unmatched, *settled.unmatched]
        await store_exceptions(conn, unmatched, now)
        await issue_receipts(conn, settled.receipts, now)
    answers = dict.fromkeys(settled.transaction_ids, "settled") | {u.source_id: "exception" for u in unmatched}
    # the first of an id takes its answer; a repeat within `notes` is a duplicate of it, as is one not claimed
    return [answers.pop(note.transaction_id, "duplicate") for note in notes]
