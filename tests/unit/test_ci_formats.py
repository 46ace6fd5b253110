"""SARIF 2.1.0 (validated against the official schema) and GitHub annotations, located at the right lines."""

from __future__ import annotations

import json
import shutil
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

import jsonschema
import pytest
from langchain_doctor import builtin
from langchain_doctor.commands._options import render_report, with_codes
from langchain_doctor.context import Options
from langchain_doctor.findings import make
from langchain_doctor.model import Finding, Report, Severity, SourceLocation, TargetInfo
from langchain_doctor.redact import Redactor
from langchain_doctor.render import Format, github, renderer, sarif
from langchain_doctor.runner import build_report, run_checks
from langchain_doctor.sourcelines import ipynb_line, pin_line

from tests.fakeenv import make_env

if TYPE_CHECKING:
    from tests.fakeenv import FakeSite

SCHEMA = json.loads((Path(__file__).resolve().parents[1] / "schemas" / "sarif-schema-2.1.0.json").read_text())
EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "response-metadata.ipynb"
TARGET = TargetInfo("/venv/bin/python", "3.11.7", "linux", "--python", "test")


def _validate(text: str) -> dict[str, object]:
    doc: dict[str, object] = json.loads(text)
    jsonschema.Draft4Validator(SCHEMA, format_checker=jsonschema.FormatChecker()).validate(doc)
    return doc


def _sample() -> Report:
    located = replace(make("LCD201", title="langchain-openai was built for pydantic v1", subject="langchain-openai",
                           provider="openai", evidence=["requires langchain-core<0.3"]),
                      locations=(SourceLocation("nb/a.ipynb", 42, "from langchain_openai import ChatOpenAI"),),
                      check="requirements")
    bare = replace(make("LCD210", title="pydantic-core 2.0 is not the one pydantic pins", subject="pydantic-core"),
                   check="requirements")
    ignored = replace(make("LCD401", title="no key, 100%: sure", subject="OPENAI_API_KEY", provider="openai"),
                      ignored="set where it runs")
    return Report("0.1.0", TARGET, (), (), (located, bare, ignored))


def test_every_format_has_a_renderer_that_draws_a_report() -> None:
    report = with_codes(_sample())
    for fmt in Format:
        text = renderer(fmt)(report)
        assert isinstance(text, str) and text.strip(), fmt


def test_sarif_validates_against_the_2_1_0_schema_with_rules_from_the_registry() -> None:
    doc = _validate(render_report(_sample(), Format.SARIF, False, False))
    (run,) = doc["runs"]  # type: ignore[misc]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == ["LCD201", "LCD210", "LCD401"]
    assert rules[0]["name"] == "IntegrationForPydanticV1Core"
    assert "PydanticUserError" in rules[0]["fullDescription"]["text"]  # the registry's why
    first, second, third = run["results"]
    assert first["level"] == "error" and first["ruleIndex"] == 0
    region = first["locations"][0]["physicalLocation"]
    assert region["artifactLocation"]["uri"] == "nb/a.ipynb" and region["region"]["startLine"] == 42
    assert "locations" not in second
    assert third["suppressions"] == [{"kind": "external", "justification": "set where it runs"}]


def test_sarif_of_an_empty_report_and_of_an_explain_report_validate() -> None:
    _validate(sarif.render(Report("0.1.0", None, (), (), ())))
    from langchain_doctor.explain import explain_path

    report = explain_path(str(Path(__file__).resolve().parents[1] / "fixtures" / "explain" / "pip-conflict.txt"))
    doc = _validate(render_report(report, Format.SARIF, False, False))
    assert doc["runs"][0]["results"]  # type: ignore[index]


def test_github_annotations_name_file_and_line_and_escape() -> None:
    text = github.render(_sample())
    lines = text.splitlines()
    assert lines[0].startswith("::error file=nb/a.ipynb,line=42,title=LCD201 pydantic-schema::langchain-openai was")
    assert "%0A" in lines[0] and "\n" not in lines[0]
    assert lines[1].startswith("::error title=LCD210 pydantic-core-mismatch::pydantic-core 2.0")
    assert not any("LCD401" in ln for ln in lines)  # ignored: not annotated
    assert lines[-1].startswith("langchain-doctor: 2 error(s), 0 warning(s), 0 note(s), 1 ignored; exit 1")
    assert github.escape_property("a:b,c%\n") == "a%3Ab%2Cc%25%0A"


