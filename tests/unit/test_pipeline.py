"""The one pipeline (``runner.examine``): what it computes once per run, and the typed values it passes on."""

from __future__ import annotations

from pathlib import Path

import pytest
from langchain_doctor import probejobs, runner
from langchain_doctor.context import Options
from langchain_doctor.creds import needs
from langchain_doctor.locate import Located

from tests.fakeenv import FakeSite, make_env


@pytest.fixture
def located(site: FakeSite, monkeypatch: pytest.MonkeyPatch) -> Located:
    site.add("langchain-openai", "1.0.0", modules={"langchain_openai/__init__.py": ""})
    env0 = make_env(site)
    where = Located(env0.target, (), Path(env0.work_dir))
    monkeypatch.setattr(runner, "locate", lambda options, environ, cwd: where)
    monkeypatch.setattr(probejobs, "run", lambda env, *a, **kw: {})
    return where


def test_credential_needs_are_computed_once_per_run(located: Located, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[object] = []
    real = needs._compute

    def counting(env: object) -> needs.Needs:
        calls.append(env)
        return real(env)  # type: ignore[arg-type]

    monkeypatch.setattr(needs, "_compute", counting)
    env, report = runner.examine(Options(providers=("openai",)), environ={"PATH": ""})
    # the credential checks (api keys, gcloud, aws, online), the smoke selection and the secrets collection all
    # read the Environment's needs: one computation, whatever thread asks
    assert len(calls) == 1
    assert env.credential_needs is not None and "openai" in env.credential_needs.needed
    assert needs.compute(env) is env.credential_needs
    assert not hasattr(needs, "_last")
    assert any(f.code == "LCD401" for f in report.findings)  # the key check ran on those needs


def test_located_has_named_fields(located: Located) -> None:
    target, notebooks, work_dir = located
    assert located.target is target and located.notebooks == notebooks and located.work_dir == work_dir
