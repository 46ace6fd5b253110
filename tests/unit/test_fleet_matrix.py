"""The matrix of many reports, its renderers, and `summarize` over files and folders."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from langchain_doctor.cli import main
from langchain_doctor.fleet import inputs, matrix
from langchain_doctor.fleet.render import RENDERERS, MatrixFormat, cell_text


def finding(code: str, severity: str, provider: str | None, subject: str = "pkg", **kw: Any) -> dict[str, Any]:
    return {"code": code, "kind": kw.get("kind", "pydantic-schema"), "severity": severity,
            "title": kw.get("title", f"{code} about {subject}"), "subject": subject, "provider": provider,
            "evidence": kw.get("evidence", "line seen"), "check": "x",
            "fix": kw.get("fix", {"summary": "do it", "commands": [f"/envs/{kw.get('env', 'e')}/bin/python -m pip "
                                                                   f"install -U {subject}"]}),
            **({"ignored": kw["ignored"]} if "ignored" in kw else {})}


def report(env: str, providers: dict[str, str], findings: list[dict[str, Any]], version: str = "3.11.7") -> dict[str, Any]:
    return {"schema_version": 1, "tool": {"name": "langchain-doctor", "version": "0.1.0"},
            "target": {"python": f"/envs/{env}/bin/python", "python_version": version, "platform": "linux"},
            "packages": [], "providers": [{"name": n, "package": f"langchain-{n}", "status": s}
                                         for n, s in providers.items()],
            "findings": findings, "summary": {}, "exit_code": 0}


BROKEN = report("broken", {"openai": "error", "aws": "error"},
                [finding("LCD201", "error", "openai", "langchain-openai", env="broken"),
                 finding("LCD201", "error", "aws", "langchain-aws", env="broken"),
                 finding("LCD401", "info", "openai", "OPENAI_API_KEY", kind="missing-credential")])
HEALTHY = report("healthy", {"openai": "ok", "anthropic": "ok"}, [])
CORE = report("core", {"openai": "warning"},
              [finding("LCD210", "error", None, "pydantic-core", env="core"),
               finding("LCD203", "warning", "openai", "langchain-openai", env="core"),
               finding("LCD201", "error", "openai", "langchain-openai", env="core", ignored="known")])


def entries() -> list[matrix.Entry]:
    return [matrix.Entry("broken", "report", "b.json", BROKEN), matrix.Entry("healthy", "report", "h.json", HEALTHY),
            matrix.Entry("core", "report", "c.json", CORE),
            matrix.Entry("gone", "kernelspec", "k.json", reason="/x/bin/python: no such file")]


def test_cells_take_the_status_and_the_top_findings_code() -> None:
    m = matrix.build(entries())
    assert m.columns == (matrix.ENVIRONMENT, "openai", "anthropic", "aws")  # the providers table's order
    broken, healthy, core, gone = m.rows
    assert broken.cells["openai"] == matrix.Cell("error", "LCD201", (0, 2))
    assert broken.cells["anthropic"].status == "absent" and broken.cells[matrix.ENVIRONMENT].status == "ok"
    assert healthy.cells["openai"] == matrix.Cell("ok")
    # An environment-wide finding has its own column; an ignored finding counts nowhere.
    assert core.cells[matrix.ENVIRONMENT] == matrix.Cell("error", "LCD210", (0,))
    assert core.cells["openai"] == matrix.Cell("warning", "LCD203", (1,))
    assert (core.errors, core.warnings) == (1, 1)
    assert not gone.examined and gone.cells == {}
    assert m.counts == {"error": 2, "warning": 0, "ok": 1, "not-examined": 1}
    assert cell_text(broken.cells["openai"]) == "✗ LCD201" and cell_text(healthy.cells["openai"]) == "✓"
    assert cell_text(broken.cells["openai"], ascii_only=True) == "X LCD201"


def test_problems_are_grouped_with_one_fix_per_environment() -> None:
    other = report("other", {"openai": "error"}, [finding("LCD201", "error", "openai", "langchain-openai", env="other")])
    m = matrix.build([*entries(), matrix.Entry("other", "report", "o.json", other)])
    first = m.problems[0]
    assert (first.code, first.subject, [a.row for a in first.affected]) == ("LCD201", "langchain-openai",
                                                                            ["broken", "other"])
    # Each environment keeps its own fix (its own interpreter).
    assert [a.fix["commands"][0].split()[0] for a in first.affected if a.fix] == ["/envs/broken/bin/python",
                                                                                  "/envs/other/bin/python"]
    assert [p.severity for p in m.problems] == sorted((p.severity for p in m.problems),
                                                      key=["error", "warning", "info"].index)
    assert not any(p.code == "LCD201" and "core" in [a.row for a in p.affected] for p in m.problems)  # ignored


@pytest.mark.parametrize(("fail_on", "with_unexamined", "code"), [
    ("error", False, 1), ("never", True, 0), ("warning", False, 1), ("error", True, 1)])
def test_exit_code(fail_on: str, with_unexamined: bool, code: int) -> None:
    es = entries() if with_unexamined else entries()[:3]
    assert matrix.build(es, fail_on=fail_on).exit_code == code
    assert matrix.build([entries()[1]], fail_on=fail_on).exit_code == 0


def test_a_provider_failing_for_an_environment_wide_reason_shows_that_code() -> None:
    basecache = report("bc", {"openai": "error"}, [finding("LCD220", "error", None, "langchain-core")])
    row = matrix.build([matrix.Entry("bc", "report", "bc.json", basecache)]).rows[0]
    assert row.cells["openai"] == matrix.Cell("error", "LCD220", (0,))


def test_repeated_names_get_distinct_labels() -> None:
    m = matrix.build([matrix.Entry("py", "report", "a", HEALTHY), matrix.Entry("py", "report", "b", HEALTHY)])
    assert [r.label for r in m.rows] == ["py", "py (2)"]


def test_every_format_has_a_renderer_and_shows_the_table() -> None:
    m = matrix.build(entries())
    assert set(RENDERERS) == set(MatrixFormat)
    for fmt in MatrixFormat:
        text = RENDERERS[fmt](m, [e.report for e in entries() if e.report], verbose=True)
        assert "LCD201" in text and "gone" in text and "no such file" in text, fmt
    console = RENDERERS[MatrixFormat.CONSOLE](m, [])
    lines = console.splitlines()
    header = next(line for line in lines if line.startswith("environment"))
    assert header.split() == ["environment", "python", "env-wide", "openai", "anthropic", "aws"]
    row = next(line for line in lines if line.startswith("broken"))
    # Cells sit under their headings.
    assert row.index("✗ LCD201") == header.index("openai")
    md = RENDERERS[MatrixFormat.MARKDOWN](m, [])
    assert "| broken | 3.11.7 | ✓ | ✗ LCD201 | · | ✗ LCD201 |" in md


def test_json_holds_reports_and_the_matrix() -> None:
    es = entries()
    reports = [e.report for e in es if e.report]
    doc = json.loads(RENDERERS[MatrixFormat.JSON](matrix.build(es), reports))
    assert doc["schema_version"] == 1 and len(doc["reports"]) == 3 and doc["exit_code"] == 1
    rows = doc["matrix"]["rows"]
    assert [r["name"] for r in rows] == ["broken", "healthy", "core", "gone"]
    assert doc["reports"][rows[2]["report"]]["target"]["python"] == "/envs/core/bin/python"
    assert rows[3] == {"name": "gone", "source": "kernelspec", "location": "k.json", "examined": False,
                       "reason": "/x/bin/python: no such file"}
    assert rows[0]["cells"]["openai"] == {"status": "error", "code": "LCD201", "findings": [0, 2]}


def test_html_is_self_contained_and_cannot_be_broken_out_of() -> None:
    evil = report("evil", {"openai": "error"}, [finding("LCD306", "error", "openai", "x", evidence="</script><img src=x>",
                                                        title="<b>t</b>")])
    page = RENDERERS[MatrixFormat.HTML](matrix.build([matrix.Entry("<i>e</i>", "report", "e", evil)]), [])
    assert "</script><img" not in page and "<b>t</b>" not in page and "<i>e</i>" not in page
    assert "http://" not in page and "https://" not in page and "src=" not in page.replace("src=x", "")
    assert "default-src 'none'" in page


def write(path: Path, data: Any) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data) if not isinstance(data, str) else data, encoding="utf-8")
    return path


def test_inputs_read_folders_files_and_matrices(tmp_path: Path) -> None:
    write(tmp_path / "ci" / "py3.11" / "report.json", BROKEN)
    write(tmp_path / "ci" / "py3.12" / "report.json", HEALTHY)
    write(tmp_path / "ci" / "node" / "package.json", {"name": "not ours"})
    write(tmp_path / "ci" / "notes.json", "not json")
    fleet = {"schema_version": 1, "tool": {"name": "langchain-doctor"}, "reports": [CORE],
             "matrix": {"rows": [{"name": "k1", "source": "kernelspec", "location": "/k/kernel.json",
                                  "examined": True, "report": 0},
                                 {"name": "k2", "source": "conda", "location": "/c", "examined": False,
                                  "reason": "no python"}]}}
    one = write(tmp_path / "fleet.json", fleet)
    bad = write(tmp_path / "bad.json", {"schema_version": 1, "tool": {"name": "langchain-doctor"}, "findings": 5})
    deep = write(tmp_path / "deep.json", "[" * 100000 + "]" * 100000)
    got = inputs.read([str(tmp_path / "ci"), str(one), str(bad), str(deep)])
    assert [(e.name, e.source, e.report is not None) for e in got.entries] == [
        ("py3.11", "report", True), ("py3.12", "report", True), ("k1", "kernelspec", True),
        ("k2", "conda", False), ("bad", "report", False), ("deep", "report", False)]
    assert "'findings' is not a list" in (got.entries[4].reason or "")
    assert "nested too deeply" in (got.entries[5].reason or "")
    assert sorted(Path(s).name for s in got.skipped) == ["notes.json", "package.json"]
    with pytest.raises(inputs.InputError):
        inputs.read([str(tmp_path / "missing")])


def test_a_folder_lists_the_files_rglob_would_in_its_order(tmp_path: Path) -> None:
    """``json_files`` lists a folder as ``sorted(p for p in root.rglob("*.json") if p.is_file())`` did: nested and
    hidden files, a link to a file, not a link to a folder, not a folder named like a report, parts compared one by
    one (``a/x`` before ``a-b/x``, although "-" sorts before "/")."""
    import os

    root = tmp_path / "r"
    for rel in ("a/x.json", "a-b/x.json", "a/b/c/deep.json", ".hidden.json", "top.json", "z/.h/y.json",
                "notes.txt", "a/x.json.bak", "UPPER.JSON", "dir.json/inner.json"):
        write(root / rel, "{}")
    outside = write(tmp_path / "elsewhere" / "far.json", "{}")
    os.symlink(outside, root / "link.json")
    os.symlink(outside.parent, root / "linked-folder")
    os.symlink(outside.parent, root / "folder-link.json")
    os.symlink(tmp_path / "missing.json", root / "dangling.json")
    expected = sorted(p for p in root.rglob("*.json") if p.is_file())
    assert inputs.json_files(root) == expected
    assert [p.relative_to(root).as_posix() for p in expected] == [
        ".hidden.json", "a/b/c/deep.json", "a/x.json", "a-b/x.json", "dir.json/inner.json", "link.json",
        "top.json", "z/.h/y.json"]
    assert [str(p) for p in inputs.json_files(Path(f"{root}/"))] == [str(p) for p in expected]


def test_row_labels_are_the_path_under_the_folder_without_json() -> None:
    root = Path("/r")
    assert inputs._labels([root / "a" / "x.json", root / "b.json", root / ".json", root / ".h.json",
                           root / "x.json.json", root / "c" / "d" / "e.JSON", root / "f.txt"], root) == [
        "a/x", "b", ".json", ".h", "x.json", "c/d/e.JSON", "f.txt"]
    assert inputs._labels([root / "py3.11" / "report.json", root / "py3.12" / "report.json"], root) == [
        "py3.11", "py3.12"]
    assert inputs._labels([Path("/x/y/a.json")], None) == ["a"]


def test_inputs_never_block_on_special_files(tmp_path: Path) -> None:
    import os

    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    got = inputs.read([str(fifo)])
    assert got.entries[0].reason and "not a regular file" in got.entries[0].reason


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exc:
        main(argv)
    out, err = capsys.readouterr()
    return int(exc.value.code or 0), out, err


def test_summarize_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    a = write(tmp_path / "r" / "a.json", BROKEN)
    write(tmp_path / "r" / "b.json", HEALTHY)
    code, out, _ = run(["summarize", str(tmp_path / "r")], capsys)
    assert code == 1 and "✗ LCD201" in out and "Problems (2)" in out
    code, out, _ = run(["summarize", str(tmp_path / "r" / "b.json"), "--format", "json"], capsys)
    assert code == 0 and json.loads(out)["matrix"]["counts"]["ok"] == 1
    code, out, _ = run(["summarize", str(a), "--fail-on", "never", "--format", "markdown"], capsys)
    assert code == 0 and out.startswith("## langchain-doctor: 1 environment(s)")
    code, out, err = run(["summarize", str(tmp_path / "r"), "--format", "html", "--output", str(tmp_path / "m.html")],
                         capsys)
    assert code == 1 and (tmp_path / "m.html").read_text().startswith("<!DOCTYPE html>") and "✗ LCD201" in out
    empty = tmp_path / "empty"
    empty.mkdir()
    code, _, err = run(["summarize", str(empty)], capsys)
    assert code == 2 and err.count("\n") == 1 and "no langchain-doctor JSON report" in err


def test_summarize_redacts_what_the_files_hold(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    key = "sk-proj-" + "A1b2C3d4E5f6G7h8" * 3
    leaky = report("leaky", {"openai": "error"}, [finding("LCD306", "error", "openai", "x", evidence=f"key={key}")])
    path = write(tmp_path / "leaky.json", leaky)
    for fmt in ("console", "json", "markdown", "html"):
        _, out, _ = run(["summarize", str(path), "--format", fmt, "-v"], capsys)
        assert key[:20] not in out and key[-12:] not in out, fmt


SHAPED = "sk-proj-" + "Q7w8E9r0T1y2U3i4" * 3  # known by its shape
PLAIN = "Zq9XbT3kLmN8pR2sV7wY4cE6"  # known only as the value of a credential variable of this process


def _leaves(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every place of a JSON value that holds text: strings, and the keys of objects (marked with a ``None``)."""
    out: list[tuple[Any, ...]] = []
    if isinstance(value, str):
        out.append(path)
    elif isinstance(value, dict):
        for k, v in value.items():
            out.append((*path, k, None))
            out += _leaves(v, (*path, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            out += _leaves(v, (*path, i))
    return out


def _planted(doc: Any, where: tuple[Any, ...], text: str) -> Any:
    doc = json.loads(json.dumps(doc))
    *parents, last = where
    if last is None:  # the key itself
        *parents, key = parents
        holder = doc
        for p in parents:
            holder = holder[p]
        holder[f"{key} {text}"] = holder.pop(key)
        return doc
    holder = doc
    for p in parents:
        holder = holder[p]
    holder[last] = f"{holder[last]} {text}"
    return doc


FULL = {**report("full", {"openai": "error", "anthropic": "ok"}, [
    finding("LCD201", "error", "openai", "langchain-openai", env="full", evidence=["line one", "line two"]),
    finding("LCD401", "warning", "anthropic", "ANTHROPIC_API_KEY", kind="missing-credential",
            fix={"summary": "set it", "commands": ["export ANTHROPIC_API_KEY=..."]})]),
    "environment": {"name": "full-env", "source": "kernelspec", "location": "/k/full/kernel.json"},
    "packages": [{"name": "langchain-core", "version": "0.3.1", "location": "/envs/full/site-packages"}],
    "summary": {"errors": 1}, "extras": {"note": "free text"}}
FULL["target"]["reason"] = "the Jupyter kernel 'full'"


@pytest.mark.parametrize("where", _leaves(FULL), ids=lambda w: ".".join(map(str, w)))
def test_a_secret_in_any_field_of_a_report_leaves_no_output_format(
        where: tuple[Any, ...], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """What ``summarize`` does (read, prepare, render), every format, a secret planted in one field at a time."""
    from langchain_doctor.fleet import safe
    from langchain_doctor.fleet.emit import text

    monkeypatch.setenv("MISTRAL_API_KEY", PLAIN)
    path = write(tmp_path / "r" / "report.json", _planted(FULL, where, f"{SHAPED} {PLAIN}"))
    m, reports = safe.prepare(inputs.read([str(path)]).entries)
    for fmt in MatrixFormat:
        out = text(m, reports, fmt, verbose=True)
        for secret in (SHAPED, PLAIN):
            assert secret[:12] not in out and secret[-12:] not in out, (fmt, where)
        if fmt is MatrixFormat.JSON:
            json.loads(out)  # still a document


def test_a_secret_seen_again_in_other_reports_is_redacted_each_time(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """The scrubber remembers strings across reports (clean ones in a set, changed ones with their redacted form):
    a secret repeated in later files, under a key first seen clean, or as a key itself, never comes out."""
    from langchain_doctor.fleet import safe
    from langchain_doctor.fleet.emit import text

    monkeypatch.setenv("MISTRAL_API_KEY", PLAIN)
    secret = f"{SHAPED} {PLAIN}"
    write(tmp_path / "r" / "a" / "report.json", FULL)  # every key and most strings first seen clean
    write(tmp_path / "r" / "b" / "report.json", _planted(FULL, ("extras", "note"), secret))
    write(tmp_path / "r" / "c" / "report.json", _planted(FULL, ("extras", "note", None), secret))
    write(tmp_path / "r" / "d" / "report.json", _planted(_planted(FULL, ("findings", 0, "title"), secret),
                                                         ("extras", "note"), secret))
    m, reports = safe.prepare(inputs.read([str(tmp_path / "r")]).entries)
    assert len(reports) == 4
    for fmt in MatrixFormat:
        out = text(m, reports, fmt, verbose=True)
        for leak in (SHAPED, PLAIN):
            assert leak[:12] not in out and leak[-12:] not in out, fmt
    assert reports[0]["extras"] == {"note": "free text"} and list(reports[2]["extras"]) != ["note"]


def test_a_secret_in_a_report_file_name_leaves_no_output(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MISTRAL_API_KEY", PLAIN)
    write(tmp_path / "r" / f"job-{SHAPED}" / "report.json", HEALTHY)  # no environment name: the folder's is shown
    write(tmp_path / "r" / f"job-{PLAIN}" / "report.json", HEALTHY)
    write(tmp_path / "r" / "other" / "report.json", _planted(FULL, ("findings", 0, "title"), f"{SHAPED} {PLAIN}"))
    for fmt in ("console", "json", "markdown", "html"):
        _, out, _ = run(["summarize", str(tmp_path / "r"), "--format", fmt, "-v"], capsys)
        for secret in (SHAPED, PLAIN):
            assert secret[:12] not in out and secret[-12:] not in out, fmt
        assert "job-sk-proj-..." in out, fmt


def test_the_json_document_is_one_report_per_line_and_parses(tmp_path: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    write(tmp_path / "r" / "a.json", BROKEN)
    write(tmp_path / "r" / "b.json", HEALTHY)
    _, out, _ = run(["summarize", str(tmp_path / "r"), "--format", "json"], capsys)
    doc = json.loads(out)
    lines = out.splitlines()
    assert [json.loads(ln.strip().rstrip(",")) for ln in lines if ln.startswith('    {"schema_version"')] == \
        doc["reports"]
    assert len(doc["reports"]) == 2 and doc["matrix"]["counts"]["error"] == 1