def test_ipynb_line_counts_the_stored_json_text() -> None:
    raw = EXAMPLE.read_text().splitlines()
    from langchain_doctor.notebook import read

    facts = read(EXAMPLE)
    for imp in facts.imports:
        n = ipynb_line(str(EXAMPLE), imp.cell, imp.line)
        stored = json.loads("[" + raw[n - 1].strip().rstrip(",") + "]")[0]
        assert stored.strip() == imp.source.strip() or imp.module.split(".")[0] in stored, (imp, raw[n - 1])


def test_pins_in_requirements_and_pyproject(tmp_path: Path) -> None:
    req = tmp_path / "requirements.txt"
    req.write_text("# pins\nrequests\nLangchain_OpenAI==0.1.25  # old\n")
    loc = pin_line(str(req), "langchain-openai")
    assert loc is not None and loc.line == 3 and loc.text.startswith("Langchain_OpenAI==0.1.25")
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text('[project]\nname = "x"\ndependencies = [\n  "pydantic>=2",\n  "langchain-core<0.3",\n]\n')
    loc = pin_line(str(pyproject), "langchain-core")
    assert loc is not None and loc.line == 5
    assert pin_line(str(pyproject), "langchain-openai") is None


def test_a_real_report_locates_notebook_and_pin_findings(site: FakeSite, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    from langchain_doctor.notebook import read

    work = tmp_path / "project"
    work.mkdir()
    shutil.copy(EXAMPLE, work / "analysis.ipynb")
    (work / "requirements.txt").write_text("langchain-core==0.3.0\nlangchain-openai==0.1.25\n")
    monkeypatch.chdir(work)
    site.add("langchain-core", "0.3.0", ["pydantic>=2.7.4"])
    site.add("pydantic", "2.9.2", ["pydantic-core==2.23.4"])
    site.add("pydantic-core", "2.23.4")
    site.add("langchain-openai", "0.1.25", ["langchain-core<0.3.0,>=0.2.40"])
    facts = read(work / "analysis.ipynb")
    env = replace(make_env(site, options=Options(probe=False)), notebook_facts=(facts,), work_dir=str(work),
                  needed=frozenset(facts.providers), needed_packages=dict(facts.provider_packages))
    report = build_report(env, run_checks(env, [c for c in builtin.checks() if not c.needs_probe]), Redactor())
    by_code: dict[str, Finding] = {f.code: f for f in report.findings}
    openai = by_code["LCD201"]
    paths = [(loc.path, loc.line) for loc in openai.locations]
    nb_line = next(line for path, line in paths if path == "analysis.ipynb")
    raw = (work / "analysis.ipynb").read_text().splitlines()
    assert "langchain_openai" in raw[nb_line - 1]
    assert ("requirements.txt", 2) in paths
    assert all(f.locations for f in report.findings)
    # A finding about the environment as a whole, with no pin, belongs to the project: its notebook's first line
    # (code scanning rejects a result without a location).
    from langchain_doctor.sourcelines import locate_findings

    (env_wide,) = locate_findings([make("LCD210", title="pydantic-core mismatch", subject="pydantic-core")], env)
    assert env_wide.locations == (SourceLocation("analysis.ipynb", 1, ""),)
    doc = _validate(render_report(report, Format.SARIF, False, False))
    assert any(r.get("locations") for r in doc["runs"][0]["results"])  # type: ignore[index]
    annotations = render_report(report, Format.GITHUB, False, False)
    assert f"::error file=analysis.ipynb,line={nb_line},title=LCD201" in annotations
    assert Severity.ERROR in {f.severity for f in report.findings}


@pytest.mark.parametrize("fmt", ["junit", "sarif", "github"])
def test_explain_takes_the_ci_formats(fmt: str, capsys: pytest.CaptureFixture[str]) -> None:
    import xmlschema
    from langchain_doctor.cli import main

    source = Path(__file__).resolve().parents[1] / "fixtures" / "explain" / "pip-conflict.txt"
    with pytest.raises(SystemExit) as exc:
        main(["explain", str(source), "--format", fmt])
    out, _ = capsys.readouterr()
    assert exc.value.code == 1
    if fmt == "junit":
        xsd = Path(__file__).resolve().parents[1] / "schemas" / "junit-10.xsd"
        xmlschema.XMLSchema(str(xsd)).validate(out.encode())
        assert 'failures="' in out and "LCD5" in out
    elif fmt == "sarif":
        assert _validate(out)["runs"][0]["results"]  # type: ignore[index]
    else:
        assert out.startswith("::error title=LCD5")
