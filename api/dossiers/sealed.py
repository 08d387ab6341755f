"""Identity numbers as a dossier keeps them: sealed under the data key (core/sealing.py), each bound to
its dossier and field, the applicant's with a keyed hash to find it by; the applicant JSON and the form
keep only the masked form, which is all an answer ever shows."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass

import asyncpg

from api.dossiers import queries
from api.dossiers.identity import is_identity_field, mask_document_number
from core.db import json_text
from core.sealing import DataKeys

_STEP_BATCH = 1000


@dataclass(frozen=True)
class SealedIdentity:
    sealed: str
    hash: bytes


def applicant_context(dossier_id: uuid.UUID) -> str:
    return f"dossiers/{dossier_id}/applicant.identity_number"


def form_context(dossier_id: uuid.UUID, key: str) -> str:
    return f"dossiers/{dossier_id}/form.{key}"


def seal_identity(keys: DataKeys, dossier_id: uuid.UUID, number: str) -> SealedIdentity:
    return SealedIdentity(keys.seal(number, applicant_context(dossier_id)), keys.lookup_hash(number))


def seal_form(
    keys: DataKeys,
    dossier_id: uuid.UUID,
    form: Mapping[str, object],
    *,
    kept_form: Mapping[str, object] | None = None,
    kept_sealed: Mapping[str, str] | None = None,
) -> tuple[dict[str, object], dict[str, str]]:
    """The form as stored, its identity fields masked, and their sealed values by field key.

    A value equal to what is stored for that field already stands for the number sealed before: an app
    sends back the masked value it was shown when the applicant changed something else."""
    public = dict(form)
    sealed: dict[str, str] = {}
    for key, value in form.items():
        if not is_identity_field(key) or not isinstance(value, str):
            continue
        if kept_form is not None and kept_sealed and key in kept_sealed and kept_form.get(key) == value:
            sealed[key] = kept_sealed[key]
            continue
        public[key] = mask_document_number(value)
        sealed[key] = keys.seal(value, form_context(dossier_id, key))
    return public, sealed


def open_identity(keys: DataKeys, dossier_id: uuid.UUID, sealed: str) -> str:
    """The applicant's identity number, for the few uses that need it whole (never an answer)."""
    return keys.open(sealed, applicant_context(dossier_id))


async def seal_clear_rows(conn: asyncpg.Connection, keys: DataKeys) -> int:
    """Data step (core/migrate.py): seal what rows written before sealing still hold in clear, in the
    caller's transaction, so a failure leaves every row as it was. Returns how many rows it sealed."""
    done = 0
    while rows := await conn.fetch(queries.CLEAR_IDENTITIES, _STEP_BATCH):
        ids, seals, hashes, forms, form_seals = [], [], [], [], []
        for r in rows:
            identity = seal_identity(keys, r["id"], r["identity_number"])
            form, form_sealed = seal_form(keys, r["id"], r["form"], kept_form=r["form"], kept_sealed=r["form_sealed"])
            ids.append(r["id"])
            seals.append(identity.sealed)
            hashes.append(identity.hash)
            forms.append(json_text(form))
            form_seals.append(json_text(form_sealed))
        await conn.execute(queries.SEAL_ROWS, ids, seals, hashes, forms, form_seals)
        done += len(rows)
    return done
