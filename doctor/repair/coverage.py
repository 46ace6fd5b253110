"""Which findings ``fix`` must answer, and the reason it gives when a finding has no step it can run.

Every finding of a covered kind leads either to a step of the plan (a structured package or cleanup step) or to
an explicit "cannot be fixed automatically because ...". Kinds are keyed by their contract value, so that kinds
added to ``model.Kind`` later are covered as soon as they exist (a test walks every covered member).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Optional

if TYPE_CHECKING:
    from ..model import Finding, Fix

# kind value -> why there is no automatic step when the finding carries none.
NO_STEP_BECAUSE: dict[str, str] = {
    "pydantic-schema": "no integration release to move to was identified for this mix",
    "pydantic-core-mismatch": "the pydantic that pins this pydantic-core could not be identified",
    "version-conflict": "no release satisfying every installed package's requirements was identified",
    "broken-install": "which copy to keep is a choice only you can make (both are in use on sys.path)",
    "missing-package": "the distribution that provides the module is not known (its PyPI name may differ)",
    "version-skew": "the packages that must move together could not be identified",
    "binary-incompatible": "the compiled package to rebuild or replace could not be identified",
    "known-bad-release": "no release without the defect is known on this line",
    "python-incompatible": "the interpreter itself must change (a new environment with another Python)",
    "moved-api": "the notebook's code must change (an import moved); the doctor never edits code",
    "network-config": "it is a network or proxy setting, not a package",
    "model-not-found": "the model name in the code or configuration must change",
}

COVERED: frozenset[str] = frozenset(NO_STEP_BECAUSE)


def pip_installs(fx: Fix) -> tuple[str, ...]:
    """The requirements of a fix given only as text, when every command is a plain ``PY -m pip install [-U] REQ...``
    (so the plan can merge it like a structured step); empty otherwise."""
    import shlex

    reqs: list[str] = []
    for cmd in fx.commands:
        try:
            argv = shlex.split(cmd)
        except ValueError:
            return ()
        if argv[1:4] != ["-m", "pip", "install"]:
            return ()
        rest = [a for a in argv[4:] if a not in ("-U", "--upgrade")]
        if not rest or any(a.startswith("-") for a in rest):
            return ()
        reqs += rest
    return tuple(reqs)


def installs(fx: Fix) -> tuple[str, ...]:
    """The requirements a fix installs: its structured ``install``, else those of its plain pip commands.

    The one definition: the plan merges these, and ``causes`` compares them to tell one cause from two."""
    return fx.install or pip_installs(fx)


def has_step(f: Finding) -> bool:
    """True when the finding's fix is a step the plan can run (package or cleanup), not text for a person."""
    fx = f.fix
    return fx is not None and not fx.manual and bool(
        installs(fx) or fx.reinstall or fx.uninstall or fx.remove_paths)


def no_step_reason(f: Finding) -> Optional[str]:
    """``cannot be fixed automatically because ...`` for a covered finding (error or warning) without a runnable
    step, else None."""
    kind = f.kind.value
    if kind not in COVERED or has_step(f) or f.severity.value == "info":
        return None
    why = NO_STEP_BECAUSE[kind]
    if f.fix is not None and f.fix.summary:
        why += f"; by hand: {f.fix.summary}"
    return f"cannot be fixed automatically because {why}"
