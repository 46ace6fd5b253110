"""One redactor everywhere: every surface masks the run's secret *values*, not only the shapes of known keys.

The secret here has no shape the redaction layer knows (no provider prefix, no label before it): only its value,
held in a secret-named variable of the examined environment (``FOO_API_KEY``), identifies it. A surface that went
through the shapes-only redactor would show it.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from langchain_doctor import cache, probejobs, runner, smoke
from langchain_doctor.commands._options import render_report
from langchain_doctor.context import Options
from langchain_doctor.locate import Located
from langchain_doctor.model import Report
from langchain_doctor.redact import Redactor, default
from langchain_doctor.render import Format, renderer

from tests.fakeenv import FakeSite, make_env
from tests.servers import harness as h

SECRET = "Zq4vN8tW2pL6rX0yB3mKd7Hs"
ENVIRON = {"PATH": "", "FOO_API_KEY": SECRET}


def test_the_secret_has_no_shape_the_redactor_knows() -> None:
    assert default().text(f"chosen because {SECRET}") == f"chosen because {SECRET}"
    assert SECRET not in Redactor.from_environ({"FOO_API_KEY": SECRET}).text(f"chosen because {SECRET}")


@pytest.fixture
def located(site: FakeSite, monkeypatch: pytest.MonkeyPatch) -> Located:
    """A target whose own description holds the secret (a folder named like it), which the report carries as is."""
    site.add("langchain-openai", "1.0.0", modules={"langchain_openai/__init__.py": ""})
    env0 = make_env(site)
    where = Located(replace(env0.target, reason=f"--python /home/u/{SECRET}/bin/python"), (), Path(env0.work_dir))
    monkeypatch.setattr(runner, "locate", lambda options, environ, cwd: where)
    monkeypatch.setattr(probejobs, "run", lambda env, *a, **kw: {})
    return where


def _with_secret_text(report: Report) -> Report:
    """The report with the secret put back in a text every format shows (as a command's own addition would)."""
    assert report.target is not None and SECRET not in report.target.reason  # the run redacted its own text
    return replace(report, target=replace(report.target, reason=f"--python /home/u/{SECRET}/bin/python"))


def test_every_format_passes_the_runs_secrets_on_the_way_out(located: Located) -> None:
    _env, report = runner.examine(Options(providers=("openai",)), environ=ENVIRON)
    assert report.redactor is not None
    report = _with_secret_text(report)
    leaked_before = []
    for fmt in Format:
        raw = renderer(fmt)(report, verbose=True, color=False, width=0, quiet=False)
        if SECRET in raw:
            leaked_before.append(fmt)
        assert SECRET not in render_report(report, fmt, False, True), fmt
    # The check is not empty: without the way-out pass the Markdown would have shown it.
    assert Format.MARKDOWN in leaked_before


def test_a_report_without_its_runs_redactor_uses_the_doctors_own_environment(
        located: Located, monkeypatch: pytest.MonkeyPatch) -> None:
    """A report read back from the cache has no redactor: the way out masks this process's secret variables."""
    _env, report = runner.examine(Options(providers=("openai",)), environ=ENVIRON)
    bare = replace(_with_secret_text(report), redactor=None)
    assert SECRET in render_report(bare, Format.MARKDOWN, False, True)  # nothing in this process knows it...
    monkeypatch.setenv("FOO_API_KEY", SECRET)
    assert SECRET not in render_report(bare, Format.MARKDOWN, False, True)  # ... until its environment holds it


def test_the_runs_redactor_is_never_written_to_the_cache(located: Located, tmp_path: Path) -> None:
    _env, report = runner.examine(Options(providers=("openai",)), environ=ENVIRON)
    cache.store(tmp_path, "k", report, {})
    [stored] = (tmp_path / "reports").glob("*.json")
    data = json.loads(stored.read_text(encoding="utf-8"))
    assert "redactor" not in data["report"] and "Redactor" not in stored.read_text(encoding="utf-8")
    assert SECRET not in stored.read_text(encoding="utf-8")


def test_the_smoke_plan_passes_the_runs_secrets(site: FakeSite, tmp_path: Path) -> None:
    """The plan shown before the calls (a notebook's literal base URL that holds the secret) is masked by value."""
    from tests.unit.test_smoke import OPENAI_KEY, env_for, with_notebook

    h.install(site, "langchain-openai")
    nb = tmp_path / "nb.py"
    nb.write_text("from langchain_openai import ChatOpenAI\n"
                  f"llm = ChatOpenAI(model='gpt-4o-mini', base_url='https://{SECRET}.proxy.example/v1')\n")
    env = with_notebook(env_for(site, tmp_path, {"OPENAI_API_KEY": OPENAI_KEY, "FOO_API_KEY": SECRET}), nb)
    pl = smoke.select(env)
    [call] = pl.calls
    assert SECRET in call.display()  # the call itself carries the notebook's argument ...
    text = "\n".join(smoke.describe(pl))
    assert SECRET not in text and OPENAI_KEY not in text  # ... the plan shown does not
    assert "ChatOpenAI(model='gpt-4o-mini'" in text
