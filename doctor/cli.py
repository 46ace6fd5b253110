"""The command line: thin parsing on top of the runner; subcommands are loaded only when used."""

from __future__ import annotations

import importlib
import sys
from typing import Any, Optional

import click

from . import __version__

# Subcommand name -> "module:attribute" (relative to this package) of its click.Command; imported only when used.
COMMANDS: dict[str, str] = {
    "check": ".commands.check:command",
    "explain": ".commands.explain:command",
    "fix": ".commands.fix:command",
    "report": ".commands.report:command",
    "list-checks": ".commands.list_checks:command",
    "summarize": ".commands.summarize:command",
}
DEFAULT_COMMAND = "check"


class LazyGroup(click.Group):
    """A group whose subcommands are imported on first use, and whose default command is ``check``."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> Optional[click.Command]:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return None
        module, attr = target.split(":")
        cmd: click.Command = getattr(importlib.import_module(module, __package__), attr)
        return cmd

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[Optional[str], Optional[click.Command], list[str]]:
        # `langchain-doctor --python X` means `langchain-doctor check --python X`.
        if not args or args[0] not in COMMANDS:
            args = [DEFAULT_COMMAND, *args]
        return super().resolve_command(ctx, args)

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if not args:
            args = [DEFAULT_COMMAND]
        elif args[0] not in COMMANDS and args[0] not in ("--help", "-h", "--version"):
            args = [DEFAULT_COMMAND, *args]
        return super().parse_args(ctx, args)


@click.group(cls=LazyGroup, invoke_without_command=False,
             context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="langchain-doctor")
def cli() -> None:
    """Diagnose LangChain environments: pydantic v1/v2 mixes, broken installs, credentials.

    Without a command, runs `check`.
    """


def main(argv: Optional[list[str]] = None) -> None:
    """Console-script entry point: exit codes 0/1 from the report, 2 with one line for anything else."""
    args = sys.argv[1:] if argv is None else argv
    if args[:1] == ["--version"]:  # fast path: no command import at all
        print(f"langchain-doctor {__version__}")
        raise SystemExit(0)
    try:
        rv: Any = cli.main(args=args, prog_name="langchain-doctor", standalone_mode=False)
    except click.exceptions.Exit as exc:
        raise SystemExit(exc.exit_code) from None
    except click.Abort:
        click.echo("langchain-doctor: aborted", err=True)
        raise SystemExit(2) from None
    except click.ClickException as exc:
        click.echo(f"langchain-doctor: {exc.format_message()}", err=True)
        raise SystemExit(2) from None
    raise SystemExit(rv if isinstance(rv, int) else 0)
