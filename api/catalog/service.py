"""The catalog in PostgreSQL: seeded from its data file, edited by administrators and imports, every
change a new version of the procedure and a new catalog revision; read back into memory by each process."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from importlib import resources
from typing import TYPE_CHECKING, Any

import asyncpg
import msgspec

from api.catalog import queries
from api.catalog.answers import Answers
from api.catalog.models import AgencyKind, CatalogData, ExportData, Procedure, Resolved, resolve
from api.catalog.search import ProcedureIndex
from api.catalog.validation import Error, changed_fields, check_procedure, decode_error
from core.errors import ConflictError, NotFoundError, ValidationError

if TYPE_CHECKING:
    from core.paging import Paging

log = logging.getLogger("motcua.catalog")

DEFAULT_PROVINCE = "79"
_DAYS_KEPT = 8  # resolved days a catalog keeps: today, and the few days clients ask with ?on=


def load_catalog_data() -> CatalogData:
    raw = resources.files("api.catalog").joinpath("data/procedures.json").read_bytes()
    return msgspec.json.decode(raw, type=CatalogData)


def names_and_papers(data: CatalogData) -> tuple[dict[str, tuple[str, str]], dict[str, list[str]]]:
    """What the assistant's understanding is built from: each procedure's names, and the names of the
    papers its dossier asks for (slug → names, in Vietnamese and English)."""
    names = {p.slug: (p.names.vi, p.names.en) for p in data.procedures}
    papers = {p.slug: [n for r in p.requirements for n in (r.names.vi, r.names.en)] for p in data.procedures}
    return names, papers


class Written(StrEnum):
    """What storing one procedure did."""

    ADDED = "added"
    CHANGED = "changed"
    UNCHANGED = "unchanged"


@dataclass(frozen=True)
class Editor:
    """Who changes the catalog: an administrator's account, an operator's import, or the seed."""

    role: str  # admin | operator | system
    user_id: uuid.UUID | None = None


SEED = Editor(role="system")


def _doc(p: Procedure) -> dict[str, Any]:
    doc: dict[str, Any] = msgspec.to_builtins(p)
    return doc


def _normalized(doc: Any) -> Any:
    """A stored document as the current model writes it (so an old or hand-written one compares fairly)."""
    try:
        return _doc(msgspec.convert(doc, Procedure))
    except msgspec.ValidationError:
        return doc


async def _next_revision(conn: asyncpg.Connection) -> int:
    revision: int = await conn.fetchval(queries.NEXT_REVISION)
    return revision


async def _write(
    conn: asyncpg.Connection,
    p: Procedure,
    row: asyncpg.Record | None,
    *,
    editor: Editor,
    now: datetime,
    position: int | None = None,
) -> tuple[Written, int]:
    """Store one procedure as a new version (or nothing when it did not change); the caller holds the
    row's lock and moves the catalog revision."""
    doc = _doc(p)
    seed_doc = doc if editor is SEED else None
    if row is None:
        status = await conn.execute(queries.INSERT_PROCEDURE, p.slug, p.agency, doc, position, now, seed_doc)
        if not status.endswith(" 1"):  # added by someone else since the caller looked
            raise ConflictError("procedure-exists", slug=p.slug)
        await conn.execute(queries.INSERT_VERSION, p.slug, 1, doc, list(doc), now, editor.user_id, editor.role)
        return Written.ADDED, 1
    before = _normalized(row["doc"])
    fields = changed_fields(before if isinstance(before, dict) else {}, doc)
    if not fields:
        if position is not None:
            await conn.execute(queries.SET_SEED_POSITION, p.slug, position)
        return Written.UNCHANGED, row["version"]
    version: int = await conn.fetchval(queries.UPDATE_PROCEDURE, p.slug, p.agency, doc, now, position, seed_doc)
    await conn.execute(queries.INSERT_VERSION, p.slug, version, doc, fields, now, editor.user_id, editor.role)
    return Written.CHANGED, version


