"""Fake environments for unit tests: dist-info folders and stub modules under tmp_path, no real installs."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Optional

from langchain_doctor import builtin
from langchain_doctor.checkapi import Check
from langchain_doctor.context import Environment, Options
from langchain_doctor.inventory import scan
from langchain_doctor.target import Target

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping
    from pathlib import Path

MARKERS = {
    "implementation_name": "cpython", "implementation_version": "3.11.7", "os_name": "posix",
    "platform_machine": "x86_64", "platform_release": "6.1", "platform_system": "Linux",
    "platform_version": "#1", "python_full_version": "3.11.7", "platform_python_implementation": "CPython",
    "python_version": "3.11", "sys_platform": "linux",
}


@dataclass
class FakeSite:
    """A site-packages folder being filled by a test."""

    root: Path
    records: dict[str, list[str]] = field(default_factory=dict)

    def add(
        self,
        name: str,
        version: Optional[str],
        requires: Iterable[str] = (),
        *,
        modules: Mapping[str, str] | None = None,
        metadata: Optional[bytes] = None,
        top_level: Optional[Iterable[str]] = None,
    ) -> Path:
        """Install a fake distribution: METADATA, RECORD and the given module files (path -> source)."""
        folder_name = f"{name.replace('-', '_')}-{version or '0'}.dist-info"
        dist_info = self.root / folder_name
        dist_info.mkdir(parents=True, exist_ok=True)
        if metadata is None:
            lines = ["Metadata-Version: 2.1", f"Name: {name}"]
            if version is not None:
                lines.append(f"Version: {version}")
            lines += [f"Requires-Dist: {r}" for r in requires]
            metadata = ("\n".join(lines) + "\n").encode()
        (dist_info / "METADATA").write_bytes(metadata)
        files = []
        for rel, src in (modules or {}).items():
            path = self.root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(src)
            files.append(rel)
        if top_level is not None:
            (dist_info / "top_level.txt").write_text("\n".join(top_level) + "\n")
        record = [f"{f},sha256=x,1" for f in files] + [f"{folder_name}/METADATA,,", f"{folder_name}/RECORD,,"]
        (dist_info / "RECORD").write_text("\n".join(record) + "\n")
        return dist_info


def venv_site(venv: Path) -> FakeSite:
    """The site-packages folder of a real venv, to be filled like a fake one."""
    return FakeSite(next(venv.glob("lib/python*/site-packages")))


def make_target(site: Path, *, extra_path: Iterable[str] = (), cwd: Optional[Path] = None) -> Target:
    """A Target that looks like a venv whose site-packages is ``site`` (no subprocess)."""
    return Target(
        python=str(site.parent / "bin" / "python"), version="3.11.7", version_info=(3, 11, 7), platform="linux",
        prefix=str(site.parent), base_prefix="/usr", sys_path=(*extra_path, str(site)),
        site_packages=(str(site),), user_site=None, markers=MARKERS, cwd=str(cwd or site.parent),
        selected_by="--python", reason="test",
    )


def make_env(site: FakeSite | Path, *, options: Optional[Options] = None, environ: Optional[Mapping[str, str]] = None,
             needed: Iterable[str] = (), extra_path: Iterable[str] = ()) -> Environment:
    """An Environment over a fake site-packages.

    Its variables are only those given, plus, unless they name one, the test's own doctor cache folder (which
    ``tests/conftest.py`` sets for every test): without it the doctor's cache folder would be the user's
    (``~/.cache/langchain-doctor``), and the checks that keep a cache there (the symbol scan's fingerprints,
    protobuf's, undo records) would read and grow the user's files from every test, a shared file that made each
    run slower than the last."""
    root = site.root if isinstance(site, FakeSite) else site
    target = make_target(root, extra_path=extra_path)
    variables = dict(environ or {})
    if "LANGCHAIN_DOCTOR_CACHE_DIR" in os.environ:
        variables.setdefault("LANGCHAIN_DOCTOR_CACHE_DIR", os.environ["LANGCHAIN_DOCTOR_CACHE_DIR"])
    return Environment(target, scan(target.sys_path), options or Options(), variables,
                       needed=frozenset(needed), work_dir=str(root.parent))


def static_checks() -> tuple[Check, ...]:
    """Every static built-in check, loaded the way the doctor loads them (probes excluded)."""
    return tuple(c for c in builtin.checks() if not c.needs_probe)
