"""Options shared by check, fix and report, and the output plumbing every command uses."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Optional, TypeVar

import click

from ..config import FAIL_ON
from ..context import Options
from ..render import Format, renderer

if TYPE_CHECKING:
    from ..redact import Redactor

F = TypeVar("F", bound=Callable[..., Any])

FORMATS = [f.value for f in Format]


def target_options(func: F) -> F:
    """--python, --notebook, --provider, --online, --smoke, --no-probe, --timeout, --fail-on, -v, --no-cache..."""
    decorators = [
        click.option("--python", "python", metavar="PATH", multiple=True,
                     help="Target interpreter: a venv's bin/python, a venv folder, or a conda env "
                          "(check: repeatable, one matrix)."),
        click.option("--notebook", "notebooks", multiple=True, metavar="FILE",
                     help="Derive what must work from this notebook (.ipynb or .py); repeatable."),
        click.option("--provider", "providers", multiple=True, metavar="NAME", shell_complete=_complete_providers,
                     help="This provider must work (missing package or credential is an error); repeatable."),
        click.option("--online", is_flag=True, help="Allow network checks (credential refresh, one cheap request)."),
        click.option("--smoke", is_flag=True, help="With --online: one tiny real chat call per provider."),
        click.option("--no-probe", is_flag=True, help="Static checks only: import nothing in the target."),
        click.option("--timeout", type=float, default=None, metavar="SECONDS",
                     help="Seconds a probe may wait (default 10; one still computing may run 6x that) and a "
                     "network call may take (default 5)."),
        fail_on_option(None, "Exit 1 when findings at or above this severity remain (default: error)."),
        click.option("-v", "--verbose", is_flag=True, help="More evidence per finding (still redacted)."),
        click.option("--yes", is_flag=True, help="No confirmation prompt (fix --apply, --smoke)."),
        click.option("--config", "config", metavar="FILE", type=click.Path(dir_okay=False),
                     help="Settings file (default: [tool.langchain-doctor] in the nearest pyproject.toml)."),
        click.option("--no-cache", is_flag=True, help="Ignore and do not write cached results."),
        *report_options(),
    ]
    for deco in reversed(decorators):
        func = deco(func)
    return func


def _complete_codes(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[Any]:
    from click.shell_completion import CompletionItem

    from ..registry import registry

    return [CompletionItem(c.code, help=c.name) for c in registry().values()
            if not c.retired and c.code.startswith(incomplete.upper())]


def _complete_providers(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[Any]:
    from click.shell_completion import CompletionItem

    from ..knowledge.providers import PROVIDERS

    return [CompletionItem(p.name, help=p.package) for p in PROVIDERS if p.name.startswith(incomplete)]


def report_options() -> list[Callable[[F], F]]:
    """--quiet and --ignore CODE[=REASON]: how much of the report shows and which codes do not count."""
    return [
        click.option("-q", "--quiet", is_flag=True, help="Only the errors and the summary."),
        click.option("--ignore", "ignore", multiple=True, metavar="CODE[=REASON]", shell_complete=_complete_codes,
                     help="List findings with this code as ignored; they do not count (repeatable)."),
    ]


def parse_ignores(values: Sequence[str]) -> dict[str, str]:
    """``--ignore CODE[=REASON]`` values as code -> reason; an unknown code is a usage error (exit 2)."""
    from ..registry import registry

    known = registry()
    out: dict[str, str] = {}
    for value in values:
        code, _, reason = value.partition("=")
        code = code.strip().upper()
        if code not in known:
            raise click.UsageError(f"--ignore: unknown finding code {code!r} (see `langchain-doctor list-checks`)")
        out[code] = reason.strip() or "ignored with --ignore"
    return out


def output_options(default: Optional[str] = None) -> Callable[[F], F]:
    """--format and --output."""
    def wrap(func: F) -> F:
        func = output_option()(func)
        func = click.option("--format", "fmt", type=click.Choice(FORMATS), default=default,
                            help=f"Output format ({default or 'console'} by default).")(func)
        return func
    return wrap


def output_option(what: str = "the report") -> Callable[[F], F]:
    """--output FILE: ``what`` goes to FILE; the console summary still goes to the terminal."""
    return click.option("--output", "output", metavar="FILE", type=click.Path(dir_okay=False),
                        help=f"Write {what} to FILE (the console summary still goes to the terminal).")


def fail_on_option(default: Optional[str], help: str) -> Callable[[F], F]:
    """--fail-on, its choices the settings file's (``config.FAIL_ON``): one list of levels for every command."""
    return click.option("--fail-on", type=click.Choice(FAIL_ON), default=default, help=help)


