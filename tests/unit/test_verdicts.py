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


def test_a_prediction_the_probe_contradicts_becomes_a_warning_that_says_so(site: FakeSite) -> None:
    from langchain_doctor.model import Severity
    from langchain_doctor.runner import facts_over_predictions

    env = _env(site, "ok")
    env = replace(env, probes={**env.probes, "anthropic:construct": Result("anthropic:construct", "ok")})
    predicted = make("LCD202", title="needs pydantic-v2 langchain-core", subject="langchain-anthropic",
                     provider="anthropic")
    unrelated = make("LCD202", title="x", subject="langchain-openai", provider="openai")
    [fact, other] = facts_over_predictions(env, [predicted, unrelated])
    assert fact.severity is Severity.WARNING and "probe" in fact.title and "succeeded" in fact.evidence[-1]
    assert other.severity is Severity.ERROR  # no probe of openai: nothing contradicts it
    failed = _env(site, "error")
    [kept] = facts_over_predictions(failed, [predicted])
    assert kept.severity is Severity.ERROR


def test_the_metadata_that_owns_the_installed_files_wins_over_a_stale_copy(site: FakeSite) -> None:
    import base64
    import hashlib
    import shutil

    from langchain_doctor.inventory import scan

    real = site.add("langchain-core", "0.3.86", modules={"langchain_core/__init__.py": "VERSION = '0.3.86'\n"})
    data = (site.root / "langchain_core" / "__init__.py").read_bytes()
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    (real / "RECORD").write_text(f"langchain_core/__init__.py,sha256={digest},{len(data)}\n"
                                 f"{real.name}/METADATA,,\n{real.name}/RECORD,,\n")
    stale = site.root / "langchain_core-0.2.43.dist-info"  # a copy renamed: sorts first, owns nothing
    shutil.copytree(real, stale)
    meta = stale / "METADATA"
    meta.write_text(meta.read_text().replace("0.3.86", "0.2.43"))
    inv = scan([str(site.root)])
    assert [d.raw_version for d in inv.dists] == ["0.2.43", "0.3.86"]
    assert inv.get("langchain-core").raw_version == "0.3.86"  # type: ignore[union-attr]
