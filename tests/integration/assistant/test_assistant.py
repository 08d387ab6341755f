"""The assistant over HTTP: understands how citizens type, answers from the catalog and their dossiers."""

from __future__ import annotations

from typing import Any

from litestar.testing import AsyncTestClient
from redis.asyncio import Redis

from tests.integration.conftest import TokenFactory, bearer
from tests.integration.factories import ask, submitted_dossier

URL = "/api/v1/assistant/messages"


async def test_documents_then_duration_in_the_same_conversation(client: AsyncTestClient[Any]) -> None:
    first = await ask(client, "lam giay khai sinh cho con can gi")
    assert first["intent"] == "procedure_documents"
    assert first["procedure"] == {"slug": "birth-registration", "name": "Đăng ký khai sinh"}
    assert "Giấy chứng sinh" in first["reply"] and "miễn" in first["reply"].lower()
    assert first["quick_replies"] and 0 < first["confidence"] <= 1
    second = await ask(client, "mất mấy ngày", session_id=first["session_id"])
    assert second["intent"] == "procedure_duration"
    assert second["procedure"]["slug"] == "birth-registration"
    assert second["confidence"] >= 0.8  # the carried procedure does not halve it


async def test_a_repeated_message_follows_each_conversation(client: AsyncTestClient[Any]) -> None:
    """What a message means is remembered across requests; what it answers still depends on the session."""
    birth = await ask(client, "lam giay khai sinh cho con can gi")
    marriage = await ask(client, "đăng ký kết hôn cần giấy tờ gì")
    for session, slug in ((birth, "birth-registration"), (marriage, "marriage-registration")):
        again = await ask(client, "mất mấy ngày", session_id=session["session_id"])
        assert again["intent"] == "procedure_duration"
        assert again["procedure"]["slug"] == slug
    english = await ask(client, "mất mấy ngày", session_id=birth["session_id"], locale="en")
    assert english["procedure"]["name"] == "Birth registration"


async def test_greetings_in_both_languages(client: AsyncTestClient[Any]) -> None:
    vi = await ask(client, "xin chào", locale="vi")
    en = await ask(client, "hello", locale="en")
    assert vi["intent"] == en["intent"] == "greeting"
    assert vi["session_id"] and "Một Cửa" in en["reply"]


async def test_english_fee_question_is_answered_in_english(client: AsyncTestClient[Any]) -> None:
    answer = await ask(client, "how much is a passport")
    assert answer["intent"] == "procedure_fee" and answer["procedure"]["slug"] == "passport-issuance"
    assert "200,000 VND" in answer["reply"]


async def test_out_of_scope_and_near_misses_are_fallback(client: AsyncTestClient[Any]) -> None:
    for text in ("thời tiết hôm nay", "kể chuyện cười đi", "khai sinh nhật"):
        answer = await ask(client, text)
        assert answer["intent"] == "fallback", text
        assert answer["procedure"] is None, text
        assert answer["quick_replies"], text


async def test_a_question_about_something_else_is_fallback_even_after_a_procedure(
    client: AsyncTestClient[Any],
) -> None:
    first = await ask(client, "đổi bằng lái xe hết hạn")
    assert first["procedure"]["slug"] == "driving-licence-renewal"
    trip = await ask(client, "lái xe đi Đà Lạt mất bao lâu", session_id=first["session_id"])
    assert (trip["intent"], trip["procedure"]) == ("fallback", None)
    bare = await ask(client, "mất bao lâu", session_id=first["session_id"])
    assert (bare["intent"], bare["procedure"]["slug"]) == ("procedure_duration", "driving-licence-renewal")


async def test_an_unclear_name_asks_which_procedure_with_the_candidates(client: AsyncTestClient[Any]) -> None:
    answer = await ask(client, "bằng lái")
    assert answer["procedure"] is None and answer["confidence"] <= 0.5
    assert answer["reply"].startswith("Bạn muốn hỏi về thủ tục nào")
    assert set(answer["quick_replies"]) == {"Đổi giấy phép lái xe", "Cấp lại giấy phép lái xe"}
    picked = await ask(client, answer["quick_replies"][0], session_id=answer["session_id"])
    assert picked["procedure"]["name"] == answer["quick_replies"][0]


