"""The training corpus and the committed model: what it was trained on, and that scoring it needs
nothing but the file."""

from __future__ import annotations

import json
import math
from collections import Counter
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pytest

from api.catalog.service import load_catalog_data
from assistant.evaluation import Case, Dialogue, load
from assistant.nlu import Intent, normalize
from assistant.nlu import corpus as corpus_module
from assistant.nlu.corpus import Sample, build_corpus, data_digest
from assistant.nlu.features import MAX_CHARS, features
from assistant.nlu.model import Vector, encode_model, load_model, read_model

DATA = Path(__file__).parents[2] / "data"


@pytest.fixture(scope="module")
def corpus() -> list[Sample]:
    return build_corpus()


def test_the_corpus_covers_every_intent_procedure_and_way_of_typing(corpus: list[Sample]) -> None:
    assert len(corpus) >= 3000
    intents = Counter(s.intent for s in corpus)
    assert set(intents) == {i.value for i in Intent} and min(intents.values()) >= 200
    named = Counter(slug for s in corpus for slug in s.procedures)
    assert set(named) == {p.slug for p in load_catalog_data().procedures} and min(named.values()) >= 50
    styles = Counter(s.style for s in corpus)
    assert set(styles) == {"accented", "unaccented", "teencode", "typos", "mixed", "english"}
    assert min(styles.values()) >= 200


def test_the_corpus_is_the_same_for_a_seed(corpus: list[Sample]) -> None:
    assert build_corpus()[:200] == corpus[:200]


