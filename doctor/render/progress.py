"""Live progress on a terminal: a line per provider as its probe finishes, and a spinner naming what still runs.

Drawn on standard error, and only when it is a terminal (``live`` gives a display that draws nothing otherwise:
pipes, CI logs, files and notebook kernels see none of it). The engine calls the ``Progress`` methods; nothing
here changes a verdict, and a display that fails is silent.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any, Optional, Protocol

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Sequence
    from typing import TextIO

_STAGE_MARK = {"ok": "✓", "error": "✗", "warning": "!", "skipped": "·"}
_SHOWN = 3


class Progress(Protocol):
    """What the engine reports while it works."""

    def phase(self, label: str, running: Optional[Callable[[], Sequence[str]]] = None) -> None:
        """Now doing ``label`` (the spinner's text); ``running`` names the items still at work, polled."""

    def provider_done(self, provider: str, stages: Sequence[tuple[str, str]], seconds: float) -> None:
        """One provider's probe has finished, ``seconds`` after the probes started."""

    def step_done(self, text: str, ok: bool, seconds: float) -> None:
        """One step (a smoke call, a fix step, a what-if build) has finished."""


class Silent:
    """The display when standard error is not a terminal: draws nothing."""

    def phase(self, label: str, running: Optional[Callable[[], Sequence[str]]] = None) -> None:
        return None

    def provider_done(self, provider: str, stages: Sequence[tuple[str, str]], seconds: float) -> None:
        return None

    def step_done(self, text: str, ok: bool, seconds: float) -> None:
        return None

    def __enter__(self) -> Silent:
        return self

    def __exit__(self, *exc: object) -> None:
        return None


def provider_line(provider: str, stages: Sequence[tuple[str, str]], seconds: float) -> str:
    """``✓ openai  import ✓  class ✓  construct ✓  (1.2 s)``."""
    worst = "error" if any(v == "error" for _, v in stages) else "ok"
    marks = "  ".join(f"{k} {_STAGE_MARK.get(v, v)}" for k, v in stages)
    return f"{_STAGE_MARK[worst]} {provider}  {marks}  ({seconds:.1f} s)"


def spinner_text(label: str, names: Sequence[str]) -> str:
    """``probing: openai:class, groq:import (+3 more)``."""
    if not names:
        return label
    shown = ", ".join(names[:_SHOWN])
    more = f" (+{len(names) - _SHOWN} more)" if len(names) > _SHOWN else ""
    return f"{label}: {shown}{more}"


class Live:
    """The terminal display: permanent lines above a spinner whose text is refreshed from ``running``."""

    def __init__(self, stream: TextIO, *, color: bool) -> None:
        from rich.console import Console

        self._console = Console(file=stream, force_terminal=True, force_jupyter=False, no_color=not color,
                                highlight=False, soft_wrap=True)
        self._status: Any = None
        self._label = ""
        self._running: Optional[Callable[[], Sequence[str]]] = None
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._poller: Optional[threading.Thread] = None

    def __enter__(self) -> Live:
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._poller is not None:
            self._poller.join(timeout=1)
        with self._lock:
            if self._status is not None:
                self._status.stop()
                self._status = None

    def phase(self, label: str, running: Optional[Callable[[], Sequence[str]]] = None) -> None:
        with self._lock:
            self._label, self._running = label, running
            if self._status is None:
                # Started on the first phase only: a confirmation prompt before it is never drawn over.
                self._status = self._console.status(label, spinner="dots")
                self._status.start()
                self._poller = threading.Thread(target=self._poll, name="lcd-progress", daemon=True)
                self._poller.start()
            self._refresh()

    def provider_done(self, provider: str, stages: Sequence[tuple[str, str]], seconds: float) -> None:
        self._print(provider_line(provider, stages, seconds))

    def step_done(self, text: str, ok: bool, seconds: float) -> None:
        self._print(f"{'✓' if ok else '✗'} {text}  ({seconds:.1f} s)")

    def _print(self, text: str) -> None:
        try:
            self._console.print(text, markup=False, highlight=False)
        except Exception:  # a display never costs the run
            pass

    def _refresh(self) -> None:
        try:
            names = tuple(self._running()) if self._running is not None else ()
        except Exception:
            names = ()
        if self._status is not None:
            self._status.update(spinner_text(self._label, names))

    def _poll(self) -> None:
        while not self._stop.wait(0.2):
            with self._lock:
                self._refresh()


def live(stream: TextIO, environ: Mapping[str, str], *, enabled: bool = True) -> Live | Silent:
    """A Live display on ``stream`` when it is a terminal (and ``enabled``), else a Silent one."""
    try:
        tty = stream.isatty()
    except (AttributeError, ValueError):
        tty = False
    if not (enabled and tty):
        return Silent()
    return Live(stream, color=not environ.get("NO_COLOR"))
