"""One matrix from many reports: environments as rows, providers as columns, the problems grouped.

It works on schema_version 1 report *objects* (the contract's JSON), whether they come from this run
(``check --all-kernels``) or from files (``summarize``): one code path, so both pictures always agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Optional

from ..knowledge.providers import PROVIDERS

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence

#: The column of findings that name no provider (pydantic-core, known incompatibilities, metadata...).
ENVIRONMENT = "environment"

_RANK = {"info": 0, "warning": 1, "error": 2}
_ORDER = {p.name: i for i, p in enumerate(PROVIDERS)}
# A cell's status, worst first; "absent" = the report does not list the provider at all.
STATUSES = ("error", "warning", "ok", "not-installed", "skipped", "absent")


@dataclass(frozen=True)
class Entry:
    """One environment: its report, or why it could not be examined."""

    name: str
    """The row's label (a kernel's name, a conda env's name, a report file)."""
    source: str
    """kernelspec | conda | --python | report (a file given to ``summarize``)."""
    location: str
    """Where it came from: kernel.json, the env folder, the interpreter, the report file."""
    report: Optional[Mapping[str, Any]] = None
    """The schema_version 1 report object; None when the environment could not be examined."""
    reason: Optional[str] = None
    """One line: why it could not be examined (already redacted)."""


@dataclass(frozen=True)
class Cell:
    """One environment × provider."""

    status: str
    """One of STATUSES."""
    code: Optional[str] = None
    """The top finding's code (for a warning or an error)."""
    findings: tuple[int, ...] = ()
    """Indexes into the row's report ``findings`` that concern this column (ignored ones left out)."""


_EMPTY = {s: Cell(s) for s in STATUSES}
"""The cell of a column no finding concerns (most of them), one shared value per status."""


@dataclass(frozen=True)
class Row:
    """One environment in the matrix."""

    entry: Entry
    label: str
    """Unique among the rows (a suffix is added to repeated names)."""
    cells: Mapping[str, Cell]
    errors: int = 0
    warnings: int = 0

    @property
    def examined(self) -> bool:
        """False when the environment could not be examined."""
        return self.entry.report is not None


@dataclass(frozen=True)
class Affected:
    """One environment that has a problem, with that environment's own fix."""

    row: str
    fix: Optional[Mapping[str, Any]]
    title: str


@dataclass(frozen=True)
class Problem:
    """A distinct problem (code, subject, provider) and every environment it affects."""

    code: str
    kind: str
    severity: str
    title: str
    subject: str
    provider: Optional[str]
    affected: tuple[Affected, ...]


@dataclass(frozen=True)
class Matrix:
    """Everything the matrix renderers need."""

    columns: tuple[str, ...]
    """ENVIRONMENT first, then the providers that any report lists, in the providers table's order."""
    rows: tuple[Row, ...]
    problems: tuple[Problem, ...]
    """Most severe first, then the most widespread."""
    fail_on: str = "error"

    @property
    def exit_code(self) -> int:
        """1 when an environment has findings at or above ``fail_on`` or could not be examined, else 0."""
        if self.fail_on == "never":
            return 0
        threshold = _RANK[self.fail_on]
        for row in self.rows:
            if not row.examined:
                return 1
            if row.errors and threshold <= 2 or row.warnings and threshold <= 1:
                return 1
        return 0

    @property
    def counts(self) -> dict[str, int]:
        """Environments by their worst state: error, warning, ok, not-examined."""
        out = {"error": 0, "warning": 0, "ok": 0, "not-examined": 0}
        for row in self.rows:
            key = "not-examined" if not row.examined else "error" if row.errors else "warning" if row.warnings \
                else "ok"
            out[key] += 1
        return out


def _dict(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, dict) else {}


def _active(report: Mapping[str, Any]) -> list[tuple[int, Mapping[str, Any]]]:
    findings = report.get("findings")
    if not isinstance(findings, list):
        return []
    return [(i, f) for i, f in enumerate(findings) if isinstance(f, dict) and "ignored" not in f
            and isinstance(f.get("code"), str) and f.get("severity") in _RANK]


def _cell(status: str, items: Sequence[tuple[int, Mapping[str, Any]]]) -> Cell:
    if not items:
        return _EMPTY[status]
    worst = max(_RANK[str(f["severity"])] for _, f in items)
    code = None
    if worst >= 1:
        code = next(str(f["code"]) for _, f in items if _RANK[str(f["severity"])] == worst)
        if worst == 2:
            status = "error"
        elif status != "error":
            status = "warning"
    return Cell(status, code, tuple(i for i, _ in items))


