"""The values a run passes along: severities, kinds, fixes, findings, provider statuses and the report."""

from __future__ import annotations

import enum
from collections.abc import Mapping  # noqa: TC003 - resolved at run time by the cache's reader
from dataclasses import field
from typing import Optional

from .redact import Redactor  # noqa: TC001 - resolved at run time by the cache's reader
from .values import value_type


class Severity(str, enum.Enum):
    """How bad a finding is; ordered so that ``--fail-on`` can compare."""

    INFO = "info"
    WARNING = "warning"
    ERROR = "error"

    @property
    def rank(self) -> int:
        """0 for info, 1 for warning, 2 for error."""
        return _SEVERITY_RANK[self]


_SEVERITY_RANK = {Severity.INFO: 0, Severity.WARNING: 1, Severity.ERROR: 2}


class Kind(str, enum.Enum):
    """The contract's failure types (CONTRACT.md, "Kinds")."""

    PYDANTIC_SCHEMA = "pydantic-schema"
    PYDANTIC_CORE_MISMATCH = "pydantic-core-mismatch"
    VERSION_CONFLICT = "version-conflict"
    MISSING_PACKAGE = "missing-package"
    BROKEN_INSTALL = "broken-install"
    SHADOWED_MODULE = "shadowed-module"
    IMPORT_ERROR = "import-error"
    MISSING_CREDENTIAL = "missing-credential"
    INVALID_CREDENTIAL = "invalid-credential"
    REAUTH_REQUIRED = "reauth-required"
    MISSING_CONFIG = "missing-config"
    UNREACHABLE = "unreachable"
    VERSION_SKEW = "version-skew"
    BINARY_INCOMPATIBLE = "binary-incompatible"
    KNOWN_BAD_RELEASE = "known-bad-release"
    PYTHON_INCOMPATIBLE = "python-incompatible"
    MOVED_API = "moved-api"
    NETWORK_CONFIG = "network-config"
    MODEL_NOT_FOUND = "model-not-found"
    UNCLASSIFIED = "unclassified"
    # Not a failure of the target: the doctor itself could not run one of its checks.
    DOCTOR = "doctor"


@value_type
class Fix:
    """How to repair a finding: a one-line summary and commands that work when pasted."""

    summary: str
    """One line, plain text."""
    commands: tuple[str, ...] = ()
    """Shell commands, in order; already specific to the target (its own interpreter, exact paths)."""
    # Structured form of a package step, so that ``fix`` can merge the steps of one environment into one.
    install: tuple[str, ...] = ()
    """Requirement strings to install/upgrade together in the target (merged across findings)."""
    reinstall: tuple[str, ...] = ()
    """Exact requirements whose files are damaged: reinstalled with --force-reinstall --no-deps."""
    uninstall: tuple[str, ...] = ()
    """Distribution names to uninstall from the target before installing."""
    remove_paths: tuple[str, ...] = ()
    """Leftover files or folders to delete (exact paths)."""
    manual: bool = False
    """True when the steps are instructions for a person (logins, keys), never run by ``fix --apply``."""


@value_type
class SourceLocation:
    """Where in the user's files a finding belongs: a notebook's import line, a requirements pin."""

    path: str
    """The file as the user named it (relative to the working directory when it lies below it)."""
    line: int
    """1-based line in that file as stored on disk (for an ``.ipynb``, the line of the JSON text)."""
    text: str = ""
    """What stands there, one line (``from langchain_openai import ChatOpenAI``, ``langchain-openai==0.1.25``)."""


@value_type
class Finding:
    """One problem (or note) about the target: a value nothing mutates after a check yields it."""

    code: str
    """Stable code from the registry (``LCD201``); never reused for another meaning."""
    kind: Kind
    """The contract's failure type."""
    severity: Severity
    """error, warning or info."""
    title: str
    """One line, plain text."""
    subject: str
    """A package, provider, env var NAME or path: never a secret."""
    provider: Optional[str] = None
    """Contract provider name (``openai``) or None."""
    evidence: tuple[str, ...] = ()
    """The decisive lines actually seen, already redacted."""
    fix: Optional[Fix] = None
    """How to repair it, or None."""
    check: str = ""
    """Name of the check that produced it (filled by the runner)."""
    ignored: Optional[str] = None
    """The configured reason when this finding's code is ignored by configuration."""
    locations: tuple[SourceLocation, ...] = ()
    """Where in the user's files it belongs (the notebook line that needs the provider, the requirement pin)."""


