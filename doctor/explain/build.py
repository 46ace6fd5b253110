"""Events -> findings: classify with the signature table, collapse retry storms, merge repeats, redact."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Optional

from .. import __version__
from ..classify import SignatureMatch, bare_name, classify
from ..explain.attribution import (
    CodeFacts,
    choose_package,
    choose_provider,
    code_facts,
    interpreter_seen,
    versions_seen,
)
from ..explain.segment import Event, Exc, segment
from ..findings import make
from ..knowledge.codes.explain import KIND_CODES
from ..knowledge.providers import BY_NAME, module_row
from ..knowledge.signatures import SIGNATURES
from ..model import ExplainedInput, Finding, Kind, Report
from ..redact import Redactor, fingerprint, for_process, redact_fields
from ..skew import provider_hint

if TYPE_CHECKING:
    from collections.abc import Mapping

    from ..explain.readers import Block, Input

MAX_FINDINGS = 100
MAX_EVIDENCE_CHARS = 400
MAX_LOCATIONS = 8
_FALLBACK_LINES = 400
# ``... FileNotFoundError: message`` inside a log line (a logger's own prefix before it).
_TYPED = re.compile(r"\b([A-Za-z_][\w.]{0,100}(?:Error|Exception)): (.{1,2000})$")
_RANK = {s.id: i for i, s in enumerate(SIGNATURES)}
_PACKAGE_KINDS = frozenset({Kind.PYDANTIC_SCHEMA, Kind.VERSION_CONFLICT, Kind.MISSING_PACKAGE, Kind.BROKEN_INSTALL,
                            Kind.IMPORT_ERROR, Kind.PYDANTIC_CORE_MISMATCH})

# A secret assigned in the input (``export OPENAI_API_KEY=...``, ``api_key="..."``, ``'api_key': '...'``).
_ASSIGNED = re.compile(r"(?i)((?:api[_-]?key|token|secret|password|passwd)[\w\-]{0,40}[\"']?\s{0,3}[=:]\s{0,3}"
                       r"[\"']?)([^\s\"',;}{)(]{6,300})")
_WS = re.compile(r"\s{1,600}")
_DIGITS = re.compile(r"[0-9][0-9a-fx]{0,40}")


@dataclass
class _Group:
    """Occurrences of one problem, merged into one finding."""

    key: tuple[str, ...]
    order: int
    match: Optional[SignatureMatch]
    exc: Exc
    final: Exc
    """The outermost exception (what the user saw last)."""
    provider: Optional[str]
    package: Optional[str]
    locations: list[str] = field(default_factory=list)
    count: int = 0
    retries: int = 0
    retry_waits: list[float] = field(default_factory=list)
    versions: dict[str, str] = field(default_factory=dict)
    python: Optional[str] = None
    warnings: list[str] = field(default_factory=list)
    retry_only: bool = False
    truncated: bool = False
    subject: str = "input"


class _Explainer:
    def __init__(self) -> None:
        self.groups: dict[tuple[str, ...], _Group] = {}
        self.cache: dict[tuple[str, str, str], Optional[SignatureMatch]] = {}
        self.facts_cache: dict[str, CodeFacts] = {}
        self.attr_cache: dict[tuple[object, ...], tuple[tuple[str, ...], Optional[SignatureMatch], Optional[str],
                                                        Optional[str], str, str]] = {}
        self.errors_seen = 0
        self.overflow = 0
        self.placed_in_block = False

    def facts_for(self, block: Block) -> CodeFacts:
        context = block.context()
        facts = self.facts_cache.get(context)
        if facts is None:
            facts = code_facts(context) if context else CodeFacts()
            if len(self.facts_cache) > 2_000:
                self.facts_cache.clear()
            self.facts_cache[context] = facts
        return facts

    # ------------------------------------------------------------------ classification
    def classify(self, exc: Exc) -> Optional[SignatureMatch]:
        key = (exc.type, exc.message[:4000], exc.traceback[-4000:])
        if key not in self.cache:
            if len(self.cache) > 50_000:
                self.cache.clear()
            self.cache[key] = classify(exc.type, exc.message, exc.traceback) if exc.type or exc.message else None
        return self.cache[key]

    def best(self, ev: Event) -> tuple[Optional[SignatureMatch], Exc]:
        best: tuple[Optional[SignatureMatch], Exc] = (None, ev.exc)
        for exc in (ev.exc, *reversed(ev.causes)):
            m = self.classify(exc)
            if m is not None and (best[0] is None or _RANK[m.signature_id] < _RANK[best[0].signature_id]):
                best = (m, exc)
        return best

    # ------------------------------------------------------------------ blocks
    def block(self, block: Block) -> None:
        self.placed_in_block = False
        events = segment(block.lines)
        if not events:
            self.line_fallback(block, self.facts_for(block))
            return
        facts = self.facts_for(block)
        retries: list[Event] = []
        warnings: list[tuple[Event, SignatureMatch]] = []
        for ev in events:
            if ev.kind == "retry":
                retries.append(ev)
            elif ev.kind == "warning":
                m = self.classify(ev.exc)
                if m is not None:
                    warnings.append((ev, m))
            elif ev.kind == "line":
                m = self.classify(ev.exc)
                if m is not None:
                    self.add(block, facts, ev, m, ev.exc, [], [])
            else:
                self.errors_seen += 1
                m, exc = self.best(ev)
                mine, rest = _split_retries(retries, ev, m, self)
                self.flush_retries(block, facts, rest)
                retries = []
                attached = [w for w in warnings if m is not None]
                warnings = [w for w in warnings if w not in attached]
                self.add(block, facts, ev, m, exc, mine, attached)
        self.flush_retries(block, facts, retries)
        for ev, m in warnings:
            self.add(block, facts, ev, m, ev.exc, [], [])
        if not self.placed_in_block:
            self.line_fallback(block, facts)

    def line_fallback(self, block: Block, facts: CodeFacts) -> None:
        """No event of the block was placed: read its lines as messages (JSON bodies, log lines, bold titles).

        The block's own text serves as the traceback context (frames name the packages). Bounded: at most
        ``_FALLBACK_LINES`` lines, each cut to 2,000 characters; the best-ranked match wins, once per block.
        """
        best: Optional[tuple[SignatureMatch, Exc]] = None
        lines = block.lines[-_FALLBACK_LINES:]
        context = "\n".join(line.text[:2000] for line in lines)[-60_000:]
        for line in lines:
            text = line.text.strip().strip("*_`")
            if len(text) < 12:
                continue
            typed = _TYPED.search(text[:2000])
            exc = (Exc(typed.group(1), typed.group(2), line.no, context) if typed
                   else Exc("", text[:2000], line.no, context))
            m = self.classify(exc)
            if m is not None and m.kind is not Kind.UNCLASSIFIED and (
                    best is None or _RANK[m.signature_id] < _RANK[best[0].signature_id]):
                best = (m, exc)
        if best is not None:
            ev = Event("line", best[1])
            self.add(block, facts, ev, best[0], best[1], [], [])

    def flush_retries(self, block: Block, facts: CodeFacts, retries: list[Event]) -> None:
        by_cause: dict[tuple[str, str], list[Event]] = {}
        for r in retries:
            by_cause.setdefault((bare_name(r.exc.type), _norm(r.exc.message)), []).append(r)
        for storm in by_cause.values():
            first = storm[0]
            m = self.classify(first.exc) if first.exc.type or first.exc.message else None
            self.add(block, facts, first, m, first.exc, storm, [], retry_only=True)

    # ------------------------------------------------------------------ grouping
    def attribute(self, block: Block, facts: CodeFacts, ev: Event, m: Optional[SignatureMatch], exc: Exc,
                  retry_only: bool) -> tuple[tuple[str, ...], Optional[SignatureMatch], Optional[str],
                                             Optional[str], str, str]:
        """(group key, tailored match, provider, package, subject, context), cached for repeated errors."""
        cache_key = (facts, ev.exc.type, ev.exc.message[:500], ev.exc.traceback[-2000:], exc.type,
                     exc.message[:500], m.signature_id if m else "", retry_only, ev.target)
        hit = self.attr_cache.get(cache_key)
        if hit is not None:
            return hit
        context = "\n".join((ev.exc.traceback, *(c.traceback for c in ev.causes), exc.message))
        hint = (m.provider or provider_hint(m.groups, context + "\n" + ev.exc.message)
                or provider_hint((), _block_text(block))) if m else None
        provider = choose_provider(facts, hint, context, exc.message)
        module_pkg = None
        if m is not None:
            module = dict(m.groups).get("module")
            if module:
                row = module_row(module)
                module_pkg = row.package if row else None
        package = choose_package(facts, module_pkg, context, provider)
        if m is not None and m.kind in _PACKAGE_KINDS and package:
            m = m.with_integration(package)
        if m is not None:
            subject = m.subject or (package if m.kind in _PACKAGE_KINDS else None) or provider or "input"
            key: tuple[str, ...] = (m.signature_id, provider or "", subject)
        elif retry_only:
            subject = ev.target or "retries"
            key = ("retry", bare_name(exc.type), _norm(exc.message), provider or "")
        else:
            subject = exc.type or "traceback"
            key = ("unclassified", exc.type, _norm(exc.final_line))
        result = (key, m, provider, package, subject, context)
        if len(self.attr_cache) > 20_000:
            self.attr_cache.clear()
        self.attr_cache[cache_key] = result
        return result

    def add(self, block: Block, facts: CodeFacts, ev: Event, m: Optional[SignatureMatch], exc: Exc,
            retries: list[Event], warnings: list[tuple[Event, SignatureMatch]], retry_only: bool = False) -> None:
        key, m, provider, package, subject, context = self.attribute(block, facts, ev, m, exc, retry_only)
        if m is not None:
            self.placed_in_block = True
        group = self.groups.get(key)
        if group is None:
            if len(self.groups) >= MAX_FINDINGS:
                self.overflow += 1
                return
            group = _Group(key, len(self.groups), m, exc, ev.exc, provider, package, retry_only=retry_only,
                           truncated=ev.truncated, subject=subject)
            self.groups[key] = group
            group.python = interpreter_seen(context)
            group.versions.update(versions_seen(context + "\n" + ev.exc.message))
        group.count += 1
        where = _where(block, exc.line if exc.line else ev.exc.line)
        if where not in group.locations and len(group.locations) < 1000:
            group.locations.append(where)
        group.retries += len(retries)
        group.retry_waits.extend(r.seconds for r in retries[:10_000])
        for w_ev, _wm in warnings:
            line = w_ev.exc.message.split("\n")
            text = next((x for x in line if x.startswith("* '")), line[0])
            if text not in group.warnings and len(group.warnings) < 5:
                group.warnings.append(text)

    # ------------------------------------------------------------------ findings
    def findings(self, verbose: bool, redactor: Redactor) -> list[Finding]:
        groups = sorted(self.groups.values(), key=lambda g: g.order)
        # One environment per input, as a rule: an interpreter seen in one traceback serves the others.
        fallback = next((g.python for g in groups if g.python), None)
        return [_finding(g, verbose, redactor, fallback) for g in groups]


def _split_retries(retries: list[Event], ev: Event, m: Optional[SignatureMatch],
                   ex: _Explainer) -> tuple[list[Event], list[Event]]:
    """The retries that announced this error (same exception, or anonymous request retries), and the others."""
    if not retries:
        return [], []
    mine, rest = [], []
    targets = {(bare_name(e.type), _norm(e.message)) for e in (ev.exc, *ev.causes)}
    for r in retries:
        if not r.exc.type and not r.exc.message:
            mine.append(r)
        elif (bare_name(r.exc.type), _norm(r.exc.message)) in targets:
            mine.append(r)
        else:
            rm = ex.classify(r.exc)
            if m is not None and rm is not None and rm.signature_id == m.signature_id:
                mine.append(r)
            else:
                rest.append(r)
    return mine, rest


@functools.lru_cache(maxsize=64)
def _block_text(block: Block) -> str:
    """The block's first lines as one text (bounded): what a pasted error says around itself."""
    return "\n".join(line.text[:2000] for line in block.lines[:200])[:20_000]