def test_a_block_of_material_leaves_every_earlier_message_as_it_was(
    corpus: list[Sample], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each round's block is drawn with a generator of its own: without the last block the corpus is
    the same messages, so what a block changes in the model is what it adds."""
    read = corpus_module._read

    def without_last_block(name: str) -> Any:
        data = read(name)
        return {**data, "rounds": data["rounds"][:-1]} if name == "corpus.json" else data

    monkeypatch.setattr(corpus_module, "_read", without_last_block)
    earlier = build_corpus()
    assert len(earlier) < len(corpus)
    assert corpus[: len(earlier)] == earlier


def test_a_situation_told_then_asked_about_is_labelled_by_what_is_asked(corpus: list[Sample]) -> None:
    material = json.loads((Path(corpus_module.__file__).parent / "data" / "corpus.json").read_text("utf-8"))
    told = {t: slug for block in material["rounds"] for slug, ts in block.get("told_asked", {}).items() for t in ts}
    assert told
    asked = [(s, t) for s in corpus for t in told if s.text.startswith(f"{t}, ")]
    assert {s.intent for s, _ in asked} == set(corpus_module.PROCEDURE_INTENTS) - {"procedure_info"}
    assert all(s.procedures == (told[t],) for s, t in asked)
    alone = [s for s in corpus if s.text in told]
    assert alone and all(s.intent == "procedure_info" for s in alone)


@cache  # read once for every set checked against it
def _names() -> frozenset[str]:
    """Every name of a procedure: the catalog's, the aliases and the names the material's rounds add."""
    data = Path(corpus_module.__file__).parent / "data"
    aliases = json.loads((data / "aliases.json").read_text("utf-8"))
    material = json.loads((data / "corpus.json").read_text("utf-8"))
    added = [material["added"].get("names", {}), *(block.get("names", {}) for block in material["rounds"])]
    kinds = [kinds for slug, kinds in aliases.items() if not slug.startswith("_")]
    kinds += [kinds for names in added for kinds in names.values()]
    names = {normalize(n).folded for k in kinds for ns in k.values() for n in ns}
    groups = [*material["shared"], *(group for block in material["rounds"] for group in block.get("shared", ()))]
    names |= {normalize(n).folded for group in groups for n in group["names"]}
    return frozenset(
        names | {normalize(n).folded for p in load_catalog_data().procedures for n in (p.names.vi, p.names.en)}
    )


# Messages of a later writer's set that are, word for word, messages the corpus drew before the set
# existed: a short formula alone or with a procedure's name, as anyone asks. Found when each set was
# first checked against the corpus, before it was measured; the report gives its figures without them too.
_FORMULAS_MET_BEFORE_MEASURING = {
    # the first held-out set, long measured: a name of the first material in one of its carriers ("giấy
    # phép in kỷ yếu" + "có mất phí không"), drawn once the round on the eighteenth writer's set changed names
    "nlu_heldout": frozenset({"giay phep in ky yeu co mat phi khong"}),
    "nlu_heldout4": frozenset(
        {
            "have a nice day bye",
            "cho hoi ve chung thuc giay to",
            "dang ky kinh doanh mat bao nhieu tien",
            "noi chuyen voi nguoi that duoc khong",
        }
    ),
    "nlu_heldout5": frozenset(
        {"chung thuc chu ky mat bao lau", "chuyen truong cho con mat may ngay", "cho toi noi chuyen voi nhan vien"}
    ),
    "nlu_heldout7": frozenset({"cam on ban nhieu lam"}),
    "nlu_heldout8": frozenset({"chung thuc hop dong giao dich mat bao lau", "where do i apply for a red book"}),
    # the last from the writers' brief, which gives "mua bảo hiểm xe máy online" as an out-of-scope topic,
    # and from material of 051e43a that used the same topic
    "nlu_heldout12": frozenset(
        {
            "lam so do lan dau",
            "thanh lap cong ty co phan",
            "lam bao hiem that nghiep",
            "dang ky may photo mau",
            "how long to get a tour guide card",
            "ho so cua toi den dau roi",
            "hoan tien mat bao lau",
            "mua bao hiem xe may online o dau",
            # parts of messages the corpus drew before the set existed (9f2c7ab), found when it became dev
            "giay phep xuat ban tai lieu khong kinh doanh",
            "how do i pay the passport fee",
            "can giay kham suc khoe khong",
            "mat bao nhieu tien admin",
        }
    ),
    "nlu_heldout13": frozenset(
        {
            "please connect me to an officer",
            # parts of messages the corpus drew before the set existed (797add8), found when it became dev
            "bao gio co ket qua",
            "tong dai ho tro so may vay",
            # the first material's "{p} làm trên vneid được không" with its courtesy "ạ", drawn since 8ac7fba
            # with a name that round added ("tc thất nghiệp")
            "lam tren vneid duoc khong a",
        }
    ),
    "nlu_heldout14": frozenset({"gia xang hom nay bao nhieu"}),
    "nlu_heldout15": frozenset(
        {
            "dang ky kinh doanh mat bao nhieu tien",
            "ho so cua toi den dau roi",
            "how do i pay the passport fee online",
            "what s the hotline number",
            # parts of messages the corpus drew before the set existed (f26e2c3), found when it became dev
            "what papers do i need",
            "mat bao nhieu tien a",
        }
    ),
    "nlu_heldout16": frozenset({"mua ve tau tet o dau"}),
    # carriers of the material of 2026-12-06 (a status question, a payment by wallet, an out-of-scope
    # request), written word for word by the nineteenth and twentieth writers too
    "nlu_heldout17": frozenset({"ho so cua toi den dau roi", "thanh toan bang vi dien tu duoc khong"}),
    "nlu_heldout18": frozenset(
        {"what does supplement requested mean on my dossier", "cho xin so dien thoai tiem sua xe gan day"}
    ),
    # shared names in carriers of the material ("trợ cấp" + "hồ sơ xin {p} gồm những gì"), and courtesy
    # and hand-off formulas, drawn before the twenty-first and twenty-second writers wrote them too
    "nlu_heldout19": frozenset(
        {
            "ho so xin tro cap gom nhung gi",
            "how long does a driving licence take",
            "cho toi hoi ve thu tuc chung thuc",
            "cam on bao nhieu nhieu",
        }
    ),
    "nlu_heldout20": frozenset({"cam on da ho tro", "what s the hotline number"}),
    # names in carriers of the material, and status and hand-off formulas, drawn before the twenty-third
    # and twenty-fourth writers wrote them too
    "nlu_heldout21": frozenset(
        {
            "lam bang lai mat bao lau",
            "dang ky kinh doanh le phi bao nhieu",
            "noi chuyen voi nguoi that duoc khong",
            "where do i apply for a land certificate",
            "ho so cua toi den dau roi",
        }
    ),
    "nlu_heldout22": frozenset({"ho so cua toi den dau roi", "what s the hotline number"}),
    # a status and a hand-off formula of the material, drawn before the twenty-fifth and twenty-sixth
    # writers wrote them too
    "nlu_heldout23": frozenset({"ho so cua toi den dau roi"}),
    "nlu_heldout24": frozenset({"what s the hotline number"}),
    # a names-in-carriers formula each, drawn before the twenty-seventh writer wrote them too
    "nlu_heldout25": frozenset({"what documents do i need for a business licence", "giay phep kinh doanh lam o dau"}),
    # names in carriers of the material, and status and hand-off formulas, drawn before the twenty-ninth
    # and thirtieth writers wrote them too (checked before they were measured)
    "nlu_heldout27": frozenset(
        {"how long does a land transfer take", "what s the hotline number", "dang ky cu tru mat bao lau"}
    ),
    "nlu_heldout28": frozenset({"is there a phone number i can call", "hi i have a question"}),
    # status, payment and hand-off formulas of the material, and a name in a carrier, drawn before the
    # thirty-first and thirty-second writers wrote them too (checked before they were measured)
    "nlu_heldout29": frozenset(
        {
            "dang ky cu tru o dau",
            "ho so cua toi den dau roi",
            "bi tru tien hai lan",
            "noi chuyen voi nguoi that duoc khong",
            "what s the hotline number",
        }
    ),
    "nlu_heldout30": frozenset(
        {
            "ho so cua toi den dau roi",
            "quet ma qr khong duoc",
            "thanh toan xong co hoa don khong",
            "what s the hotline number",
        }
    ),
    # a name in a carrier of the first material ("đăng ký kết hôn" + "{p} có cần giấy khám sức khỏe
    # không"), and status and hand-off formulas, drawn before the thirty-third and thirty-fourth writers
    # wrote them too (checked before they were measured)
    "nlu_heldout31": frozenset(
        {
            "dang ky ket hon co can giay kham suc khoe khong",
            "ho so cua toi den dau roi",
            "ket qua ho so cua toi co chua",
            "what s the hotline number",
        }
    ),
    "nlu_heldout32": frozenset(
        {
            "cho toi hoi ve thu tuc chung thuc",
            "cho toi noi chuyen voi nhan vien",
            "hotline mot cua so may",
            "co can bo nao dang truc khong",
            "ho so cua toi den dau roi",
            "what s the hotline number",
            "co staff nao online khong",
        }
    ),
    # a fee formula and an out-of-scope question of the material, and status, hand-off and farewell formulas,
    # drawn before the thirty-seventh and thirty-eighth writers wrote them too (checked before they were
    # measured; the material is unchanged since 1574b0e)
    "nlu_heldout35": frozenset(
        {
            "dang ky kinh doanh het bao nhieu tien",
            "mua ve tau tet o dau",
            "ho so cua toi den dau roi",
            "what s the hotline number",
        }
    ),
    "nlu_heldout36": frozenset({"have a nice day bye"}),
    # papers, place, status, hand-off and courtesy formulas and out-of-scope questions of the material,
    # drawn before the thirty-ninth and fortieth writers wrote them too (checked before they were measured;
    # the material is unchanged since 1574b0e)
    "nlu_heldout37": frozenset(
        {
            "what documents do i need for a business licence",
            "chung thuc lay ngay duoc khong",
            "dang ky cu tru o dau",
            "ho so cua toi den dau roi",
            "co ai truc khong a",
            "what s the hotline number",
            "hi i have a question",
            "gia xang hom nay bao nhieu",
            "ket qua bong da toi qua",
            "where can i buy travel insurance",
        }
    ),
    "nlu_heldout38": frozenset({"dong tien nuoc o dau", "what s the hotline number", "cam on da ho tro"}),
    # status, hand-off and greeting formulas of the material, drawn before the forty-first and forty-second
    # writers wrote them too (checked before they were measured; the material is unchanged since 1574b0e)
    "nlu_heldout39": frozenset({"ho so cua toi den dau roi", "hi i have a question"}),
    "nlu_heldout40": frozenset({"what s the hotline number", "hi i have a question"}),
    # a shared name asked about, papers, status, hand-off and payment formulas of the material, drawn before
    # the forty-third and forty-fourth writers wrote them too (checked before they were measured; the
    # material is unchanged since 1574b0e)
    "nlu_heldout41": frozenset({"cho toi hoi ve so do", "ho so cua toi den dau roi"}),
    "nlu_heldout42": frozenset(
        {
            "is there a phone number i can call",
            "what documents do i need for a business licence",
            "co ai truc khong a",
            "quet ma qr khong duoc",
        }
    ),
    # status, hand-off, fee, time and out-of-scope formulas of the material, drawn before the forty-fifth and
    # forty-sixth writers wrote them too (checked before they were measured; the material is unchanged
    # since 1574b0e)
    "nlu_heldout43": frozenset(
        {"ho so cua toi den dau roi", "toi muon noi chuyen voi nguoi", "dang ky khai sinh le phi"}
    ),
    "nlu_heldout44": frozenset(
        {"gia xang hom nay bao nhieu", "how long does a red book take", "what s the hotline number"}
    ),
    # status, courtesy, hand-off, a refund's time and out-of-scope formulas of the material and a shared name
    # asked about, drawn before the fifty-fifth and fifty-sixth writers wrote them too (checked before they were
    # measured; the material is unchanged since 1574b0e)
    "nlu_heldout53": frozenset(
        {
            "ho so cua toi den dau roi",
            "hoan tien mat bao lau",
            "hoc lai xe o dau",
            "dang ky cu tru o dau",
            "tell me about the allowance",
        }
    ),
    "nlu_heldout54": frozenset(
        {
            "cho toi hoi ve thu tuc chung thuc",
            "gia xang hom nay bao nhieu",
            "noi chuyen voi nguoi that duoc khong",
            "what s the hotline number",
        }
    ),
    # formulas of the material (a licence name with a location question; status, thanks, land time and fee
    # questions and the hotline), drawn before the fifty-ninth and sixtieth writers wrote them too (checked before
    # they were measured; the material is unchanged since 1574b0e)
    "nlu_heldout57": frozenset({"giay phep kinh doanh lam o dau"}),
    "nlu_heldout58": frozenset(
        {
            "ho so cua toi den dau roi",
            "ok cam on ban nhe",
            "sang ten dat mat bao lau",
            "so do fee bao nhieu",
            "what s the hotline number",
        }
    ),
    # formulas of the material (an out-of-scope topic, residence, copier and licence names with a short question,
    # thanks, farewell, hand-off and hotline), drawn before the fifty-seventh and fifty-eighth writers wrote them
    # too (checked before they were measured; the material is unchanged since 1574b0e)
    "nlu_heldout55": frozenset({"quyet toan thue thu nhap ca nhan lam o dau"}),
    "nlu_heldout56": frozenset(
        {
            "cam on da ho tro",
            "dang ky cu tru mat bao lau",
            "dang ky cu tru o dau",
            "dang ky may photo mau can giay to gi",
            "giay phep kinh doanh lam o dau",
            "have a nice day bye",
            "noi chuyen voi nguoi that duoc khong",
            "what s the hotline number",
        }
    ),
    # status, hand-off and out-of-scope formulas of the material, drawn before the fifty-third and fifty-fourth
    # writers wrote them too (checked before they were measured; the material is unchanged since 1574b0e)
    "nlu_heldout51": frozenset(
        {
            "ho so cua toi den dau roi",
            "is there a phone number i can call",
            "cho toi noi chuyen voi nhan vien",
            "thoi tiet hom nay the nao",
            "gia xang hom nay bao nhieu",
        }
    ),
    "nlu_heldout52": frozenset({"tra diem thi vao lop 10 o dau", "ho so cua toi den dau roi"}),
    # papers, time, status, hand-off and courtesy formulas of the material (a name in two of them), drawn
    # before the fifty-first and fifty-second writers wrote them too (checked before they were measured; the
    # material is unchanged since 1574b0e)
    "nlu_heldout49": frozenset(
        {"cho gap nhan vien tu van", "ho so cua toi den dau roi", "what s the hotline number", "have a nice day bye"}
    ),
    "nlu_heldout50": frozenset(
        {
            "dang ky may photo mau can giay to gi",
            "ho so cua toi den dau roi",
            "giay phep xay dung bao lau thi co",
            "cho toi gap can bo",
            "what s the hotline number",
            "hi i have a question",
            "have a nice day bye",
        }
    ),
    # names with time formulas, and status, payment, hand-off and out-of-scope formulas of the material,
    # drawn before the forty-ninth and fiftieth writers wrote them too (checked before they were measured;
    # the material is unchanged since 1574b0e)
    "nlu_heldout47": frozenset({"giay phep xay dung bao lau thi co", "xin ban sao mat may ngay"}),
    "nlu_heldout48": frozenset(
        {
            "ho so cua toi den dau roi",
            "quet ma qr khong duoc",
            "cho toi noi chuyen voi nhan vien",
            "noi chuyen voi nguoi that duoc khong",
            "what s the hotline number",
            "mua ve tau tet o dau",
        }
    ),
    # a name with a time formula, out-of-scope, a name asked about and hand-off formulas of the material,
    # drawn before the forty-seventh and forty-eighth writers wrote them too (checked before they were
    # measured; the material is unchanged since 1574b0e)
    "nlu_heldout45": frozenset({"ly lich tu phap so 1 bao nhieu ngay", "ban ten la gi vay"}),
    "nlu_heldout46": frozenset(
        {"cho toi hoi ve thu tuc chung thuc", "gia xang hom nay bao nhieu", "what s the hotline number"}
    ),
    # an out-of-scope question of the material (051e43a) and status and hand-off formulas, drawn before
    # the thirty-fifth writer wrote them too (checked before the set was measured; the thirty-sixth
    # writer's set met none)
    "nlu_heldout33": frozenset(
        {"ho so cua toi den dau roi", "mua bao hiem xe may online o dau", "co can bo nao dang truc khong"}
    ),
    "nlu_heldout11": frozenset(
        {"dang ky may photo mau can giay to gi", "thu tuc dang ky cu tru", "ho so cua toi den dau roi"}
    ),
    "nlu_heldout10": frozenset(
        {
            "cho toi hoi ve thu tuc chung thuc",
            "where do i apply for a red book",
            "have a nice day bye",
            "is there a phone number i can call",
        }
    ),
    "nlu_heldout9": frozenset(
        {
            "dang ky may photo mau can giay to gi",
            "dang ky kinh doanh mat bao nhieu tien",
            "dang ky kinh doanh mat may ngay",
            "cho toi noi chuyen voi nhan vien",
            "what s the hotline number",
        }
    ),
    "nlu_heldout6": frozenset(
        {
            "how much is a passport",
            "chuyen truong cho con mat may ngay",
            "where do i apply for a red book",
            "toi muon noi chuyen voi nguoi",
            "what s the hotline number",
            "ket noi giup toi voi tong dai vien",
            "is there a phone number i can call",  # read as English since 1bcc505: "a", "call" kept
            "cong thuc nau pho bo",
            "mua xe may tra gop o dau",
        }
    ),
}
# The sixth to forty-eighth writers' sets are dev now: those are the only messages of them the corpus may hold.
_DEV_FORMULAS = frozenset().union(
    *(_FORMULAS_MET_BEFORE_MEASURING.get(f"nlu_heldout{n}", frozenset()) for n in range(4, 51))
)


@pytest.mark.parametrize(
    "name",
    [
        "nlu_heldout",
        "nlu_heldout51",
        "nlu_heldout52",
        "nlu_heldout53",
        "nlu_heldout54",
        "nlu_heldout55",
        "nlu_heldout56",
        "nlu_heldout57",
        "nlu_heldout58",
    ],
)
def test_no_heldout_sentence_is_in_the_corpus(corpus: list[Sample], name: str) -> None:
    """A held-out sentence (five words or more) met in training would measure memory, not
    understanding. Procedure names are the exception: knowing them is the point. Short formulas
    ("lệ phí bao nhiêu", "cảm ơn nhé") are how everyone asks and may be met anywhere."""
    names = _names()
    trained = {normalize(s.text).folded for s in corpus}
    heldout = [normalize(c.text).folded for c in load(DATA / f"{name}.jsonl", Case)]
    met = [t for t in heldout if len(t.split()) >= 5 and t in trained and t not in names]
    assert [t for t in met if t not in _FORMULAS_MET_BEFORE_MEASURING.get(name, ())] == []


def _own_words(folded: str, names: list[str]) -> int:
    """The words of a message that are not the longest procedure name it uses."""
    padded = f" {folded} "
    for name in names:
        if f" {name} " in padded:
            return len(padded.replace(f" {name} ", " ", 1).split())
    return len(folded.split())


# Short formulas the material held before the later sets were written (the first training material,
# 2026-12-06 08:08, before any of them), which their writers happened to type too: met in training by
# coincidence, not copied. Anything else of five words or more met in training fails.
_FORMULAS_BEFORE_THE_SETS = frozenset(
    [
        "lam tren vneid duoc khong",
        "lam tren vneid duoc khong vay",
        "can i pay with vnpay",
        "can nhung giay to gi",
        "ho so gom nhung gi",
        "ho so gom gi admin",
        "what documents do i need",
        "can bo da nhan ho so cua toi chua",
        "how long does it take",
        "le phi bao nhieu vay",
        "thoi tiet da nang ngay mai",
        "thoi tiet hom nay the nao",
        "ho so cua toi den dau roi",
        "cho toi noi chuyen voi nhan vien",
        "cho toi gap can bo",
        # a name of the first material in one of its carriers ("tạm trú, tạm vắng" + "thì làm như thế
        # nào", "CT07" + "làm trên vneid được không"), drawn by chance when the corpus was drawn again
        "tam vang thi lam nhu the nao",
        "ct07 lam tren vneid duoc khong",
        # a name ending in "bị mất" ("làm lại giấy khai sinh bị mất") before a carrier of the first
        # material ("{p} bao lâu thì có"), drawn when material was added
        "mat bao lau thi co",
        # the seventh writer's set, checked when it became dev: formulas and a name in a carrier of the
        # first material ("sửa tên bị sai" + "lệ phí bao nhiêu vậy admin"), drawn before the set existed
        "phi bao nhieu vay admin",
        "can giay to gi vay",
        "can someone from the office call me",
        "how long does a construction permit take",
        "bao lau thi co the",
        # the eighth writer's set, checked when it became dev: formulas, and names in carriers of the first
        # material ("khai sinh cho trẻ sơ sinh" + "có phải đóng thuế không"), drawn before the set existed
        "ok cam on ban nhe",
        "cam on ban nhieu lam",
        "nop online duoc khong admin",
        "co phai dong thue khong",
        "moi ban bao nhieu tien",
        # the ninth writer's set, checked when it became dev: English formulas of the first material,
        # met once English messages were no longer read as Vietnamese chat spellings
        "what do i need to bring",
        "when will it be ready",
        "can i do it online",
        # the tenth writer's set, checked when it became dev: formulas of the first material
        "how do i pay the food safety certificate fee online",
        "can giay to gi a",
        "co phai nop tien khong",
        "do i need the original",
        # the eleventh writer's set, checked when it became dev: formulas of the first material
        "has my business registration been approved yet",
        "how much does it cost",
        # the twelfth writer's set, checked when it became dev: a name in a carrier, and a formula, of the
        # first material
        "le phi cap giay phep lao dong cho nguoi nuoc ngoai la bao nhieu",
        "co duoc mien thue khong",
        # the thirteenth writer's set, checked when it became dev: a name in a carrier of the first material
        "nhan ket qua qua buu dien duoc khong",
        # formulas of the first material, and names in its carriers, met once the corpus was drawn again
        # with the land, licence and business names the round on the eighteenth writer's set changed
        "mat bao nhieu tien vay",
        "het bao nhieu tien vay",
        "ho so gom gi a",
        "can nhung giay to gi a",
        "giay to gom nhung gi",
        "how long does a signature attestation take",
        "khai sinh lam tren vneid duoc khong",
        "thu tuc dang ky kinh doanh nhu the nao",
        "can i pay by card",
        # the nineteenth and twentieth writers' sets, checked when they became dev: formulas of the first
        # material with its courtesy
        "co nhan vien nao online khong a",
        "can nhung giay to gi anh",
        "can chuan bi ho so gi",
        "can chuan bi gi a",
        "thi can nhung giay to nao",
        # the twenty-first and twenty-second writers' sets, checked when they became dev: likewise
        "bao lau thi xong anh",
        "hi i have a question",
        "le phi bao nhieu a",
        "lam tren vneid duoc khong admin",
        "how long is the wait",
        "can giay to gi admin",
        "co lay trong ngay khong",
        "can it be done online",
        # the twenty-third and twenty-fourth writers' sets, checked when they became dev: likewise
        "cam on nhieu nha admin",
        "cho noi chuyen voi can bo",
        "admin oi cho em hoi",
        "co mat phi khong a",
        "moi ban bao nhieu tien a",
        # the twenty-fifth to twenty-eighth writers' sets, checked when they became dev: likewise
        "lam online duoc khong admin",
        "admin oi em hoi ti",
        "nop o so nao vay",
        # the twenty-ninth and thirtieth writers' sets, checked when they became dev: likewise
        "lam online duoc khong a",
        "co phai dong tien khong",
        "co ship ket qua ve nha khong",
        "what do i need to apply",
        "co mat thue khong a",
        "nop o so nao a",
        # the thirty-first and thirty-second writers' sets, checked when they became dev: likewise, and
        # an out-of-scope question of the material ("vay vốn ngân hàng chính sách", 349035c)
        "bao lau thi co vay",
        "co mat tien khong a",
        "ok thank you so much",
        "lam sao de vay von ngan hang chinh sach",
        # the thirty-third and thirty-fourth writers' sets, checked when they became dev: likewise
        "where do i apply for a business licence",
        "how long does a business licence take",
        "mat bao lau vay ban",
        "nop don o dau a",
        "co mat dong nao khong",
        "bao lau thi xong vay",
        "co can giay kham suc khoe khong",
        # a bare question of the round on those two sets ("anh ấy nộp ở đâu") dressed by chance with the
        # courtesy every writer types ("vậy ad"), as the fifteenth writer typed it too
        "nop o dau vay admin",
        # the thirty-fifth and thirty-sixth writers' sets, checked when they became dev: a name with a
        # formula of its own, and an out-of-scope question of the material
        "thuong tru lam tren vneid duoc khong",
        "cho em hoi lam giay phep lai xe can giay to gi",
        "bang lai giay cu co bat buoc doi sang the nhua khong",
        "ket hon co phai nop tien khong",
        "cho hoi thu tuc ly hon thuan tinh",
        # the thirty-seventh and thirty-eighth writers' sets, checked when they became dev: fee, duration,
        # papers, payment, hand-off and thanks formulas of the material
        "mua ban dat thi can nhung giay to gi",
        "payment failed but money left my account",
        "het bao nhieu tien a",
        "bao lau thi xong a",
        "thank you for your patience",
        "gap nhan vien tu van",
        # the thirty-ninth and fortieth writers' sets, checked when they became dev: a formula of the first
        # material with a courtesy word
        "lam tren vneid duoc khong anh",
        # the forty-first and forty-second writers' sets, checked when they became dev: part of a duration
        # carrier of the material
        "how many days before the event",
        # the forty-third and forty-fourth writers' sets, checked when they became dev: fee, time, papers,
        # courtesy and information formulas of the material, and part of one of its situations told
        "giay khai sinh cua toi ghi sai nam sinh",
        "co mat tien khong anh",
        "how long until i get the plate",
        "is a dna test required",
        "co phai thi lai khong",
        "thanks have a nice day",
        "bao gio co the a",
        # the forty-fifth and forty-sixth writers' sets, checked when they became dev: a duration question of
        # the material ("how long is the wait for a {n}") and location formulas in a chat spelling or with a
        # courtesy word, drawn before the sets existed
        "how long is the wait for a red book",
        "lam tren vneid duoc hong",
        "dang ky o dau admin",
        # the forty-seventh and forty-eighth writers' sets, checked when they became dev: a location carrier and a
        # duration carrier of the material ("how long does a {n} take"), drawn before the sets existed
        "nop o huyen hay xa",
        "how long does a food safety certificate take",
        # the forty-ninth and fiftieth writers' sets, checked when they became dev: status, fee, time and
        # location formulas of the material and an out-of-scope topic in part of one of its messages, drawn
        # before the sets existed
        "tinh trang ho so cua toi",
        "thu tuc vay von ngan hang chinh sach",
        "bao lau co giay vay admin",
        "how much does a licence cost",
        "lam o uy ban xa duoc khong",
        # the fifty-first and fifty-second writers' sets, checked when they became dev: time, location, fee and
        # papers formulas of the material and courtesy of its carriers, drawn before the sets existed
        "how long until it s approved",
        "cam on de toi chuan bi",
        "lam qua vneid duoc khong",
        "chao ban hen dip khac",
        "bao nhieu tien vay admin",
        "lam lai can mang gi",
    ]
)


@pytest.mark.parametrize(
    "name",
    [
        "nlu_dev2",
        "nlu_dev3",
        "nlu_heldout2",
        "nlu_heldout3",
        "nlu_heldout4",
        "nlu_heldout5",
        "nlu_heldout6",
        "nlu_heldout7",
        "nlu_heldout8",
        "nlu_heldout9",
        "nlu_heldout10",
        "nlu_heldout11",
        "nlu_heldout12",
        "nlu_heldout13",
        "nlu_heldout14",
        "nlu_heldout15",
        "nlu_heldout16",
        "nlu_heldout17",
        "nlu_heldout18",
        "nlu_heldout19",
        "nlu_heldout20",
        "nlu_heldout21",
        "nlu_heldout22",
        "nlu_heldout23",
        "nlu_heldout24",
        "nlu_heldout25",
        "nlu_heldout26",
        "nlu_heldout27",
        "nlu_heldout28",
        "nlu_heldout29",
        "nlu_heldout30",
        "nlu_heldout31",
        "nlu_heldout32",
        "nlu_heldout33",
        "nlu_heldout34",
        "nlu_heldout35",
        "nlu_heldout36",
        "nlu_heldout37",
        "nlu_heldout38",
        "nlu_heldout39",
        "nlu_heldout40",
        "nlu_heldout41",
        "nlu_heldout42",
        "nlu_heldout43",
        "nlu_heldout44",
        "nlu_heldout45",
        "nlu_heldout46",
        "nlu_heldout47",
        "nlu_heldout48",
        "nlu_heldout49",
        "nlu_heldout50",
    ],
)
def test_no_later_dev_sentence_is_in_the_corpus(corpus: list[Sample], name: str) -> None:
    """The later dev sets, each by a writer who never saw the training material, stay fair dev
    figures only if none of their messages or dialogue turns is a training message or part of one:
    the material is written from the kinds of misses, never from them. A name with a short formula
    of its own ("bằng lái xe" + "hết bao nhiêu tiền") is how anyone asks and may be met anywhere."""
    names = sorted(_names(), key=lambda n: -len(n))
    trained = [f" {normalize(s.text).folded} " for s in corpus]
    texts = [c.text for c in load(DATA / f"{name}.jsonl", Case)]
    texts += [t.text for d in load(DATA / f"{name}_dialogues.jsonl", Dialogue) for t in d.turns]
    folded = {normalize(x).folded for x in texts}
    long = {f" {t} " for t in folded - _FORMULAS_BEFORE_THE_SETS - _DEV_FORMULAS if _own_words(t, names) >= 5}
    assert not [t.strip() for t in long if any(t in s for s in trained)]


def test_the_committed_model_was_trained_on_the_committed_material() -> None:
    """Change data/corpus.json or data/aliases.json, then `uv run --group train motcua nlu train`."""
    assert load_model().info.corpus_digest == data_digest()


def test_the_model_knows_every_intent_and_procedure() -> None:
    heads = load_model().heads
    assert set(heads["intent"].classes) == {i.value for i in Intent}
    assert set(heads["procedure"].classes) == {p.slug for p in load_catalog_data().procedures} | {"none"}


def test_a_message_vector_has_unit_length_and_probabilities_add_up() -> None:
    model = load_model()
    vector = model.vectorize(normalize("làm hộ chiếu cần giấy tờ gì").folded)
    assert math.isclose(float((vector.values**2).sum()), 1.0, rel_tol=1e-6)
    for head in model.heads.values():
        assert math.isclose(sum(head.probabilities(vector).values()), 1.0, rel_tol=1e-9)


def test_only_the_start_of_a_long_message_counts() -> None:
    long = "lam ho chieu " * 500
    assert features(long) == features(long[:MAX_CHARS])
    whole, start = load_model().vectorize(long), load_model().vectorize(long[:MAX_CHARS])
    assert whole.indices.tolist() == start.indices.tolist() and whole.values.tolist() == start.values.tolist()


def test_features_are_words_pairs_and_letter_sequences() -> None:
    got = features("so do")
    assert {"w:so", "w:do", "b:< so", "b:so do", "b:do >", "c: s", "c:so d", "c: so d"} <= set(got)


def _spec(rng: np.random.Generator, features: int, classes: int) -> dict[str, Any]:
    """A head as the trainer writes it: weights rounded to 4 decimals, some features without any."""
    counts = rng.integers(0, 3, size=features)
    counts[::4] = 0
    indices = [int(c) for n in counts for c in sorted(rng.choice(classes, size=n, replace=False))]
    weights = [round(float(w), 4) for w in rng.normal(0, 2, size=len(indices))]
    return {
        "classes": [f"k{c}" for c in range(classes)],
        "intercept": [round(float(b), 5) for b in rng.normal(0, 1, size=classes)],
        "indptr": [0, *np.cumsum(counts).tolist()],
        "indices": indices,
        "weights": weights,
    }


def _dense(spec: dict[str, Any], features: int) -> npt.NDArray[np.float32]:
    """Every feature's row of weights, made as the JSON form's reader made them."""
    dense = np.zeros((features, len(spec["classes"])), dtype=np.float32)
    rows = np.repeat(np.arange(features), np.diff(spec["indptr"]))
    dense[rows, spec["indices"]] = np.asarray(spec["weights"], dtype=np.float32)
    return dense


def test_the_model_file_gives_back_each_number_the_trainer_rounded() -> None:
    rng = np.random.default_rng(23)
    features = 300
    data: dict[str, Any] = {
        "info": {"corpus_digest": "d" * 64, "samples": 1, "settings": {}},
        "vocabulary": [f"c:{i} x" for i in range(features - 1)] + ["w:đ"],
        "idf": [round(float(v), 5) for v in rng.uniform(1, 10, size=features)],
        "heads": {"intent": _spec(rng, features, 12), "procedure": _spec(rng, features, 41)},
    }
    model = read_model(encode_model(data))
    assert model._idf.tolist() == data["idf"] and model.vocabulary_size == features
    vector = Vector(rng.permutation(features)[:120], rng.uniform(0, 1, size=120).astype(np.float32))
    for name, spec in data["heads"].items():
        head = model.heads[name]
        assert head.classes == tuple(spec["classes"]) and head.weights == len(spec["weights"])
        assert head._intercept.tolist() == np.asarray(spec["intercept"], dtype=np.float32).tolist()
        dense = _dense(spec, features)
        assert head._weights[head._rows].tobytes() == dense.tobytes()
        expected = vector.values @ dense[vector.indices] + np.asarray(spec["intercept"], dtype=np.float32)
        assert head.scores(vector).tobytes() == expected.tobytes()
    data["idf"][7] += 1e-7
    with pytest.raises(ValueError, match="decimals"):
        encode_model(data)