async def seed_catalog(conn: asyncpg.Connection, data: CatalogData, *, now: datetime) -> int:
    """Upsert agency kinds and the data file's procedures; returns how many procedures changed. A procedure
    an administrator edited since it was seeded keeps the edit: the file is the seed, not the master."""
    changed = 0
    async with conn.transaction():
        for kind in data.agency_kinds:
            await conn.execute(queries.UPSERT_AGENCY_KIND, kind.code, kind.level.value, msgspec.to_builtins(kind.names))
        rows = {r["slug"]: r for r in await conn.fetch(queries.SELECT_PROCEDURES_FOR_UPDATE)}
        for position, procedure in enumerate(data.procedures):
            row = rows.get(procedure.slug)
            if row is not None and row["doc"] != row["seed_doc"] and _normalized(row["doc"]) != _doc(procedure):
                log.info("procedure %s was edited since it was seeded: the edit is kept", procedure.slug)
                continue
            outcome, _ = await _write(conn, procedure, row, editor=SEED, now=now, position=position)
            changed += outcome is not Written.UNCHANGED
        if changed:
            await _next_revision(conn)
    return changed


@dataclass
class Catalog:
    """The catalog held in memory by each process, replaced whole when the catalog revision moves."""

    procedures: list[Procedure]
    kinds: dict[str, AgencyKind]
    versions: dict[str, int] = field(default_factory=dict)
    province: str = DEFAULT_PROVINCE
    revision: int = 0
    by_slug: dict[str, Procedure] = field(init=False)
    index: ProcedureIndex = field(init=False)
    answers: Answers = field(init=False)  # made from this catalog: they go with it
    _days: dict[date, dict[str, Resolved]] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        self.by_slug = {p.slug: p for p in self.procedures}
        self.index = ProcedureIndex(self.procedures)
        self.answers = Answers()

    def get(self, slug: str) -> Procedure | None:
        return self.by_slug.get(slug)

    def on(self, day: date) -> dict[str, Resolved]:
        """Every procedure's dated facts on `day` in this catalog's province (kept for a few days asked)."""
        found = self._days.get(day)
        if found is None:
            if len(self._days) >= _DAYS_KEPT:
                self._days.pop(next(iter(self._days)))
            found = self._days[day] = {p.slug: resolve(p, day, self.province) for p in self.procedures}
        return found

    def resolved(self, slug: str, day: date) -> Resolved:
        return self.on(day)[slug]


async def load_catalog(conn: asyncpg.Connection, *, province: str = DEFAULT_PROVINCE) -> Catalog:
    async with conn.transaction(isolation="repeatable_read", readonly=True):
        revision = await conn.fetchval(queries.CURRENT_REVISION)
        kinds = {
            r["code"]: msgspec.convert({"code": r["code"], "level": r["level"], "names": r["names"]}, AgencyKind)
            for r in await conn.fetch(queries.SELECT_AGENCY_KINDS)
        }
        rows = await conn.fetch(queries.SELECT_PROCEDURES)
    procedures = [msgspec.convert(r["doc"], Procedure) for r in rows]
    versions = {r["slug"]: r["version"] for r in rows}
    return Catalog(procedures=procedures, kinds=kinds, versions=versions, province=province, revision=revision)


async def current_revision(conn: asyncpg.Connection) -> int:
    revision: int = await conn.fetchval(queries.CURRENT_REVISION)
    return revision


def _check(p: Procedure, kinds: Collection[str], today: date, *, slug: str | None = None) -> None:
    errors = check_procedure(p, agency_kinds=kinds, today=today)
    if slug is not None and p.slug != slug:
        errors.insert(0, ("slug", "slug-mismatch", {}))
    if errors:
        raise ValidationError(errors)


async def replace_procedure(
    conn: asyncpg.Connection,
    p: Procedure,
    *,
    slug: str,
    kinds: Collection[str],
    editor: Editor,
    now: datetime,
    today: date,
) -> int:
    """An administrator's whole new version of one procedure; returns its version (unchanged when the
    document is the same). An invalid document changes nothing."""
    _check(p, kinds, today, slug=slug)
    async with conn.transaction():
        row = await conn.fetchrow(queries.SELECT_PROCEDURE_FOR_UPDATE, slug)
        if row is None:
            raise NotFoundError("procedure-not-found", slug=slug)
        outcome, version = await _write(conn, p, row, editor=editor, now=now)
        if outcome is not Written.UNCHANGED:
            await _next_revision(conn)
    return version


