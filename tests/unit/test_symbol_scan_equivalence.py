"""The symbol scan's cheap forms give what the anchored patterns they replace give, on every text.

``target_facts`` looks for ``globals()``, ``def __getattr__(`` and star imports from the words they need instead of
trying the anchored patterns at every line; ``top_imports`` drops statements of modules outside ``wanted`` as bytes.
Each is compared with the pattern itself on random texts made of the pieces that matter, and on real modules.
"""

from __future__ import annotations

import os
import random
import sys
import typing
from pathlib import Path

from langchain_doctor._checks import _symbols
from langchain_doctor._checks._symbols import _DICT, _STAR, _resolve, top_imports

PIECES = ["globals()", "globals", "()", "\n", " ", "\t", "#", "x", "_", "(", "é", "\u00a0", "=", ".",
          "def __getattr__(", "def  __getattr__(", "from", "import", " *", "*", "from .a import *",
          "from a.b import  *", "    from c import *", "from", " d ", "import\t*", "\n\n", "a" * 150, "b" * 60]


def _reference(path: str, module: str, is_pkg: bool, text: str) -> dict[str, object]:
    """target_facts as the anchored patterns compute it (the form before the cheap one)."""
    import re

    dynamic = re.compile(r"^[^\s#][^\n]{0,200}\bglobals\(\)", re.MULTILINE)
    getattr_ = re.compile(r"^def __getattr__\(", re.MULTILINE)
    next_top = re.compile(r"^[^\s#\n]", re.MULTILINE)
    known = dynamic.search(text) is None
    g = getattr_.search(text)
    if known and g is not None:
        end = next_top.search(text, g.end())
        body = text[g.end(): end.start() if end else len(text)]
        dicts = {m.group(1) for m in _DICT.finditer(text)}
        known = any(_symbols.has_word(body, d) for d in dicts)
    star = [_resolve(m.group(1).lstrip("."), len(m.group(1)) - len(m.group(1).lstrip(".")), path, is_pkg, module)
            for m in _STAR.finditer(text)]
    return {"star": star, "known": known, "hits": {}}


def test_target_facts_agree_with_the_patterns_on_random_texts() -> None:
    rng = random.Random(15)
    agreed_dynamic = {True: 0, False: 0}
    for _ in range(4000):
        text = "".join(rng.choice(PIECES) for _ in range(rng.randint(0, 40)))
        ours = _symbols.target_facts("/x/pkg/m.py", "pkg.m", False, text)
        assert ours == _reference("/x/pkg/m.py", "pkg.m", False, text), repr(text)
        agreed_dynamic[bool(ours["known"])] += 1
    assert min(agreed_dynamic.values()) > 100  # both answers were exercised


def test_target_facts_agree_on_real_modules() -> None:
    folder = Path(os.__file__).parent
    files = [Path(typing.__file__), *sorted(folder.glob("*.py"))[:60], *sorted(Path(_symbols.__file__).parent.glob("*.py"))]
    extensions = sys.modules.get("typing_extensions")
    if extensions is not None and extensions.__file__:
        files.append(Path(extensions.__file__))
    for f in files:
        text = f.read_text(encoding="utf-8", errors="replace")
        assert _symbols.target_facts(str(f), f.stem, False, text) == _reference(str(f), f.stem, False, text), f


def test_top_imports_bytes_filter_keeps_exactly_the_wanted_statements(tmp_path: Path) -> None:
    source = ("from langchain_core.messages import A, B  # c\n"
              "from langchain_corex import C\n"
              "from typing_extensions import Self\n"
              "from langchain_openai.chat import (\n    D,\n    E as F,\n)\n"
              "from .sibling import G\n"
              "from ..up import H\n"
              "    from langchain_core import Indented\n"
              "from langchain_core import *\n")
    f = tmp_path / "pkg" / "mod.py"
    f.parent.mkdir()
    f.write_text(source, encoding="utf-8")
    searched = ("langchain_core", "langchain_core.", "langchain_openai", "langchain_openai.", "typing_extensions")
    got = top_imports(str(f), "pkg.mod", False, ("langchain_openai", "langchain_openai."), True, searched)
    assert got == {"imports": [[4, "langchain_openai.chat", "D"], [4, "langchain_openai.chat", "E"]]}
    got = top_imports(str(f), "pkg.mod", False, ("langchain_core", "langchain_core.", "typing_extensions"), True,
                      searched)
    # ``wanted`` are prefixes, as they always were (``langchain_corex`` starts with ``langchain_core``)
    assert got == {"imports": [[1, "langchain_core.messages", "A"], [1, "langchain_core.messages", "B"],
                               [2, "langchain_corex", "C"], [3, "typing_extensions", "Self"]]}
    # relative imports are resolved before the filter: pkg.sibling is outside, and so is the parent's ``up``
    got = top_imports(str(f), "pkg.mod", False, ("pkg",), True, (*searched, "pkg"))
    assert got == {"imports": [[8, "pkg.sibling", "G"]]}
    # the bytes given are those read
    assert top_imports(str(f), "pkg.mod", False, ("typing_extensions",), True, searched,
                       data=b"from typing_extensions import Z\n") == {"imports": [[1, "typing_extensions", "Z"]]}


def _reference_imports(path: str, module: str, is_pkg: bool, wanted: tuple[str, ...], relative: bool,
                       searched: tuple[str, ...], data: bytes) -> dict[str, object]:
    """top_imports as it was before the bytes filter: every statement decoded and resolved, then filtered."""
    import re

    imports: list[list[object]] = []
    data = b"\n" + data
    line, pos = 0, 0
    for m in _symbols._statement_pattern(searched or wanted, relative).finditer(data):
        raw = m.group(1).decode("utf-8", "replace")
        level = len(raw) - len(raw.lstrip("."))
        target = _resolve(raw.lstrip("."), level, path, is_pkg, module)
        if not target.startswith(wanted):
            continue
        line += data.count(b"\n", pos, m.start() + 1)
        pos = m.start() + 1
        body = re.sub(r"#[^\n]{0,2000}", "", m.group(2).decode("utf-8", "replace")).strip("() \t\n\\")
        for part in body.split(","):
            a = _symbols._ALIAS.fullmatch(part.strip())
            if a is not None and a.group(1) != "*":
                imports.append([line, target, a.group(1)])
    return {"imports": imports}


def test_top_imports_agree_with_decoding_every_statement_on_random_texts() -> None:
    rng = random.Random(7)
    names = ["langchain_core", "langchain_core.messages", "langchain_corex", "typing_extensions", "pkg", "pkg.sub",
             "other", ".", "..", ".sib", "..up.x", "langchain_openai"]
    pieces = [*(f"from {n} import A, B as C  # x\n" for n in names), *(f"from {n} import (\n  D,\n  E)\n" for n in names),
              "\n", "    ", "x = 1\n", "from\t", "import *\n", "\u00e9"]
    searched = ("langchain_core", "langchain_core.", "langchain_openai", "typing_extensions", "pkg", "pkg.")
    for _ in range(400):
        data = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 25))).encode()
        for wanted in (("langchain_core", "langchain_core."), ("typing_extensions",), ("pkg", "pkg."),
                       ("langchain_openai", "typing_extensions")):
            for relative in (True, False):
                for is_pkg in (True, False):
                    ours = top_imports("/x/pkg/sub/m.py", "pkg.sub.m", is_pkg, wanted, relative, searched, data=data)
                    assert ours == _reference_imports("/x/pkg/sub/m.py", "pkg.sub.m", is_pkg, wanted, relative,
                                                      searched, data), (data, wanted, relative)
