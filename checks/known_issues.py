"""Known incompatibilities that no package declares (the KNOWN_ISSUES table), and untested pairings with core 1.x."""

from __future__ import annotations

from typing import TYPE_CHECKING

from packaging.version import Version

from ..checkapi import Check
from ..findings import install_fix, make
from ..knowledge.compat import KNOWN_ISSUES, spec
from ..knowledge.providers import PROVIDERS

if TYPE_CHECKING:
    from collections.abc import Iterator

    from ..context import Environment
    from ..model import Finding

_CORE_1 = Version("1.0.0")


def run(env: Environment) -> Iterator[Finding]:
    """One finding per KNOWN_ISSUES row whose every condition holds; LCD222 for 0.x integrations on core 1.x."""
    inv = env.inventory
    py = env.target.python
    for row in KNOWN_ISSUES:
        versions: dict[str, str] = {}
        for name, text in row.when:
            d = inv.get(name)
            if d is None or d.version is None or not spec(text).contains(d.version, prereleases=True):
                break
            versions[name] = d.raw_version or ""
        else:
            title = row.title
            for name, v in versions.items():
                title = title.replace("{" + name + "}", v)
            yield make(
                row.code, title=title, subject=row.when[0][0],
                evidence=[", ".join(f"{n} {v} (matches {dict(row.when)[n]})" for n, v in versions.items()),
                          f"known symptom: {row.evidence}", f"source: {row.source}"],
                fix=install_fix(py, f"Install {' '.join(row.fix_install)}", list(row.fix_install)),
            )
    core = inv.get("langchain-core")
    if core is None or core.version is None or core.version < _CORE_1:
        return
    seen: set[str] = set()
    for prov in PROVIDERS:
        d = inv.get(prov.package)
        if d is None or d.version is None or prov.core1_line is None or d.name in seen:
            continue
        seen.add(d.name)
        if d.version < Version(prov.core1_line):
            yield make(
                "LCD222",
                title=f"{d.name} {d.raw_version} (0.x line) with langchain-core {core.raw_version}: untested pairing",
                subject=d.name, provider=prov.name,
                evidence=[f"{d.name} {d.raw_version} < {prov.core1_line}, the first release built for "
                          f"langchain-core 1.x; its declared range admits langchain-core {core.raw_version}"],
                fix=install_fix(py, f"Upgrade {d.name} to its 1.x line", [f"{d.name}>={prov.core1_line}"]),
            )


CHECK = Check("known-issues", "pydantic", "Known undeclared incompatibilities (sourced table).", run)
