"""LCD1xx: what is installed and whether it holds together."""

from __future__ import annotations

from ...model import Kind, Severity
from ...registry import CodeInfo

E, W, I = Severity.ERROR, Severity.WARNING, Severity.INFO

CODES = (
    CodeInfo(
        "LCD101", Kind.VERSION_CONFLICT, E, "requirement-not-met",
        what="An installed LangChain-family package declares a requirement that the installed version of "
        "another package does not satisfy.",
        why="pip installed them anyway (another install step, --no-deps, or a later upgrade of one side); "
        "imports then fail or behave differently from what the package was tested with.",
        fix="Install the packages together in one pip command so that pip resolves them jointly.",
    ),
    CodeInfo(
        "LCD102", Kind.MISSING_PACKAGE, E, "dependency-not-installed",
        what="A LangChain-family package declares a dependency that is not installed at all.",
        why="The first import that needs it fails with ModuleNotFoundError.",
        fix="Install the missing dependency (the fix names the exact requirement).",
    ),
    CodeInfo(
        "LCD103", Kind.MISSING_PACKAGE, E, "provider-not-installed",
        what="A provider that must work (--provider, or used by a --notebook) has no integration package installed.",
        why="The notebook's import fails with ModuleNotFoundError.",
        fix="Install the provider's integration package in the target interpreter.",
    ),
    CodeInfo(
        "LCD110", Kind.BROKEN_INSTALL, E, "several-versions-installed",
        what="Several .dist-info/.egg-info folders of one project sit in the same folder.",
        why="Leftovers of an interrupted install or uninstall: which version's files are imported is undefined, "
        "and pip's own view of the environment is wrong.",
        fix="Remove the stale metadata folders, then reinstall the project.",
    ),
    CodeInfo(
        "LCD111", Kind.BROKEN_INSTALL, E, "stray-package-folder",
        what="A known integration's import folder exists in site-packages with no distribution owning it.",
        why="Python imports it as a namespace package: `cannot import name 'ChatX' from 'langchain_x' "
        "(unknown location)`.",
        fix="Delete the stray folder and reinstall the package.",
    ),
    CodeInfo(
        "LCD112", Kind.BROKEN_INSTALL, E, "package-folder-without-init",
        what="An installed package's import folder has no __init__.py although its RECORD lists one.",
        why="Python falls back to a namespace package: `(unknown location)` import errors.",
        fix="Reinstall the package with --force-reinstall.",
    ),
    CodeInfo(
        "LCD113", Kind.BROKEN_INSTALL, E, "recorded-files-missing",
        what="Files listed in a distribution's RECORD are gone.",
        why="A partial uninstall, a cleanup tool or a manual delete removed them; imports fail at random places.",
        fix="Reinstall the package with --force-reinstall.",
    ),
    CodeInfo(
        "LCD114", Kind.BROKEN_INSTALL, W, "unreadable-metadata",
        what="A distribution's metadata cannot be read: no Version, an invalid version, unreadable or binary file.",
        why="pip and importlib.metadata cannot reason about it; requirement checks skip it.",
        fix="Reinstall the distribution, or delete its metadata folder if it is a leftover.",
    ),
    CodeInfo(
        "LCD115", Kind.BROKEN_INSTALL, W, "installed-twice-on-path",
        what="One project is installed in two folders of sys.path; the first one wins at import time.",
        why="Upgrading one copy (often the user site or a PYTHONPATH folder) has no effect on what is imported.",
        fix="Uninstall the copy you do not want (the fix names the folder).",
    ),
    CodeInfo(
        "LCD120", Kind.MISSING_PACKAGE, I, "no-langchain",
        what="The target interpreter has no LangChain package and no provider integration at all.",
        why="Nothing to check: perhaps the wrong interpreter was selected (see how the target was chosen).",
        fix="Point --python at the environment your notebook uses, or install langchain-core and an integration.",
    ),
)
