import gc
import importlib
import pkgutil
from pathlib import Path

import pytest

from i18n.catalogs import Translations, load, po_path, translations
from i18n.extract import SOURCES, check, extract
from i18n.messages import Plural, Text

ROOT = Path(__file__).resolve().parents[3]


def test_the_catalogs_cover_every_message_of_the_code() -> None:
    assert check(ROOT) == []


def test_messages_built_at_run_time_are_in_the_catalog_too() -> None:
    """The extractor reads literals only; a Text made from a computed string would read Vietnamese in English."""
    for package in (s for s in SOURCES if not s.endswith(".py")):
        for info in pkgutil.walk_packages([str(ROOT / package)], prefix=f"{package}."):
            importlib.import_module(info.name)
    english = translations("en")
    assert english is not None
    made = [o for o in gc.get_objects() if isinstance(o, Text | Plural)]
    assert len(made) > 200
    for message in made:
        table = english.singular if isinstance(message, Text) else english.plural
        assert (message.ctx, message.vi) in table, message


def test_a_context_keeps_apart_one_vietnamese_text_with_two_english_ones() -> None:
    assert Text("Người nộp").pick("en") == "Applicant"
    assert Text("Người nộp", ctx="receipt").pick("en") == "Payer"
    assert Text("Người nộp", ctx="receipt").pick("vi") == "Người nộp"
    assert Text("Hồ sơ {code}").render("en", code="X-1") == "Dossier X-1"


def test_plural_forms_follow_each_language() -> None:
    papers = Plural("{n} giấy tờ")
    assert [papers.render("en", n) for n in (1, 2)] == ["1 paper", "2 papers"]
    assert [papers.render("vi", n) for n in (1, 2)] == ["1 giấy tờ", "2 giấy tờ"]
    assert Plural("{n} ngày làm việc").render("en", 1) == "1 working day"


def test_a_text_missing_from_the_catalogs_reads_in_vietnamese() -> None:
    assert Text("Chưa có trong danh mục").pick("en") == "Chưa có trong danh mục"
    assert Text("Mã hồ sơ").pick("fr") == "Mã hồ sơ"


def test_the_vietnamese_catalog_translates_each_message_to_itself() -> None:
    vi = load(po_path("vi"), "vi")
    assert vi.num_plurals == 1
    assert all(m.string in (m.id, (m.id[0],)) for m in vi if m.id)


# ---- the check itself, on a small project of its own --------------------------------------------------


def _project(tmp_path: Path, source: str) -> tuple[Path, Path]:
    (tmp_path / "api").mkdir(exist_ok=True)
    (tmp_path / "api" / "texts.py").write_text(source, encoding="utf-8")
    return tmp_path, tmp_path / "locales"


SOURCE = """from i18n.messages import Plural, Text
HELLO = Text("Xin chào {name}")
BYE = Text("Tạm biệt", ctx="chat")
PAPERS = Plural("{n} giấy tờ")
"""


def _translate(base: Path, strings: dict[str, str | tuple[str, ...]]) -> None:
    from i18n.extract import _write

    english = load(po_path("en", base), "en")
    for message in english:
        if message.id:
            key = message.id if isinstance(message.id, str) else message.id[0]
            message.string = strings[key]
    _write(po_path("en", base), english)


ENGLISH: dict[str, str | tuple[str, ...]] = {
    "Xin chào {name}": "Hello {name}",
    "Tạm biệt": "Goodbye",
    "{n} giấy tờ": ("{n} paper", "{n} papers"),
}


def _translated(tmp_path: Path) -> tuple[Path, Path]:
    root, base = _project(tmp_path, SOURCE)
    extract(root, base)
    _translate(base, ENGLISH)
    return root, base


def test_check_wants_catalogs_before_extract(tmp_path: Path) -> None:
    root, base = _project(tmp_path, SOURCE)
    found = check(root, base)
    assert any("en: " in line and "does not exist" in line for line in found)
    assert any("messages.pot does not exist" in line for line in found)


def test_check_passes_once_extracted_and_translated(tmp_path: Path) -> None:
    root, base = _project(tmp_path, SOURCE)
    extract(root, base)
    untranslated = check(root, base)
    assert sorted(untranslated) == [
        "en: 'Tạm biệt' (context 'chat') is not translated",
        "en: 'Xin chào {name}' is not translated",
        "en: '{n} giấy tờ' is not translated",
    ]
    _translate(base, ENGLISH)
    assert check(root, base) == []


@pytest.mark.parametrize(
    ("msgid", "wrong"),
    [("Xin chào {name}", "Hello {nom}"), ("Xin chào {name}", "Hello"), ("{n} giấy tờ", ("a paper", "{n} papers"))],
)
def test_check_refuses_other_placeholders(tmp_path: Path, msgid: str, wrong: str | tuple[str, ...]) -> None:
    root, base = _project(tmp_path, SOURCE)
    extract(root, base)
    _translate(base, {**ENGLISH, msgid: wrong})
    found = check(root, base)
    assert len(found) == 1 and f"en: {msgid!r} has placeholders" in found[0]


def test_check_reports_a_message_new_in_the_code(tmp_path: Path) -> None:
    root, base = _translated(tmp_path)
    _project(tmp_path, SOURCE + 'NEW = Text("Mới")\n')
    found = check(root, base)
    assert "messages.pot is out of date: run `motcua i18n extract`" in found
    assert "en: 'Mới' is missing (run `motcua i18n extract`)" in found
    assert "vi: 'Mới' is missing (run `motcua i18n extract`)" in found


def test_check_reports_a_message_the_code_no_longer_uses(tmp_path: Path) -> None:
    root, base = _translated(tmp_path)
    _project(tmp_path, SOURCE.replace('BYE = Text("Tạm biệt", ctx="chat")\n', ""))
    found = check(root, base)
    assert "en: 'Tạm biệt' (context 'chat') is no longer used by the code" in found
    assert "vi: 'Tạm biệt' (context 'chat') is no longer used by the code" in found


def test_an_edited_source_keeps_its_old_translation_only_as_a_fuzzy_proposal(tmp_path: Path) -> None:
    root, base = _translated(tmp_path)
    _project(tmp_path, SOURCE.replace("Xin chào {name}", "Xin chào bạn {name}"))
    extract(root, base)
    assert check(root, base) == [
        "en: 'Xin chào bạn {name}' is marked fuzzy: check the translation and drop the mark",
    ]
    # the proposal is not used meanwhile: the text reads in Vietnamese until a person confirms it
    english = load(po_path("en", base), "en")
    proposal = english.get("Xin chào bạn {name}")
    assert proposal is not None and proposal.string == "Hello {name}"
    assert (None, "Xin chào bạn {name}") not in Translations(english).singular


def test_check_refuses_a_vietnamese_entry_that_differs_from_the_code(tmp_path: Path) -> None:
    from i18n.extract import _write

    root, base = _translated(tmp_path)
    vi = load(po_path("vi", base), "vi")
    edited = vi.get("Tạm biệt", context="chat")
    assert edited is not None
    edited.string = "Chào nhé"
    _write(po_path("vi", base), vi)
    assert check(root, base) == [
        "vi: 'Tạm biệt' (context 'chat') differs from its source; change the text in the code instead"
    ]


def test_an_old_two_language_pair_fails_at_import_instead_of_reading_english_as_a_context() -> None:
    with pytest.raises(TypeError):
        Text("Hồ sơ", "Dossier")  # type: ignore[call-arg]
