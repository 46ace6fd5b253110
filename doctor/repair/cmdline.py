"""The one place a package step's command line is written: pip or uv, install or uninstall, with its options.

Every caller that changes, resolves or shows a change to packages (the plan's steps, the dry run, the trial in a
throwaway venv, the fixes' pasted commands and their ``uv pip`` form) builds its argv here, so the two installers'
spellings of the same option (``-U`` / ``--upgrade-package NAME``, ``--force-reinstall`` / ``--reinstall-package
NAME``) and where each option stands are decided once.

Nothing here runs anything; stdlib only at import (the requirement reader is loaded when a name is needed),
because the checks' fixes import it on the start-up path.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Optional

if TYPE_CHECKING:
    from collections.abc import Sequence

VERBS = ("install", "uninstall")
"""The pip verbs the doctor writes."""


def project_name(req: str) -> str:
    """The normalised project name of a requirement (``Langchain_Core>=0.3`` -> ``langchain-core``)."""
    from ..inventory import canonicalize_name, read_requirement

    r = read_requirement(req)
    return canonicalize_name(r.name if r is not None else req)


def base(verb: str, python: str, *, uv: Optional[Sequence[str]] = None, pip_from: Optional[str] = None,
         dry_run: bool = False) -> list[str]:
    """The installer's command up to its options: ``PY -m pip VERB`` or ``UV pip VERB --python PY``.

    ``python``: the environment acted on. ``uv``: the uv command (None: pip). ``pip_from``: the interpreter whose
    pip runs when it is not ``python``'s own (pip's ``--python``: a throwaway venv made without pip).
    """
    if uv is not None:
        return [*uv, "pip", verb, *(["--dry-run"] if dry_run else []), "--python", python]
    runner = pip_from or python
    return [runner, "-m", "pip", *(["--python", python] if runner != python else []), verb,
            *(["--dry-run"] if dry_run else [])]


def install_argv(python: str, requirements: Sequence[str], *, uv: Optional[Sequence[str]] = None,
                 pip_from: Optional[str] = None, upgrade: bool = False, reinstall: bool = False,
                 no_deps: bool = False, offline: bool = False, unattended: bool = False, dry_run: bool = False,
                 report: Optional[str] = None) -> list[str]:
    """``install REQUIREMENTS`` into ``python``'s environment, by pip or (with ``uv``) by uv.

    ``upgrade``: pip's ``-U``; uv's ``--upgrade-package`` for each named project (uv moves only those).
    ``reinstall``: pip's ``--force-reinstall``; uv's ``--reinstall-package`` for each named project.
    ``no_deps``: ``--no-deps``. ``offline`` (uv only): from uv's cache, no index. ``unattended`` (pip only): no
    warnings about scripts off PATH or pip's own version (a throwaway venv's fill). ``dry_run``: resolve, change
    nothing. ``report`` (pip only, with ``dry_run``): ``--quiet --report FILE`` (``-`` where it is shown).
    Requirements may be ``-r FILE``.
    """
    if uv is not None:
        if report is not None or unattended:
            raise ValueError("report and unattended are pip options")
        names = [project_name(r) for r in requirements] if reinstall or upgrade else []
        return [*base("install", python, uv=uv, dry_run=dry_run), *(["--no-deps"] if no_deps else []),
                *(["--offline"] if offline else []),
                *(a for n in names if reinstall for a in ("--reinstall-package", n)),
                *(a for n in names if upgrade for a in ("--upgrade-package", n)), *requirements]
    if offline:
        raise ValueError("offline is a uv option (its cache)")
    if report is not None and not dry_run:
        raise ValueError("pip writes a report only with dry_run")
    return [*base("install", python, pip_from=pip_from, dry_run=dry_run),
            *(["--quiet", "--report", report] if report is not None else []), *(["-U"] if upgrade else []),
            *(["--force-reinstall"] if reinstall else []), *(["--no-deps"] if no_deps else []),
            *(["--no-warn-script-location", "--disable-pip-version-check"] if unattended else []), *requirements]


def uninstall_argv(python: str, names: Sequence[str], *, uv: Optional[Sequence[str]] = None) -> list[str]:
    """``uninstall NAMES`` from ``python``'s environment: pip without asking (``-y``); uv never asks."""
    if uv is not None:
        return [*base("uninstall", python, uv=uv), *names]
    return [*base("uninstall", python), "-y", *names]
