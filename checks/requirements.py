"""Declared requirements of the LangChain family, pydantic and the SDKs, evaluated with ``packaging``.

One unmet requirement gives one finding, of the most specific kind: the pydantic boundary of langchain-core
(LCD201/202), pydantic's exact pydantic-core pin (LCD210/211), else a plain conflict (LCD101/102).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..checkapi import Check
from ..findings import install_fix, make
from ..inventory import marker_excludes, parse_requirement
from ..knowledge.compat import PYDANTIC_V2_CORE, core_era, installed_core_era
from ..knowledge.providers import provider_of
from ._common import applies, direction, req_text
from ._source_scan import v1_idioms

if TYPE_CHECKING:
    from collections.abc import Iterator

    from ..context import Environment
    from ..inventory import Dist, Req
    from ..model import Finding

_CHECKED_FAMILIES = ("langchain", "pydantic", "sdk")


def _boundary(env: Environment, dist: Dist, req: Req, core: Dist) -> Finding | None:
    assert core.version is not None
    era = core_era(req.specifier)
    have = installed_core_era(core.version)
    if era not in ("v1", "v2") or era == have:
        return None
    py = env.target.python
    prov = provider_of(dist.name)
    pyd = env.inventory.get("pydantic")
    pyd_text = f", pydantic {pyd.raw_version}" if pyd else ""
    evidence = [f"{dist.name} {dist.raw_version} requires {req_text(req)}; installed langchain-core "
                f"{core.raw_version}{pyd_text}"]
    if era == "v1":
        idioms = v1_idioms(dist.location, _import_name(dist))
        evidence += [f"{dist.location}/{h}" for h in idioms]
        code, title, upgrade = ("LCD201", f"was built for pydantic-v1 langchain-core (<{PYDANTIC_V2_CORE}), but "
                                f"langchain-core {core.raw_version} is pydantic v2",
                                f"{dist.name} together with langchain-core")
    else:
        code, title, upgrade = ("LCD202", f"needs pydantic-v2 langchain-core (>= {PYDANTIC_V2_CORE}), but "
                                f"langchain-core {core.raw_version} is pydantic v1",
                                f"langchain-core together with {dist.name}")
    return make(code, title=f"{dist.name} {dist.raw_version} {title}", subject=dist.name, provider=prov,
                evidence=evidence, fix=install_fix(py, f"Upgrade {upgrade}", [dist.name, "langchain-core"]))


def _import_name(dist: Dist) -> str:
    names = dist.top_level_names()
    return names[0] if names else dist.name.replace("-", "_")


def _pydantic_core(env: Environment, dist: Dist, req: Req, installed: Dist | None) -> Finding:
    py = env.target.python
    pin = req_text(req)
    if installed is None:
        return make(
            "LCD211", title=f"pydantic {dist.raw_version} is installed without pydantic-core",
            subject="pydantic-core", evidence=[f"pydantic {dist.raw_version} requires {pin}; pydantic-core is "
                                              "not installed"],
            fix=install_fix(py, f"Install the pydantic-core that pydantic {dist.raw_version} pins", [pin]),
        )
    return make(
        "LCD210",
        title=f"pydantic {dist.raw_version} needs {pin}, but pydantic-core {installed.raw_version} is installed",
        subject="pydantic-core",
        evidence=[f"pydantic {dist.raw_version} requires {pin}; installed pydantic-core {installed.raw_version} "
                  f"({installed.location})"],
        fix=install_fix(py, f"Install the pydantic-core that pydantic {dist.raw_version} pins", [pin]),
    )


def run(env: Environment) -> Iterator[Finding]:
    """Evaluate every applicable Requires-Dist of the checked families against the installed versions."""
    inv = env.inventory
    py = env.target.python
    for dist in inv.by_name.values():
        if dist.family not in _CHECKED_FAMILIES or dist.version is None:
            continue
        for line in dist.requires:
            # A line whose marker is false here (an extra not installed: most lines) is not even parsed.
            if marker_excludes(line, env.target.markers):
                continue
            req = parse_requirement(line)
            if req is None or not applies(req, env.target.markers):
                continue
            installed = inv.get(req.name)
            if dist.name == "pydantic" and installed is not None and installed.name == "pydantic-core":
                if installed.version is not None and not req.specifier.contains(installed.version, prereleases=True):
                    yield _pydantic_core(env, dist, req, installed)
                continue
            if dist.name == "pydantic" and installed is None and req.name.replace("_", "-") == "pydantic-core":
                yield _pydantic_core(env, dist, req, None)
                continue
            if installed is None:
                yield make(
                    "LCD102",
                    title=f"{dist.name} {dist.raw_version} needs {req_text(req)}, which is not installed",
                    subject=req.name, provider=provider_of(dist.name),
                    evidence=[f"{dist.name} {dist.raw_version} requires {req}; no {req.name} on the path"],
                    fix=install_fix(py, f"Install {req_text(req)}", [req_text(req)], ),
                )
                continue
            if installed.version is None or req.specifier.contains(installed.version, prereleases=True):
                continue
            if installed.name == "langchain-core":
                boundary = _boundary(env, dist, req, installed)
                if boundary is not None:
                    yield boundary
                    continue
            way = direction(req, installed)
            if way == "too-new":
                fix = install_fix(py, f"Upgrade {dist.name} together with {installed.name}",
                                  [dist.name, installed.name])
            else:
                fix = install_fix(py, f"Install {req_text(req)}", [req_text(req)])
            yield make(
                "LCD101",
                title=f"{dist.name} {dist.raw_version} needs {req_text(req)}, but {installed.name} "
                f"{installed.raw_version} is installed",
                subject=dist.name, provider=provider_of(dist.name),
                evidence=[f"{dist.name} {dist.raw_version} requires {req}; installed {installed.name} "
                          f"{installed.raw_version} ({way})"],
                fix=fix,
            )


CHECK = Check("requirements", "packages",
              "Declared requirements met; pydantic boundary of langchain-core; pydantic-core pin.", run)
