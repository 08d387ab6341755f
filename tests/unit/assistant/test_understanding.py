"""The understanding of one message (rules, learned models, what is too close to call) and of a
conversation, on behaviours people rely on. Accuracy on whole sets: test_nlu_eval.py."""

from __future__ import annotations

import pytest

from api.catalog.service import load_catalog_data, names_and_papers
from assistant.conversation import Turn, follow
from assistant.dialogue import DialogueState
from assistant.evaluation import understander_for
from assistant.nlu import Intent, Understander, Understanding, normalize
from assistant.nlu.understand import FALLBACK_CONFIDENCE

CATALOG = load_catalog_data()
UNDERSTANDER, NAMES = understander_for(*names_and_papers(CATALOG))


def said(text: str) -> Understanding:
    return UNDERSTANDER(normalize(text))


def turn(text: str, state: DialogueState | None = None) -> Turn:
    message = normalize(text)
    return follow(UNDERSTANDER(message), message, state if state is not None else DialogueState(), NAMES)


def test_intent_names_are_the_public_contract() -> None:
    assert {i.value for i in Intent} == {
        "procedure_info",
        "procedure_documents",
        "procedure_fee",
        "procedure_duration",
        "procedure_location",
        "dossier_status",
        "payment_help",
        "greeting",
        "thanks",
        "goodbye",
        "human_handoff",
        "fallback",
    }


@pytest.mark.parametrize(
    "text",
    ["thời tiết hôm nay", "kể chuyện cười đi", "thoi tiet hom nay the nao", "tell me a joke", "asdfgh", "", "ok"],
)
def test_out_of_scope_is_fallback_with_low_confidence(text: str) -> None:
    got = said(text)
    assert (got.intent, got.procedure, got.out_of_scope) == (Intent.FALLBACK, None, True)
    assert got.confidence <= FALLBACK_CONFIDENCE


@pytest.mark.parametrize(
    "text",
    [
        "khai sinh nhật cho bé",
        "đi Vũng Tàu mất bao lâu",
        "học lái xe ô tô mất bao lâu",
        "giá vàng hôm nay",
        "đóng phạt nguội chỗ nào",
        "đăng kiểm xe ô tô hết bao nhiêu tiền",
    ],
)
def test_a_topic_beside_a_procedure_or_asked_like_one_is_out_of_scope(text: str) -> None:
    assert turn(text).intent is Intent.FALLBACK


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("khai sinh", "birth-registration"),
        ("làm hộ chiếu", "passport-issuance"),
        ("lam ho chieu", "passport-issuance"),
        ("dki ket hon", "marriage-registration"),
        ("passport", "passport-issuance"),
        ("làm sổ đỏ lần đầu", "land-use-certificate"),
        ("lltp", "judicial-record-certificate"),
        ("giấy độc thân", "marital-status-certificate"),
        ("criminal record", "judicial-record-certificate"),
    ],
)
def test_a_procedure_named_alone_is_asked_about(text: str, slug: str) -> None:
    assert (turn(text).intent, turn(text).procedure) == (Intent.PROCEDURE_INFO, slug)


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("mất bao nhiêu ngày", Intent.PROCEDURE_DURATION),
        ("mất bao nhiêu tiền", Intent.PROCEDURE_FEE),
        ("hồ sơ của tôi đến đâu rồi", Intent.DOSSIER_STATUS),
        ("where is my application", Intent.DOSSIER_STATUS),
        ("where do i apply", Intent.PROCEDURE_LOCATION),
        ("chào em, làm hộ chiếu cần giấy tờ gì", Intent.PROCEDURE_DOCUMENTS),
        ("cảm ơn, cho hỏi thêm lệ phí bao nhiêu", Intent.PROCEDURE_FEE),
        ("chào em", Intent.GREETING),
        ("chuyen khoang bi loi", Intent.PAYMENT_HELP),
        ("thanh toan khong duoc", Intent.PAYMENT_HELP),
        ("cam on ban nhieu", Intent.THANKS),  # "ban nhieu" is not "bao nhieu"
        ("làm khai sinh online được không", Intent.PROCEDURE_LOCATION),
        ("lam ho chieu tren vneid dc ko", Intent.PROCEDURE_LOCATION),
        # whether one must do it at all: what it is and who must, unless its papers, place or time are asked
        ("em bán mỹ phẩm online trên zalo có phải đăng ký hộ kinh doanh không", Intent.PROCEDURE_INFO),
        ("tổ chức họp báo ở khách sạn có cần xin phép trước không", Intent.PROCEDURE_INFO),
        ("How many days before the event do we need to notify about the banners?", Intent.PROCEDURE_DURATION),
        # what to bring asked as what one needs, and what to do asked the same way
        ("What do we need to register our daughter's birth?", Intent.PROCEDURE_DOCUMENTS),
        ("What do I need to do to get a construction permit?", Intent.PROCEDURE_INFO),
        # whether both must come, unless a place or a channel is asked too
        ("đăng ký kết hôn thì hai vợ chồng có phải cùng lên không", Intent.PROCEDURE_INFO),
        ("đăng ký kết hôn làm online được không hay hai đứa phải có mặt", Intent.PROCEDURE_LOCATION),
        # entitled to a free card, or what the procedure costs
        ("ông tôi 85 tuổi có được cấp thẻ bảo hiểm y tế miễn phí không", Intent.PROCEDURE_INFO),
        ("đăng ký kết hôn có được miễn phí không", Intent.PROCEDURE_FEE),
        # how to pay, right after telling a dossier filed
        ("em vừa nộp hồ sơ làm lý lịch tư pháp trên app, giờ đóng phí thế nào", Intent.PAYMENT_HELP),
        # how long a result stays valid is what it is, not how long it takes
        ("giấy phép bán lẻ rượu có thời hạn không, hết hạn thì sao", Intent.PROCEDURE_INFO),
        ("How long is the marital status certificate valid for?", Intent.PROCEDURE_INFO),
        ("thời hạn giải quyết hồ sơ cấp sổ đỏ là bao lâu", Intent.PROCEDURE_DURATION),
        ("đổi bằng lái hết hạn mất mấy ngày", Intent.PROCEDURE_DURATION),
    ],
)
def test_a_message_is_understood_as_its_intent(text: str, intent: Intent) -> None:
    assert said(text).intent is intent


@pytest.mark.parametrize(
    "text", ["000.00.01.H29-260216-0001", "hồ sơ 000.00.12.H29-261105-0042 sao rồi", "tra ma 261105-0042"]
)
def test_a_dossier_code_means_status(text: str) -> None:
    assert said(text).intent is Intent.DOSSIER_STATUS


@pytest.mark.parametrize("text", ["ad ơi", "chị ơi", "admin oi", "anh ơi ạ"])
def test_a_call_alone_is_a_greeting(text: str) -> None:
    """Someone who only calls ("ad ơi") has not asked yet: greet, do not say "not understood"."""
    assert said(text).intent is Intent.GREETING


def test_a_call_before_a_question_is_the_question() -> None:
    assert said("ad ơi làm hộ chiếu ở đâu").intent is Intent.PROCEDURE_LOCATION


@pytest.mark.parametrize("text", ["cho tôi gặp cán bộ", "I want to talk to a human", "không muốn nói chuyện với bot"])
def test_asking_for_a_person_is_a_hand_off(text: str) -> None:
    assert said(text).intent is Intent.HUMAN_HANDOFF


def test_a_two_questions_message_is_less_sure() -> None:
    clear = said("lệ phí làm hộ chiếu bao nhiêu tiền")
    torn = said("lệ phí bao nhiêu, mất mấy ngày")
    assert clear.intent is Intent.PROCEDURE_FEE
    assert torn.confidence < clear.confidence


def test_quick_replies_are_understood_exactly() -> None:
    for text, intent in [("Nộp ở đâu", Intent.PROCEDURE_LOCATION), ("Fee", Intent.PROCEDURE_FEE)]:
        assert (said(text).intent, said(text).confidence) == (intent, 0.95)


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("lam lai bang lai xe bi mat", "driving-licence-reissue"),
        ("doi bang lai xe het han", "driving-licence-renewal"),
        ("nhap ho khua cho con", "permanent-residence-registration"),
        ("dang ky tma tru cho sinh vien", "temporary-residence-registration"),
        ("sang tên sổ hồng cho con gái", "land-transfer-registration"),  # not "sổ hồng" alone
        ("xin trích lục kết hôn", "civil-status-extract-copy"),
        ("how much does a passport cost", "passport-issuance"),
        ("registering a newborn baby", "birth-registration"),
        ("trích lục khai sinh cần giấy tờ gì", "civil-status-extract-copy"),
        ("xin phep hop bo mat bao lau", "press-conference-permit"),
        ("food safety certificate for my new restaurant", "food-safety-certificate"),
    ],
)
def test_a_message_is_understood_to_name_its_procedure(text: str, slug: str) -> None:
    assert said(text).procedure == slug