def build_options(kw: dict[str, Any], *, cwd: Optional[Path] = None) -> Options:
    """Options from parsed flags merged over the settings file (``--config``, else the nearest pyproject.toml).

    Flags win; a bad settings file is a ClickException (exit 2) naming the file and line.
    """
    from ..config import ConfigError, load

    timeout = kw.get("timeout")
    if kw.get("smoke") and not kw.get("online"):
        raise click.UsageError("--smoke needs --online")
    if timeout is not None and not (0 < timeout <= 3600):  # also rejects nan and inf
        raise click.UsageError(f"--timeout must be a number of seconds above 0 and at most 3600, not {timeout}")
    try:
        cfg = load(kw.get("config"), cwd=cwd)
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None
    providers = tuple(kw.get("providers") or ())
    pythons = kw.get("python")
    python = pythons[-1] if isinstance(pythons, (tuple, list)) and pythons else pythons or None
    notebooks = tuple(kw.get("notebooks") or ())
    return Options(
        python=python or (cfg.python if cfg else None),
        providers=providers or (cfg.providers if cfg and cfg.providers else ()),
        notebooks=notebooks or (cfg.notebooks if cfg and cfg.notebooks else ()),
        online=bool(kw.get("online")),
        smoke=bool(kw.get("smoke")),
        probe=not kw.get("no_probe"),
        timeout=timeout if timeout is not None else 10.0,
        net_timeout=min(timeout, 5.0) if timeout is not None else 5.0,
        fail_on=kw.get("fail_on") or (cfg.fail_on if cfg and cfg.fail_on else "error"),
        verbose=bool(kw.get("verbose")),
        use_cache=not kw.get("no_cache"),
        ignore={**(dict(cfg.ignore) if cfg else {}), **parse_ignores(kw.get("ignore") or ())},
    )


def use_color(environ: Optional[Mapping[str, str]] = None, isatty: Optional[bool] = None) -> bool:
    """ANSI colours on a terminal; never when NO_COLOR is set (no-color.org), always when FORCE_COLOR is set
    to anything but ``0`` (force-color.org), so CI logs that render colours can have them."""
    env = os.environ if environ is None else environ
    if env.get("NO_COLOR"):
        return False
    if env.get("FORCE_COLOR", "") not in ("", "0"):
        return True
    return sys.stdout.isatty() if isatty is None else isatty


def emit(text_for: Callable[[Format, bool], str], fmt: Optional[str], output: Optional[str]) -> None:
    """Write the report: to --output (and a console summary to the terminal), else to stdout."""
    chosen = Format(fmt) if fmt else Format.CONSOLE
    if output:
        try:
            Path(output).write_text(text_for(chosen, False), encoding="utf-8", errors="backslashreplace")
        except OSError as exc:
            raise click.ClickException(f"cannot write {output}: {exc.strerror or exc}") from None
        if chosen is not Format.CONSOLE:
            click.echo(fit_stdout(text_for(Format.CONSOLE, use_color())), nl=False)
        click.echo(f"report written to {output}", err=True)
        return
    click.echo(fit_stdout(text_for(chosen, chosen is Format.CONSOLE and use_color())), nl=False)


# The marks the renderers draw, in plain ASCII for a stdout that cannot encode them (``PYTHONIOENCODING=cp1252``,
# as Windows gives redirected output).
_ASCII_MARKS = str.maketrans({"✓": "+", "✗": "x", "⚠": "!", "·": "-", "…": "...", "│": "|", "—": "-", "–": "-",
                              "→": "->", "•": "*", "├": "|", "└": "`", "─": "-"})


def fit_stdout(text: str) -> str:
    """``text`` as stdout's encoding can write it: ASCII marks, then ``?`` for anything else it cannot encode."""
    encoding = getattr(sys.stdout, "encoding", None) or "utf-8"
    try:
        text.encode(encoding)
        return text
    except (UnicodeEncodeError, LookupError):
        pass
    text = text.translate(_ASCII_MARKS)
    try:
        return text.encode(encoding, errors="replace").decode(encoding)
    except LookupError:
        return text.encode("ascii", errors="replace").decode("ascii")


def with_codes(report: Any) -> Any:
    """The report with the registry's documentation of each code it holds (renderers import no registry)."""
    from dataclasses import replace

    from ..model import CodeDoc
    from ..registry import registry

    known = registry()
    wanted = dict.fromkeys(f.code for f in report.findings)
    docs = tuple(CodeDoc(c.code, c.name, c.kind, c.severity, c.what, c.why, c.fix)
                 for code in wanted if (c := known.get(code)) is not None)
    return replace(report, codes=docs)


def render_report(report: Any, fmt: Format, color: bool, verbose: bool, *, quiet: bool = False,
                  width: Optional[int] = None) -> str:
    """Render with the format's renderer; the console wraps at ``width`` (default: $COLUMNS, else the terminal's)."""
    if width is None:
        width = 0
        if fmt is Format.CONSOLE:  # the console renderer's module only when it renders
            from ..render.console import terminal_width

            width = terminal_width(os.environ, sys.stdout.isatty())
    text = renderer(fmt)(with_codes(report), verbose=verbose, color=color, width=width, quiet=quiet)
    # The report was redacted when built; on the way out, whatever the format, the whole text passes once more
    # through the run's redactor (its secret values, not only the shapes of keys).
    return way_out(report).text(text)


def way_out(report: Any) -> Redactor:
    """The redactor every rendered text of ``report`` passes through: its run's, else (a report read back from the
    cache, or built without a run) the doctor's own environment's secrets and the shapes of keys."""
    from ..redact import for_process

    return getattr(report, "redactor", None) or for_process()
