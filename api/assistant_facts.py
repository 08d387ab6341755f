"""The catalog and dossier facts the assistant answers from (its ports, implemented here)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date
from importlib import resources

import asyncpg
import msgspec

from api.agencies.service import OfficeDirectory
from api.catalog.models import Level, Names
from api.catalog.service import Catalog
from api.dossiers import queries
from api.dossiers.models import ACTIVE
from api.dossiers.receipts import key_matches
from assistant.ports import DossierFacts, FeeFacts, ProcedureFacts, RequirementFacts
from core.db import acquire
from i18n.messages import STATUS_LABELS


class Filing(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """Where a procedure may be filed (``catalog/data/filing.json``)."""

    where: Names
    vneid: bool
    post: bool
    basis: str
    checked_on: date | None  # None: not yet confirmed against the law in force (see the file's note)


def load_filing() -> dict[str, Filing]:
    raw = resources.files("api.catalog").joinpath("data/filing.json").read_bytes()
    data = msgspec.json.decode(raw, type=dict[str, msgspec.Raw])
    return {slug: msgspec.json.decode(spec, type=Filing) for slug, spec in data.items() if not slug.startswith("_")}


class CatalogFacts:
    """The catalog as it stands today in Vietnam; built again whenever the catalog or the day changes."""

    def __init__(self, catalog: Catalog, today: date) -> None:
        filing = load_filing()
        self._facts = [self._shape(catalog, p.slug, today, filing.get(p.slug)) for p in catalog.procedures]

    @staticmethod
    def _shape(catalog: Catalog, slug: str, today: date, filing: Filing | None) -> ProcedureFacts:
        p = catalog.by_slug[slug]
        r = catalog.resolved(slug, today)
        kind = catalog.kinds.get(r.agency)
        main = r.fee_line
        return ProcedureFacts(
            slug=p.slug,
            names={"vi": p.names.vi, "en": p.names.en},
            keywords=p.keywords,
            agency_names={"vi": kind.names.vi, "en": kind.names.en} if kind else {"vi": p.agency, "en": p.agency},
            commune_level=kind is not None and kind.level is Level.COMMUNE,
            online=p.online.value,
            fee=r.fee,
            fee_note={"vi": p.fee_note.vi, "en": p.fee_note.en} if p.fee_note else None,
            processing_days=r.processing_days,
            requirements=tuple(
                RequirementFacts(names={"vi": r.names.vi, "en": r.names.en}, mandatory=r.mandatory, original=r.original)
                for r in p.requirements
            ),
            guidance={"vi": p.guidance.vi, "en": p.guidance.en},
            fee_until=main.to if main else None,
            other_fees=tuple(
                FeeFacts(amount=line.amount, cases={"vi": line.cases.vi, "en": line.cases.en}, until=line.to)
                for line in r.fees
                if line is not main
            ),
            fee_confirmed=r.fee_confirmed or not p.provincial_fee,
            agency=r.agency,
            result=p.result.value,
            where={"vi": filing.where.vi, "en": filing.where.en} if filing else None,
            vneid=filing.vneid if filing else False,
            by_post=filing.post if filing else True,
        )

    def procedures(self) -> Sequence[ProcedureFacts]:
        return self._facts


class OfficeFacts:
    """The office a citizen's dossier of a kind would go to: the province's department, or for a
    commune-level kind the office of the ward of the citizen's latest resolved address."""

    def __init__(self, pool: asyncpg.Pool, offices: OfficeDirectory) -> None:
        self._pool = pool
        self._offices = offices

    async def office_for(self, agency: str, user_id: uuid.UUID | None) -> dict[str, str] | None:
        offices = self._offices
        department = offices.sole(agency)
        if department is not None and department.level is Level.PROVINCE:
            return {"vi": department.names.vi, "en": department.names.en}
        if user_id is None:
            return None
        async with acquire(self._pool) as conn:
            ward = await conn.fetchval(queries.LAST_RESOLVED_WARD, user_id)
        if ward is None:
            return None
        office, guessed = offices.route(agency, ward)
        if office is None or guessed:
            return None
        return {"vi": office.names.vi, "en": office.names.en}


class DossierFactsReader:
    """A citizen's dossiers, and one asked for by code and key, named from the catalog it was built with
    (built again with the assistant whenever the catalog changes)."""

    def __init__(self, pool: asyncpg.Pool, catalog: Catalog) -> None:
        self._pool = pool
        self._catalog = catalog

    def _shape(self, row: object) -> DossierFacts:
        r: dict[str, object] = dict(row)  # type: ignore[call-overload]
        procedure = self._catalog.by_slug[str(r["procedure_slug"])]
        status = str(r["status"])
        label = STATUS_LABELS.get(status)
        return DossierFacts(
            code=r["code"],  # type: ignore[arg-type]
            procedure_names={"vi": procedure.names.vi, "en": procedure.names.en},
            status=status,
            status_labels={"vi": label.vi, "en": label.en} if label else {"vi": status, "en": status},
            appointment_date=r["appointment_date"],  # type: ignore[arg-type]
            fee=int(r["fee"]),  # type: ignore[call-overload]
            paid=r["paid_at"] is not None,
        )

    async def active_for(self, user_id: uuid.UUID) -> list[DossierFacts]:
        async with acquire(self._pool) as conn:
            rows = await conn.fetch(queries.LIST_OWN, user_id, None, 20, 0)
        return [self._shape(r) for r in rows if r["status"] in ACTIVE]

    async def lookup(self, code: str, *, user_id: uuid.UUID | None, keys: Sequence[str]) -> DossierFacts | None:
        async with acquire(self._pool) as conn:
            row = await conn.fetchrow(queries.GET_DOSSIER_BY_CODE, code)
        owned = row is not None and user_id is not None and row["owner_id"] == user_id
        keyed = key_matches(
            row["lookup_key"] if row is not None else None, keys
        )  # compared whatever else holds, so an unknown code times alike
        return self._shape(row) if row is not None and (owned or keyed) else None
