"""Reading Messenger and Zalo events and shaping the replies (vn-integrations.md §3.1, §3.3, §4.3-4.4)."""

from __future__ import annotations

import json
from typing import Any

import msgspec
import pytest

from assistant.channels.models import (
    Reply,
    messenger_inbound,
    messenger_message,
    zalo_inbound,
    zalo_message,
    zalo_text,
)


def _messenger(*items: dict[str, Any]) -> bytes:
    return json.dumps({"object": "page", "entry": [{"id": "PAGE", "time": 1, "messaging": list(items)}]}).encode()


def _text(mid: str, text: str, psid: str = "PSID1", **extra: Any) -> dict[str, Any]:
    return {
        "sender": {"id": psid},
        "recipient": {"id": "PAGE"},
        "timestamp": 1,
        "message": {"mid": mid, "text": text, **extra},
    }


def test_messenger_texts_of_a_batch() -> None:
    body = json.dumps(
        {
            "object": "page",
            "entry": [
                {"id": "PAGE", "time": 1, "messaging": [_text("m1", "xin chào")]},
                {"id": "PAGE", "time": 2, "messaging": [_text("m2", "lệ phí", psid="PSID2")]},
            ],
        }
    ).encode()
    found = messenger_inbound(body)
    assert [(m.platform_id, m.sender_id, m.text) for m in found] == [
        ("m1", "PSID1", "xin chào"),
        ("m2", "PSID2", "lệ phí"),
    ]
    assert {m.channel for m in found} == {"messenger"}


def test_messenger_skips_echoes_receipts_and_attachments() -> None:
    body = _messenger(
        _text("m1", "our own reply", is_echo=True, app_id=123),
        {"sender": {"id": "PSID1"}, "recipient": {"id": "PAGE"}, "delivery": {"mids": ["m0"], "watermark": 1}},
        {"sender": {"id": "PSID1"}, "recipient": {"id": "PAGE"}, "read": {"watermark": 1}},
        {
            "sender": {"id": "PSID1"},
            "recipient": {"id": "PAGE"},
            "postback": {"title": "Start", "payload": "GET_STARTED"},
        },
        {"sender": {"id": "PSID1"}, "message": {"mid": "m2", "attachments": [{"type": "image"}]}},
        _text("m3", "   "),
    )
    assert messenger_inbound(body) == []
    assert (
        messenger_inbound(json.dumps({"object": "instagram", "entry": [{"messaging": [_text("m", "x")]}]}).encode())
        == []
    )


def test_a_tapped_quick_reply_reads_its_payload() -> None:
    body = _messenger(_text("m1", "Nộp hồ sơ trực tuy…", quick_reply={"payload": "Nộp hồ sơ trực tuyến"}))
    assert messenger_inbound(body)[0].text == "Nộp hồ sơ trực tuyến"


def test_messenger_body_that_is_not_an_event() -> None:
    with pytest.raises(msgspec.DecodeError):
        messenger_inbound(b"{not json")
    with pytest.raises(msgspec.ValidationError):
        messenger_inbound(b'{"object": "page", "entry": {"messaging": 1}}')


def test_messenger_reply_with_quick_replies() -> None:
    reply = Reply(
        text="Để đăng ký khai sinh, bạn cần: …",
        quick_replies=["Lệ phí", "Một gợi ý dài hơn hai mươi ký tự"],
        locale="vi",
    )
    body = messenger_message("PSID1", reply)
    assert body["recipient"] == {"id": "PSID1"}
    assert body["messaging_type"] == "RESPONSE"
    assert body["message"]["text"] == reply.text
    titles = [q["title"] for q in body["message"]["quick_replies"]]
    assert titles[0] == "Lệ phí"
    assert len(titles[1]) == 20 and titles[1].endswith("…")
    assert body["message"]["quick_replies"][1]["payload"] == "Một gợi ý dài hơn hai mươi ký tự"
    assert {q["content_type"] for q in body["message"]["quick_replies"]} == {"text"}


def test_messenger_reply_limits() -> None:
    body = messenger_message("P", Reply(text="x" * 5000, quick_replies=[str(i) for i in range(20)], locale="vi"))
    assert len(body["message"]["text"]) == 1999
    assert len(body["message"]["quick_replies"]) == 13
    assert "quick_replies" not in messenger_message("P", Reply(text="ok", quick_replies=[], locale="vi"))["message"]


ZALO_EVENT = {
    "event_name": "user_send_text",
    "app_id": "50554360515256678",
    "sender": {"id": "5510185758261927916"},
    "recipient": {"id": "1646843870823903717"},
    "message": {"text": "Helo", "msg_id": "e2a641af6661713b2874"},
    "timestamp": "1717061839659",
    "user_id_by_app": "3611371994410983884",
}


def test_zalo_text_event() -> None:
    [found] = zalo_inbound(json.dumps(ZALO_EVENT).encode())
    assert (found.channel, found.platform_id, found.sender_id, found.text) == (
        "zalo",
        "e2a641af6661713b2874",
        "5510185758261927916",
        "Helo",
    )


@pytest.mark.parametrize(
    "event",
    [
        {**ZALO_EVENT, "event_name": "follow"},
        {**ZALO_EVENT, "event_name": "user_send_image"},
        {**ZALO_EVENT, "event_name": "oa_send_text"},
        {**ZALO_EVENT, "event_name": "user_send_group_text"},
        {**ZALO_EVENT, "message": {"msg_id": "x", "text": ""}},
        {**ZALO_EVENT, "message": {"text": "no id"}},
    ],
)
def test_zalo_events_skipped(event: dict[str, Any]) -> None:
    assert zalo_inbound(json.dumps(event).encode()) == []


def test_zalo_reply_lists_the_suggestions() -> None:
    reply = Reply(text="Đăng ký khai sinh: miễn phí.", quick_replies=["Nộp hồ sơ", "Nộp ở đâu"], locale="vi")
    text = zalo_text(reply, "Bạn có thể hỏi tiếp:")
    assert text == "Đăng ký khai sinh: miễn phí.\n\nBạn có thể hỏi tiếp:\n• Nộp hồ sơ\n• Nộp ở đâu"
    assert zalo_message("U1", text) == {"recipient": {"user_id": "U1"}, "message": {"text": text}}
    assert zalo_text(Reply(text="Chào bạn", quick_replies=[], locale="vi"), "x") == "Chào bạn"
    long = Reply(text="y" * 1990, quick_replies=["Lệ phí"], locale="vi")
    assert zalo_text(long, "Bạn có thể hỏi tiếp:") == "y" * 1990  # the answer is kept whole, not the list
