"""``python -m doctor`` and the console script: ``--version`` answers before anything heavy is imported."""

from __future__ import annotations

import sys


def main() -> None:
    """Entry point: the fast path for --version, else the click command line."""
    if sys.argv[1:] == ["--version"]:
        from doctor import __version__

        sys.stdout.write(f"langchain-doctor {__version__}\n")
        raise SystemExit(0)
    from doctor.cli import main as cli_main

    cli_main()


if __name__ == "__main__":
    main()
