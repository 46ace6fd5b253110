"""Helpers for tests of the credential checks: fake integrations, running one built-in check by name."""

from __future__ import annotations

import json
from pathlib import Path

from langchain_doctor import builtin
from langchain_doctor.context import Environment
from langchain_doctor.knowledge.providers import BY_NAME
from langchain_doctor.model import Finding
from langchain_doctor.runner import run_checks

from tests.fakeenv import FakeSite

SEED_NOTEBOOK = Path(__file__).parents[2] / "examples" / "response-metadata.ipynb"


def install(site: FakeSite, package: str, version: str = "1.0.0") -> None:
    """A fake integration distribution (metadata only)."""
    site.add(package, version, [])


def install_for(site: FakeSite, provider: str) -> None:
    """The integration package of ``provider``."""
    install(site, BY_NAME[provider].package)


def run_named(env: Environment, *names: str) -> list[Finding]:
    """Run the built-in checks called ``names`` only."""
    table = [c for c in builtin.checks() if c.name in names]
    assert len(table) == len(names), f"unknown check among {names}"
    return run_checks(env, table)


def codes(findings: list[Finding], code: str) -> list[Finding]:
    """The findings with ``code``."""
    return [f for f in findings if f.code == code]


def as_text(f: Finding) -> str:
    """Every text field of a finding, for secret-absence assertions."""
    fix = None if f.fix is None else {"summary": f.fix.summary, "commands": list(f.fix.commands)}
    return json.dumps({"title": f.title, "subject": f.subject, "evidence": list(f.evidence), "fix": fix})
