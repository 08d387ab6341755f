import importlib.util
import json
from pathlib import Path

import pytest

from core.provinces import PROVINCES, province_code
from core.settings import from_env


def test_the_table_is_the_administrative_data_s() -> None:
    spec = importlib.util.find_spec("underthesea")
    assert spec is not None
    assert spec.submodule_search_locations
    path = Path(next(iter(spec.submodule_search_locations))) / "address" / "data" / "mapping.json"
    names = json.loads(path.read_text(encoding="utf-8"))["province_names"]
    assert sorted(PROVINCES) == sorted((v["code"], v["name"]) for v in names.values())


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Bắc Ninh", "24"),
        ("Tỉnh Bắc Ninh", "24"),
        ("bac ninh", "24"),
        ("Cà Mau", "96"),
        ("Tây Ninh", "80"),
        ("Thành phố Hồ Chí Minh", "79"),
        ("TP Hồ Chí Minh", "79"),
        ("Hồ Chí Minh", "79"),
        ("79", "79"),
        ("1", "01"),
        ("Huế", "46"),
    ],
)
def test_a_province_by_name_or_code(text: str, code: str) -> None:
    assert province_code(text) == code


@pytest.mark.parametrize("text", ["Bắc Giang", "Bình Dương", "99", "xyz", ""])
def test_not_a_province_since_the_reform(text: str) -> None:
    with pytest.raises(ValueError, match="34 provinces"):
        province_code(text)


def test_settings_read_the_province_served(tmp_path: Path) -> None:
    base = {"MOTCUA_JWT_SECRET": "k" * 32, "MOTCUA_BANK_WEBHOOK_SECRET": "b", "MOTCUA_DATA_DIR": str(tmp_path)}
    assert from_env(base).province_code == "79"
    assert from_env({**base, "MOTCUA_PROVINCE": "Cà Mau"}).province_code == "96"
    assert from_env({**base, "MOTCUA_PROVINCE_CODE": "24"}).province_code == "24"
    with pytest.raises(ValueError, match="MOTCUA_PROVINCE='Bạc Liêu'"):
        from_env({**base, "MOTCUA_PROVINCE": "Bạc Liêu"})
