"""Adversarial, on the source: no text is cut before it is redacted, and no fix command is built by hand.

Two source scans keep the two mechanisms the only ones (``doctor.redact.clip``/``Redactor.cut``/``bound`` for
cutting, ``doctor.findings.command`` and its helpers for commands), and behavioural cases prove each helper
quotes hostile paths so that they round-trip through ``shlex.split``.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from types import SimpleNamespace

import pytest
from langchain_doctor import findings

ROOT = Path(__file__).resolve().parents[2]
SOURCES = sorted([*ROOT.joinpath("doctor").rglob("*.py"), *ROOT.joinpath("checks").glob("*.py")])

# A character slice with a constant bound ([:400], [-2000:], [:_MAX_TEXT]) of something that holds text.
_TEXT_CUT = re.compile(
    r"(message|msg|stderr|stdout|traceback|evidence|title|summary|reason|detail|str\([^)]*\)|text|line|value|output"
    r"|body|content|last|error|tail)(\.[a-z_]+\(\))?(\[[^]]*\])?"
    r"\[\s*(-?\s*[0-9A-Z_][0-9A-Za-z_]*\s*:\s*|:\s*-?\s*[0-9A-Z_][0-9A-Za-z_]*\s*)\]")

# A finding's evidence is a tuple of lines: slicing it picks lines, it does not cut characters.
_EVIDENCE_LINES = re.compile(r"\bf\.evidence\[[^]]*\]")

# Cuts that never reach the output, each with the reason it cannot leak a fragment.
ALLOWED_CUTS: dict[str, str] = {
    "doctor/classify.py": "matching only: what is kept is a name or kind from the tables, never the cut text",
    "doctor/explain/attribution.py": "matching only: providers and packages come from the tables",
    "doctor/explain/readers.py": "format sniffing on the first characters; json errors give positions only",
    "doctor/explain/build.py": "grouping and cache keys, never shown",
    "doctor/explain/segment.py": "line-shape tests on a few first characters",
    "doctor/kernels.py": "a JSON decoder's message (a position, no input text)",
    "doctor/fleet/inputs.py": "a JSON decoder's message (a position, no input text)",
    "doctor/skew.py": "matching only: what is kept is a provider name from the rows",
    "doctor/frames.py": "matching only: what is kept is a whole site-packages path the pattern matched",
    "doctor/creds/aws.py": "quote detection on the first/last character",
    "doctor/creds/keys.py": "quote detection on the first/last character",
}
# Target-side scripts cannot import the redactor: they cut generously on whole words (their own ``cut``).
TARGET_SIDE = {"doctor/probe/_probe.py"}


def _cuts() -> list[tuple[str, int, str]]:
    out = []
    for path in SOURCES:
        rel = path.relative_to(ROOT).as_posix()
        if rel in TARGET_SIDE or rel == "doctor/redact.py":
            continue
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            code = _EVIDENCE_LINES.sub("", line.split("#", 1)[0])
            if _TEXT_CUT.search(code):
                out.append((rel, n, line.strip()))
    return out


def test_no_text_is_cut_outside_the_redaction_layer() -> None:
    stray = [c for c in _cuts() if c[0] not in ALLOWED_CUTS]
    assert not stray, "cut shown text with doctor.redact.clip / Redactor.cut (or bound before redaction):\n" + \
        "\n".join(f"{p}:{n}: {line}" for p, n, line in stray)


def test_the_scan_finds_a_cut_when_there_is_one() -> None:
    assert _TEXT_CUT.search('evidence.append(str(exc)[:400])')
    assert _TEXT_CUT.search('stderr=done.stderr[-2000:]')
    assert _TEXT_CUT.search('title = message[:_MAX_TEXT]')
    assert not _TEXT_CUT.search('redactor.cut(message, 400)')


def test_target_side_scripts_cut_only_through_their_whole_word_cut() -> None:
    source = ROOT.joinpath("doctor/probe/_probe.py").read_text(encoding="utf-8")
    assert not re.search(r"str\((exc|w\.message)\)\[", source)
    assert not re.search(r"\)\[-_MAX_TEXT:\]|\[:_MAX_TEXT\]", source)
    creds = ROOT.joinpath("doctor/creds/probes.py").read_text(encoding="utf-8")
    assert not re.search(r"str\((exc|w\.message)\)\[", creds)


# --- commands ---------------------------------------------------------------------------------------------

_HAND_BUILT = re.compile(r"""f(["'])((?:rm|chmod|chown|export|echo|printenv|aws|gcloud|pip|python|python3|mv|cp|uv"""
                         r"""|conda|cd|unset|ln|mkdir|source|\{py\}|\{python\}|\{self\.python\})\s[^"']*)\1""")


def _is_command(match: re.Match[str]) -> bool:
    """An f-string that reads as a shell command with a value put in (prose such as "pip wrote ..." is not)."""
    body = match.group(2)
    return "{" in body and ": " not in body and " (" not in body and not re.match(r"\w+ [a-z]+ [a-z]+ [a-z]", body)


def test_the_command_scan_finds_a_hand_built_command() -> None:
    for line in ('Fix("x", (f"rm -rf {folder}",))', "(f'chmod 600 {f.path}',)", 'f"export {var}=..."',
                 'f"aws sso login --profile {profile}"', 'f"{py} -m pip install {req}"'):
        assert any(_is_command(m) for m in _HAND_BUILT.finditer(line)), line
    for line in ('f"gcloud file: {well_known}"', 'f"pip wrote no readable report: {exc}"'):
        assert not any(_is_command(m) for m in _HAND_BUILT.finditer(line)), line


def test_no_fix_command_is_built_by_hand() -> None:
    stray = []
    for path in SOURCES:
        rel = path.relative_to(ROOT).as_posix()
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if any(_is_command(m) for m in _HAND_BUILT.finditer(line.split("#", 1)[0])):
                stray.append(f"{rel}:{n}: {line.strip()}")
    assert not stray, "build commands with doctor.findings.command (and friends):\n" + "\n".join(stray)


HOSTILE = ["/tmp/with space/langchain_fireworks", "/tmp/it's/a folder", '/tmp/"double"/x', "/tmp/$HOME/x",
           "/tmp/`touch pwned`/x", "/tmp/semi;colon/x", "/tmp/new\nline/x", "/tmp/star*/x", "-rf",
           "/tmp/back\\slash", "/tmp/ünïcode/x", "/tmp/$(id)/x", "/tmp/tab\there", "~/not-expanded"]


@pytest.mark.parametrize("path", HOSTILE)
def test_remove_path_round_trips(path: str) -> None:
    assert shlex.split(findings.remove_path(path)) == ["rm", "-rf", path]


@pytest.mark.parametrize("path", HOSTILE)
def test_command_round_trips(path: str) -> None:
    assert shlex.split(findings.command("chmod", "600", path)) == ["chmod", "600", path]


@pytest.mark.parametrize("python", HOSTILE)
def test_pip_commands_round_trip(python: str) -> None:
    assert shlex.split(findings.pip_install(python, ["langchain-core>=0.3"]))[:1] == [python]
    assert shlex.split(findings.pip_uninstall(python, ["x"]))[:1] == [python]
    assert shlex.split(findings.with_python("{python} -m pip install -U pydantic", python))[0] == python


@pytest.mark.parametrize("var", ["OPENAI_API_KEY", "MY VAR", "A$B", "X;rm -rf ~"])
def test_export_placeholder_round_trips(var: str) -> None:
    assert shlex.split(findings.export_placeholder(var)) == ["export", f"{var}=..."]


@pytest.mark.parametrize("folder", HOSTILE[:8])
def test_the_stray_folder_fix_quotes_the_folder(folder: str) -> None:
    # checks/imports.py: a namespace package inside site-packages -> delete the stray folder, then install.
    from langchain_doctor._checks.imports import _location_finding

    site = str(Path(folder).parent)
    env = SimpleNamespace(
        target=SimpleNamespace(site_packages=(site,), python="/venv/bin/python", user_site=None, cwd="/nowhere"),
        inventory=SimpleNamespace(get=lambda name: None), work_dir="/nowhere", notebook_facts=(), environ={})
    f = _location_finding(env, "langchain_fireworks", "langchain-fireworks", "fireworks",  # type: ignore[arg-type]
                          {"file": None, "path": [folder]}, None)
    assert f is not None and f.fix is not None
    assert shlex.split(f.fix.commands[0]) == ["rm", "-rf", folder]