@functools.lru_cache(maxsize=4096)
def _norm(text: str) -> str:
    """A message as a grouping key: spaces collapsed, numbers and hex ids blanked (``item 7606`` = ``item 12``)."""
    return _DIGITS.sub("#", _WS.sub(" ", text[:600])).strip().rstrip(".")[:500]


def _where(block: Block, line: int) -> str:
    if block.notebook:
        return block.where
    if block.where:
        return f"{block.where}, line {line}"
    return f"line {line}"


def _seconds(values: list[float]) -> str:
    total = sum(values)
    return f"{total:.2f}".rstrip("0").rstrip(".")


def _label(provider: Optional[str], package: Optional[str]) -> str:
    if provider and package and provider in BY_NAME and BY_NAME[provider].package != package:
        return f"{provider} (via {package}): "
    if provider:
        return f"{provider}: "
    if package:
        return f"{package}: "
    return ""


def _finding(g: _Group, verbose: bool, redactor: Redactor, fallback_python: Optional[str] = None) -> Finding:
    def cut(text: str, limit: int = MAX_EVIDENCE_CHARS) -> str:
        # Redacted whole, then cut: a key straddling the limit never leaves a fragment.
        return redactor.cut(text.replace("\r", ""), limit)

    m = g.match
    exc = g.exc
    subject = g.subject
    locs = g.locations
    first = locs[0] if locs else "input"
    evidence: list[str] = []
    decisive = exc.message.split("\n", 1)[0] if exc.type == "pip" else exc.final_line
    evidence.append(cut(f"{first}: {decisive}"))
    detail = _decisive_detail(exc, m)
    if detail:
        evidence.append(cut(f"    {detail}"))
    if exc is not g.final and g.final.type:
        evidence.append(cut(f"    raised as: {g.final.final_line}"))
    if g.retries:
        waits = "+".join(f"{w:g}" for w in g.retry_waits[:12]) + ("+…" if len(g.retry_waits) > 12 else "")
        after = "with no final error in the input" if g.retry_only else "before the error"
        evidence.append(cut(f"retried {g.retries} times, waiting {waits} = {_seconds(g.retry_waits)} s, {after}"))
    if len(locs) > 1:
        more = f" (+{len(locs) - MAX_LOCATIONS} more)" if len(locs) > MAX_LOCATIONS else ""
        evidence.append(cut(f"also at: {', '.join(locs[1:MAX_LOCATIONS])}{more}"))
    for w in g.warnings:
        evidence.append(cut(f"warning before it: {w}"))
    if g.versions:
        evidence.append(cut("versions seen: " + ", ".join(f"{k} {v}" for k, v in sorted(g.versions.items()))))
    if g.truncated:
        evidence.append("the traceback stops before its exception line (input cut?)")
    if verbose:
        if m is not None:
            evidence.append(cut(f"why: {m.explanation}", 600))
            evidence.append(f"signature: {m.signature_id}")
        frames = [f.strip() for f in exc.traceback.splitlines() if f.strip()]
        if frames:
            evidence.append(cut("last frame: " + frames[-1]))
    label = _label(g.provider, g.package)
    retry_note = f" ({g.retries} retries, {_seconds(g.retry_waits)} s lost)" if g.retries else ""
    python = g.python or fallback_python or "python"
    if m is not None:
        code = KIND_CODES[m.kind]
        fix = m.fix(python)
        if python != "python" and any("{python}" in c for c in m.fix_commands):
            fix = replace(fix, summary=f"{fix.summary} (interpreter from the traceback's paths)")
        return make(code, title=cut(f"{label}{m.title}{retry_note}", 300), subject=subject,
                    provider=g.provider, evidence=evidence, fix=fix, severity=m.severity)
    if g.retry_only:
        what = exc.final_line or f"requests to {subject}"
        return make("LCD520", title=cut(f"{label}{g.retries} retries of {what}{retry_note}", 300),
                    subject=cut(subject, 120), provider=g.provider, evidence=evidence)
    name = exc.type or "a traceback"
    return make(KIND_CODES[Kind.UNCLASSIFIED], title=cut(f"{label}unrecognised error: {name}", 300),
                subject=cut(subject, 120), provider=g.provider, evidence=evidence)


