"""Officer routes of payments: refunds, unmatched money, reconciliation."""

from __future__ import annotations

from datetime import date
from typing import Annotated
from uuid import UUID

from litestar import Controller, get, post
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter
from litestar.types import ControllerRouterHandler
from msgspec import Struct

from core.clock import VN_TZ
from core.errors import ForbiddenError, ValidationError
from core.guards import officer_only
from core.injected import Caller, Conn
from core.openapi import problems
from core.paging import Limit, Offset
from payments import refunds, service
from payments.models import Payment, PaymentExceptionOut, Reconciliation, RefundIn, ResolveIn
from payments.reconcile import reconcile
from payments.routes import Payments


class ExceptionPage(Struct, frozen=True):
    items: list[PaymentExceptionOut]
    total: int


class OfficerPaymentsController(Controller):
    """Refunds, unmatched money and reconciliation: officers of the payment's office, and admins."""

    path = "/api/v1/officer/payments"
    tags = ["payments"]
    guards = [officer_only]

    @post(
        "/{payment_id:uuid}/refund",
        status_code=200,
        operation_id="refundPayment",
        responses=problems(404, 409, 422),
        summary="Refund a settled payment in full (reason required)",
    )
    async def refund(
        self, payment_id: FromPath[UUID], data: JSONBody[RefundIn], payments: Payments, conn: Conn, caller: Caller
    ) -> Payment:
        return service.to_payment(await refunds.refund_payment(conn, payments, caller, payment_id, data.reason))

    @get(
        "/exceptions",
        operation_id="listPaymentExceptions",
        responses=problems(422),
        summary="Money that matched no payment exactly, for an officer to refund or accept",
    )
    async def list_exceptions(
        self, conn: Conn, caller: Caller, status: FromQuery[str | None] = "open", limit: Limit = 20, offset: Offset = 0
    ) -> ExceptionPage:
        if not 1 <= limit <= 100 or offset < 0:
            raise ValidationError([("limit", "invalid", {})])
        items, total = await refunds.list_exceptions(conn, caller, status=status, limit=limit, offset=offset)
        return ExceptionPage(items=items, total=total)

    @post(
        "/exceptions/{exception_id:uuid}/resolve",
        status_code=204,
        operation_id="resolvePaymentException",
        responses=problems(404, 409, 422),
        summary="Refund unmatched money or accept it as paying its payment",
    )
    async def resolve(
        self, exception_id: FromPath[UUID], data: JSONBody[ResolveIn], payments: Payments, conn: Conn, caller: Caller
    ) -> None:
        await refunds.resolve_exception(conn, payments, caller, exception_id, data)

    @get(
        "/reconciliation",
        operation_id="reconcilePayments",
        responses=problems(422),
        summary="Settled vs reported money for a day, unmatched notifications, open exceptions",
    )
    async def reconciliation(
        self,
        conn: Conn,
        caller: Caller,
        payments: Payments,
        day: Annotated[date | None, QueryParameter(name="date")] = None,
        agency: FromQuery[str | None] = None,
    ) -> Reconciliation:
        if agency is None and caller.role.value != "admin":
            if len(caller.agencies) != 1:
                raise ValidationError([("agency", "required", {})])
            agency = caller.agencies[0]
        if agency is not None and not caller.serves(agency):
            raise ForbiddenError()
        return await reconcile(conn, day=day or payments.clock.now().astimezone(VN_TZ).date(), agency=agency)


ROUTES: list[ControllerRouterHandler] = [OfficerPaymentsController]
