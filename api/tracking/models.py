"""What the public tracking page shows beyond the tracking JSON, and the next step for each status. Pure."""

from __future__ import annotations

from enum import StrEnum

import msgspec

from api.dossiers.models import DeliveryMethod
from api.dossiers.views import Tracking
from core.dossier_status import DossierStatus


class NextStep(StrEnum):
    """Keys of the `next-*` page texts."""

    SUBMITTED = "next-submitted"
    IN_PROGRESS = "next-in-progress"
    PAY = "next-pay"
    SUPPLEMENT = "next-supplement"
    COLLECT_DESK = "next-collect-desk"
    COLLECT_POST = "next-collect-post"
    COLLECT_ELECTRONIC = "next-collect-electronic"
    RETURNED = "next-returned"
    REJECTED = "next-rejected"
    WITHDRAWN = "next-withdrawn"


_BY_STATUS = {
    DossierStatus.SUBMITTED: NextStep.SUBMITTED,
    DossierStatus.RECEIVED: NextStep.IN_PROGRESS,
    DossierStatus.PROCESSING: NextStep.IN_PROGRESS,
    DossierStatus.AWAITING_PAYMENT: NextStep.PAY,
    DossierStatus.SUPPLEMENT_REQUESTED: NextStep.SUPPLEMENT,
    DossierStatus.RETURNED: NextStep.RETURNED,
    DossierStatus.REJECTED: NextStep.REJECTED,
    DossierStatus.WITHDRAWN: NextStep.WITHDRAWN,
}
_COLLECT = {
    DeliveryMethod.DESK: NextStep.COLLECT_DESK,
    DeliveryMethod.POST: NextStep.COLLECT_POST,
    DeliveryMethod.ELECTRONIC: NextStep.COLLECT_ELECTRONIC,
}


def next_step(status: DossierStatus, delivery: DeliveryMethod) -> NextStep:
    if status is DossierStatus.RESULT_READY:
        return _COLLECT[delivery]
    return _BY_STATUS.get(status, NextStep.IN_PROGRESS)


class TrackingPage(msgspec.Struct, frozen=True, kw_only=True):
    tracking: Tracking
    fee: int
    paid: bool
    next: NextStep
    missing: list[str]  # names of the papers a supplement request asked for, while it stands