def test_a_name_two_procedures_share_is_asked_about() -> None:
    got = turn("bằng lái")
    assert got.procedure is None
    assert set(got.candidates) == {"driving-licence-renewal", "driving-licence-reissue"}
    assert set(turn("bảo hiểm").candidates) == {"health-insurance-card", "unemployment-benefit"}
    assert set(turn("sổ đỏ").candidates) == {"land-use-certificate", "land-transfer-registration"}
    # "làm sổ đỏ" is a first certificate or a transfer: every writer since the fourth labels it so
    assert set(turn("làm sổ đỏ").candidates) == {"land-use-certificate", "land-transfer-registration"}
    assert set(turn("a red book").candidates) == {"land-use-certificate", "land-transfer-registration"}
    assert set(turn("Where do I apply for a red book?").candidates) == {
        "land-use-certificate",
        "land-transfer-registration",
    }


@pytest.mark.xfail(
    strict=True,
    reason="lost again by the model of the round on the thirty-first and thirty-second writers' sets, measured: "
    "it names the first certificate (0.66 against 0.33, its rival just under half); passing again means it is won back",
)
def test_how_do_i_get_a_red_book_is_asked_about() -> None:
    """Lost by the model of d9c2f77 (it named the first certificate), won back by the model of the round on
    the twenty-ninth and thirtieth writers' sets, lost again by the next: this phrasing sits on the line
    where a retraining's draw moves it."""
    assert set(turn("How do I get a red book?").candidates) == {"land-use-certificate", "land-transfer-registration"}


def test_paying_for_a_procedure_is_payment_help_about_it() -> None:
    got = turn("transfer the fee for my land transfer")
    assert (got.intent, got.procedure) == (Intent.PAYMENT_HELP, "land-transfer-registration")


def test_a_bare_question_is_left_to_the_conversation() -> None:
    got = said("mất bao lâu")
    assert (got.intent, got.procedure, got.out_of_scope, got.candidates) == (
        Intent.PROCEDURE_DURATION,
        None,
        False,
        (),
    )


def test_confidences_are_between_0_and_1() -> None:
    for text in ["làm giấy khai sinh cho con cần giấy tờ gì", "bằng lái", "ok", "hi", "đổi gplx online dc ko"]:
        got = said(text)
        assert 0.0 <= got.confidence <= 1.0 and 0.0 <= got.procedure_confidence <= 1.0


def test_procedures_the_catalog_does_not_serve_are_never_named() -> None:
    only = Understander(["passport-issuance"])
    assert only(normalize("làm giấy khai sinh cho con")).procedure is None
    assert only(normalize("làm hộ chiếu")).procedure == "passport-issuance"


# -- the conversation ----------------------------------------------------------------------------


def test_the_procedure_carries_over_and_switches_when_another_is_named() -> None:
    state = DialogueState()
    assert turn("làm khai sinh cho con", state).procedure == "birth-registration"
    assert (turn("cần giấy tờ gì", state).intent, state.procedure) == (Intent.PROCEDURE_DOCUMENTS, "birth-registration")
    assert turn("làm hộ chiếu mất bao lâu", state).procedure == "passport-issuance"
    assert (turn("lệ phí bao nhiêu", state).intent, turn("lệ phí bao nhiêu", state).procedure) == (
        Intent.PROCEDURE_FEE,
        "passport-issuance",
    )


def test_what_about_another_procedure_asks_the_same_question() -> None:
    state = DialogueState()
    turn("đăng ký tạm trú cần giấy tờ gì", state)
    got = turn("còn khai báo tạm vắng thì sao", state)
    assert (got.intent, got.procedure) == (Intent.PROCEDURE_DOCUMENTS, "temporary-absence-declaration")


@pytest.mark.parametrize(
    ("first", "then", "procedure"),
    [
        (
            "đăng ký hộ kinh doanh mất bao lâu",
            "còn treo băng rôn khai trương thì có phải xin phép ko",
            "advertising-notice",
        ),
        ("làm hộ chiếu mất bao lâu", "còn cccd bị mất thì làm lại ntn", "citizen-identity-card"),
        (
            "Where do I apply for a passport?",
            "And does the bakery need a food safety certificate?",
            "food-safety-certificate",
        ),
    ],
)
def test_what_about_another_procedure_with_a_question_of_its_own_asks_that(
    first: str, then: str, procedure: str
) -> None:
    state = DialogueState()
    turn(first, state)
    got = turn(then, state)
    assert (got.intent, got.procedure) == (Intent.PROCEDURE_INFO, procedure)


def test_another_procedure_named_weakly_does_not_switch_the_talk() -> None:
    state = DialogueState(procedure="temporary-residence-registration", last_intent="procedure_documents")
    weak = Understanding(
        intent=Intent.PROCEDURE_INFO, confidence=0.7, procedure="death-registration", procedure_confidence=0.5
    )
    message = normalize("chủ trọ làm giúp được không")
    assert follow(weak, message, state).procedure == "temporary-residence-registration"
    vague = Understanding(
        intent=Intent.PROCEDURE_LOCATION,
        confidence=0.5,
        procedure_confidence=0.4,
        candidates=("land-use-certificate", "land-transfer-registration"),
    )
    got = follow(vague, normalize("can the landlord file it online"), state)
    assert (got.procedure, got.candidates) == ("temporary-residence-registration", ())
    clear = Understanding(
        intent=Intent.PROCEDURE_INFO, confidence=0.9, procedure="death-registration", procedure_confidence=0.9
    )
    assert follow(clear, normalize("làm khai tử thế nào"), state).procedure == "death-registration"


def test_a_detail_of_the_talk_believed_three_quarters_another_procedure_keeps_the_talk() -> None:
    """ "Có phải đóng tiền sử dụng đất không?" in a talk about a first land certificate: the land transfer
    believed 0.75 is a detail of the talk, not a switch; believed 0.85 or more, it is one."""

    def about(belief: float) -> str | None:
        state = DialogueState(procedure="land-use-certificate", talked=["land-use-certificate"])
        fee = Understanding(
            intent=Intent.PROCEDURE_FEE,
            confidence=0.8,
            procedure="land-transfer-registration",
            procedure_confidence=belief,
        )
        return follow(fee, normalize("Có phải đóng tiền sử dụng đất không?"), state).procedure

    assert about(0.75) == "land-use-certificate"
    assert about(0.85) == "land-transfer-registration"


def test_a_follow_up_naming_another_procedure_weakly_keeps_the_talk() -> None:
    state = DialogueState(procedure="judicial-record-certificate", last_intent="procedure_duration")
    vague = Understanding(
        intent=Intent.PROCEDURE_LOCATION,
        confidence=0.8,
        procedure_confidence=0.3,
        candidates=("certified-copy", "civil-status-extract-copy"),
        follow_up=True,
    )
    got = follow(vague, normalize("còn cái đó gửi về nhà được không"), state)
    assert (got.intent, got.procedure, got.candidates) == (
        Intent.PROCEDURE_LOCATION,
        "judicial-record-certificate",
        (),
    )


def test_a_status_question_naming_a_procedure_is_what_the_talk_is_about_next() -> None:
    state = DialogueState()
    status = Understanding(
        intent=Intent.DOSSIER_STATUS, confidence=0.9, procedure="vehicle-registration", procedure_confidence=0.9
    )
    assert follow(status, normalize("hồ sơ đăng ký xe của tôi xong chưa"), state).procedure is None
    fee = Understanding(intent=Intent.PROCEDURE_FEE, confidence=0.9)
    got = follow(fee, normalize("lệ phí bao nhiêu"), state)
    assert (got.intent, got.procedure) == (Intent.PROCEDURE_FEE, "vehicle-registration")


def test_a_follow_up_naming_no_procedure_asks_its_own_question() -> None:
    state = DialogueState(procedure="passport-issuance", last_intent="procedure_documents")
    understood = Understanding(intent=Intent.PROCEDURE_INFO, confidence=0.8, follow_up=True)
    got = follow(understood, normalize("còn thủ tục thì sao"), state)
    assert (got.intent, got.procedure) == (Intent.PROCEDURE_INFO, "passport-issuance")


def test_the_answer_to_which_procedure_gets_the_pending_question() -> None:
    state = DialogueState()
    asked = turn("làm bằng lái ở đâu", state)
    assert asked.candidates and asked.intent is Intent.PROCEDURE_LOCATION
    got = turn("Đổi giấy phép lái xe", state)  # the quick reply: the catalog's name
    assert (got.intent, got.procedure) == (Intent.PROCEDURE_LOCATION, "driving-licence-renewal")