class ProviderState(str, enum.Enum):
    """``providers[].status`` of the contract."""

    OK = "ok"
    WARNING = "warning"
    ERROR = "error"
    NOT_INSTALLED = "not-installed"
    SKIPPED = "skipped"


@value_type
class ProviderStatus:
    """One provider's line in the report."""

    name: str
    package: str
    status: ProviderState
    version: Optional[str] = None
    needed: bool = False
    """True when named with --provider or used by a --notebook."""
    checks: tuple[tuple[str, str], ...] = ()
    """Per-stage results for the console picture, e.g. (("import", "ok"), ("construct", "error"))."""
    via: Optional[str] = None
    """The provider whose class this one is used through (together via openai's ChatOpenAI), if any."""
    loaded_from: Optional[str] = None
    """Where the probe imported the integration from (``__file__``, else the namespace's first path)."""
    explained_by: tuple[str, ...] = ()
    """Codes of environment-wide findings (no provider) that account for a failed probe stage of this provider,
    when no finding names the provider itself (a pydantic-core mismatch breaks every import)."""


@value_type
class PackageInfo:
    """A distribution found on the target's path."""

    name: str
    """PEP 503 normalised name."""
    version: str
    location: str
    family: str = ""
    """langchain | pydantic | sdk | "" (other)."""


@value_type
class TargetInfo:
    """What the report says about the interpreter examined."""

    python: str
    python_version: str
    platform: str
    selected_by: str
    """Which rule chose it: --python, VIRTUAL_ENV, CONDA_PREFIX, ./.venv, notebook kernel, doctor."""
    reason: str
    """One line: why this interpreter."""
    prefix: str = ""


@value_type
class SmokeRow:
    """One ``--smoke`` call as the report shows it (the contract's ``smoke[]`` object and its extensions)."""

    provider: str
    model: Optional[str] = None
    ok: bool = False
    latency_s: Optional[float] = None
    finish_reason: Optional[str] = None
    input_tokens: Optional[int] = None
    output_tokens: Optional[int] = None
    total_tokens: Optional[int] = None
    response_metadata_keys: tuple[str, ...] = ()
    status: str = "error"
    """ok | error | skipped."""
    chat_class: Optional[str] = None
    requested_model: Optional[str] = None
    usage_from: Optional[str] = None
    timings: tuple[tuple[str, float], ...] = ()
    error: Optional[str] = None
    """One line: why the call failed or was skipped (redacted)."""
    code: Optional[str] = None
    notes: tuple[str, ...] = ()


@value_type
class NotebookUse:
    """What one ``--notebook`` needs, as the report lists it (names of env vars, never values)."""

    path: str
    kernel: Optional[str] = None
    providers: tuple[str, ...] = ()
    provider_packages: tuple[tuple[str, str], ...] = ()
    env_vars: tuple[str, ...] = ()
    env_vars_set: tuple[str, ...] = ()
    imports: tuple[str, ...] = ()
    problems: tuple[str, ...] = ()


@value_type
class ExplainedInput:
    """What ``explain`` read (``Report.target`` is None then: text, not an interpreter, was examined)."""

    source: str
    input_format: str
    lines_read: int
    errors_seen: int


@value_type
class RepairPlan:
    """The closing fix: the unified plan's commands for the whole report, then the steps only a person can do."""

    commands: tuple[str, ...] = ()
    """What ``langchain-doctor fix --apply`` runs, in order (cleanups, then one package step)."""
    manual: tuple[str, ...] = ()
    """Commands for a person (logins, exports), each once."""
    cannot: tuple[str, ...] = ()
    """Findings the plan does not repair, each with why (``LCD201 langchain-openai: cannot be fixed on ...``)."""

    def __bool__(self) -> bool:
        return bool(self.commands or self.manual or self.cannot)


