"""Officer routes: the queue of their offices, walk-in dossiers, actions, the result file."""

from __future__ import annotations

from collections.abc import Awaitable
from functools import partial
from typing import Any, Literal

import msgspec
from litestar import Controller, Request, get, post
from litestar.params import FromQuery, JSONBody
from litestar.types import ControllerRouterHandler

from api.deps import Ctx
from api.dossiers import documents, lifecycle, reads, service
from api.dossiers.models import CounterDossierCreate, CounterResubmitIn, OfficerActionIn, Overdue
from api.dossiers.routes import DossierId
from api.dossiers.upload_routes import paper_or_json, read_upload, upload_paper
from api.dossiers.views import AuditItem, DocumentOut, Dossier, OriginalSeen
from core.dossier_status import DossierStatus
from core.guards import officer_only
from core.injected import Caller, Conn, Locale
from core.openapi import problems, upload
from core.paging import Page, PagingQuery


class OriginalSeenIn(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    requirement: str
    original_seen: Literal[True]


class OfficerDossierController(Controller):
    path = "/api/v1/officer/dossiers"
    tags = ["officer"]
    guards = [officer_only]

    @get(
        "/",
        operation_id="listOfficerDossiers",
        responses=problems(422),
        summary="Dossiers of the officer's offices, oldest first",
    )
    async def list_queue(
        self,
        ctx: Ctx,
        conn: Conn,
        caller: Caller,
        locale: Locale,
        status: FromQuery[DossierStatus | None] = None,
        agency: FromQuery[str | None] = None,
        overdue: FromQuery[Overdue | None] = None,
        *,
        paging: PagingQuery,
    ) -> Page[Dossier]:
        return await reads.list_for_officer(
            conn,
            ctx.showing,
            caller,
            status=status,
            agency=agency,
            overdue=overdue,
            paging=paging,
            locale=locale,
        )

    @post(
        "/",
        status_code=201,
        operation_id="fileCounterDossier",
        responses=problems(404, 422),
        summary="Register a walk-in dossier (draft)",
    )
    async def file_at_counter(
        self, data: JSONBody[CounterDossierCreate], ctx: Ctx, conn: Conn, caller: Caller, locale: Locale
    ) -> Dossier:
        return await service.create_dossier(conn, ctx.filing, caller, data, locale)

    @post(
        "/{dossier_id:uuid}/documents",
        status_code=201,
        operation_id="addCounterDocument",
        responses=problems(404, 409, 413, 415, 422),
        opt=upload(requirement=True, json=OriginalSeenIn),
        summary="Scan a walk-in applicant's paper (multipart file + requirement) or note its original as seen (JSON)",
    )
    async def add_document(
        self,
        dossier_id: DossierId,
        request: Request[Any, Any, Any],
        ctx: Ctx,
        conn: Conn,
        caller: Caller,
    ) -> DocumentOut | OriginalSeen:
        def seen(body: OriginalSeenIn) -> Awaitable[OriginalSeen]:
            return documents.record_original_seen(conn, ctx.papers, caller, dossier_id, requirement=body.requirement)

        return await paper_or_json(
            request, partial(upload_paper, request, conn, ctx.papers, caller, dossier_id), OriginalSeenIn, seen
        )

    @get(
        "/{dossier_id:uuid}",
        operation_id="getOfficerDossier",
        responses=problems(404),
        summary="One dossier of the officer's offices",
    )
    async def get_one(self, dossier_id: DossierId, ctx: Ctx, conn: Conn, caller: Caller, locale: Locale) -> Dossier:
        return await reads.get_dossier(conn, ctx.showing, caller, dossier_id, locale)

    @post(
        "/{dossier_id:uuid}/actions",
        status_code=200,
        operation_id="actOnDossier",
        responses=problems(404, 409, 422),
        summary="Receive, ask for papers, reject, process, approve, return",
    )
    async def act(
        self,
        dossier_id: DossierId,
        data: JSONBody[OfficerActionIn],
        ctx: Ctx,
        conn: Conn,
        caller: Caller,
        locale: Locale,
    ) -> Dossier:
        await lifecycle.act(
            conn, ctx.moving, dossier_id, data, actor=lifecycle.ActorInfo.of(caller), principal=caller, locale=locale
        )
        return await reads.get_dossier(conn, ctx.showing, caller, dossier_id, locale, on_record=False)

    @post(
        "/{dossier_id:uuid}/resubmit",
        status_code=200,
        operation_id="resubmitCounterDossier",
        responses=problems(404, 409, 422),
        summary="Resubmit and receive a walk-in dossier sent back for papers, once the applicant brought them",
        description=(
            "Scan the papers first (`POST /api/v1/officer/dossiers/{id}/documents`). Only for dossiers filed at "
            "the counter (403 for an online one: its applicant resubmits in the app); 409 unless "
            "`supplement_requested`; 422 `missing-documents` while a mandatory paper is neither scanned nor "
            "seen in the original. The history shows supplement_requested → submitted → received "
            "(→ awaiting_payment when a fee is owed)."
        ),
    )
    async def resubmit(
        self,
        dossier_id: DossierId,
        ctx: Ctx,
        conn: Conn,
        caller: Caller,
        locale: Locale,
        data: JSONBody[CounterResubmitIn | None] = None,
    ) -> Dossier:
        body = data or CounterResubmitIn()
        return await lifecycle.resubmit_at_counter(conn, ctx.moving, ctx.showing, caller, dossier_id, body, locale)

    @post(
        "/{dossier_id:uuid}/result",
        status_code=201,
        operation_id="attachDossierResult",
        responses=problems(404, 409, 413, 415, 422),
        summary="Attach the electronic result (multipart file)",
        opt=upload(requirement=False),
    )
    async def attach_result(
        self,
        dossier_id: DossierId,
        request: Request[Any, Any, Any],
        ctx: Ctx,
        conn: Conn,
        caller: Caller,
    ) -> DocumentOut:
        _, name, content = await read_upload(request, need_requirement=False)
        return await documents.attach_result(conn, ctx.papers, caller, dossier_id, file_name=name, content=content)

    @get(
        "/{dossier_id:uuid}/audit",
        operation_id="getDossierAudit",
        responses=problems(403, 404, 422),
        summary="Who read the dossier, its papers or result, and who acted on it, newest first",
        description=(
            "Every officer's and admin's read of the dossier (`view`: the dossier, its history, its receipt; "
            "`download`: its result) and every action on it (`receive`, `request_supplement`, ..., "
            "`file_at_counter`, `refund`), those of the one-stop system included (role `one-stop`). Officers "
            "of the dossier's office and admins; an officer of another office gets 404. Reading the trail is "
            "not itself on it."
        ),
    )
    async def audit(self, dossier_id: DossierId, conn: Conn, caller: Caller, *, paging: PagingQuery) -> Page[AuditItem]:
        return await reads.audit_trail(conn, caller, dossier_id, paging)


# what this package serves, handed to the app whole by asgi.py
ROUTES: list[ControllerRouterHandler] = [OfficerDossierController]
