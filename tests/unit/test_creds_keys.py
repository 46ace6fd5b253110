"""Key validation and the .env reader: every kind of broken key, and python-dotenv's parsing rules."""

from __future__ import annotations

from pathlib import Path

import pytest
from langchain_doctor.creds import dotenv, keys
from langchain_doctor.knowledge.providers import BY_NAME
from langchain_doctor.redact import fingerprint

OPENAI = BY_NAME["openai"]
GOOD_OPENAI = "sk-proj-" + "A1b2C3d4E5f6G7h8I9j0" * 2


def codes(name: str, value: str, provider: str = "openai") -> list[str]:
    return [i.code for i in keys.inspect(name, value, BY_NAME[provider])]


def test_a_real_looking_key_has_no_issue() -> None:
    assert codes("OPENAI_API_KEY", GOOD_OPENAI) == []
    assert codes("GROQ_API_KEY", "gsk_" + "x1Y2z3" * 8, "groq") == []
    assert codes("ANTHROPIC_API_KEY", "sk-ant-api03-" + "Q" * 40, "anthropic") == []


@pytest.mark.parametrize("value", ["", "   ", "\n"])
def test_empty(value: str) -> None:
    assert codes("OPENAI_API_KEY", value) == ["LCD402"]


@pytest.mark.parametrize("value", [
    "your-api-key", "YOUR_OPENAI_API_KEY", "<your key>", "xxx", "changeme", "sk-...", "sk-xxxxxxxx",
    "sk-proj-....", "${OPENAI_API_KEY}", "$OPENAI_API_KEY", "OPENAI_API_KEY", "insert-key-here",
    "paste_your_token_here", "sk-abc…xyz", "{{api_key}}", "none",
])
def test_placeholders(value: str) -> None:
    assert "LCD403" in codes("OPENAI_API_KEY", value)


def test_quoted_key_with_trailing_newline() -> None:
    [issue] = keys.inspect("OPENAI_API_KEY", f'"{GOOD_OPENAI}"\n', OPENAI)
    assert issue.code == "LCD404"
    assert "surrounding quotes" in issue.detail and "trailing newline" in issue.detail
    assert GOOD_OPENAI not in issue.detail


@pytest.mark.parametrize(("value", "what"), [
    (f" {GOOD_OPENAI}", "leading whitespace"),
    (f"{GOOD_OPENAI} ", "trailing whitespace"),
    (f"'{GOOD_OPENAI}'", "surrounding quotes"),
    (GOOD_OPENAI[:10] + " " + GOOD_OPENAI[10:], "whitespace inside"),
])
def test_stray_characters(value: str, what: str) -> None:
    [issue] = keys.inspect("OPENAI_API_KEY", value, OPENAI)
    assert issue.code == "LCD404" and what in issue.detail


def test_anthropic_key_in_openai_variable_is_named_as_such() -> None:
    [issue] = keys.inspect("OPENAI_API_KEY", "sk-ant-api03-" + "Z" * 40, OPENAI)
    assert issue.code == "LCD405"
    assert "anthropic key (`sk-ant-`)" in issue.detail and "not an openai key" in issue.detail


@pytest.mark.parametrize(("var", "provider", "value", "word"), [
    ("GROQ_API_KEY", "groq", "sk-proj-" + "a" * 40, "openai"),
    ("TOGETHER_API_KEY", "together", "gsk_" + "a" * 40, "groq"),
    ("OPENAI_API_KEY", "openai", "AKIA" + "A" * 16, "AWS access key id"),
    ("ANTHROPIC_API_KEY", "anthropic", "lsv2_pt_" + "a" * 40, "LangSmith"),
])
def test_other_formats(var: str, provider: str, value: str, word: str) -> None:
    [issue] = keys.inspect(var, value, BY_NAME[provider])
    assert issue.code == "LCD405" and word in issue.detail


def test_deepseek_shares_the_sk_prefix_without_complaint() -> None:
    assert codes("DEEPSEEK_API_KEY", "sk-" + "a" * 32, "deepseek") == []


def test_unexpected_format_is_only_a_warning_code() -> None:
    assert codes("GROQ_API_KEY", "a" * 40, "groq") == ["LCD406"]
    assert codes("MISTRAL_API_KEY", "a" * 32, "mistralai") == []  # no documented prefix: nothing to say


def test_fingerprint_shows_prefix_and_tail_only() -> None:
    fp = fingerprint(f'"{GOOD_OPENAI}"\n')
    assert fp.startswith("sk-proj-...") and GOOD_OPENAI[-4:] in fp and GOOD_OPENAI not in fp


# --- .env parsing ------------------------------------------------------------------------------------------

def test_dotenv_parses_like_python_dotenv() -> None:
    text = (
        "# comment\n"
        "export OPENAI_API_KEY=sk-abc  # trailing comment\n"
        "A='single # not a comment'\n"
        'B="double\\nescape"\n'
        'MULTI="line1\nline2"\n'
        "EMPTY=\n"
        "SPACED =  value with spaces  \n"
        "not a binding\n"
        'BROKEN="unterminated\n'
    )
    f = dotenv.parse(text, "x/.env")
    e = f.entries
    assert e["OPENAI_API_KEY"].value == "sk-abc" and e["OPENAI_API_KEY"].line == 2
    assert e["A"].value == "single # not a comment"
    assert e["B"].value == "double\nescape"
    assert e["MULTI"].value == "line1\nline2"
    assert e["EMPTY"].value == ""
    assert e["SPACED"].value == "value with spaces"
    assert f.bad_lines == (9, 10)  # MULTI spans lines 5-6


def test_dotenv_quotes_inside_quotes_are_kept_so_they_can_be_flagged() -> None:
    f = dotenv.parse("OPENAI_API_KEY=\"'sk-inner'\"\n")
    assert f.entries["OPENAI_API_KEY"].value == "'sk-inner'"


def test_dotenv_search_goes_up_to_the_project_root_only(tmp_path: Path) -> None:
    root = tmp_path / "proj"
    nb_dir = root / "notebooks" / "deep"
    nb_dir.mkdir(parents=True)
    (root / "pyproject.toml").write_text("")
    (root / ".env").write_text("X=1\n")
    (tmp_path / ".env").write_text("OUTSIDE=1\n")
    found = dotenv.find([str(nb_dir)])
    assert [f.path for f in found] == [str(root / ".env")]
    assert dotenv.find([str(tmp_path / "elsewhere")]) == []


def test_dotenv_unreadable_file_is_reported_not_raised(tmp_path: Path) -> None:
    (tmp_path / ".env").mkdir()
    assert dotenv.read(tmp_path / ".env").error


def test_code_loads_dotenv() -> None:
    assert dotenv.code_loads_dotenv('from dotenv import load_dotenv\nload_dotenv()')
    assert dotenv.code_loads_dotenv('"source": ["%load_ext dotenv\\n", "%dotenv"]')
    assert not dotenv.code_loads_dotenv("import os\nos.environ['X']")