async def add_procedure(
    conn: asyncpg.Connection, p: Procedure, *, kinds: Collection[str], editor: Editor, now: datetime, today: date
) -> int:
    _check(p, kinds, today)
    async with conn.transaction():
        if await conn.fetchrow(queries.SELECT_PROCEDURE_FOR_UPDATE, p.slug) is not None:
            raise ConflictError("procedure-exists", slug=p.slug)
        _, version = await _write(conn, p, None, editor=editor, now=now)
        await _next_revision(conn)
    return version


class VersionRow(msgspec.Struct, frozen=True, kw_only=True):
    version: int
    changed_at: datetime
    changed_by: uuid.UUID | None
    role: str
    fields: list[str]


async def list_versions(conn: asyncpg.Connection, slug: str, paging: Paging) -> tuple[list[VersionRow], int]:
    rows = await conn.fetch(queries.LIST_VERSIONS, slug, paging.limit, paging.offset)
    items = [
        VersionRow(
            version=r["version"],
            changed_at=r["changed_at"],
            changed_by=r["changed_by"],
            role=r["changed_by_role"],
            fields=list(r["fields"]),
        )
        for r in rows
    ]
    return items, rows[0]["total"] if rows else 0


async def export_catalog(conn: asyncpg.Connection) -> ExportData:
    rows = await conn.fetch(queries.SELECT_PROCEDURES)
    return ExportData(procedures=tuple(msgspec.convert(r["doc"], Procedure) for r in rows))


def parse_import(raw: bytes, *, kinds: Collection[str], today: date) -> tuple[list[Procedure], list[Error]]:
    """Every procedure of an import file, or every error in it (each named by its place in the file)."""
    try:
        top = msgspec.json.decode(raw)
    except msgspec.DecodeError:
        return [], [("", "malformed-json", {})]
    if not isinstance(top, dict) or not isinstance(top.get("procedures"), list) or set(top) != {"procedures"}:
        return [], [("procedures", "invalid", {})]
    found: list[Procedure] = []
    errors: list[Error] = []
    seen: dict[str, int] = {}
    for i, item in enumerate(top["procedures"]):
        prefix = f"procedures[{i}]"
        try:
            p = msgspec.convert(item, Procedure)
        except msgspec.ValidationError as exc:
            errors.append(decode_error(exc, prefix))
            continue
        errors += check_procedure(p, agency_kinds=kinds, today=today, prefix=prefix)
        if p.slug in seen:
            errors.append((f"{prefix}.slug", "duplicate-key", {"other": f"procedures[{seen[p.slug]}]"}))
        seen.setdefault(p.slug, i)
        found.append(p)
    return found, errors


@dataclass(frozen=True)
class ImportReport:
    added: int
    changed: int
    unchanged: int


class _DryRun(Exception):
    def __init__(self, report: ImportReport) -> None:
        super().__init__("dry run")
        self.report = report


async def import_catalog(
    conn: asyncpg.Connection, procedures: Sequence[Procedure], *, editor: Editor, now: datetime, dry_run: bool = False
) -> ImportReport:
    """Apply a checked import in one transaction: all of it, or (a dry run, or any failure) none of it."""
    counts = dict.fromkeys(Written, 0)
    try:
        async with conn.transaction():
            rows = {r["slug"]: r for r in await conn.fetch(queries.SELECT_PROCEDURES_FOR_UPDATE)}
            for p in procedures:
                outcome, _ = await _write(conn, p, rows.get(p.slug), editor=editor, now=now)
                counts[outcome] += 1
            report = ImportReport(counts[Written.ADDED], counts[Written.CHANGED], counts[Written.UNCHANGED])
            if report.added or report.changed:
                await _next_revision(conn)
            if dry_run:
                raise _DryRun(report)
    except _DryRun as done:
        return done.report
    return report
