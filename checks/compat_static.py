"""Installed versions that do not work together though pip check is clean, bad releases, unsupported Pythons.

Everything comes from the sourced rows of ``knowledge/boundaries.py``; nothing is imported. Versions come from the
inventory; the one file-system fact (an SDK's service data folder) is read through the run's recorder.
"""

from __future__ import annotations

import stat
from typing import TYPE_CHECKING

from .. import inputs
from ..checkapi import Check
from ..findings import install_fix, make
from ..knowledge import boundaries as kb
from ..knowledge.providers import provider_of, sdk_users

if TYPE_CHECKING:
    from collections.abc import Iterator

    from ..context import Environment
    from ..model import Finding



def _skews(env: Environment) -> Iterator[Finding]:
    inv = env.inventory
    py = env.target.python
    for row in kb.SKEWS:
        older, newer = inv.get(row.older), inv.get(row.newer)
        if older is None or newer is None:
            continue
        if not (kb.within(older.raw_version, f"<{row.older_below}")
                and kb.within(newer.raw_version, f">={row.newer_from}")):
            continue
        provider = next((p.name for p in sdk_users(row.older)), None)
        yield make(
            "LCD702", title=f"{row.older} {older.raw_version} with {row.newer} {newer.raw_version}: {row.older} "
                            f"older than {row.older_below} uses `{row.symbol}`, which {row.newer} {row.newer_from} "
                            "removed",
            subject=row.older, provider=provider,
            evidence=[f"{row.older} {older.raw_version} < {row.older_below} and {row.newer} {newer.raw_version} >= "
                      f"{row.newer_from}; pip check is silent (neither declares the bound)",
                      f"known symptom: {row.symptom}", f"source ({row.verified}, {row.date}): {row.source}"],
            fix=install_fix(py, f"Upgrade {row.older} ({row.fix_upgrade}), or keep {row.newer} below "
                                f"{row.newer_from} ('{row.fix_bound}')", [row.fix_upgrade]))
    named: set[str] = set()
    for floor in kb.SERVICE_FLOORS:
        if floor.sdk in named:
            continue  # one finding per SDK: its first (most used) service names the floor
        sdk = inv.get(floor.sdk)
        integrations = [p.package for p in sdk_users(floor.sdk)]
        users = [d for d in (inv.get(n) for n in (*integrations, "langchain-community")) if d is not None]
        if sdk is None or not users:
            continue
        data = floor.data_dir(sdk.location)
        st = inputs.stat(data)  # through the run's recorder: a folder appearing later is a cache miss
        if (st is not None and stat.S_ISDIR(st.st_mode)) or not kb.within(sdk.raw_version, f"<{floor.botocore}"):
            continue
        named.add(floor.sdk)
        yield make(
            "LCD702", title=f"{floor.sdk} {sdk.raw_version} predates the `{floor.service}` service that "
                            f"{users[0].name} uses ({floor.sdk} >= {floor.botocore} needed)",
            subject=floor.sdk, provider=provider_of(users[0].name),
            evidence=[f"{data} {'does not exist' if st is None else 'is not a folder'}; {floor.sdk} < {floor.botocore}",
                      f"known symptom: UnknownServiceError: Unknown service: '{floor.service}'",
                      f"source ({floor.date}): {floor.source}"],
            fix=install_fix(py, f"Upgrade {floor.companion} and {floor.sdk} together", list(floor.install)))


def _known_bad(env: Environment) -> Iterator[Finding]:
    for row in kb.KNOWN_BAD:
        d = env.inventory.get(row.dist)
        if d is None or not kb.within(d.raw_version, row.versions):
            continue
        yield make(
            "LCD703", title=f"{row.dist} {d.raw_version} is a known-bad release", subject=row.dist,
            evidence=[f"{row.dist} {d.raw_version} matches {row.versions}", f"known symptom: {row.symptom}",
                      f"source ({row.verified}, {row.date}): {row.source}"],
            fix=install_fix(env.target.python, f"Install {row.dist} {row.fixed}, the next good release",
                            [f"{row.dist}=={row.fixed}"]))


def _python(env: Environment) -> Iterator[Finding]:
    pyver = ".".join(str(x) for x in env.target.version_info)
    core = env.inventory.get("langchain-core")
    v1_user = core is not None and kb.within(core.raw_version, "<0.3")
    for row in kb.PYTHON_BOUNDARIES:
        d = env.inventory.get(row.dist)
        if d is None or not kb.within(pyver, row.python):
            continue
        if row.below and not row.affects(d.raw_version):
            continue
        if row.needs_v1 and not v1_user:
            continue  # only code that imports pydantic.v1 is concerned; langchain-core < 0.3 does everywhere
        req = row.fix_for(d.raw_version)
        fix = (install_fix(env.target.python, f"Install {req} (the first fixed release of its line)", [req])
               if row.below
               else install_fix(env.target.python, "Upgrade langchain-core past its pydantic-v1 line (or run "
                                "Python 3.13)", ["langchain-core>=0.3"]))
        used_by = f"langchain-core {core.raw_version}" if core else "langchain-core"
        yield make(
            "LCD704", title=f"{row.dist} {d.raw_version} (pydantic.v1, used by {used_by}) does not run on Python "
                            f"{pyver}",
            subject=row.dist,
            evidence=[f"Python {pyver} matches {row.python}" + (f"; {row.dist} {d.raw_version} < {row.below}"
                                                                 if row.below else ""),
                      f"known symptom: {row.symptom}", f"source ({row.verified}, {row.date}): {row.source}"],
            fix=fix)


def run(env: Environment) -> Iterator[Finding]:
    yield from _skews(env)
    yield from _known_bad(env)
    yield from _python(env)


CHECK = Check("compat-boundaries", "packages", "Installed versions across a known boundary, known-bad releases and "
              "unsupported Pythons (sourced tables).", run)
