"""The symbol scan's cheap paths keep its verdicts: names looked up per word, imports found from a bytes search,
relative imports read only where a namespace package is shared by several distributions."""

from __future__ import annotations

from typing import TYPE_CHECKING

from langchain_doctor._checks import symbols
from langchain_doctor._checks._symbols import Scanner, has_word, top_imports
from langchain_doctor.context import Options

from tests.fakeenv import FakeSite, make_env

if TYPE_CHECKING:
    from pathlib import Path

NO_CACHE = Options(use_cache=False)


def test_has_word_matches_whole_identifiers_only() -> None:
    text = "class UsageMetadataX: ...\n_UsageMetadata = 1\nx = {'UsageMetadata': 'ai'}\n"
    assert has_word(text, "UsageMetadata")  # the dict key
    assert not has_word("class UsageMetadataX: ...\n_UsageMetadata = 1\n", "UsageMetadata")
    assert has_word("UsageMetadata", "UsageMetadata") and not has_word("", "UsageMetadata")


def test_top_imports_lines_and_filters(tmp_path: Path) -> None:
    f = tmp_path / "m.py"
    f.write_text("import os\nfrom langchain_core.messages import (\n    AIMessage,  # c\n    Other as O,\n)\n"
                 "def g():\n    from langchain_core.x import Inside\nfrom other_pkg import Nope\n"
                 "from langchain_core.tools import tool\nfrom . import sibling\n")
    facts = top_imports(str(f), "pkg.m", False, ("langchain_core.", "langchain_core"), relative=False)
    assert facts["imports"] == [[2, "langchain_core.messages", "AIMessage"], [2, "langchain_core.messages", "Other"],
                                [9, "langchain_core.tools", "tool"]]
    # a file with no column-0 import of a wanted module gives nothing
    g = tmp_path / "n.py"
    g.write_text("import langchain_core\nx = 'from langchain_core.messages import AIMessage'\n")
    assert top_imports(str(g), "pkg.n", False, ("langchain_core",), relative=False)["imports"] == []


def test_relative_import_into_another_distribution_of_a_shared_namespace(tmp_path: Path) -> None:
    site = FakeSite(tmp_path / "site-packages")
    site.root.mkdir(parents=True)
    # langgraph-checkpoint owns langgraph/checkpoint/; langgraph imports from it relatively
    site.add("langgraph-checkpoint", "2.0.0", modules={
        "langgraph/checkpoint/__init__.py": "", "langgraph/checkpoint/base.py": "class BaseCheckpointSaver: ...\n"})
    site.add("langgraph", "0.6.0", modules={
        "langgraph/pregel/__init__.py": "from ..checkpoint.base import BaseCheckpointSaver, CheckpointMissing\n"})
    found = list(symbols.run(make_env(site, options=NO_CACHE)))
    assert [f.code for f in found] == ["LCD701"] and "CheckpointMissing" in found[0].title
    assert "BaseCheckpointSaver" not in found[0].title


def test_target_answers_are_cached_per_name(tmp_path: Path) -> None:
    from langchain_doctor._checks._symbols import exported

    site = FakeSite(tmp_path / "site-packages")
    site.root.mkdir(parents=True)
    site.add("langchain-core", "1.0.1", modules={"langchain_core/__init__.py": "",
                                                 "langchain_core/messages.py": "class AIMessage: ...\n"})
    scanner = Scanner()
    names = exported(scanner, (str(site.root),), "langchain_core.messages")
    assert names is not None and "AIMessage" in names and "InputTokenDetails" not in names
    entry = scanner.cache[str(site.root / "langchain_core/messages.py")]
    assert entry[2]["hits"] == {"AIMessage": True, "InputTokenDetails": False}  # type: ignore[index]
