"""Regenerates the README's table of finding codes from the registry (run after adding a code)."""

from __future__ import annotations

from pathlib import Path

from langchain_doctor.commands.list_checks import table_markdown

README = Path(__file__).resolve().parents[1] / "README.md"
START, END = "<!-- codes:start -->\n", "<!-- codes:end -->"


def main() -> None:
    """Replace the text between the markers with the generated table."""
    text = README.read_text(encoding="utf-8")
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    README.write_text(head + START + table_markdown() + END + tail, encoding="utf-8")


if __name__ == "__main__":
    main()
