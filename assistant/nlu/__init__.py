"""Pure NLU core of the assistant: normalization of citizen messages and intent detection."""

from .intents import Intent, IntentGuess, detect_intent
from .normalize import Normalized, normalize

__all__ = ("Intent", "IntentGuess", "Normalized", "detect_intent", "normalize")