def test_a_question_instead_of_the_answer_to_which_procedure_is_about_the_likeliest() -> None:
    """Asked which procedure ("nhận con" or a birth?), the citizen asks on without choosing: "cần giấy tờ
    gì" is about the likeliest candidate, the others offered beside the answer; naming one picks it."""
    opener = Understanding(
        intent=Intent.PROCEDURE_INFO,
        confidence=0.8,
        candidates=("parent-child-recognition", "birth-registration"),
        procedure_confidence=0.6,
    )
    papers = Understanding(intent=Intent.PROCEDURE_DOCUMENTS, confidence=0.9)
    state = DialogueState()
    assert follow(opener, normalize("giờ muốn làm giấy nhận con"), state).candidates
    got = follow(papers, normalize("cần giấy tờ gì"), state)
    assert (got.intent, got.procedure, got.candidates) == (Intent.PROCEDURE_DOCUMENTS, "parent-child-recognition", ())
    assert got.others == ("birth-registration",)
    fee = Understanding(intent=Intent.PROCEDURE_FEE, confidence=0.9)
    assert follow(fee, normalize("lệ phí bao nhiêu"), state).others == ()
    state = DialogueState()
    follow(opener, normalize("giờ muốn làm giấy nhận con"), state)
    named = Understanding(
        intent=Intent.PROCEDURE_DOCUMENTS, confidence=0.9, procedure="birth-registration", procedure_confidence=0.9
    )
    got = follow(named, normalize("khai sinh cần giấy gì"), state)
    assert (got.procedure, got.others) == ("birth-registration", ())


def test_a_thing_said_needed_in_a_talk_asks_about_its_papers() -> None:
    """ "Cần hđ thuê trọ không" in a talk about temporary residence asks whether its dossier needs the
    lease; "có cần đi cùng không" asks a thing to do, and with no talk there are no papers to ask about."""
    info = Understanding(intent=Intent.PROCEDURE_INFO, confidence=0.7)

    def asked(text: str, talk: str | None = "temporary-residence-registration") -> Intent:
        state = DialogueState(procedure=talk, talked=[talk] if talk else [])
        return follow(info, normalize(text), state).intent

    for text in ("cần hđ thuê trọ ko", "Có cần xét nghiệm ADN không?", "Does his degree need to be legalised?"):
        assert asked(text) is Intent.PROCEDURE_DOCUMENTS, text
    for text in ("có cần đi cùng không", "Does it need to be filed in person?", "thủ tục thế nào"):
        assert asked(text) is Intent.PROCEDURE_INFO, text
    assert asked("cần hđ thuê trọ ko", talk=None) is not Intent.PROCEDURE_DOCUMENTS


def test_a_place_or_firm_to_recommend_is_out_of_scope_whatever_it_names() -> None:
    """ "Bạn biết chỗ nào in băng rôn rẻ không" in a talk about advertising asks for a shop, not where to
    file; "bạn biết nộp ở đâu không" still asks where to file."""
    where = Understanding(
        intent=Intent.PROCEDURE_LOCATION, confidence=0.8, procedure="advertising-notice", procedure_confidence=0.6
    )

    def asked(text: str) -> Intent:
        state = DialogueState(procedure="advertising-notice", talked=["advertising-notice"])
        return follow(where, normalize(text), state).intent

    for text in ("bạn biết chỗ nào in băng rôn rẻ không", "Also, can you recommend a reliable contractor?"):
        assert asked(text) is Intent.FALLBACK, text
    assert asked("bạn biết nộp ở đâu không") is Intent.PROCEDURE_LOCATION


def test_a_bare_ok_after_an_answer_takes_it_as_a_thanks_does() -> None:
    for text in ("ok", "oki", "ok ad", "Vâng ạ", "okay, noted"):
        state = DialogueState()
        turn("lệ phí làm hộ chiếu bao nhiêu", state)
        assert turn(text, state).intent is Intent.THANKS, text
    state = DialogueState()
    turn("lệ phí làm hộ chiếu bao nhiêu", state)
    assert turn("ok bao lâu thì xong", state).intent is Intent.PROCEDURE_DURATION
    assert turn("ok").intent is Intent.FALLBACK  # nothing answered yet


def test_where_to_start_asks_the_way_not_the_place() -> None:
    for text in (
        "My husband is Vietnamese and we want to get married here. Where do we start?",
        "We'd like to register a small trading company. Where should I even begin?",
    ):
        assert UNDERSTANDER(normalize(text)).intent is Intent.PROCEDURE_INFO, text
    assert UNDERSTANDER(normalize("Where do I file the marriage registration?")).intent is Intent.PROCEDURE_LOCATION


def test_whether_one_may_do_a_thing_asks_whether_unless_it_names_a_place_or_way() -> None:
    assert said("Can I swap my Korean driving licence for a Vietnamese one?").intent is Intent.PROCEDURE_INFO
    for text in ("Can I file it online?", "Can I apply at the ward office where I rent?"):
        assert said(text).intent is Intent.PROCEDURE_LOCATION, text


def test_a_result_asked_by_post_is_where_it_is_had() -> None:
    """The brief's and the answer's "where": whether the result can come by post. Asking when it comes,
    or what the post costs, stays that question."""
    for text in (
        "Could my new passport be posted to my address in Da Nang?",
        "Can the birth extract be mailed to my parents?",
        "hộ chiếu có nhận qua bưu điện được không",
    ):
        assert UNDERSTANDER(normalize(text)).intent is Intent.PROCEDURE_LOCATION, text
    assert UNDERSTANDER(normalize("When will the passport be posted to me?")).intent is not Intent.PROCEDURE_LOCATION


def test_a_shared_name_in_a_talk_about_one_of_them_is_that_one() -> None:
    state = DialogueState()
    turn("đổi bằng lái xe hết hạn", state)
    got = turn("bằng lái thì nộp ở đâu", state)
    assert (got.intent, got.procedure, got.candidates) == (
        Intent.PROCEDURE_LOCATION,
        "driving-licence-renewal",
        (),
    )


def test_a_question_about_no_procedure_in_a_new_talk_asks_which() -> None:
    got = turn("lệ phí bao nhiêu")
    assert (got.intent, got.procedure, got.candidates) == (Intent.PROCEDURE_FEE, None, ())
    assert got.asks_which_procedure
    state = DialogueState()
    turn("lệ phí bao nhiêu", state)
    answered = turn("hộ chiếu", state)
    assert (answered.intent, answered.procedure) == (Intent.PROCEDURE_FEE, "passport-issuance")


def test_status_and_courtesy_keep_the_procedure_of_the_talk() -> None:
    state = DialogueState()
    turn("làm sổ đỏ lần đầu mất bao lâu", state)
    assert turn("hồ sơ của tôi đến đâu rồi", state).intent is Intent.DOSSIER_STATUS
    assert turn("cảm ơn", state).intent is Intent.THANKS
    assert turn("lệ phí bao nhiêu", state).procedure == "land-use-certificate"


def test_a_shared_name_said_in_a_talk_about_another_procedure_asks_which_of_its_own() -> None:
    state = DialogueState()
    turn("phí làm căn cước bao nhiêu", state)
    for text in ("còn bằng lái xe thì sao", "con gplx thi sao"):
        asked = DialogueState(procedure=state.procedure, last_intent=state.last_intent)
        got = turn(text, asked)
        assert (got.procedure, set(got.candidates)) == (None, {"driving-licence-renewal", "driving-licence-reissue"})


def test_chao_after_a_question_takes_leave_and_before_one_greets() -> None:
    state = DialogueState()
    assert turn("chào bạn", state).intent is Intent.GREETING
    assert turn("chào ad", state).intent is Intent.GREETING  # greeted twice, nothing asked yet
    turn("làm hộ chiếu mất mấy ngày", state)
    for text in ("chào bạn nhé", "chao nha", "Chào bạn, hẹn lần sau"):
        assert turn(text, DialogueState(asked=True)).intent is Intent.GOODBYE
    assert turn("chào nhé", state).intent is Intent.GOODBYE
    assert state.turns == 4


@pytest.mark.parametrize(
    ("text", "intent", "slug"),
    [
        ("bấm biển xe ô tô mấy hôm thì có giấy", Intent.PROCEDURE_DURATION, "vehicle-registration"),
        ("phí thẩm định an toàn thực phẩm cho lò bánh", Intent.PROCEDURE_FEE, "food-safety-certificate"),
    ],
)
def test_a_procedure_named_clearly_overrules_an_unsure_out_of_scope(text: str, intent: Intent, slug: str) -> None:
    got = said(text)
    assert (got.intent, got.procedure, got.out_of_scope) == (intent, slug, False)


def test_a_shared_name_is_the_one_the_talk_was_about_a_few_questions_ago() -> None:
    state = DialogueState()
    assert turn("bà tôi 85 tuổi, xin trợ cấp xã hội hằng tháng thế nào", state).procedure == "social-allowance"
    assert turn("công nhận hộ nghèo cần giấy tờ gì", state).procedure == "poor-household-certification"
    got = turn("trợ cấp thì nộp ở đâu", state)
    assert (got.intent, got.procedure, got.candidates) == (Intent.PROCEDURE_LOCATION, "social-allowance", ())
    fresh = turn("trợ cấp thì nộp ở đâu")
    assert set(fresh.candidates) == {"social-allowance", "unemployment-benefit"}


