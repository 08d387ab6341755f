"""Events: what happened, said once, and what it sets off.

A use case publishes an event on the bus inside its transaction (bus.py): the in-transaction
handlers the composition root registered react in that same transaction, and the event's row goes
into the outbox table with it (outbox.py, where that table is written and read). After the commit
the worker's dispatcher (dispatcher.py) claims the rows and hands each event to the consumers of its
kind (consumers.py), at least once, idempotent by event id. The kinds themselves are in kinds.py."""

from core.events.bus import BatchHandler, EventBus, Handler
from core.events.consumers import (
    BatchConsumer,
    Consumer,
    ConsumerResult,
    Consumers,
    PermanentFailure,
    RetryLater,
    all_of,
    backoff,
)
from core.events.dispatcher import Dispatcher
from core.events.kinds import (
    AnyEvent,
    ChatMessageReceived,
    DeadlineApproaching,
    DeadlineBacklog,
    DossierStatusChanged,
    Event,
    HandoffOpened,
    OutboxEvent,
    PaymentEvent,
    PaymentExpired,
    PaymentFailed,
    PaymentRefunded,
    PaymentSucceeded,
    topic_of,
)
from core.events.outbox import CLAIM, OUTBOX_CHANNEL, event_from_row, write_outbox

__all__ = [
    "CLAIM",
    "OUTBOX_CHANNEL",
    "AnyEvent",
    "BatchConsumer",
    "BatchHandler",
    "ChatMessageReceived",
    "Consumer",
    "ConsumerResult",
    "Consumers",
    "DeadlineApproaching",
    "DeadlineBacklog",
    "Dispatcher",
    "DossierStatusChanged",
    "Event",
    "EventBus",
    "Handler",
    "HandoffOpened",
    "OutboxEvent",
    "PaymentEvent",
    "PaymentExpired",
    "PaymentFailed",
    "PaymentRefunded",
    "PaymentSucceeded",
    "PermanentFailure",
    "RetryLater",
    "all_of",
    "backoff",
    "event_from_row",
    "topic_of",
    "write_outbox",
]
