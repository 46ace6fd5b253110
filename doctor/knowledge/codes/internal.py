"""LCD9xx: about the doctor itself (a check that crashed, a probe that could not run)."""

from __future__ import annotations

from ...model import Kind, Severity
from ...registry import CodeInfo

CODES = (
    CodeInfo(
        "LCD901", Kind.DOCTOR, Severity.WARNING, "check-crashed",
        what="One of the doctor's own checks raised an exception.",
        why="That check's verdict is missing; the others still ran. This is a bug in langchain-doctor.",
        fix="Report it with the evidence line (it holds no secrets) and `langchain-doctor --version`.",
    ),
    CodeInfo(
        "LCD902", Kind.DOCTOR, Severity.INFO, "check-skipped",
        what="A check did not run: its input was unavailable or an option turned it off.",
        why="The report is silent about what that check covers.",
        fix="See the evidence for why it was skipped.",
    ),
)