def test_a_procedure_the_talk_was_about_before_is_picked_up_again_by_a_word_of_it() -> None:
    state = DialogueState()
    assert turn("làm giấy khai sinh cho con cần gì", state).procedure == "birth-registration"
    assert turn("nhập hộ khẩu cho bé cần giấy tờ gì", state).procedure == "permanent-residence-registration"
    got = turn("quay lại khai sinh, mấy ngày thì có", state)
    assert (got.intent, got.procedure) == (Intent.PROCEDURE_DURATION, "birth-registration")
    # a new talk: nothing to go back to, a procedure believed too little to be named is not taken
    weak = Understanding(intent=Intent.PROCEDURE_DURATION, confidence=0.9, beliefs=(("birth-registration", 0.3),))
    assert follow(weak, normalize("quay lại khai sinh, mấy ngày thì có"), DialogueState()).procedure is None


def test_a_word_the_licence_and_the_diploma_share_is_the_licence_in_a_talk_about_it() -> None:
    state = DialogueState()
    asked = turn("mình muốn hỏi về bằng lái", state)
    assert set(asked.candidates) == {"driving-licence-renewal", "driving-licence-reissue"}
    got = turn("bằng em mất rồi", state)
    assert got.procedure == "driving-licence-reissue"


def test_a_procedures_name_alone_after_a_question_asks_that_question_about_it() -> None:
    state = DialogueState()
    turn("bằng lái xe hết hạn đổi mất bao lâu", state)
    got = turn("Cấp lại giấy phép lái xe", state)
    assert (got.intent, got.procedure) == (Intent.PROCEDURE_DURATION, "driving-licence-reissue")
    fresh = turn("Cấp lại giấy phép lái xe")  # a new talk: the name alone asks about the procedure
    assert (fresh.intent, fresh.procedure) == (Intent.PROCEDURE_INFO, "driving-licence-reissue")


def test_the_extract_in_a_talk_about_a_registration_is_that_registrations_result() -> None:
    state = DialogueState()
    assert turn("ông tôi vừa mất, làm khai tử cần gì", state).procedure == "death-registration"
    got = turn("bao lâu thì có trích lục", state)
    assert (got.intent, got.procedure) == (Intent.PROCEDURE_DURATION, "death-registration")
    copies = turn("xin thêm bản sao trích lục thì mỗi bản bao nhiêu", state)
    assert copies.procedure == "civil-status-extract-copy"  # copies of it are the other procedure


def test_a_question_naming_nothing_right_after_a_status_question_is_about_the_dossier() -> None:
    state = DialogueState()
    assert turn("hồ sơ của tôi tới đâu rồi", state).intent is Intent.DOSSIER_STATUS
    assert turn("sao lâu vậy", state).intent is Intent.DOSSIER_STATUS
    why = Understanding(intent=Intent.PROCEDURE_INFO, confidence=0.6)
    assert follow(why, normalize("sao vẫn chưa xong"), state).intent is Intent.DOSSIER_STATUS
    named = Understanding(
        intent=Intent.PROCEDURE_DURATION, confidence=0.9, procedure="passport-issuance", procedure_confidence=0.9
    )
    got = follow(named, normalize("làm hộ chiếu mất bao lâu"), state)
    assert (got.intent, got.procedure) == (Intent.PROCEDURE_DURATION, "passport-issuance")
    assert turn("sao lâu vậy", DialogueState(procedure="passport-issuance")).intent is Intent.PROCEDURE_DURATION


def test_a_procedure_named_weakly_or_by_a_shared_name_that_the_talk_was_about_is_gone_back_to() -> None:
    state = DialogueState(
        procedure="passport-issuance",
        talked=["citizen-identity-card", "passport-issuance"],
        last_intent="procedure_duration",
    )
    earlier = Understanding(
        intent=Intent.PROCEDURE_FEE, confidence=0.6, procedure="citizen-identity-card", procedure_confidence=0.55
    )
    got = follow(earlier, normalize("quay lại căn cước, làm lần đầu cho con có mất tiền không"), state)
    assert (got.intent, got.procedure) == (Intent.PROCEDURE_FEE, "citizen-identity-card")
    stranger = Understanding(
        intent=Intent.PROCEDURE_FEE, confidence=0.6, procedure="death-registration", procedure_confidence=0.55
    )
    assert follow(stranger, normalize("có mất tiền không"), state).procedure == "citizen-identity-card"
    shared = Understanding(  # "sổ đỏ" is a first certificate or a transfer: the one the talk was about
        intent=Intent.PROCEDURE_FEE,
        confidence=0.9,
        procedure_confidence=0.58,
        candidates=("land-use-certificate", "land-transfer-registration"),
    )
    state.talked = ["land-use-certificate", *state.talked]
    got = follow(shared, normalize("quay lại sổ đỏ, tổng chi phí khoảng bao nhiêu"), state)
    assert (got.intent, got.procedure, got.candidates) == (Intent.PROCEDURE_FEE, "land-use-certificate", ())
    unheard = DialogueState(procedure="passport-issuance", talked=["passport-issuance"])
    assert follow(shared, normalize("sổ đỏ thì bao nhiêu"), unheard).procedure == "passport-issuance"


def test_where_one_lives_in_a_question_about_where_to_file_keeps_the_talk() -> None:
    def state() -> DialogueState:
        return DialogueState(
            procedure="birth-registration", talked=["birth-registration"], last_intent="procedure_info"
        )

    def asked(intent: Intent, procedure: str, belief: float, text: str) -> str | None:
        understood = Understanding(intent=intent, confidence=0.9, procedure=procedure, procedure_confidence=belief)
        return follow(understood, normalize(text), state()).procedure

    lives = "nhà tôi ở trọ phường khác, không phải chỗ hộ khẩu, thì nộp ở đâu"
    assert asked(Intent.PROCEDURE_LOCATION, "permanent-residence-registration", 0.8, lives) == "birth-registration"
    outright = "giấy xác nhận cư trú xin ở đâu"
    assert asked(Intent.PROCEDURE_LOCATION, "residence-confirmation", 0.99, outright) == "residence-confirmation"
    fee = "nhập hộ khẩu mất bao nhiêu"
    assert (
        asked(Intent.PROCEDURE_FEE, "permanent-residence-registration", 0.8, fee) == "permanent-residence-registration"
    )


def test_the_registration_a_civil_status_record_came_from_is_only_a_place_in_a_talk_about_the_record() -> None:
    def asked(talk: str, intent: Intent, text: str, procedure: str = "marriage-registration") -> str | None:
        state = DialogueState(procedure=talk, talked=[talk], last_intent="procedure_info")
        understood = Understanding(
            intent=intent,
            confidence=0.9,
            procedure=procedure,
            procedure_confidence=0.99,
            follow_up=text.startswith("còn"),
        )
        return follow(understood, normalize(text), state).procedure

    went_back = "phải về nơi đã đăng ký kết hôn hả"
    assert asked("civil-status-extract-copy", Intent.PROCEDURE_LOCATION, went_back) == "civil-status-extract-copy"
    born = "tôi đăng ký khai sinh ở quê, giờ ở Hà Nội thì nộp ở đâu"
    assert asked("civil-status-change", Intent.PROCEDURE_LOCATION, born, "birth-registration") == "civil-status-change"
    switched = "còn đăng ký kết hôn thì nộp ở đâu"
    assert asked("civil-status-extract-copy", Intent.PROCEDURE_LOCATION, switched) == "marriage-registration"
    fee = "đăng ký kết hôn mất bao nhiêu tiền"
    assert asked("civil-status-extract-copy", Intent.PROCEDURE_FEE, fee) == "marriage-registration"
    elsewhere = "phải về nơi đã đăng ký kết hôn hả"
    assert asked("passport-issuance", Intent.PROCEDURE_LOCATION, elsewhere) == "marriage-registration"


def test_going_back_to_an_earlier_procedure_right_after_a_status_question_is_about_that_procedure() -> None:
    state = DialogueState(
        procedure="citizen-identity-card",
        talked=["land-transfer-registration", "citizen-identity-card"],
        last_intent="procedure_location",
        previous="dossier_status",
    )
    back = Understanding(
        intent=Intent.PROCEDURE_DURATION, confidence=0.9, beliefs=(("land-transfer-registration", 0.34),)
    )
    got = follow(back, normalize("quay lại việc sang tên, bao lâu thì xong"), state)
    assert (got.intent, got.procedure) == (Intent.PROCEDURE_DURATION, "land-transfer-registration")
    why = Understanding(intent=Intent.PROCEDURE_DURATION, confidence=0.9)
    still = DialogueState(
        procedure="citizen-identity-card", talked=["citizen-identity-card"], previous="dossier_status"
    )
    assert follow(why, normalize("sao lâu vậy"), still).intent is Intent.DOSSIER_STATUS


def test_a_situation_told_to_open_a_talk_is_about_the_procedure_it_leans_to() -> None:
    told = Understanding(
        intent=Intent.PROCEDURE_INFO,
        confidence=0.6,
        beliefs=(("birth-registration", 0.3), ("health-insurance-card", 0.1)),
    )
    got = follow(told, normalize("vợ em sinh bé được một tuần"), DialogueState())
    assert (got.intent, got.procedure) == (Intent.PROCEDURE_INFO, "birth-registration")
    torn = Understanding(
        intent=Intent.PROCEDURE_INFO,
        confidence=0.6,
        beliefs=(("birth-registration", 0.3), ("health-insurance-card", 0.2)),
    )
    assert follow(torn, normalize("nhà có em bé"), DialogueState()).intent is Intent.FALLBACK
    faint = Understanding(intent=Intent.PROCEDURE_INFO, confidence=0.6, beliefs=(("birth-registration", 0.2),))
    assert follow(faint, normalize("hôm nay trời đẹp"), DialogueState()).intent is Intent.FALLBACK


