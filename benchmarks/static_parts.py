"""Where the static check's CPU goes, check by check (in-process, ``--no-probe --no-cache``), on named real venvs.

Item 1 of run.py compares wall times with ``pip check``; on a shared, loaded machine wall times move with the load,
while the CPU a run spends moves much less. This script runs the static check in this process several times and
reports the median CPU time (``time.process_time``) of each check and of the whole command, so that a change to one
check (the symbol scan, the protobuf gencode scan) is measured on its own.

    python benchmarks/static_parts.py --venvs healthy7 --runs 7
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def measure(python: str, runs: int) -> dict[str, Any]:
    from langchain_doctor import runner
    from langchain_doctor.cli import main

    per_check: dict[str, list[float]] = {}
    totals: list[float] = []
    original = runner._run_one

    def timed(env: Any, check: Any, *args: Any, **kwargs: Any) -> Any:
        start = time.process_time()
        try:
            return original(env, check, *args, **kwargs)
        finally:
            per_check.setdefault(check.name, []).append(time.process_time() - start)

    runner._run_one = timed  # type: ignore[assignment]
    try:
        for _ in range(runs):
            start = time.process_time()
            try:
                main(["--python", python, "--no-probe", "--no-cache", "--format", "json", "--output", "/dev/null",
                      "--quiet"])
            except SystemExit:
                pass
            totals.append(time.process_time() - start)
    finally:
        runner._run_one = original  # type: ignore[assignment]
    checks = {name: round(statistics.median(v) * 1000, 2) for name, v in per_check.items()}
    return {"command_cpu_ms_median": round(statistics.median(totals) * 1000, 1),
            "command_cpu_ms_all": [round(t * 1000, 1) for t in totals],
            "checks_cpu_ms_median": dict(sorted(checks.items(), key=lambda kv: -kv[1])),
            "note": "the first run also pays the doctor's own imports; later runs reuse them"}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--venvs", default="healthy7", help="named real venvs from tests/realenv.py")
    ap.add_argument("--runs", type=int, default=7)
    args = ap.parse_args()
    from tests.realenv import named_venv, venv_python

    out = {name: measure(str(venv_python(named_venv(name))), args.runs) for name in args.venvs.split(",") if name}
    print(json.dumps(out, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
