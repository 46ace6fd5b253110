"""Slow is not broken, over every real venv: quiet run vs. a run with every CPU busy.

For the seven-integration venv and every broken real venv of the integration tests (the fix matrix's list), run
``langchain-doctor --python V --format json --no-cache`` once on a quiet machine, then once with 2 x nproc busy
loops and ``PYTHONDONTWRITEBYTECODE=1`` (every import compiles from source), and compare the verdicts: finding
codes with their providers, and each provider's status and stages. Nothing is timed; the only output is which
pairs differ, and how.

    python benchmarks/verdicts_under_load.py [--venvs healthy7,seed-broken] [--output FILE]

The CI tier runs three of these pairs (tests/integration/test_verdicts_under_load.py); this script runs them all,
for the closing numbers of a release. It prints a line per venv and a total, and writes JSON when asked.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.integration.test_fix_holds_real import BROKEN, _stale_metadata  # noqa: E402
from tests.integration.test_verdicts_under_load import busy_cpus, verdicts  # noqa: E402
from tests.realenv import named_venv  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--venvs", default=",".join(["healthy7", *BROKEN]))
    parser.add_argument("--output")
    args = parser.parse_args()
    results: list[dict[str, Any]] = []
    for name in [n for n in args.venvs.split(",") if n]:
        with tempfile.TemporaryDirectory(prefix="lcd-load-") as scratch:
            cwd = Path(scratch)
            try:
                venv = _stale_metadata(cwd) if name == "stale-metadata" else named_venv(name)
            except Exception as exc:  # a venv that cannot be built is a row, not a stop
                print(f"{name}: unavailable ({exc})", flush=True)
                results.append({"venv": name, "unavailable": str(exc)})
                continue
            quiet = verdicts(venv, cwd)
            with busy_cpus():
                loaded = verdicts(venv, cwd, PYTHONDONTWRITEBYTECODE="1")
        same = quiet == loaded
        print(f"{name}: {'same' if same else 'DIFFERENT'} {quiet['codes']}", flush=True)
        if not same:
            print(f"  quiet:  {quiet}\n  loaded: {loaded}", flush=True)
        results.append({"venv": name, "same": same, "quiet": quiet, "loaded": loaded})
    compared = [r for r in results if "same" in r]
    differing = [r["venv"] for r in compared if not r["same"]]
    print(f"pairs compared: {len(compared)}, differing: {len(differing)} {differing}; cpus: {os.cpu_count()}")
    if args.output:
        Path(args.output).write_text(json.dumps(results, indent=2) + "\n")
    return 1 if differing else 0


if __name__ == "__main__":
    raise SystemExit(main())
