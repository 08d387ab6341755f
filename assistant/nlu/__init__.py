"""Pure NLU core of the assistant: normalization, the learned models and the understanding of one message."""

from .intents import Intent
from .normalize import Normalized, normalize
from .understand import Understander, Understanding

__all__ = ("Intent", "Normalized", "Understander", "Understanding", "normalize")