@value_type
class CheckRun:
    """One check of the run: its family (the JUnit suite) and how long it took."""

    name: str
    family: str
    seconds: float = 0.0


@value_type
class CredentialSeen:
    """A credential the run found, as support needs to see it: where it comes from and its fingerprint."""

    provider: str
    name: str
    """The variable, file kind or profile (``OPENAI_API_KEY``, ``ADC``, ``AWS profile default``)."""
    source: str
    """Where it was found: ``environment``, ``.env file ~/proj/.env``, ``ADC file ~/... (authorized_user)``..."""
    fingerprint: str = ""
    """``sk-...a1b2 (51 chars)``: never more of the value than this."""
    status: str = "ok"
    """ok | info | warning | error: the worst credential finding about its provider (``credlist.credential_status``)."""


@value_type
class CodeDoc:
    """A finding code's documentation from the registry, for formats that describe their rules (SARIF)."""

    code: str
    name: str
    kind: Kind
    severity: Severity
    what: str
    why: str
    fix: str


@value_type
class Report:
    """Everything a renderer needs; built once per run. Renderers read these fields and nothing else."""

    tool_version: str
    target: Optional[TargetInfo]
    packages: tuple[PackageInfo, ...]
    providers: tuple[ProviderStatus, ...]
    findings: tuple[Finding, ...]
    fail_on: str = "error"
    extras: Mapping[str, object] = field(default_factory=dict)
    """A command's own JSON block (``fix``, ``what_if``), passed through by the JSON renderer only."""
    notebooks: tuple[NotebookUse, ...] = ()
    smoke: tuple[SmokeRow, ...] = ()
    explained: Optional[ExplainedInput] = None
    """Set by ``explain``."""
    ticket_os: Optional[str] = None
    """Set by ``report`` (a support ticket): the OS the doctor and the target run on."""
    repair: RepairPlan = field(default_factory=RepairPlan)
    """The unified plan for every active finding (the console's closing "To fix" block)."""
    checks_run: tuple[CheckRun, ...] = ()
    """Every check that ran, in table order, with its family and duration (JUnit suites and times)."""
    credentials: tuple[CredentialSeen, ...] = ()
    """Every credential found, healthy ones included (``-v`` and ``report``)."""
    codes: tuple[CodeDoc, ...] = ()
    """The registry's documentation of the codes in ``findings`` (attached on the way out, for SARIF's rules)."""
    cache_hit: bool = False
    """True when the report was served from the cache (nothing its run read had changed)."""
    cached_at: str = ""
    """When the cached report was made (ISO 8601, local time), on a cache hit."""
    elapsed_s: float = 0.0
    """Wall time of the run, for JUnit."""
    redactor: Optional[Redactor] = field(default=None, compare=False, repr=False)
    """The run's one redactor (the examined environment's secret-named variables, the providers' keys, the
    credential files' secrets), applied once more to every rendered text on the way out. Never stored: a report
    read back from the cache has none (its text was redacted when its run built it), and the way out then uses the
    doctor's own environment's (``redact.for_process``)."""

    @property
    def active_findings(self) -> tuple[Finding, ...]:
        """Findings not ignored by configuration."""
        return tuple(f for f in self.findings if f.ignored is None)

    @property
    def summary(self) -> dict[str, int]:
        """Counts by severity of the findings that are not ignored."""
        counts = {"error": 0, "warning": 0, "info": 0}
        for f in self.active_findings:
            counts[f.severity.value] += 1
        return counts

    @property
    def exit_code(self) -> int:
        """0 when nothing is at or above ``fail_on``, else 1 (contract, "Exit codes")."""
        if self.fail_on == "never":
            return 0
        threshold = Severity(self.fail_on).rank
        return 1 if any(f.severity.rank >= threshold for f in self.active_findings) else 0