def _labels(entries: Sequence[Entry]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for e in entries:
        n = seen.get(e.name, 0) + 1
        seen[e.name] = n
        out.append(e.name if n == 1 else f"{e.name} ({n})")
    return out


def build(entries: Iterable[Entry], *, fail_on: str = "error") -> Matrix:
    """The matrix of ``entries`` (in their order)."""
    entries = list(entries)
    providers: set[str] = set()
    for e in entries:
        if e.report is None:
            continue
        for p in e.report.get("providers") or ():
            if isinstance(p, dict) and isinstance(p.get("name"), str):
                providers.add(p["name"])
        for _, f in _active(e.report):
            if isinstance(f.get("provider"), str):
                providers.add(f["provider"])
    columns = (ENVIRONMENT, *sorted(providers, key=lambda n: (_ORDER.get(n, len(_ORDER)), n)))
    rows: list[Row] = []
    groups: dict[tuple[str, str, Optional[str]], list[tuple[str, Mapping[str, Any]]]] = {}
    for entry, label in zip(entries, _labels(entries)):
        if entry.report is None:
            rows.append(Row(entry, label, {}))
            continue
        active = _active(entry.report)
        statuses = {p["name"]: str(p.get("status")) for p in entry.report.get("providers") or ()
                    if isinstance(p, dict) and isinstance(p.get("name"), str)}
        by_column: dict[str, list[tuple[int, Mapping[str, Any]]]] = {}
        for i, f in active:
            provider = f.get("provider")
            column = provider if isinstance(provider, str) else ENVIRONMENT
            by_column.setdefault(column, []).append((i, f))
            key = (str(f["code"]), str(f.get("subject") or ""), f.get("provider"))
            groups.setdefault(key, []).append((label, f))
        cells = {}
        wide: Optional[Cell] = None
        for c in columns:
            status = "ok" if c == ENVIRONMENT else statuses.get(c, "absent")
            if status not in _EMPTY:
                status = "absent"
            cell = _cell(status, by_column.get(c, ()))
            if cell.status in ("error", "warning") and cell.code is None and c != ENVIRONMENT:
                # A provider failing for an environment-wide reason (pydantic-core, BaseCache): that finding.
                if wide is None:
                    wide = _cell("ok", by_column.get(ENVIRONMENT, ()))
                if wide.code is not None:
                    cell = Cell(cell.status, wide.code, wide.findings)
            cells[c] = cell
        errors = sum(1 for _, f in active if f["severity"] == "error")
        warnings = sum(1 for _, f in active if f["severity"] == "warning")
        rows.append(Row(entry, label, cells, errors, warnings))
    problems = []
    for (code, subject, provider), found in groups.items():
        worst = max(found, key=lambda lf: _RANK[str(lf[1]["severity"])])[1]
        problems.append(Problem(
            code=code, kind=str(worst.get("kind") or ""), severity=str(worst["severity"]),
            title=str(worst.get("title") or ""), subject=subject, provider=provider,
            affected=tuple(Affected(label, f.get("fix") if isinstance(f.get("fix"), dict) else None,
                                    str(f.get("title") or "")) for label, f in found)))
    problems.sort(key=lambda p: (-_RANK[p.severity], -len(p.affected), p.code, p.subject))
    return Matrix(columns, tuple(rows), tuple(problems), fail_on)


def to_json(m: Matrix) -> dict[str, Any]:
    """The matrix as the JSON ``matrix`` object (rows refer to the ``reports`` list by index)."""
    rows = []
    index = 0
    for row in m.rows:
        d: dict[str, Any] = {"name": row.label, "source": row.entry.source, "location": row.entry.location,
                             "examined": row.examined}
        if row.examined:
            assert row.entry.report is not None
            target = _dict(row.entry.report.get("target"))
            d.update(report=index, python=target.get("python"), python_version=target.get("python_version"),
                     platform=target.get("platform"), errors=row.errors, warnings=row.warnings,
                     cells={c: {"status": cell.status, "code": cell.code, "findings": list(cell.findings)}
                            for c, cell in row.cells.items()})
            index += 1
        else:
            d["reason"] = row.entry.reason
        rows.append(d)
    problems = [{"code": p.code, "kind": p.kind, "severity": p.severity, "title": p.title, "subject": p.subject,
                 "provider": p.provider,
                 "environments": [{"name": a.row, "title": a.title, "fix": a.fix} for a in p.affected]}
                for p in m.problems]
    return {"columns": list(m.columns), "rows": rows, "problems": problems, "counts": m.counts,
            "fail_on": m.fail_on, "exit_code": m.exit_code}