def test_a_paper_another_procedure_issues_asked_as_needed_keeps_the_talk() -> None:
    """ "Có cần giấy xác nhận độc thân không" about a marriage asks about the marriage's papers; how to get
    that paper, or a licence a business needs ("có cần giấy attp không" about a shop), is its own talk."""

    def asked(talk: str, text: str, named: str, *, a_paper: bool = True) -> str | None:
        state = DialogueState(procedure=talk, talked=[talk], last_intent="procedure_info")
        understood = Understanding(
            intent=Intent.PROCEDURE_DOCUMENTS,
            confidence=0.9,
            procedure=named,
            procedure_confidence=0.99,
            a_paper=a_paper,
            follow_up=text.startswith("còn"),
        )
        return follow(understood, normalize(text), state).procedure

    single = "marital-status-certificate"
    assert asked("marriage-registration", "có cần giấy xác nhận độc thân không", single) == "marriage-registration"
    assert asked("marriage-registration", "Does she need a certificate of single status?", single) == (
        "marriage-registration"
    )
    assert asked("marriage-registration", "xin giấy xác nhận độc thân cần mang gì", single) == single
    assert asked("marriage-registration", "còn giấy xác nhận độc thân thì sao", single) == single
    assert asked("marriage-registration", "giấy xác nhận độc thân", single) == single
    food = "food-safety-certificate"
    assert asked("household-business-registration", "có cần giấy attp không", food, a_paper=False) == food


def test_the_papers_other_dossiers_ask_for_are_read_from_the_catalog() -> None:
    """A marriage's dossier holds a certificate of marital status, a work permit's a criminal record; no
    dossier holds a food safety certificate or a publishing licence."""
    papers = UNDERSTANDER.issue_papers
    assert {"marital-status-certificate", "judicial-record-certificate", "contract-attestation"} <= papers
    assert not {"food-safety-certificate", "publishing-licence", "alcohol-retail-licence"} & papers
    assert Understander(papers={}).issue_papers == frozenset()
    marriage = UNDERSTANDER(normalize("có cần giấy xác nhận tình trạng hôn nhân không"))
    assert marriage.procedure == "marital-status-certificate" and marriage.a_paper
    assert not UNDERSTANDER(normalize("có cần giấy an toàn thực phẩm không")).a_paper


def test_a_question_in_general_right_after_a_status_question_is_about_the_procedure() -> None:
    """ "Thường thì mất bao lâu" after "hồ sơ chuyển trường của con tôi sao rồi" asks the procedure's time
    limit, not the dossier's state again; "sao lâu vậy" still asks about the dossier."""

    def after_status(text: str) -> Turn:
        state = DialogueState(procedure="school-transfer", talked=["school-transfer"], previous="dossier_status")
        return follow(Understanding(intent=Intent.PROCEDURE_DURATION, confidence=0.9), normalize(text), state)

    for text in ("thường thì mất bao lâu vậy", "binh thuong thi bao lau", "How long does it normally take?"):
        got = after_status(text)
        assert (got.intent, got.procedure) == (Intent.PROCEDURE_DURATION, "school-transfer"), text
    assert after_status("sao lâu vậy").intent is Intent.DOSSIER_STATUS


def test_a_question_read_unsurely_as_out_of_scope_in_a_talk_asks_about_the_talks_procedure() -> None:
    """ "Is it done on the spot?" in a talk about a signature's attestation asks how long it takes; an
    aside ("by the way, ...", "bạn biết chỗ nào ...") or a message sure to be out of scope stays out of it,
    and so does an unsure one with no talk to be about."""

    def said(text: str, talk: str | None = "signature-attestation", *, unsure: bool = True) -> Turn:
        state = DialogueState(procedure=talk, talked=[talk] if talk else [], last_intent="procedure_info")
        understood = Understanding(
            intent=Intent.FALLBACK,
            confidence=0.3,
            out_of_scope=True,
            else_asks=Intent.PROCEDURE_DURATION if unsure else None,
        )
        return follow(understood, normalize(text), state)

    got = said("Is it done on the spot?")
    assert (got.intent, got.procedure) == (Intent.PROCEDURE_DURATION, "signature-attestation")
    assert said("By the way, how long is the drive to Hue?").intent is Intent.FALLBACK
    assert said("bạn biết chỗ nào dịch thuật lấy nhanh không").intent is Intent.FALLBACK
    assert said("Is it done on the spot?", unsure=False).intent is Intent.FALLBACK
    assert said("Is it done on the spot?", talk=None).intent is Intent.FALLBACK


def test_an_unsure_out_of_scope_reading_keeps_the_question_it_reads_as_next() -> None:
    unsure = UNDERSTANDER(normalize("Is it done on the spot?"))
    assert unsure.intent is Intent.FALLBACK and unsure.else_asks is Intent.PROCEDURE_DURATION
    sure = UNDERSTANDER(normalize("thời tiết hôm nay thế nào"))
    assert sure.intent is Intent.FALLBACK and sure.else_asks is None


def test_a_paper_said_needed_after_a_procedure_is_named_asks_that_procedures_papers() -> None:
    """ "Đi đăng ký kết hôn thì có cần giấy xác nhận độc thân không" asks the marriage's papers; the paper
    alone, how to get it, or a paper lost ("mất giấy đăng ký kết hôn, ... xin bản sao") is its own."""

    def read(text: str) -> tuple[Intent, str | None]:
        understood = UNDERSTANDER(normalize(text))
        return understood.intent, understood.procedure

    marriage = "đi đăng ký kết hôn thì có cần giấy xác nhận độc thân không"
    assert read(marriage) == (Intent.PROCEDURE_DOCUMENTS, "marriage-registration")
    assert not UNDERSTANDER(normalize(marriage)).a_paper
    single = "xin giấy xác nhận độc thân cần những gì"
    assert read(single) == (Intent.PROCEDURE_DOCUMENTS, "marital-status-certificate")
    lost = "tôi làm mất giấy đăng ký kết hôn, cần mang gì để xin bản sao"
    assert read(lost) == (Intent.PROCEDURE_DOCUMENTS, "civil-status-extract-copy")


def test_whether_a_licence_is_needed_at_all_asks_about_the_licence() -> None:
    """ "Mở quán bún nhỏ có cần giấy attp không" asks whether the shop needs the licence (the procedure
    itself), not its papers; a paper said needed for a procedure named before it is a papers question."""

    def read(text: str) -> tuple[Intent, str | None]:
        understood = UNDERSTANDER(normalize(text))
        return understood.intent, understood.procedure

    assert read("mở quán bún nhỏ có cần giấy attp không") == (Intent.PROCEDURE_INFO, "food-safety-certificate")
    assert read("tiệm in của tôi có cần giấy phép xuất bản không") == (Intent.PROCEDURE_INFO, "publishing-licence")
    assert read("làm hưởng bhtn có cần sổ bhxh không") == (Intent.PROCEDURE_DOCUMENTS, "unemployment-benefit")
    assert read("xin giấy attp cần giấy tờ gì") == (Intent.PROCEDURE_DOCUMENTS, "food-safety-certificate")


def test_a_payment_question_leaning_to_a_procedure_is_about_it() -> None:
    """ "Lỡ thanh toán hai lần phí lý lịch tư pháp": the payment's words outweigh the procedure's, yet the
    message leans to it clearly, so the payment help is about it; a lean shared by two is no lean."""

    def paid(beliefs: tuple[tuple[str, float], ...], talk: str | None = None) -> str | None:
        state = DialogueState(procedure=talk, talked=[talk] if talk else [])
        understood = Understanding(intent=Intent.PAYMENT_HELP, confidence=0.9, beliefs=beliefs)
        return follow(understood, normalize("lỡ thanh toán hai lần phí lý lịch tư pháp"), state).procedure

    record = "judicial-record-certificate"
    assert paid(((record, 0.35),)) == record
    assert paid(((record, 0.12),)) is None
    assert paid(((record, 0.35), ("passport-issuance", 0.3))) is None
    assert paid(((record, 0.35),), talk="passport-issuance") == "passport-issuance"


def test_a_greeting_that_says_who_is_writing_is_a_greeting() -> None:
    """ "Chào anh chị, em đang chuẩn bị mở tiệm bánh mì." greets and tells who writes, asking nothing yet;
    "chào ad, làm hộ chiếu ở đâu" asks."""
    intro = UNDERSTANDER(normalize("Chào anh chị, em đang chuẩn bị mở tiệm bánh mì."))
    assert intro.intent is Intent.GREETING
    asked = UNDERSTANDER(normalize("chào ad, làm hộ chiếu ở đâu"))
    assert asked.intent is not Intent.GREETING and asked.procedure == "passport-issuance"
    for typed in ("chào ad, hộ chiếu được không", "chao ad, ho chieu duoc khong"):  # a question with or without marks
        unmarked = UNDERSTANDER(normalize(typed))
        assert unmarked.intent is not Intent.GREETING and unmarked.procedure == "passport-issuance", typed


