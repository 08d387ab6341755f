"""What the platforms send and what we send back (vn-integrations.md §3.1, §3.3, §4.3-4.4). Pure."""

from __future__ import annotations

from typing import Any, Literal

import msgspec

Channel = Literal["zalo", "messenger"]

MESSENGER_TEXT_MAX = 1999  # "< 2000 characters"
MESSENGER_QUICK_REPLIES_MAX = 13
MESSENGER_TITLE_MAX = 20
MESSENGER_PAYLOAD_MAX = 1000
ZALO_TEXT_MAX = 2000


class Inbound(msgspec.Struct, frozen=True, kw_only=True):
    """One text a citizen sent, as we keep it."""

    channel: Channel
    platform_id: str  # the platform's message id: a second delivery carries the same one
    sender_id: str
    text: str


class WebhookAck(msgspec.Struct, frozen=True, kw_only=True):
    received: int  # new messages stored by this delivery (0 for repeats and events we skip)


class Reply(msgspec.Struct, frozen=True, kw_only=True):
    """The assistant's answer to one message, kept so a retried send says exactly the same."""

    text: str
    quick_replies: list[str]
    locale: str


# ---- Messenger ----------------------------------------------------------------------------------


class PlatformUser(msgspec.Struct):
    id: str = ""


class MessengerQuickReply(msgspec.Struct):
    payload: str = ""


class MessengerMessage(msgspec.Struct):
    mid: str = ""
    text: str | None = None
    is_echo: bool = False
    quick_reply: MessengerQuickReply | None = None


class MessengerMessaging(msgspec.Struct):
    sender: PlatformUser | None = None
    message: MessengerMessage | None = None


class MessengerEntry(msgspec.Struct):
    messaging: list[MessengerMessaging] = msgspec.field(default_factory=list)


class MessengerEvent(msgspec.Struct):
    """A Messenger webhook delivery, as far as we read it (also its OpenAPI body)."""

    object: str = ""
    entry: list[MessengerEntry] = msgspec.field(default_factory=list)


def messenger_inbound(body: bytes) -> list[Inbound]:
    """The citizens' texts in one Messenger delivery (a batch may hold several). Echoes of our own
    replies, delivery and read receipts, postbacks and attachments without text are skipped.
    Raises msgspec errors for a body that is not a Messenger event."""
    event = msgspec.json.decode(body, type=MessengerEvent)
    if event.object != "page":
        return []
    found: list[Inbound] = []
    for entry in event.entry:
        for item in entry.messaging:
            message = item.message
            if message is None or message.is_echo or not message.mid or item.sender is None or not item.sender.id:
                continue
            # a tapped quick reply carries our payload: the full text of the suggestion, its title may be cut
            text = (message.quick_reply.payload if message.quick_reply else "") or (message.text or "")
            if text.strip():
                found.append(Inbound(channel="messenger", platform_id=message.mid, sender_id=item.sender.id, text=text))
    return found


def _title(text: str) -> str:
    return text if len(text) <= MESSENGER_TITLE_MAX else text[: MESSENGER_TITLE_MAX - 1] + "…"


def messenger_message(recipient: str, reply: Reply) -> dict[str, Any]:
    """A Send API body answering inside the 24-hour window, suggestions as quick replies."""
    message: dict[str, Any] = {"text": reply.text[:MESSENGER_TEXT_MAX]}
    if reply.quick_replies:
        message["quick_replies"] = [
            {"content_type": "text", "title": _title(q), "payload": q[:MESSENGER_PAYLOAD_MAX]}
            for q in reply.quick_replies[:MESSENGER_QUICK_REPLIES_MAX]
        ]
    return {"recipient": {"id": recipient}, "messaging_type": "RESPONSE", "message": message}


# ---- Zalo OA ------------------------------------------------------------------------------------


class ZaloMessage(msgspec.Struct):
    msg_id: str = ""
    text: str | None = None


class ZaloEvent(msgspec.Struct):
    """A Zalo OA webhook event as far as we read it; app_id and timestamp enter its signature."""

    event_name: str = ""
    app_id: str | int = ""
    sender: PlatformUser | None = None
    recipient: PlatformUser | None = None
    message: ZaloMessage | None = None
    timestamp: str | int = ""


def zalo_inbound(body: bytes) -> list[Inbound]:
    """The citizen's text in a Zalo OA event; other events (follows, reactions, images, group chats,
    the OA's own messages) are skipped. Raises msgspec errors for a body that is not a Zalo event."""
    event = msgspec.json.decode(body, type=ZaloEvent)
    message = event.message
    if event.event_name != "user_send_text" or message is None or not message.msg_id:
        return []
    if event.sender is None or not event.sender.id or not (message.text or "").strip():
        return []
    return [Inbound(channel="zalo", platform_id=message.msg_id, sender_id=event.sender.id, text=message.text or "")]


def zalo_text(reply: Reply, suggestions_label: str) -> str:
    """Zalo's customer-service message is text only (§3.3 gives no buttons), so the suggestions the
    app shows as chips are listed under the answer for the citizen to type back."""
    if not reply.quick_replies:
        return reply.text[:ZALO_TEXT_MAX]
    listing = "\n".join(f"• {q}" for q in reply.quick_replies)
    tail = f"\n\n{suggestions_label}\n{listing}"
    if len(reply.text) + len(tail) > ZALO_TEXT_MAX:  # the answer matters more than the suggestions
        return reply.text[:ZALO_TEXT_MAX]
    return reply.text + tail


def zalo_message(user_id: str, text: str) -> dict[str, Any]:
    return {"recipient": {"user_id": user_id}, "message": {"text": text}}
