"""What every check receives: the options of the run and the environment as read (frozen)."""

from __future__ import annotations

import dataclasses
import functools
from dataclasses import field
from typing import TYPE_CHECKING, Optional

from .values import value_type

if TYPE_CHECKING:
    from collections.abc import Mapping

    from .creds.needs import Needs
    from .inputs import Recorder
    from .inventory import Inventory
    from .notebook import NotebookFacts
    from .probe import Result
    from .redact import Redactor
    from .target import Target


@value_type
class Options:
    """The user's request, after command line, config file and defaults are merged."""

    python: Optional[str] = None
    providers: tuple[str, ...] = ()
    """Providers that must work (--provider)."""
    notebooks: tuple[str, ...] = ()
    online: bool = False
    smoke: bool = False
    probe: bool = True
    timeout: float = 10.0
    net_timeout: float = 5.0
    fail_on: str = "error"
    verbose: bool = False
    use_cache: bool = True
    ignore: Mapping[str, str] = field(default_factory=dict)
    """code -> reason, from configuration."""
    selected: Optional[tuple[str, str]] = None
    """(selected_by, reason) when the caller, not the user, chose ``python`` (the Jupyter magic: its own kernel),
    so that "chosen because" stays true."""


@value_type
class Environment:
    """The target as read: interpreter facts, installed distributions, what must work, probe results."""

    target: Target
    inventory: Inventory
    options: Options
    environ: Mapping[str, str]
    """The environment variables the user's code will see (names and values; values never leave redacted)."""
    needed: frozenset[str] = frozenset()
    """Provider names that must work (--provider, notebooks)."""
    needed_packages: Mapping[str, str] = field(default_factory=dict)
    """Provider -> the integration package the code uses for it (Together through langchain-openai)."""
    probes: Mapping[str, Result] = field(default_factory=dict)
    """Probe results by probe id (filled when probes ran)."""
    notebook_facts: tuple[NotebookFacts, ...] = ()
    """What the --notebook files use (imports, classes, env vars), one entry per notebook."""
    work_dir: str = ""
    """Where the user's code runs (the notebook's folder, else the working directory)."""
    credential_needs: Optional[Needs] = None
    """What the run requires of credentials (needed providers, the notebooks' variables, .env files), computed
    once when the environment is read (``creds.needs.compute`` reads it; computes it for an Environment built
    without it, as the tests do)."""
    inputs: Recorder = field(default_factory=lambda: _recorder())
    """The run's one door to files, folders and variables (``doctor.inputs``): what it read is the cache key."""

    @functools.cached_property
    def redactor(self) -> Redactor:
        """The redaction layer for this environment: its secret-named variables, the providers' keys, and every
        secret the credential layer can see. Checks cut text only through it (``redactor.cut``)."""
        from .inputs import RecordingEnviron
        from .redact import for_environment

        if isinstance(self.environ, RecordingEnviron):  # masking every value is not a verdict input
            return for_environment(dataclasses.replace(self, environ=self.environ.unrecorded()))
        return for_environment(self)


def _recorder() -> Recorder:
    from .inputs import Recorder

    return Recorder()