def test_a_next_step_or_an_alternative_said_outright_goes_to_the_procedure_it_names_even_weakly() -> None:
    """ "Làm xong khai sinh thì làm hộ chiếu cho bé luôn được không", "we'll also put up banners", "or would a
    passport be better?": another procedure named, though believed under the bar at which a talk switches,
    is the next step or the alternative; without such words ("chủ trọ làm giúp được không", an "or" inside
    a question) the talk keeps its own."""
    weak = Understanding(
        intent=Intent.PROCEDURE_INFO, confidence=0.8, procedure="passport-issuance", procedure_confidence=0.6
    )

    def about(text: str) -> str | None:
        state = DialogueState(procedure="birth-registration", talked=["birth-registration"])
        return follow(weak, normalize(text), state).procedure

    for text in (
        "làm xong khai sinh thì làm hộ chiếu cho bé luôn được không",
        "After that, can the baby get a passport?",
        "We'll also need a passport for her",
        "quay lại vụ hộ chiếu, bao lâu có",
        "sau đó làm hộ chiếu cho bé thế nào",
        "Or would a passport be better for her?",
        "hay là làm hộ chiếu cho bé thì hơn",
        "what if we get her a passport instead",
    ):
        assert about(text) == "passport-issuance", text
    assert about("hộ chiếu của bố mẹ có cần mang theo không") == "birth-registration"
    assert about("do we file at the ward or the province?") == "birth-registration"


def test_the_money_said_right_after_a_payment_question_is_still_the_payment() -> None:
    """ "Bao lâu thì tiền về tài khoản" after asking for a refund asks about the money, not the procedure's
    time; asking for a person stays a hand-off, and money said with no payment before is what it reads."""
    state = DialogueState(procedure="enterprise-registration", talked=["enterprise-registration"])
    paid = Understanding(intent=Intent.PAYMENT_HELP, confidence=0.9)
    follow(paid, normalize("bị trừ tiền hai lần, làm sao được hoàn"), state)
    duration = Understanding(intent=Intent.PROCEDURE_DURATION, confidence=0.8)
    got = follow(duration, normalize("bao lâu thì tiền về tài khoản"), state)
    assert (got.intent, got.procedure) == (Intent.PAYMENT_HELP, "enterprise-registration")
    person = Understanding(intent=Intent.HUMAN_HANDOFF, confidence=0.95)
    assert follow(person, normalize("cho gặp người xử lý hoàn tiền"), state).intent is Intent.HUMAN_HANDOFF
    fresh = DialogueState(procedure="enterprise-registration", talked=["enterprise-registration"])
    got = follow(duration, normalize("bao lâu thì tiền về tài khoản"), fresh)
    assert got.intent is Intent.PROCEDURE_DURATION


def test_a_procedure_named_weakly_goes_back_to_the_one_of_the_talk_it_leans_to() -> None:
    """ "trợ cấp thì nộp ở đâu" in a talk that was about the social allowance, then a poor household: the
    understanding names the unemployment benefit, weakly, and believes the allowance too; the talk
    goes back to the allowance it knows, not on with the poor household."""
    state = DialogueState(
        procedure="poor-household-certification", talked=["social-allowance", "poor-household-certification"]
    )
    weak = Understanding(
        intent=Intent.PROCEDURE_LOCATION,
        confidence=0.99,
        procedure="unemployment-benefit",
        procedure_confidence=0.69,
        beliefs=(("unemployment-benefit", 0.69), ("social-allowance", 0.31)),
    )
    assert follow(weak, normalize("trợ cấp thì nộp ở đâu"), state).procedure == "social-allowance"


@pytest.mark.parametrize(
    ("handoff", "text", "expected"),
    [
        (0.4, "tôi với hai người bạn góp vốn thành lập công ty cổ phần", Intent.PROCEDURE_INFO),
        (0.4, "tôi muốn nói chuyện với hai người", Intent.HUMAN_HANDOFF),
        (0.6, "tôi với hai người bạn góp vốn thành lập công ty cổ phần", Intent.HUMAN_HANDOFF),
    ],
)
def test_an_unsure_hand_off_naming_a_procedure_clearly_is_a_question_about_it(
    monkeypatch: pytest.MonkeyPatch, handoff: float, text: str, expected: Intent
) -> None:
    """The model may read the people of a situation told ("với hai người bạn") as a person asked for."""
    rest = (1.0 - handoff) / (len(Intent) - 1)
    beliefs = {i.value: (handoff if i is Intent.HUMAN_HANDOFF else rest) for i in Intent}
    monkeypatch.setattr(UNDERSTANDER._intents, "probabilities", lambda _vector: beliefs)
    assert said(text).intent is expected


@pytest.mark.parametrize(
    ("first", "then", "expected"),
    [
        (
            "đăng ký kết hôn cần giấy tờ gì",
            "tôi từng ly hôn rồi thì cần mang thêm gì?",
            (Intent.PROCEDURE_DOCUMENTS, "marriage-registration"),
        ),
        (
            "xin giấy xác nhận tình trạng hôn nhân ở đâu",
            "có cần quyết định ly hôn không",
            (Intent.PROCEDURE_DOCUMENTS, "marital-status-certificate"),
        ),
        ("làm giấy phép bán rượu cần gì", "còn bán thuốc lá thì có cần giấy gì không", (Intent.FALLBACK, None)),
    ],
)
def test_papers_asked_in_a_talk_are_its_papers_though_they_read_out_of_scope(
    first: str, then: str, expected: tuple[Intent, str | None]
) -> None:
    """What to bring, or a paper said needed, asked in a talk is about its papers; "còn ..." goes on to
    another thing, which is out of scope as it reads."""
    state = DialogueState()
    turn(first, state)
    got = turn(then, state)
    assert (got.intent, got.procedure) == expected


def test_a_home_owned_told_in_a_residence_talk_keeps_the_talk() -> None:
    """ "Nhà do bố tôi đứng tên" is the proof of the home the residence is registered in; land dealt in
    ("sang tên sổ đỏ") is a land procedure."""
    state = DialogueState()
    turn("đăng ký thường trú cần giấy tờ gì", state)
    got = turn("căn nhà do bố tôi đứng tên, cần thêm gì", state)
    assert (got.intent, got.procedure) == (Intent.PROCEDURE_DOCUMENTS, "permanent-residence-registration")
    assert turn("còn sang tên sổ đỏ thì làm sao", state).procedure == "land-transfer-registration"


def test_a_status_question_with_a_code_and_a_procedure_makes_it_the_talks() -> None:
    state = DialogueState()
    status = turn("hồ sơ đăng ký kết hôn của tôi, mã 261105-0042, tới đâu rồi", state)
    assert (status.intent, status.procedure) == (Intent.DOSSIER_STATUS, None)  # the reply is about the dossier
    got = turn("tôi chuyển khoản lệ phí rồi mà app vẫn báo chưa thanh toán", state)
    assert (got.intent, got.procedure) == (Intent.PAYMENT_HELP, "marriage-registration")


def _talk(*texts: str) -> list[Turn]:
    state = DialogueState()
    return [turn(text, state) for text in texts]


def test_the_paper_a_talk_just_weighed_is_what_that_paper_asks_about_next() -> None:
    """ "Có cần giấy xác nhận độc thân không" in a talk about a marriage asks the marriage's papers; "giấy đó
    xin ở đâu" right after asks where to get that paper, and so does naming it weakly; "giấy đó" with no
    paper weighed just before is the talk's."""
    single, marriage = "marital-status-certificate", "marriage-registration"
    weighed = _talk(
        "đăng ký kết hôn thì làm sao", "có cần giấy xác nhận độc thân không", "giấy đó xin ở đâu", "mất mấy ngày"
    )
    assert [t.procedure for t in weighed] == [marriage, marriage, single, single]
    assert weighed[2].intent is Intent.PROCEDURE_LOCATION
    where_i_live = _talk(
        "thủ tục đăng ký kết hôn thế nào",
        "có cần giấy xác nhận độc thân không",
        "hộ khẩu em ở Nghệ An mà em đang làm ở Hà Nội, xin giấy đó ở đâu",
    )
    assert where_i_live[-1].procedure == single
    unweighed = _talk("đăng ký kết hôn thì làm sao", "cần mang những gì", "giấy đó xin ở đâu")
    assert unweighed[-1].procedure == marriage


