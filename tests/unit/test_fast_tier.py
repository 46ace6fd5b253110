"""The fast tier (`-m "not integration"`) does not collect tests/integration (tests/conftest.py), so no fast test may
live there: each test module under tests/integration is read here, and every test in it must carry the
`integration` mark, from the module's `pytestmark`, its class or its own decorator. The collection guard in
tests/conftest.py checks the same with pytest's own marks wherever that folder is collected; it is proven here too.
"""

from __future__ import annotations

import ast
from pathlib import Path
from types import SimpleNamespace
from typing import Any, cast

import pytest

from tests import conftest

INTEGRATION = Path(__file__).resolve().parents[1] / "integration"


def _marks_integration(decorators: list[ast.expr]) -> bool:
    # `@pytest.mark.integration` or a `pytestmark = [..., pytest.mark.integration, ...]` list, also called with
    # arguments (`pytest.mark.integration(...)`).
    return any(isinstance(node, ast.Attribute) and node.attr == "integration"
               and ast.unparse(node.value) == "pytest.mark"
               for decorator in decorators for node in ast.walk(decorator))


def unmarked_tests(source: str) -> list[str]:
    """The tests a module defines (pytest's default names) that no `integration` mark reaches."""
    tree = ast.parse(source)
    module_marks = [node.value for node in tree.body if isinstance(node, (ast.Assign, ast.AnnAssign))
                    and node.value is not None
                    and any(isinstance(t, ast.Name) and t.id == "pytestmark"
                            for t in (node.targets if isinstance(node, ast.Assign) else [node.target]))]
    if _marks_integration(module_marks):
        return []
    unmarked: list[str] = []
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name.startswith("test"):
            if not _marks_integration(node.decorator_list):
                unmarked.append(node.name)
        elif isinstance(node, ast.ClassDef) and node.name.startswith("Test"):
            class_marks = node.decorator_list + [
                item.value for item in node.body if isinstance(item, ast.Assign)
                and any(isinstance(t, ast.Name) and t.id == "pytestmark" for t in item.targets)]
            if _marks_integration(class_marks):
                continue
            unmarked += [f"{node.name}.{item.name}" for item in node.body
                         if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)) and item.name.startswith("test")
                         and not _marks_integration(item.decorator_list)]
    return unmarked


def test_every_test_under_integration_is_marked_integration() -> None:
    modules = sorted(INTEGRATION.glob("test_*.py"))
    assert len(modules) > 20  # the folder is there and read
    unmarked = {path.name: names for path in modules if (names := unmarked_tests(path.read_text()))}
    assert unmarked == {}, "fast tests belong in tests/unit: the fast tier does not collect tests/integration"


def test_the_reader_sees_every_way_a_test_escapes_the_mark() -> None:
    assert unmarked_tests("import pytest\npytestmark = pytest.mark.integration\ndef test_a(): pass\n") == []
    assert unmarked_tests("import pytest\npytestmark = [pytest.mark.integration, pytest.mark.skipif(True, "
                          "reason='x')]\ndef test_a(): pass\n") == []
    assert unmarked_tests("import pytest\n@pytest.mark.integration\ndef test_a(): pass\n"
                          "def test_b(): pass\ndef helper(): pass\n") == ["test_b"]
    assert unmarked_tests("import pytest\npytestmark = pytest.mark.slow\n@pytest.mark.integration\n"
                          "async def test_a(): pass\nasync def test_b(): pass\n") == ["test_b"]
    assert unmarked_tests("import pytest\nclass TestA:\n    def test_a(self): pass\n"
                          "@pytest.mark.integration\nclass TestB:\n    def test_b(self): pass\n"
                          "class TestC:\n    pytestmark = pytest.mark.integration\n    def test_c(self): pass\n"
                          "class TestD:\n    @pytest.mark.integration\n    def test_d(self): pass\n"
                          "    def test_e(self): pass\n") == ["TestA.test_a", "TestD.test_e"]
    # A look-alike is not the mark.
    assert unmarked_tests("import pytest\n@pytest.mark.integrations\ndef test_a(): pass\n"
                          "@other.mark.integration\ndef test_b(): pass\n") == ["test_a", "test_b"]


def _config(markexpr: str) -> pytest.Config:
    return cast(pytest.Config, SimpleNamespace(getoption=lambda name: {"markexpr": markexpr}[name]))


def test_only_the_fast_tiers_expression_skips_the_integration_folder() -> None:
    assert conftest.pytest_ignore_collect(INTEGRATION, _config("not integration")) is True
    assert conftest.pytest_ignore_collect(INTEGRATION, _config(" not integration ")) is True
    for other in ("", "integration", "not integration and not slow", "not (integration)"):
        assert conftest.pytest_ignore_collect(INTEGRATION, _config(other)) is None
    for path in (INTEGRATION.parent / "unit", INTEGRATION / "test_real_venvs.py", INTEGRATION.parent):
        assert conftest.pytest_ignore_collect(path, _config("not integration")) is None


def _item(path: Path, marked: bool) -> pytest.Item:
    item: Any = SimpleNamespace(path=path, nodeid=f"{path.name}::test",
                                get_closest_marker=lambda name: object() if marked and name == "integration" else None)
    return cast(pytest.Item, item)


def test_the_collection_guard_fails_on_an_unmarked_integration_test() -> None:
    fine = [_item(INTEGRATION / "test_a.py", True), _item(INTEGRATION.parent / "unit" / "test_b.py", False)]
    conftest.pytest_collection_modifyitems(_config(""), fine)
    stray = _item(INTEGRATION / "test_c.py", False)
    assert conftest.unmarked_integration_tests([*fine, stray]) == ["test_c.py::test"]
    with pytest.raises(pytest.UsageError, match=r"test_c\.py::test"):
        conftest.pytest_collection_modifyitems(_config("integration"), [*fine, stray])
