"""The test suite's own layout: a test module is a specification, never a library. What several tests
share lives in named modules beside them (factories.py, helpers.py, *_helpers.py, conftest.py), so
that reading one test module never means reading another."""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]


def _is_test_module(dotted: str) -> bool:
    return any(part.startswith("test_") for part in dotted.split("."))


def _imported(path: Path, root: Path) -> list[tuple[int, str]]:
    """What `path` imports, by dotted name (relative imports resolved), with the line: the module of a
    `from m import n`, or `m.n` when `m` is a package and `n` may be a module of it."""
    package = [root.name, *path.relative_to(root).parent.parts]
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            module = ".".join([*base, *([node.module] if node.module else [])])
            if _is_test_module(module):
                found.append((node.lineno, module))
            else:
                found.extend((node.lineno, f"{module}.{alias.name}") for alias in node.names)
    return found


def imports_of_test_modules(root: Path) -> list[str]:
    """Each import, in the suite under `root`, of a test module: as `path:line imports module`."""
    return [
        f"{path.relative_to(root.parent).as_posix()}:{line} imports {module}"
        for path in sorted(root.rglob("*.py"))
        for line, module in _imported(path, root)
        if module.startswith(f"{root.name}.") and _is_test_module(module)
    ]


def test_no_test_module_imports_another_test_module() -> None:
    assert imports_of_test_modules(TESTS) == []


def test_the_check_sees_absolute_relative_and_module_imports_of_test_modules(tmp_path: Path) -> None:
    root = tmp_path / "tests"
    (root / "integration" / "api").mkdir(parents=True)
    (root / "integration" / "test_a.py").write_text("def builder() -> None: ...\n")
    (root / "integration" / "api" / "test_b.py").write_text(
        "from tests.integration.test_a import builder\n"
        "from ..test_a import builder as again\n"
        "from tests.integration import test_a\n"
        "import tests.integration.test_a\n"
        "from tests.integration.factories import submitted_dossier\n"
        "from tests.integration.conftest import bearer\n"
    )
    assert imports_of_test_modules(root) == [
        "tests/integration/api/test_b.py:1 imports tests.integration.test_a",
        "tests/integration/api/test_b.py:2 imports tests.integration.test_a",
        "tests/integration/api/test_b.py:3 imports tests.integration.test_a",
        "tests/integration/api/test_b.py:4 imports tests.integration.test_a",
    ]
