"""Papers uploaded to dossiers (multipart), or attached by a JSON body on the same route: what the
citizen's and the officer's routes share."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import asyncpg
import msgspec
from litestar import Request
from litestar.datastructures import UploadFile

from api.dossiers import documents
from api.dossiers.models import FieldErrors
from api.dossiers.views import DocumentOut
from core.auth import Principal
from core.errors import DomainError, ValidationError


class AttachIn(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    requirement: str
    document_id: uuid.UUID


async def read_upload(request: Request[Any, Any, Any], *, need_requirement: bool) -> tuple[str, str, bytes]:
    """(requirement, file name, content) from a multipart upload."""
    form = await request.form()
    file = form.get("file")
    requirement = form.get("requirement")
    errors: FieldErrors = []
    if not isinstance(file, UploadFile):
        errors.append(("file", "required", {}))
    if need_requirement and not (isinstance(requirement, str) and requirement.strip()):
        errors.append(("requirement", "required", {}))
    if errors or not isinstance(file, UploadFile):
        raise ValidationError(errors)
    content = await file.read()
    return (requirement.strip() if isinstance(requirement, str) else ""), file.filename or "", content


T = TypeVar("T")


def decode_json(raw: bytes, kind: type[T]) -> T:
    """A JSON body read by hand (routes that also take multipart): 400 unreadable, 422 wrong shape."""
    try:
        return msgspec.json.decode(raw, type=kind)
    except msgspec.ValidationError as exc:
        raise ValidationError([("body", "invalid", {})]) from exc
    except msgspec.DecodeError as exc:
        raise DomainError("malformed-request", status=400, reason=str(exc)) from exc


async def upload_paper(
    request: Request[Any, Any, Any],
    conn: asyncpg.Connection,
    papers: documents.Papers,
    principal: Principal,
    dossier_id: uuid.UUID,
) -> DocumentOut:
    """A scan or photo of one paper, from a multipart upload (the citizen's, or the officer's at the counter)."""
    requirement, name, content = await read_upload(request, need_requirement=True)
    return await documents.upload_document(
        conn, papers, principal, dossier_id, requirement=requirement, file_name=name, content=content
    )


def is_multipart(request: Request[Any, Any, Any]) -> bool:
    return request.headers.get("content-type", "").lower().startswith("multipart/form-data")


R = TypeVar("R")


async def paper_or_json(
    request: Request[Any, Any, Any],
    upload: Callable[[], Awaitable[DocumentOut]],
    kind: type[T],
    otherwise: Callable[[T], Awaitable[R]],
) -> DocumentOut | R:
    """A route that takes a paper: a multipart upload goes to `upload`, a JSON body of `kind` to `otherwise`."""
    if is_multipart(request):
        return await upload()
    return await otherwise(decode_json(await request.body(), kind))
