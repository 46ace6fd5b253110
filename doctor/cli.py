"""The command line: thin parsing on top of the runner; subcommands are loaded only when used."""

from __future__ import annotations

import importlib
import sys
from typing import Any, NoReturn, Optional

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
    "what-if": ".commands.what_if:command",
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
            if args and not args[0].startswith("-") and not ctx.resilient_parsing:
                raise click.UsageError(unknown_command(args[0]))
            args = [DEFAULT_COMMAND, *args]
        return super().resolve_command(ctx, args)

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if ctx.resilient_parsing:
            # Shell completion: the words typed so far; options first are the default command's.
            if args and args[0].startswith("-") and args[0] not in ("--help", "-h", "--version"):
                args = [DEFAULT_COMMAND, *args]
            return super().parse_args(ctx, args)
        if not args:
            args = [DEFAULT_COMMAND]
        elif args[0] not in COMMANDS and args[0] not in ("--help", "-h", "--version"):
            if not args[0].startswith("-"):
                # `check` takes no arguments: a bare word first is a command name, perhaps mistyped.
                raise click.UsageError(unknown_command(args[0]))
            args = [DEFAULT_COMMAND, *args]
        return super().parse_args(ctx, args)


    def shell_complete(self, ctx: click.Context, incomplete: str) -> list[Any]:
        """Commands, and at the top level the default command's options too (``langchain-doctor --no-p<TAB>``)."""
        items: list[Any] = super().shell_complete(ctx, incomplete)
        if incomplete.startswith("-"):
            default = self.get_command(ctx, DEFAULT_COMMAND)
            if default is not None:
                with default.make_context(DEFAULT_COMMAND, [], parent=ctx, resilient_parsing=True) as sub:
                    items += default.shell_complete(sub, incomplete)
        return items


def unknown_command(word: str) -> str:
    """``no such command 'chek'; did you mean 'check'?`` (or the list of commands)."""
    import difflib

    close = difflib.get_close_matches(word, list(COMMANDS), n=1, cutoff=0.5)
    if close:
        return f"no such command {word!r}; did you mean {' or '.join(repr(c) for c in close)}?"
    return f"no such command {word!r} (commands: {', '.join(COMMANDS)})"


@click.group(cls=LazyGroup, invoke_without_command=False,
             context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="langchain-doctor")
def cli() -> None:
    """Diagnose LangChain environments: pydantic v1/v2 mixes, broken installs, credentials.

    Without a command, runs `check`. Shell completion: see the README (eval "$(_LANGCHAIN_DOCTOR_COMPLETE=bash_source
    langchain-doctor)").
    """


def main(argv: Optional[list[str]] = None) -> None:
    """Console-script entry point: exit codes 0/1 from the report, 2 with one redacted line for anything else.

    The one guard at the top: whatever goes wrong in any command (a bug, a hostile input nothing anticipated, an
    unwritable stdout) ends as exit 2 and one line on stderr, never as a traceback or exit 1 (which CI reads as
    "findings"). ``--debug`` (or ``-v``) adds the traceback, redacted too.
    """
    args = sys.argv[1:] if argv is None else argv
    if args[:1] == ["--version"]:  # fast path: no command import at all
        print(f"langchain-doctor {__version__}")
        raise SystemExit(0)
    debug = "--debug" in args
    args = [a for a in args if a != "--debug"]
    closed = _reserve_closed_fds()
    if 1 in closed and "--output" not in args and not any(a.startswith("--output=") for a in args):
        fail("standard output is closed: nothing could be written (redirect it, or use --output FILE)")
    try:
        rv: Any = cli.main(args=args, prog_name="langchain-doctor", standalone_mode=False)
    except click.exceptions.Exit as exc:
        raise SystemExit(exc.exit_code) from None
    except click.Abort:
        fail("aborted")
    except click.ClickException as exc:
        fail(exc.format_message())
    except SystemExit:
        raise
    except KeyboardInterrupt:
        fail("interrupted")
    except Exception as exc:  # the guard: anything unexpected is exit 2 with one line
        fail(describe(exc), traceback=exc if debug or "-v" in args or "--verbose" in args else None)
    raise SystemExit(rv if isinstance(rv, int) else 0)


def _reserve_closed_fds() -> set[int]:
    """Standard descriptors the caller closed (``>&-``), each now held by /dev/null.

    Otherwise the first file the doctor opens would take the number, and a probe's output would go into it.
    """
    import os

    closed: set[int] = set()
    for fd in (0, 1, 2):
        try:
            os.fstat(fd)
        except OSError:
            closed.add(fd)
    for fd in sorted(closed):
        null = os.open(os.devnull, os.O_RDWR)
        if null != fd:
            os.dup2(null, fd)
            os.close(null)
    return closed


def describe(exc: BaseException) -> str:
    """One line for an unexpected exception: what failed and how to see more."""
    import errno

    if (isinstance(exc, OSError) and exc.filename is None and exc.strerror
            and exc.errno in (errno.ENOSPC, errno.EIO, errno.EPIPE, errno.EBADF, errno.EDQUOT, errno.EFBIG)):
        return f"cannot write the output: {exc.strerror}"
    if isinstance(exc, UnicodeEncodeError):
        return f"cannot write the output in this terminal's encoding ({exc.encoding}): set PYTHONIOENCODING=utf-8"
    what = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    return f"internal error: {what} (run again with --debug to see the traceback)"


def fail(message: str, *, traceback: Optional[BaseException] = None) -> NoReturn:
    """Exit 2 after one redacted line on stderr (and the redacted traceback when asked for)."""
    from .redact import for_process

    redactor = for_process()
    err = sys.stderr
    try:
        if traceback is not None and err is not None:
            import traceback as tb

            text = "".join(tb.format_exception(type(traceback), traceback, traceback.__traceback__))
            err.write(redactor.text(text))
        if err is not None:
            err.write(f"langchain-doctor: {redactor.line(message)}\n")
            err.flush()
    except (OSError, ValueError):  # stderr itself is closed or full: the exit status still tells
        pass
    raise SystemExit(2)