async def test_a_question_instead_of_a_choice_answers_the_likeliest_and_offers_the_others(
    client: AsyncTestClient[Any],
) -> None:
    asked = await ask(client, "bằng lái")
    first, second = asked["quick_replies"][:2]
    answer = await ask(client, "cần giấy tờ gì", session_id=asked["session_id"])
    assert (answer["intent"], answer["procedure"]["name"]) == ("procedure_documents", first)
    assert answer["quick_replies"][0] == second and "thủ tục khác" in answer["reply"]
    tapped = await ask(client, second, session_id=asked["session_id"])
    assert (tapped["intent"], tapped["procedure"]["name"]) == ("procedure_documents", second)


async def test_handoff_reaches_officers_once_per_conversation(
    client: AsyncTestClient[Any], make_token: TokenFactory
) -> None:
    citizen = await make_token("0912990002")
    first = await ask(client, "lam ho chieu can gi", headers=bearer(citizen))
    answer = await ask(client, "cho em gặp cán bộ", session_id=first["session_id"], headers=bearer(citizen))
    assert answer["intent"] == "human_handoff" and "1900" in answer["reply"]
    await ask(client, "em muon noi chuyen voi nhan vien", session_id=first["session_id"], headers=bearer(citizen))
    officer = await make_token("0900990002", "officer", ("000.00.01.H29",))
    listed = (await client.get("/api/v1/officer/handoffs", headers=bearer(officer))).json()
    assert listed["total"] == 1
    handoff = listed["items"][0]
    assert handoff["procedure"] == "passport-issuance" and handoff["phone"] == "0912990002"
    closed = await client.post(f"/api/v1/officer/handoffs/{handoff['id']}/close", headers=bearer(officer))
    assert closed.status_code == 204
    assert (await client.get("/api/v1/officer/handoffs", headers=bearer(officer))).json()["total"] == 0
    assert (await client.get("/api/v1/officer/handoffs", headers=bearer(citizen))).status_code == 403


async def test_my_dossiers_and_a_code_in_the_text(client: AsyncTestClient[Any], make_token: TokenFactory) -> None:
    citizen = await make_token("0912990001")
    anonymous = await ask(client, "hồ sơ của tôi đến đâu rồi")
    assert anonymous["intent"] == "dossier_status" and "đăng nhập" in anonymous["reply"]
    dossier = await submitted_dossier(client, citizen)
    mine = await ask(client, "ho so cua toi den dau roi", headers=bearer(citizen))
    receipt = (await client.get(f"/api/v1/dossiers/{dossier['id']}/receipt", headers=bearer(citizen))).json()
    assert mine["intent"] == "dossier_status" and receipt["code"] in mine["reply"]
    assert "Chờ tiếp nhận" in mine["reply"]
    by_code = await ask(client, f"tra cứu giúp mình hồ sơ {receipt['code']} với", headers=bearer(citizen))
    assert by_code["intent"] == "dossier_status" and "Chờ tiếp nhận" in by_code["reply"]


def tells_nothing_of(answer: dict[str, Any], receipt: dict[str, Any]) -> bool:
    """The reply names nothing of the dossier: not its procedure, status, appointment or applicant."""
    reply = answer["reply"].lower()
    appointment = receipt["appointment_date"]
    day = f"{appointment[8:10]}/{appointment[5:7]}/{appointment[:4]}"
    return answer["procedure"] is None and not any(
        word.lower() in reply
        for word in (receipt["procedure"]["name"], "khai sinh", "Chờ tiếp nhận", day, receipt["applicant_name"])
    )


async def test_a_code_alone_tells_a_stranger_nothing(client: AsyncTestClient[Any], make_token: TokenFactory) -> None:
    """It told anyone the procedure, status and appointment of any dossier whose code they typed."""
    owner = await make_token("0912990011")
    dossier = await submitted_dossier(client, owner)
    receipt = (await client.get(f"/api/v1/dossiers/{dossier['id']}/receipt", headers=bearer(owner))).json()
    code, key = receipt["code"], receipt["lookup_key"]
    unknown_code = code[:-4] + ("0001" if not code.endswith("0001") else "0002")
    stranger = await make_token("0912990012")

    anonymous = await ask(client, f"ho so {code}")
    signed_in_stranger = await ask(client, f"ho so {code} den dau roi", headers=bearer(stranger))
    wrong_key = await ask(client, f"ho so {code} ma tra cuu {'ABCDEFGH' if key != 'ABCDEFGH' else 'HGFEDCBA'}")
    unknown = await ask(client, f"ho so {unknown_code}")
    for answer in (anonymous, signed_in_stranger, wrong_key, unknown):
        assert answer["intent"] == "dossier_status"
        assert tells_nothing_of(answer, receipt), answer["reply"]
        assert "mã tra cứu" in answer["reply"]
    # an unknown code and a stranger's dossier are answered in the same words
    assert anonymous["reply"] == wrong_key["reply"] == unknown["reply"]

    with_key = await ask(client, f"ho so {code} ma tra cuu {key.lower()}")
    owners_own = await ask(client, f"hồ sơ {code} của tôi sao rồi", headers=bearer(owner))
    for answer in (with_key, owners_own):
        assert "Chờ tiếp nhận" in answer["reply"] and code in answer["reply"]


