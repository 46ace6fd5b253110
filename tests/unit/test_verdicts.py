"""Provider statuses come from every stage as well as from the findings tied to the provider (issue 13, item 1)."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from langchain_doctor.findings import make
from langchain_doctor.model import ProviderState
from langchain_doctor.probe import Result
from langchain_doctor.runner import provider_statuses

from tests.fakeenv import make_env

if TYPE_CHECKING:
    from tests.fakeenv import FakeSite


def _env(site: FakeSite, import_status: str):  # type: ignore[no-untyped-def]
    site.add("langchain-anthropic", "0.3.22", modules={"langchain_anthropic/__init__.py": ""})
    env = make_env(site)
    return replace(env, probes={
        "anthropic:import": Result("anthropic:import", import_status, exc_type="SystemError"),
        "anthropic:class": Result("anthropic:class", "skipped" if import_status != "ok" else "ok"),
    })


def test_failed_import_explained_by_an_environment_wide_finding_is_an_error(site: FakeSite) -> None:
    env = _env(site, "error")
    lcd210 = make("LCD210", title="pydantic-core mismatch", subject="pydantic-core")
    [status] = [s for s in provider_statuses(env, [lcd210]) if s.name == "anthropic"]
    assert status.status is ProviderState.ERROR
    assert status.explained_by == ("LCD210",)


def test_failed_import_without_any_finding_is_still_an_error(site: FakeSite) -> None:
    [status] = [s for s in provider_statuses(_env(site, "crashed"), []) if s.name == "anthropic"]
    assert status.status is ProviderState.ERROR and status.explained_by == ()


def test_every_stage_ok_and_no_finding_is_ok(site: FakeSite) -> None:
    [status] = [s for s in provider_statuses(_env(site, "ok"), []) if s.name == "anthropic"]
    assert status.status is ProviderState.OK and status.explained_by == ()


def test_the_magic_says_it_examines_the_running_kernel(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import sys

    from langchain_doctor.magic import langchain_doctor

    monkeypatch.chdir(tmp_path)
    result = langchain_doctor("--no-probe --no-cache", user_ns={})
    assert result is not None and result.report.target is not None
    assert result.report.target.python == sys.executable
    assert result.report.target.selected_by == "kernel"
    assert "running kernel" in result.report.target.reason and "--python" not in result.report.target.reason
    given = langchain_doctor(f"--no-probe --no-cache --python {sys.executable}", user_ns={})
    assert given is not None and given.report.target is not None
    assert given.report.target.selected_by == "--python"
