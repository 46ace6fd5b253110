"""The test command is one command: README's Quick start, README's Development section and .ci/run run the same line.

(It lives in the integration tier because the line it guards is the one that runs that tier on two workers; it
starts no process.)
"""

from __future__ import annotations

import re

import pytest

from tests.integration._helpers import CHECKOUT

pytestmark = pytest.mark.integration

INSTALL = "python -m pip install -e '.[test]' && "


def _commands(text: str) -> list[str]:
    """Every line that installs the test extra and runs pytest, without a trailing comment."""
    return [re.sub(r"\s+#.*$", "", line).strip() for line in text.splitlines()
            if line.strip().startswith(INSTALL) and "pytest" in line]


def test_readme_and_ci_run_the_same_test_command() -> None:
    readme = (CHECKOUT / "README.md").read_text(encoding="utf-8")
    quick = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    development = readme.split("## Development", 1)[1].split("\n## ", 1)[0]
    ci = (CHECKOUT / ".ci" / "run").read_text(encoding="utf-8")
    [in_quick] = _commands(quick)
    [in_development] = _commands(development)
    [in_ci] = _commands(ci)
    assert in_quick == in_development == in_ci, (in_quick, in_development, in_ci)
    # Both tiers run, the integration tier on two workers that each take whole files (module fixtures stay one per
    # file, and a file's tests keep their order).
    assert '-m "not integration"' in in_ci and "-m integration -n 2 --dist loadfile" in in_ci