async def test_sessions_are_minted_by_the_server(client: AsyncTestClient[Any], redis_url: str) -> None:
    """A client named any session it liked: a chat platform's conversation, or ids of megabytes."""
    first = await ask(client, "lam giay khai sinh can gi")
    assert len(first["session_id"]) <= 64
    assert (await ask(client, "mất mấy ngày", session_id=first["session_id"]))["session_id"] == first["session_id"]
    for invented in ("messenger:PSID-1", "zalo:5510185758261927916", "x" * 5000, "s-7f3a"):
        answer = await ask(client, "mất mấy ngày", session_id=invented)
        assert answer["session_id"] != invented and len(answer["session_id"]) <= 64
        assert answer["procedure"] is None  # a new conversation: nothing carried over
    redis = Redis.from_url(redis_url)
    try:
        names = [name.decode() async for name in redis.scan_iter("motcua:assistant:*")]
    finally:
        await redis.aclose()
    assert names and all(len(name) < 100 and "messenger" not in name and "zalo" not in name for name in names)


async def test_a_conversation_is_kept_for_half_an_hour_after_its_last_message(
    client: AsyncTestClient[Any], redis_url: str
) -> None:
    first = await ask(client, "lam giay khai sinh can gi")
    redis = Redis.from_url(redis_url)
    try:
        name = f"motcua:assistant:app:{first['session_id']}"
        await redis.expire(name, 5)  # as if the half hour were nearly over
        await ask(client, "mất mấy ngày", session_id=first["session_id"])
        assert 30 * 60 - 5 <= await redis.ttl(name) <= 30 * 60
        kept = await redis.get(name)
        assert isinstance(kept, bytes) and b'"procedure":"birth-registration"' in kept
    finally:
        await redis.aclose()


async def test_a_signed_in_conversation_is_the_citizens_alone(
    client: AsyncTestClient[Any], make_token: TokenFactory
) -> None:
    citizen = await make_token("0912990013")
    mine = await ask(client, "lam ho chieu can gi", headers=bearer(citizen))
    taken = await ask(client, "mất mấy ngày", session_id=mine["session_id"])
    assert taken["session_id"] != mine["session_id"] and taken["procedure"] is None
    other = await ask(
        client, "mất mấy ngày", session_id=mine["session_id"], headers=bearer(await make_token("0912990014"))
    )
    assert other["session_id"] != mine["session_id"]
    again = await ask(client, "mất mấy ngày", session_id=mine["session_id"], headers=bearer(citizen))
    assert again["session_id"] == mine["session_id"] and again["procedure"]["slug"] == "passport-issuance"
    # an anonymous conversation is adopted by the citizen who signs in during it
    before = await ask(client, "lam giay khai sinh can gi")
    adopted = await ask(client, "mất mấy ngày", session_id=before["session_id"], headers=bearer(citizen))
    assert adopted["session_id"] == before["session_id"] and adopted["procedure"]["slug"] == "birth-registration"


async def test_signed_in_callers_are_limited_too(
    client: AsyncTestClient[Any], make_token: TokenFactory, settings: Any
) -> None:
    """A signed-in caller had no limit at all."""
    citizen = await make_token("0912990015")
    for _ in range(settings.assistant_rate_per_minute_user):
        await ask(client, "xin chào", headers=bearer(citizen))
    refused = await client.post(URL, json={"text": "xin chào"}, headers=bearer(citizen))
    assert refused.status_code == 429 and int(refused.headers["retry-after"]) > 0


async def test_empty_text_is_422(client: AsyncTestClient[Any]) -> None:
    assert (await client.post(URL, json={"text": "   "})).status_code == 422


