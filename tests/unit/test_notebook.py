"""The notebook reader: what a notebook or script imports, constructs and reads, whatever else its cells hold."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from langchain_doctor import kernels
from langchain_doctor.notebook import NotebookError, read

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def notebook(path: Path, *cells: str, kernel: str | None = "python3") -> Path:
    nb = {"cells": [{"cell_type": "code", "source": c.splitlines(keepends=True), "outputs": []} for c in cells],
          "metadata": {"kernelspec": {"name": kernel, "display_name": "k"}} if kernel else {}, "nbformat": 4,
          "nbformat_minor": 5}
    path.write_text(json.dumps(nb))
    return path


def test_seed_notebook() -> None:
    facts = read(EXAMPLES / "response-metadata.ipynb")
    assert facts.providers == ("openai", "anthropic", "google-vertexai", "aws", "mistralai", "groq", "fireworks",
                               "together")
    assert ("together", "langchain-openai") in facts.provider_packages
    assert facts.env_vars == ("TOGETHER_API_KEY",)
    assert facts.kernel_name == "python3"
    assert [i.module for i in facts.imports if i.cell == 8] == ["langchain_fireworks"]
    [together] = [c for c in facts.classes if c.provider == "together"]
    assert dict(together.kwargs)["base_url"] == "https://api.together.xyz/v1"


def test_magics_shell_lines_syntax_errors_and_empty_cells(tmp_path: Path) -> None:
    nb = notebook(
        tmp_path / "n.ipynb",
        "%pip install langchain-groq\n!ls -la\nfiles = !ls\nfrom langchain_groq import ChatGroq",
        "%%bash\necho not python",
        "def broken(:\n    pass",
        "",
        "%%time\nimport os\nkey = os.getenv('GROQ_API_KEY')\nChatGroq?\n",
        "from langchain.chat_models import init_chat_model\nm = init_chat_model('anthropic:claude-3-5-haiku')",
        "import getpass\nos.environ['MISTRAL_API_KEY'] = getpass.getpass('Enter MISTRAL_API_KEY')",
    )
    facts = read(nb)
    assert [i.module for i in facts.imports] == ["langchain_groq", "os", "langchain.chat_models", "getpass"]
    assert facts.providers[:2] == ("groq", "anthropic")
    assert "mistralai" in facts.providers
    assert "GROQ_API_KEY" in facts.env_vars
    assert facts.env_vars_set == ("MISTRAL_API_KEY",)
    assert len(facts.problems) == 1 and "cell 3" in facts.problems[0]


def test_non_utf8_bytes(tmp_path: Path) -> None:
    p = tmp_path / "s.py"
    p.write_bytes(b"# \xff\xfe caf\xe9\nfrom langchain_openai import ChatOpenAI\nx = ChatOpenAI(model='gpt-4o')\n")
    facts = read(p)
    assert facts.providers == ("openai",)
    assert facts.problems and "UTF-8" in facts.problems[0]


def test_py_script_with_base_url_and_env(tmp_path: Path) -> None:
    p = tmp_path / "app.py"
    p.write_text("import os\nfrom langchain_openai import ChatOpenAI\n"
                 "llm = ChatOpenAI(base_url='https://api.fireworks.ai/inference/v1', "
                 "api_key=os.environ['FIREWORKS_API_KEY'])\n")
    facts = read(p)
    assert facts.providers == ("fireworks",)
    assert facts.provider_packages == (("fireworks", "langchain-openai"),)
    assert facts.env_vars == ("FIREWORKS_API_KEY",)


@pytest.mark.parametrize("content", [b"{not json", b"[1, 2]"])
def test_not_a_notebook(tmp_path: Path, content: bytes) -> None:
    p = tmp_path / "x.ipynb"
    p.write_bytes(content)
    with pytest.raises(NotebookError):
        read(p)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(NotebookError):
        read(tmp_path / "nope.ipynb")


def test_kernelspec_resolution(tmp_path: Path) -> None:
    spec = tmp_path / "share" / "kernels" / "rag-env"
    spec.mkdir(parents=True)
    python = tmp_path / "envs" / "rag" / "bin" / "python"
    python.parent.mkdir(parents=True)
    python.write_text("")
    (spec / "kernel.json").write_text(json.dumps({"argv": [str(python), "-m", "ipykernel_launcher", "-f",
                                                           "{connection_file}"]}))
    found = kernels.resolve("rag-env", {"JUPYTER_PATH": str(tmp_path / "share")})
    assert found is not None and found[0] == str(python) and "rag-env" in found[1]
    assert kernels.resolve("other", {"JUPYTER_PATH": str(tmp_path / "share")}) is None