def _decisive_detail(exc: Exc, m: Optional[SignatureMatch]) -> str:
    """The message line the signature matched, when it is not the first line (pydantic's multi-line errors)."""
    if m is None or "\n" not in exc.message:
        return ""
    row = next((s for s in SIGNATURES if s.id == m.signature_id), None)
    if row is None or row.pattern is None:
        return ""
    lines = exc.message.split("\n")
    for line in lines[1:40]:
        if row.pattern.search(line):
            return line.strip()
    return ""


# ---------------------------------------------------------------------------------------------- redaction

_SECRET_WORDS = ("api_key", "api-key", "apikey", "token", "secret", "passw")
_SECRET_SCAN_BUDGET = 150_000
"""Characters searched for assignments at most (hostile inputs made of key words stay fast)."""


def _looks_secret(value: str) -> bool:
    """A value worth masking: has a digit (keys do; ``admin_api_key`` does not), not a reference or placeholder."""
    if value.startswith(("$", "os.", "self.", "<", "{")):
        return False
    return any(ch.isdigit() for ch in value) and value.lower() not in ("none", "null", "true", "false")


def _assigned_secrets(text: str) -> list[str]:
    """Values the input itself assigns to key-like names (they are masked everywhere in the output).

    Linear: only the stretches around the words of _SECRET_WORDS are searched, each stretch once per word.
    """
    out: set[str] = set()
    lowered = text.lower()
    budget = _SECRET_SCAN_BUDGET
    for word in _SECRET_WORDS:
        start = 0
        while len(out) < 1000 and budget > 0:
            i = lowered.find(word, start)
            if i < 0:
                break
            seg_start = max(lowered.rfind("\n", max(0, i - 200), i) + 1, i - 200, start)
            seg_end = lowered.find("\n", i, i + 2000)
            seg_end = seg_end if seg_end >= 0 else min(len(text), i + 2000)
            start = max(seg_end, i + len(word))
            budget -= seg_end - seg_start
            for m in _ASSIGNED.finditer(text, seg_start, seg_end):
                value = m.group(2)
                if _looks_secret(value):
                    out.add(value)
    return sorted(out)


