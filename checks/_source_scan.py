"""Reads an installed package's own source for pydantic v1 idioms (file:line evidence; nothing is imported)."""

from __future__ import annotations

import os
from pathlib import Path

from ..knowledge.compat import V1_IDIOMS

_MAX_FILES = 400
_MAX_BYTES = 2_000_000


def v1_idioms(location: str, module: str, limit: int = 4) -> list[str]:
    """Up to ``limit`` evidence lines ``path:line: what`` for v1 idioms in ``location/module``."""
    root = os.path.join(location, module)
    hits: list[str] = []
    if not os.path.isdir(root):
        return hits
    seen_files = 0
    # os.* rather than pathlib: this reads every source file of each integration on every static run.
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in ("__pycache__", "tests"))
        for fn in sorted(filenames):
            if not fn.endswith(".py"):
                continue
            seen_files += 1
            if seen_files > _MAX_FILES:
                return hits
            path = os.path.join(dirpath, fn)
            try:
                with open(path, encoding="utf-8", errors="replace") as fh:
                    if os.fstat(fh.fileno()).st_size > _MAX_BYTES:
                        continue
                    text = fh.read()
            except OSError:
                continue
            if not any(needle in text for needle, _ in V1_IDIOMS):
                continue
            for lineno, line in enumerate(text.splitlines(), 1):
                stripped = line.strip()
                if stripped.startswith("#"):
                    continue
                for needle, what in V1_IDIOMS:
                    if needle in line:
                        rel = Path(os.path.relpath(path, location)).as_posix()
                        hits.append(f"{rel}:{lineno}: {what}: {stripped[:120]}")
                        break
                if len(hits) >= limit:
                    return hits
    return hits