async def test_anonymous_turns_are_limited_per_conversation_and_per_address(
    client: AsyncTestClient[Any], settings: Any
) -> None:
    per_session, per_address = settings.assistant_rate_per_minute_session, settings.assistant_rate_per_minute_ip
    first = await ask(client, "xin chào")  # opens the conversation: counted for the address only
    for _ in range(per_session):
        await ask(client, "lệ phí bao nhiêu", session_id=first["session_id"])
    refused = await client.post(URL, json={"text": "cảm ơn", "session_id": first["session_id"]})
    assert refused.status_code == 429
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert 0 < int(refused.headers["retry-after"]) <= 60
    # a new conversation from the same address goes on until the address has had its share (the
    # refused turn counted too)
    for _ in range(per_address - per_session - 2):
        await ask(client, "xin chào")
    assert (await client.post(URL, json={"text": "xin chào"})).status_code == 429


async def test_a_signed_in_citizen_is_not_counted(
    client: AsyncTestClient[Any], settings: Any, make_token: TokenFactory
) -> None:
    headers = bearer(await make_token("0912900077"))
    first = await ask(client, "xin chào", headers=headers)
    for _ in range(settings.assistant_rate_per_minute_session + 5):
        await ask(client, "lệ phí bao nhiêu", session_id=first["session_id"], headers=headers)


async def test_where_to_file_says_online_channels_and_the_residence_rule(client: AsyncTestClient[Any]) -> None:
    answer = await ask(client, "làm khai sinh cho con online được không")
    assert (answer["intent"], answer["procedure"]["slug"]) == ("procedure_location", "birth-registration")
    assert "ứng dụng VNeID" in answer["reply"] and "Cổng Dịch vụ công quốc gia" in answer["reply"]
    assert "nơi cư trú của cha hoặc mẹ" in answer["reply"]
    passport = await ask(client, "làm hộ chiếu có phải về quê không")
    assert passport["intent"] == "procedure_location"
    assert "Công an Thành phố Hồ Chí Minh" in passport["reply"]  # the province's office, named
    assert "không phụ thuộc nơi thường trú" in passport["reply"]


async def test_where_to_file_names_the_citizens_own_commune_office(
    client: AsyncTestClient[Any], make_token: TokenFactory
) -> None:
    citizen = await make_token("0912990003")
    anonymous = await ask(client, "khai sinh nộp ở đâu")
    assert "UBND phường Bến Thành" not in anonymous["reply"]
    await submitted_dossier(client, citizen)  # applicant at 12 Lê Lợi, phường Bến Thành
    mine = await ask(client, "khai sinh nộp ở đâu", headers=bearer(citizen))
    assert "UBND phường Bến Thành (theo địa chỉ trong hồ sơ gần nhất của bạn)" in mine["reply"]


async def test_paying_is_not_the_fee_question(client: AsyncTestClient[Any]) -> None:
    fee = await ask(client, "lệ phí làm hộ chiếu bao nhiêu")
    pay = await ask(client, "thanh toán lệ phí hộ chiếu bằng cách nào", session_id=fee["session_id"])
    assert fee["intent"] == "procedure_fee" and pay["intent"] == "payment_help"
    assert pay["procedure"]["slug"] == "passport-issuance"
    assert "VietQR" in pay["reply"] and "200.000 ₫" in pay["reply"]


async def test_a_procedure_named_in_an_everyday_way(client: AsyncTestClient[Any]) -> None:
    for text, slug in (
        ("xin giấy độc thân mất mấy ngày", "marital-status-certificate"),
        ("lltp bao nhieu tien", "judicial-record-certificate"),
        ("how long does a criminal record check take", "judicial-record-certificate"),
    ):
        answer = await ask(client, text)
        assert answer["procedure"]["slug"] == slug, (text, answer)


async def test_a_paper_another_procedure_issues_said_needed_keeps_the_talk(client: AsyncTestClient[Any]) -> None:
    """The service builds its understanding with the catalog's papers: in a talk about a marriage, "có cần
    giấy xác nhận độc thân không" answers the marriage's papers, not how to get that certificate."""
    first = await ask(client, "đi đăng ký kết hôn cần giấy tờ gì")
    assert first["procedure"]["slug"] == "marriage-registration"
    second = await ask(client, "có cần giấy xác nhận độc thân không", session_id=first["session_id"])
    assert (second["intent"], second["procedure"]["slug"]) == ("procedure_documents", "marriage-registration")
    assert "Giấy xác nhận tình trạng hôn nhân" in second["reply"]
