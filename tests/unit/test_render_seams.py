"""The renderers receive everything in the typed Report: they import the model, the standard library and rich only."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

RENDER = Path(__file__).resolve().parents[2] / "doctor" / "render"


def _imports(path: Path) -> list[tuple[int, str]]:
    """(level, module) of every import in the file, wherever it stands (lazy imports included)."""
    out = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            out += [(0, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            out.append((node.level, node.module or ""))
    return out


def test_renderers_import_only_the_model_stdlib_and_rich() -> None:
    files = sorted(RENDER.glob("*.py"))
    assert len(files) >= 7
    for path in files:
        for level, module in _imports(path):
            if level == 0:
                top = module.split(".")[0]
                assert top in sys.stdlib_module_names or top == "rich", (path.name, module)
            elif level == 1:  # a sibling renderer, or this package (the format table)
                assert module == "" or (RENDER / f"{module.split('.')[0]}.py").exists(), (path.name, module)
            else:
                assert level == 2 and module == "model", (path.name, f"{'.' * level}{module}")


def test_renderers_read_no_untyped_extras() -> None:
    # ``Report.extras`` is a command's own JSON block (fix, what_if): only the JSON renderer passes it through.
    for path in RENDER.glob("*.py"):
        if path.name != "jsonfmt.py":
            assert ".extras" not in path.read_text(), path.name