def test_a_paper_said_needed_with_nothing_that_needs_it_asks_how_to_get_it() -> None:
    """ "Tôi cần phiếu lý lịch tư pháp để đi du học", "Do I need my lease attested?": the paper itself, not its
    papers, out of a talk; in a talk, a paper said needed is still the talk's papers ("có cần hợp đồng thuê
    nhà không" about temporary residence, "có cần giấy báo tử không" about a death)."""

    def read(text: str) -> tuple[Intent, str | None]:
        understood = UNDERSTANDER(normalize(text))
        return understood.intent, understood.procedure

    record, lease = "judicial-record-certificate", "contract-attestation"
    assert read("tôi cần phiếu lý lịch tư pháp để đi du học Hàn") == (Intent.PROCEDURE_INFO, record)
    assert read("Do I need a police check to teach here?") == (Intent.PROCEDURE_INFO, record)
    assert read("Do I need to get my lease attested?") == (Intent.PROCEDURE_INFO, lease)
    copier = "color-copier-registration"
    assert read("Do I need to register the colour copier in my office?") == (Intent.PROCEDURE_INFO, copier)
    assert read("Do I need the original to get a certified copy?")[0] is Intent.PROCEDURE_DOCUMENTS
    assert read("xin lý lịch tư pháp cần những gì") == (Intent.PROCEDURE_DOCUMENTS, record)
    residence = _talk("đăng ký tạm trú thế nào", "có cần hợp đồng thuê nhà không")
    assert (residence[-1].intent, residence[-1].procedure) == (
        Intent.PROCEDURE_DOCUMENTS,
        "temporary-residence-registration",
    )
    death = _talk("bố em mất ở nhà, làm khai tử thế nào", "có cần giấy báo tử không")
    assert (death[-1].intent, death[-1].procedure) == (Intent.PROCEDURE_DOCUMENTS, "death-registration")


def test_in_a_talk_papers_asked_and_the_procedure_asked_in_general_after_a_status_question() -> None:
    """ "Mang bản gốc với gì nữa", "có phải nộp thêm quyết định ly hôn không" ask the talk's papers though read
    out of scope; right after a status question, "bt thì mấy ngày" and whether both must come ask about the
    procedure; a greeting telling a situation stays a greeting, yet "nộp ở đâu" next is about what it told."""
    papers = _talk("chứng thực bản sao từ bản chính", "mang bản gốc với gì nữa ạ")
    assert (papers[-1].intent, papers[-1].procedure) == (Intent.PROCEDURE_DOCUMENTS, "certified-copy")
    divorced = _talk("xin giấy xác nhận độc thân", "chị ly hôn rồi thì có phải nộp thêm quyết định của tòa không")
    assert (divorced[-1].intent, divorced[-1].procedure) == (
        Intent.PROCEDURE_DOCUMENTS,
        "marital-status-certificate",
    )
    status = "hồ sơ đăng ký kết hôn của em nộp 3 hôm rồi sao chưa có gì"
    usual = _talk(status, "bt thì mấy ngày có ạ")
    assert (usual[-1].intent, usual[-1].procedure) == (Intent.PROCEDURE_DURATION, "marriage-registration")
    both = _talk(status, "hôm nhận hai đứa có phải cùng có mặt không")
    assert (both[-1].intent, both[-1].procedure) == (Intent.PROCEDURE_INFO, "marriage-registration")
    greeted = _talk("Dạ em chào anh chị, em muốn mở một quán cà phê nhỏ trước nhà ạ.", "Đăng ký thì nộp ở đâu ạ?")
    assert greeted[0].intent is Intent.GREETING
    assert (greeted[1].intent, greeted[1].procedure) == (
        Intent.PROCEDURE_LOCATION,
        "household-business-registration",
    )


def test_a_message_that_tells_then_asks_is_about_what_its_last_sentence_asks() -> None:
    """Procedures named alike in a message are asked about, unless its last sentence asks of one: the
    sentences before it tell the situation."""
    told = said(
        "Công ty yêu cầu em nộp lý lịch tư pháp và bản sao bằng đại học có chứng thực. Lý lịch tư pháp thì xin ở đâu ạ?"
    )
    assert (told.procedure, told.candidates) == ("judicial-record-certificate", ())
    bike = said("I'm a foreigner with a temporary residence card. Can I register a motorbike in my own name?")
    assert bike.procedure == "vehicle-registration"


@pytest.mark.parametrize(
    "text", ["Dạ cho em hỏi chút ạ", "cho mình hỏi tí nhé", "Hello, I'm an Australian teacher working in Vietnam."]
)
def test_leave_to_ask_or_a_greeting_telling_who_writes_is_a_greeting(text: str) -> None:
    """The question is still to come: greet, do not say "not understood"; one asked with the greeting is
    answered."""
    assert said(text).intent is Intent.GREETING
    assert said("chào bạn, làm hộ chiếu ở đâu").intent is Intent.PROCEDURE_LOCATION


def test_the_topic_of_a_follow_up_is_what_it_names_before_thi() -> None:
    """ "Còn việc cải chính thì bao lâu xong": the question's own words drown "cải chính" in the whole
    message, but the topic between "còn" and "thì" names it."""
    talk = _talk("xin bản sao trích lục khai sinh", "Còn việc cải chính thì bao lâu xong?")
    assert (talk[-1].intent, talk[-1].procedure) == (Intent.PROCEDURE_DURATION, "civil-status-change")


def test_whether_one_may_read_unsurely_as_out_of_scope_in_a_talk_asks_whether() -> None:
    """ "Can I, as a foreigner, be the owner?" in a talk about a household business: whether one may, not
    where to file, though the model reads it as out of scope, place next."""
    talk = _talk("mở hộ kinh doanh", "Can I, as a foreigner, be the owner?")
    assert (talk[-1].intent, talk[-1].procedure) == (Intent.PROCEDURE_INFO, "household-business-registration")


def test_a_paper_asked_about_as_needed_is_answered_while_the_talk_stays_on_its_procedure() -> None:
    """ "Does she need a single status certificate too?" while registering a marriage is answered about that
    certificate, yet "where do we file?" and "how long?" next are still about the marriage; getting the paper
    ("where does she get it?") right after is about the paper, and so is one asked how to get ("xin thế nào")
    or moved on to ("after that")."""
    single, marriage = "marital-status-certificate", "marriage-registration"
    kept = _talk(
        "I'm Dutch and my partner is Vietnamese, we'd like to register our marriage",
        "Is a certificate of single status needed for her as well?",
        "Where do we file?",
        "How long does it take?",
    )
    assert [t.procedure for t in kept] == [marriage, single, marriage, marriage]
    assert kept[1].intent is Intent.PROCEDURE_INFO
    assert [t.intent for t in kept[2:]] == [Intent.PROCEDURE_LOCATION, Intent.PROCEDURE_DURATION]
    gotten = _talk(
        "I'm Dutch and my partner is Vietnamese, we'd like to register our marriage",
        "Is a certificate of single status needed for her as well?",
        "Where does she get it?",
    )
    assert gotten[2].procedure == single
    asked_how = _talk(
        "đăng ký kết hôn với người nước ngoài thế nào", "em cần giấy xác nhận độc thân thì xin thế nào", "mất mấy ngày"
    )
    assert [t.procedure for t in asked_how[1:]] == [single, single]
    moved_on = _talk(
        "I'm Dutch and my partner is Vietnamese, we'd like to register our marriage",
        "After that, does she need a certificate of single status too?",
        "How long does it take?",
    )
    assert [t.procedure for t in moved_on[1:]] == [single, single]


def test_a_question_read_again_where_its_words_say_where_how_long_or_the_payment() -> None:
    """Two offices weighed ask where ("ở ủy ban xã được không hay phải ra công chứng", "at the ward or a
    notary?"), not whether; "mất mấy tháng", "mấy tuần mới có" and "timeline" ask how long, though "mất" is also
    what is lost; money taken twice is the payment, not what the fee is. Two numbers weighed are no offices."""

    def intent(text: str) -> Intent:
        return UNDERSTANDER(normalize(text)).intent

    assert intent("Can a sales contract be attested at the commune office or do we need a notary?") is (
        Intent.PROCEDURE_LOCATION
    )
    assert intent("hợp đồng tặng cho chứng thực ở ủy ban phường được không hay phải đến phòng công chứng") is (
        Intent.PROCEDURE_LOCATION
    )
    assert intent("xin phiếu lý lịch tư pháp số 1 hay số 2") is not Intent.PROCEDURE_LOCATION
    assert intent("làm sổ đỏ lần đầu cho đất ông bà để lại mất mấy tháng") is Intent.PROCEDURE_DURATION
    assert intent("giấy chứng nhận an toàn thực phẩm cho quán mấy tuần mới có") is Intent.PROCEDURE_DURATION
    assert intent("what's the timeline for a first land use certificate") is Intent.PROCEDURE_DURATION
    assert intent("mình bị trừ tiền 2 lần lệ phí làm hộ chiếu") is Intent.PAYMENT_HELP


def test_a_procedure_needed_too_or_the_paper_just_weighed_is_what_the_talk_goes_on_to() -> None:
    """ "Cần lltp nữa" in a talk about a temporary absence goes on to the criminal record, though it is named
    under the belief that switches a talk; "giấy đó lấy mất bao lâu" right after a single status certificate was
    weighed is about that certificate, even if other procedures are named weakly."""
    absence = _talk(
        "sắp đi làm ở Nhật 2 năm có phải khai báo tạm vắng không", "đơn vị môi giới bảo cần lltp nữa, lm ntn"
    )
    assert absence[-1].procedure == "judicial-record-certificate"
    single = _talk(
        "bọn mình muốn đăng ký kết hôn", "bạn gái mình có cần giấy xác nhận độc thân k", "giấy đó lấy mất bao lâu"
    )
    assert (single[-1].intent, single[-1].procedure) == (Intent.PROCEDURE_DURATION, "marital-status-certificate")