def _mask_assignments(text: str) -> str:
    return _ASSIGNED.sub(lambda m: m.group(1) + (fingerprint(m.group(2)) if _looks_secret(m.group(2)) else m.group(2)),
                         text)


def redactor_for(text: str, environ: Optional[Mapping[str, str]]) -> Redactor:
    """The redaction layer for one input: the environment's secrets, token shapes, and values the input assigns."""
    found = _assigned_secrets(text) if ("=" in text or ":" in text) else []
    return for_process(environ).add(*found)


def _redact(f: Finding, r: Redactor) -> Finding:
    return redact_fields(f, lambda s: r.text(_mask_assignments(s)))


# ---------------------------------------------------------------------------------------------- entry point

def explain_input(inp: Input, *, source: str, text: str, fail_on: str = "error", verbose: bool = False,
                  environ: Optional[Mapping[str, str]] = None, notes: tuple[str, ...] = ()) -> Report:
    """The Report of one read input (``target`` is None: explain looks at text, not at an environment)."""
    ex = _Explainer()
    for block in inp.blocks:
        ex.block(block)
    redactor = redactor_for(text, environ)
    findings = ex.findings(verbose, redactor)
    all_notes = [*notes, *inp.notes]
    if ex.overflow:
        all_notes.append(f"{ex.overflow} more occurrences of other errors were not listed (limit {MAX_FINDINGS})")
    if all_notes:
        findings.append(make("LCD591", title="Part of the input could not be read as given", subject=source,
                             evidence=all_notes[:10]))
    findings = [replace(_redact(f, redactor), check="explain") for f in findings]
    findings.sort(key=lambda f: -f.severity.rank)
    explained = ExplainedInput(redactor.text(source), inp.format, inp.line_count, ex.errors_seen)
    return Report(__version__, None, (), (), tuple(findings), fail_on, explained=explained, redactor=redactor)
