"""Reads an installed package's own source for pydantic v1 idioms (file:line evidence; nothing is imported)."""

from __future__ import annotations

import os
from pathlib import Path

from .. import inputs
from ..knowledge.compat import V1_IDIOMS

_MAX_FILES = 400
_MAX_BYTES = 2_000_000


def v1_idioms(location: str, module: str, limit: int = 4) -> list[str]:
    """Up to ``limit`` evidence lines ``path:line: what`` for v1 idioms in ``location/module``."""
    root = os.path.join(location, module)
    hits: list[str] = []
    if not inputs.is_dir(root):
        return hits
    seen_files = 0
    for dirpath, _dirnames, filenames in inputs.walk(root, skip=frozenset({"__pycache__", "tests"})):
        for fn in filenames:
            if not fn.endswith(".py"):
                continue
            seen_files += 1
            if seen_files > _MAX_FILES:
                return hits
            path = os.path.join(dirpath, fn)
            try:
                text = inputs.read_text(path, limit=_MAX_BYTES, errors="replace")
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
