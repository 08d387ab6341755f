"""The intents of citizen messages: the public contract of the assistant (design.md §3)."""

from __future__ import annotations

from enum import StrEnum
from typing import Final

__all__ = ("PROCEDURE_INTENTS", "QUESTION_INTENTS", "SOCIAL_INTENTS", "Intent")


class Intent(StrEnum):
    PROCEDURE_INFO = "procedure_info"
    PROCEDURE_DOCUMENTS = "procedure_documents"
    PROCEDURE_FEE = "procedure_fee"
    PROCEDURE_DURATION = "procedure_duration"
    PROCEDURE_LOCATION = "procedure_location"
    DOSSIER_STATUS = "dossier_status"
    PAYMENT_HELP = "payment_help"
    GREETING = "greeting"
    THANKS = "thanks"
    GOODBYE = "goodbye"
    HUMAN_HANDOFF = "human_handoff"
    FALLBACK = "fallback"


PROCEDURE_INTENTS: Final = frozenset(
    {
        Intent.PROCEDURE_INFO,
        Intent.PROCEDURE_DOCUMENTS,
        Intent.PROCEDURE_FEE,
        Intent.PROCEDURE_DURATION,
        Intent.PROCEDURE_LOCATION,
    }
)
"""Questions about a procedure, answered from the catalog."""
QUESTION_INTENTS: Final = PROCEDURE_INTENTS - {Intent.PROCEDURE_INFO}
"""A procedure question that asks one thing (papers, fee, time, place)."""
SOCIAL_INTENTS: Final = frozenset({Intent.GREETING, Intent.THANKS, Intent.GOODBYE})
