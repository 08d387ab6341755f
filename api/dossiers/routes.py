"""Citizen dossier routes: thin; the rules live in access, service, documents, lifecycle and receipts."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable
from functools import partial
from typing import Any
from urllib.parse import quote

from litestar import Controller, Request, Response, delete, get, patch, post
from litestar.params import FromPath, FromQuery, JSONBody

from api.deps import Ctx
from api.dossiers import documents, lifecycle, reads, receipts, service
from api.dossiers.models import DossierCreate, DossierUpdate, RatingIn
from api.dossiers.slip import receipt_slip_pdf
from api.dossiers.upload_routes import AttachIn, paper_or_json, upload_paper
from api.dossiers.views import DocumentOut, Dossier, History, Rating, Receipt, WalletDocument
from core.dossier_status import DossierStatus
from core.guards import citizen_only, signed_in
from core.injected import Caller, Conn, Locale
from core.openapi import problems, upload
from core.paging import Page, PagingQuery
from core.qr import qr_png

# the dossier a route's path names
DossierId = FromPath[uuid.UUID]


class DossierController(Controller):
    path = "/api/v1/dossiers"
    tags = ["dossiers"]

    @post(
        "/",
        status_code=201,
        guards=[citizen_only],
        operation_id="createDossier",
        responses=problems(404, 422),
        summary="Start a dossier (draft)",
    )
    async def create(
        self, data: JSONBody[DossierCreate], ctx: Ctx, conn: Conn, caller: Caller, locale: Locale
    ) -> Dossier:
        return await service.create_dossier(conn, ctx.filing, caller, data, locale)

    @get(
        "/",
        guards=[citizen_only],
        operation_id="listMyDossiers",
        responses=problems(422),
        summary="The signed-in citizen's dossiers, newest first",
    )
    async def list_mine(
        self,
        ctx: Ctx,
        conn: Conn,
        caller: Caller,
        locale: Locale,
        status: FromQuery[DossierStatus | None] = None,
        *,
        paging: PagingQuery,
    ) -> Page[Dossier]:
        return await reads.list_own(conn, ctx.showing, caller, status, paging, locale)

    @get(
        "/{dossier_id:uuid}",
        guards=[signed_in],
        operation_id="getDossier",
        responses=problems(404),
        summary="One dossier",
    )
    async def get_one(self, dossier_id: DossierId, ctx: Ctx, conn: Conn, caller: Caller, locale: Locale) -> Dossier:
        return await reads.get_dossier(conn, ctx.showing, caller, dossier_id, locale)

    @patch(
        "/{dossier_id:uuid}",
        guards=[citizen_only],
        operation_id="updateDossier",
        responses=problems(404, 409, 422),
        summary="Edit a draft or a dossier sent back",
    )
    async def update(
        self,
        dossier_id: DossierId,
        data: JSONBody[DossierUpdate],
        ctx: Ctx,
        conn: Conn,
        caller: Caller,
        locale: Locale,
    ) -> Dossier:
        return await service.update_dossier(conn, ctx.filing, caller, dossier_id, data, locale)

    @post(
        "/{dossier_id:uuid}/documents",
        status_code=201,
        guards=[citizen_only],
        operation_id="addDossierDocument",
        responses=problems(404, 409, 413, 415, 422),
        summary="Upload a paper (multipart file + requirement) or attach one from the wallet (JSON)",
        opt=upload(requirement=True, json=AttachIn),
    )
    async def add_document(
        self,
        dossier_id: DossierId,
        request: Request[Any, Any, Any],
        ctx: Ctx,
        conn: Conn,
        caller: Caller,
    ) -> DocumentOut:
        def attach(body: AttachIn) -> Awaitable[DocumentOut]:
            return documents.attach_from_wallet(
                conn, ctx.papers, caller, dossier_id, requirement=body.requirement, document_id=body.document_id
            )

        return await paper_or_json(
            request, partial(upload_paper, request, conn, ctx.papers, caller, dossier_id), AttachIn, attach
        )

    @delete(
        "/{dossier_id:uuid}/documents/{attachment_id:uuid}",
        status_code=204,
        guards=[citizen_only],
        operation_id="removeDossierDocument",
        responses=problems(404, 409),
        summary="Remove a paper from a draft",
    )
    async def remove_document(
        self,
        dossier_id: DossierId,
        attachment_id: FromPath[uuid.UUID],
        ctx: Ctx,
        conn: Conn,
        caller: Caller,
    ) -> None:
        await documents.delete_document(conn, ctx.catalog, caller, dossier_id, attachment_id)

    @post(
        "/{dossier_id:uuid}/submit",
        status_code=200,
        guards=[citizen_only],
        operation_id="submitDossier",
        responses=problems(404, 409, 422),
        summary="Submit; returns the receipt",
    )
    async def submit(self, dossier_id: DossierId, ctx: Ctx, conn: Conn, caller: Caller, locale: Locale) -> Receipt:
        return await lifecycle.submit(conn, ctx.moving, ctx.showing, caller, dossier_id, locale)

    @post(
        "/{dossier_id:uuid}/withdraw",
        status_code=200,
        guards=[citizen_only],
        operation_id="withdrawDossier",
        responses=problems(404, 409),
        summary="Withdraw",
    )
    async def withdraw(
        self,
        dossier_id: DossierId,
        ctx: Ctx,
        conn: Conn,
        caller: Caller,
        locale: Locale,
    ) -> Dossier:
        return await lifecycle.withdraw(conn, ctx.moving, ctx.showing, caller, dossier_id, locale)

    @get(
        "/{dossier_id:uuid}/history",
        guards=[signed_in],
        operation_id="getDossierHistory",
        responses=problems(404),
        summary="Every step, oldest first",
    )
    async def history(self, dossier_id: DossierId, ctx: Ctx, conn: Conn, caller: Caller) -> History:
        return await receipts.history(conn, ctx.clock, caller, dossier_id)

    @get(
        "/{dossier_id:uuid}/receipt",
        guards=[signed_in],
        operation_id="getDossierReceipt",
        responses=problems(404),
        summary="The receipt of a submitted dossier",
    )
    async def receipt(self, dossier_id: DossierId, ctx: Ctx, conn: Conn, caller: Caller, locale: Locale) -> Receipt:
        return await receipts.receipt(conn, ctx.showing, caller, dossier_id, locale)

    @get(
        "/{dossier_id:uuid}/receipt.pdf",
        guards=[signed_in],
        operation_id="getDossierReceiptPdf",
        responses=problems(404),
        summary="The receipt and appointment slip (Giấy tiếp nhận hồ sơ và hẹn trả kết quả) as an A4 PDF",
        media_type="application/pdf",
    )
    async def receipt_pdf(
        self, dossier_id: DossierId, ctx: Ctx, conn: Conn, caller: Caller, locale: Locale
    ) -> Response[bytes]:
        pdf = await receipt_slip_pdf(conn, ctx.showing, caller, dossier_id, locale)
        disposition = f'inline; filename="giay-tiep-nhan-{dossier_id}.pdf"'
        headers = {"Cache-Control": "private", "Content-Disposition": disposition}
        return Response(pdf, media_type="application/pdf", headers=headers)

    @get(
        "/{dossier_id:uuid}/receipt.png",
        guards=[signed_in],
        operation_id="getDossierReceiptQr",
        responses=problems(404),
        summary="QR code of the receipt's tracking link",
        media_type="image/png",
    )
    async def receipt_png(
        self,
        dossier_id: DossierId,
        ctx: Ctx,
        conn: Conn,
        caller: Caller,
        locale: Locale,
    ) -> Response[bytes]:
        found = await receipts.receipt(conn, ctx.showing, caller, dossier_id, locale)
        return Response(
            qr_png(found.tracking_url, box_size=8), media_type="image/png", headers={"Cache-Control": "private"}
        )

    @post(
        "/{dossier_id:uuid}/rating",
        status_code=201,
        guards=[citizen_only],
        operation_id="rateDossier",
        responses=problems(404, 409, 422),
        summary="Rate the service once",
    )
    async def rate(
        self,
        dossier_id: DossierId,
        data: JSONBody[RatingIn],
        ctx: Ctx,
        conn: Conn,
        caller: Caller,
    ) -> Rating:
        return await receipts.rate(conn, ctx.clock, caller, dossier_id, data)

    @get(
        "/{dossier_id:uuid}/result",
        guards=[signed_in],
        operation_id="getDossierResult",
        responses=problems(404),
        summary="The electronic result file",
        media_type="application/octet-stream",
    )
    async def result(self, dossier_id: DossierId, ctx: Ctx, conn: Conn, caller: Caller) -> Response[bytes]:
        content, content_type, name = await documents.result_file(conn, ctx.papers, caller, dossier_id)
        return Response(
            content,
            media_type=content_type,
            headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}"},
        )


@get(
    "/api/v1/documents",
    guards=[citizen_only],
    operation_id="listMyDocuments",
    responses=problems(422),
    summary="The citizen's earlier uploads",
    tags=["dossiers"],
)
async def list_documents(conn: Conn, caller: Caller, *, paging: PagingQuery) -> Page[WalletDocument]:
    return await documents.wallet(conn, caller, paging)