def test_a_paper_needed_too_or_to_be_obtained_at_all_is_weighed_while_the_talk_stays() -> None:
    """ "Does he also need a certificate of single status?" and "có phải xin giấy xác nhận độc thân không" in a
    talk about a marriage ask whether that paper is needed: answered about it, while "where do we file?" and
    "bao lâu có giấy" next are still the marriage's."""
    single, marriage = "marital-status-certificate", "marriage-registration"
    also = _talk(
        "My fiancée is Vietnamese and I'm German, we want to register our marriage here",
        "Does he also need a certificate of single status from his ward?",
        "Where do we file it?",
    )
    assert [t.procedure for t in also] == [marriage, single, marriage]
    obtained = _talk(
        "anh chi oi em voi ban trai muon dang ky ket hon",
        "ban trai em co phai xin giay xac nhan tinh trang hon nhan khong",
        "bao lau co giay",
    )
    assert [t.procedure for t in obtained] == [marriage, single, marriage]
    assert obtained[-1].intent is Intent.PROCEDURE_DURATION


def test_the_talks_papers_asked_beside_a_paper_weighed_are_the_talks() -> None:
    """ "Hồ sơ gồm những gì, có cần lý lịch tư pháp không" in a talk about a work permit asks the permit's
    papers, and the questions after it are still the permit's, not the criminal record's."""
    permit = "work-permit-foreigner"
    talk = _talk(
        "công ty mình muốn xin giấy phép lao động cho một kỹ sư người Hàn",
        "ho so can nhung gi, co can ly lich tu phap ben Han khong",
        "mất bao lâu",
    )
    assert [t.procedure for t in talk] == [permit, permit, permit]
    assert talk[1].intent is Intent.PROCEDURE_DOCUMENTS


def test_going_back_in_words_that_name_nothing_is_the_talk_before() -> None:
    """ "Quay lại vụ nhà, cần giấy tờ gì" after a question about another procedure goes back to the one the talk
    was about before it, though "vụ nhà" names neither."""
    talk = _talk(
        "em muốn đăng ký thường trú vào nhà chồng",
        "à mà con em mới sinh, làm khai sinh ở đâu ạ",
        "quay lại vụ nhà, cần giấy tờ gì",
    )
    assert [t.procedure for t in talk] == [
        "permanent-residence-registration",
        "birth-registration",
        "permanent-residence-registration",
    ]
    assert talk[-1].intent is Intent.PROCEDURE_DOCUMENTS


def test_the_step_after_another_is_asked_about_not_how_long_it_takes() -> None:
    """ "Sau khi nhận con thì đổi họ cho cháu được không": what is done after recognising a child, the change of
    the child's name, not how long recognition takes; in a talk about recognition it goes on to that."""
    alone = said("sau khi nhan con xong thi doi ho cho chau theo ho cha duoc khong")
    assert (alone.intent, alone.procedure) == (Intent.PROCEDURE_INFO, "civil-status-change")
    talk = _talk("con em 2 tuổi, giờ bố cháu muốn nhận con", "sau khi nhận cha thì có đổi họ cho bé theo bố đc ko")
    assert (talk[-1].intent, talk[-1].procedure) == (Intent.PROCEDURE_INFO, "civil-status-change")
    assert said("sau khi nộp hồ sơ thì bao lâu có kết quả").intent is Intent.PROCEDURE_DURATION


@pytest.mark.parametrize(
    "text", ["hồ sơ chậm cả tháng rồi, em muốn phản ánh lên lãnh đạo", "I'd like to escalate my case to a manager."]
)
def test_taking_a_matter_to_those_in_charge_is_a_hand_off(text: str) -> None:
    assert said(text).intent is Intent.HUMAN_HANDOFF


@pytest.mark.parametrize(
    "text",
    [
        "tt r mà hồ sơ vẫn báo chưa tt",
        "ck xong bao lâu thì hệ thống cập nhật ạ",
        "thanh toan xong bao lau thi he thong xac nhan",
    ],
)
def test_money_sent_and_not_yet_seen_is_the_payment(text: str) -> None:
    assert said(text).intent is Intent.PAYMENT_HELP


def test_a_scam_told_with_money_and_an_update_is_no_payment() -> None:
    said_ = said("có người gọi bảo chuyển tiền để cập nhật căn cước, có phải lừa đảo không")
    assert said_.intent is not Intent.PAYMENT_HELP


def test_a_thing_asked_needed_in_english_in_a_talk_is_its_papers() -> None:
    """ "Do I need a police report?" after telling a lost ID card asks whether its dossier needs one."""
    talk = _talk("I lost my ID card and need a new one", "It was stolen on the train. Do I need a police report?")
    assert (talk[-1].intent, talk[-1].procedure) == (Intent.PROCEDURE_DOCUMENTS, "citizen-identity-card")


def test_when_the_money_comes_is_how_long_it_takes() -> None:
    """ "Bn lâu có tiền" about the unemployment benefit: how long, not what it costs."""
    talk = _talk("em mới nghỉ việc, muốn làm hồ sơ hưởng thất nghiệp", "cần mang gì ạ", "bn lâu có tiền")
    assert (talk[-1].intent, talk[-1].procedure) == (Intent.PROCEDURE_DURATION, "unemployment-benefit")


def test_an_answer_read_as_out_of_scope_still_picks_the_candidate_it_leans_to() -> None:
    """Asked which procedure a death told means, "không có giấy báo tử, vậy thì sao?" is read as out of scope,
    yet it leans to registering the death: that is the one picked, not "not understood"."""
    talk = _talk(
        "Cha tôi mất sáng nay ở nhà, tôi là con cả, phải báo với ai và làm giấy gì?",
        "Cha không nằm viện nên không có giấy báo tử, vậy thì sao?",
    )
    assert talk[0].candidates
    assert (talk[1].intent, talk[1].procedure) == (Intent.PROCEDURE_INFO, "death-registration")


def test_another_thing_done_besides_goes_on_to_the_procedure_it_leans_to() -> None:
    """ "Nếu bán thêm bia rượu cho khách thì sao" in a talk about a shop names no procedure outright, yet leans
    clearly to the alcohol licence: "thêm" says another thing, so the talk goes on to it."""
    talk = _talk(
        "mình định mở quán ăn nhỏ, có cần đăng ký hộ kinh doanh không",
        "còn giấy an toàn thực phẩm thì sao",
        "nếu bán thêm rượu vang cho khách thì sao",
        "mất bao lâu",
    )
    assert [t.procedure for t in talk[2:]] == ["alcohol-retail-licence", "alcohol-retail-licence"]


def test_a_new_certificate_in_a_talk_about_transferring_land_is_the_transfers() -> None:
    """ "Bao lâu có sổ mới" while transferring land that a red book was first asked about: the transfer's new
    certificate, not the first issue the words lean to."""
    talk = _talk(
        "so do lam o dau vay",
        "Đăng ký biến động quyền sử dụng đất (chuyển nhượng, tặng cho, thừa kế)",
        "thue phi het bao nhieu",
        "bao lau co so moi",
    )
    assert talk[-1].procedure == "land-transfer-registration"


def test_a_name_shared_by_several_is_the_talks_when_believed_of_it_too() -> None:
    """ "Xin phép mất bao lâu" in a talk about a construction permit: "xin phép" is several permits' word, but
    the talk's is among them, so it is not asked which."""
    talk = _talk("nhà tôi muốn xây thêm một tầng, có phải xin phép không", "xin phép mất bao lâuu")
    assert (talk[-1].intent, talk[-1].procedure, talk[-1].candidates) == (
        Intent.PROCEDURE_DURATION,
        "construction-permit",
        (),
    )


def test_a_paper_asked_to_be_granted_is_what_is_asked_about() -> None:
    """ "Người hưởng trợ cấp có được cấp thẻ bảo hiểm y tế không" names who asks by the allowance, but asks
    about the health insurance card, alone or in a talk about the allowance."""
    card = "health-insurance-card"
    assert said("Người hưởng trợ cấp thất nghiệp có được cấp thẻ bảo hiểm y tế không?").procedure == card
    talk = _talk("mẹ tôi 82 tuổi, không có lương hưu, có được trợ cấp không", "vậy có được cấp thẻ bhyt không")
    assert talk[-1].procedure == card


@pytest.mark.parametrize(
    "text", ["I need some help with my driving licence.", "I need a little help with my driving licence"]
)
def test_help_with_a_name_several_procedures_share_asks_which(text: str) -> None:
    """ "Help with my driving licence" opens a topic as "a question about" it does: renewing or replacing it is
    asked, not guessed."""
    got = said(text)
    assert got.procedure is None
    assert set(got.candidates) == {"driving-licence-renewal", "driving-licence-reissue"}
