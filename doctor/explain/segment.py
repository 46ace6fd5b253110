"""The segmenter: the lines of a block -> events (exceptions with their chains, retries, warnings, pip lines).

One pass, line by line, with bounded look-ahead; every regex here is anchored or starts with a literal and every
repetition is bounded, so the work is linear in the input.
"""

from __future__ import annotations

import re
from collections import deque
from dataclasses import dataclass
from typing import TYPE_CHECKING, Optional

from ..knowledge.signatures import SIGNATURES
from ..redact import bound

if TYPE_CHECKING:
    from collections.abc import Sequence

    from ..explain.readers import Line

MAX_MESSAGE_LINES = 60
MAX_MESSAGE_CHARS = 8_000
MAX_FRAME_LINES = 200
MAX_TRACEBACK_LINES = 20_000
MAX_CHAIN = 20
MAX_LINE = 20_000

CHAIN_MARKERS = frozenset({
    "The above exception was the direct cause of the following exception:",
    "During handling of the above exception, another exception occurred:",
})

# An exception line inside a traceback: any dotted name, with or without ": message".
_EXC_IN_TB = re.compile(r"(?P<type>[A-Za-z_]\w{0,100}(?:\.[A-Za-z_]\w{0,100}){0,15})(?::(?: (?P<msg>.{0,20000}))?)?$")
# An exception line on its own (exported notebooks, logs): the name must look like an exception.
_EXC_BARE = re.compile(r"(?P<type>(?:[A-Za-z_]\w{0,80}\.){0,12}(?P<last>[A-Za-z_]\w{0,80})): (?P<msg>.{0,20000})$")
_EXC_SUFFIX = re.compile(r"(?:Error|Exception|Exit|Interrupt|Failure|Fault|Unavailable|Denied|Exceeded|Expired|"
                         r"NotFound|Unauthenticated|Forbidden|Timeout|Refused|Iteration)$")
_KNOWN_EXC = frozenset(e for s in SIGNATURES for e in s.exc) | frozenset({
    "ServiceUnavailable", "PermissionDenied", "Unauthenticated", "InvalidArgument", "DeadlineExceeded",
    "ResourceExhausted", "InternalServerError", "BadRequest", "Forbidden", "TooManyRequests", "NotFound",
    "ClientError", "RefreshError", "DefaultCredentialsError", "GoogleAuthError", "ValidationError",
    "SchemaError", "PydanticUserError", "ExceptionGroup", "BaseExceptionGroup",
})
_NOT_EXC = frozenset({"Error", "Warning", "Note", "Hint", "File", "Cell", "Input", "Traceback"})
_WARNING_NAME = re.compile(r"[A-Z]\w{0,80}Warning$")
# ``/path/file.py:341: UserWarning: message``
_WARNING_LINE = re.compile(r"(?P<path>[^\n]{1,500}?):(?P<lineno>\d{1,7}): (?P<cat>[A-Z]\w{0,80}Warning): "
                           r"(?P<msg>.{0,20000})$")
# IPython frames are not indented: ``Cell In[1], line 1``, ``File /path:12, in f``, ``----> 1 code``.
_IPY_FRAME = re.compile(r"(?:Cell In\s?\[|Input In \[|File |-{1,12}>|\.\.\.|\[\.\.\. skipping|\s)")
# A cheap first look: a line can only start something if it has one of these.
_INTERESTING = re.compile(r": |, but you have |, which is not installed|Traceback \(most|Retrying|\* '|:$|"
                          r"^[A-Za-z_][\w.]{0,200}$")
_PYTEST_FRAME = re.compile(r"[^\s:]{1,500}\.py:\d{1,7}: in \w{1,200}")
_GROUP_PREFIX = re.compile(r"\s{0,40}(?:\|\s{0,4}){1,10}")

_TENACITY = re.compile(r"Retrying (?P<fn>\S{1,500}) in (?P<secs>\d{1,7}(?:\.\d{1,9})?) seconds as it "
                       r"(?P<verb>raised|returned) (?P<rest>.{0,5000})")
_REQUEST_RETRY = re.compile(r"Retrying request(?: to (?P<fn>\S{1,500}))? in (?P<secs>\d{1,7}(?:\.\d{1,9})?) seconds")
_GOOGLE_RETRY = re.compile(r"Retrying due to (?P<rest>.{1,5000}?), sleeping (?P<secs>\d{1,7}(?:\.\d{1,9})?)s")

_PIP_CONFLICT = re.compile(r"(?P<dist>[A-Za-z0-9][\w.\-]{0,100}) (?P<ver>[\w.+!\-]{1,60}) (?:requires|has "
                           r"requirement) (?P<req>.{1,400}?), but you have (?P<hname>[\w.\-]{1,100}) "
                           r"(?P<hver>[\w.+!\-]{1,60})")
_PIP_MISSING = re.compile(r"(?P<dist>[A-Za-z0-9][\w.\-]{0,100}) (?P<ver>[\w.+!\-]{1,60}) requires "
                          r"(?P<req>.{1,400}?), which is not installed")


@dataclass(frozen=True)
class Exc:
    """One exception as printed."""

    type: str
    """As printed: bare or dotted (``openai.AuthenticationError``); empty when not known."""
    message: str
    """str(exc) as printed; may span lines; bounded."""
    line: int
    """Line number of the exception line (or of the retry/warning line)."""
    traceback: str = ""
    """The frames printed before it (bounded: the last ones)."""

    @property
    def final_line(self) -> str:
        """``Type: first line of the message``."""
        first = self.message.split("\n", 1)[0]
        if not self.type:
            return first
        return f"{self.type}: {first}" if first else self.type


@dataclass(frozen=True)
class Event:
    """Something the segmenter found."""

    kind: str
    """``error`` (an exception, with its chain), ``retry``, ``warning`` or ``line`` (a pip resolver line)."""
    exc: Exc
    causes: tuple[Exc, ...] = ()
    """Earlier exceptions of a chain, oldest first (``The above exception was the direct cause ...``)."""
    seconds: float = 0.0
    """For a retry: the wait announced."""
    target: str = ""
    """For a retry: what was retried (function or URL)."""
    truncated: bool = False
    """An error whose traceback stopped before its exception line."""


def _content(text: str) -> str:
    """The line without the ``  | `` prefix of exception-group tracebacks."""
    if "|" in text[:60] and text.lstrip()[:1] == "|":
        m = _GROUP_PREFIX.match(text)
        if m:
            return text[m.end():]
    return text


def _indent(text: str) -> int:
    return len(text) - len(text.lstrip(" \t"))


def bare_exception(text: str) -> Optional[tuple[str, str]]:
    """(type, message) when ``text`` is an exception line on its own, e.g. ``PydanticUserError: The ...``."""
    if ": " not in text or not text[:1].isalpha() and text[:1] != "_":
        return None
    m = _EXC_BARE.match(bound(text, MAX_LINE))
    if m is None:
        return None
    last = m.group("last")
    if last in _NOT_EXC or not (_EXC_SUFFIX.search(last) or last in _KNOWN_EXC or _WARNING_NAME.match(last)):
        return None
    return m.group("type"), m.group("msg")


def _is_boundary(text: str) -> bool:
    """A line that starts something new (ends a message continuation)."""
    s = text.strip()
    if not s:
        return False
    return ("Traceback (most recent call last)" in s or s in CHAIN_MARKERS or s.startswith(("Retrying ", "In ["))
            or bare_exception(text) is not None or _warning_line(text) is not None
            or ((", but you have " in s or ", which is not installed" in s)
                and (_PIP_CONFLICT.search(s) or _PIP_MISSING.search(s)) is not None))


def _warning_line(text: str) -> Optional[tuple[str, str]]:
    if "Warning: " not in text:
        return None
    m = _WARNING_LINE.match(bound(text, MAX_LINE))
    if m is None:
        return None
    return m.group("cat"), m.group("msg")


class _Segmenter:
    def __init__(self, lines: Sequence[Line]) -> None:
        self.lines = lines
        self.n = len(lines)
        self.events: list[Event] = []
        self.causes: list[Exc] = []

    def run(self) -> list[Event]:
        i = 0
        while i < self.n:
            i = self.step(i)
        self.flush()
        return self.events

    def flush(self) -> None:
        if self.causes:
            last = self.causes.pop()
            self.events.append(Event("error", last, tuple(self.causes[-MAX_CHAIN:])))
            self.causes = []

    def emit_error(self, exc: Exc, after: int, truncated: bool = False) -> int:
        """Record ``exc``; when a chain marker follows, keep it as a cause of the next one. Returns next index."""
        j = after
        while j < self.n and not self.lines[j].text.strip() and not self.lines[j].record:
            j += 1
        if j < self.n and _content(self.lines[j].text).strip() in CHAIN_MARKERS:
            self.causes.append(exc)
            if len(self.causes) > MAX_CHAIN:
                del self.causes[0]
            return j + 1
        self.events.append(Event("error", exc, tuple(self.causes[-MAX_CHAIN:]), truncated=truncated))
        self.causes = []
        return after

    def step(self, i: int) -> int:
        line = self.lines[i]
        text = line.text
        if not text or len(text) > MAX_LINE and "Traceback" not in text[:200]:
            return i + 1
        if _INTERESTING.search(text) is None:
            return i + 1
        content = _content(text)
        if "Traceback (most recent call last)" in content:
            return self.traceback(i, _indent(content))
        stripped = content.strip()
        if stripped in CHAIN_MARKERS:
            return i + 1
        if "Retrying" in content:
            ev = _retry(content, line.no)
            if ev is not None:
                self.flush()
                self.events.append(ev)
                return i + 1
        if content.startswith("* '") and "' has been " in content:
            self.events.append(Event("warning", Exc("UserWarning", "Valid config keys have changed in V2:\n" + stripped,
                                                    line.no)))
            return i + 1
        if ", but you have " in content or ", which is not installed" in content:
            m = _PIP_CONFLICT.search(content) or _PIP_MISSING.search(content)
            if m is not None:
                self.events.append(Event("line", Exc("pip", m.group(0), line.no)))
                return i + 1
        w = _warning_line(content)
        if w is not None:
            msg, j = self.continuation(w[1], i + 1)
            # The line itself is the warning's one frame: its path says which package warned.
            self.events.append(Event("warning", Exc(w[0], msg, line.no, content[:2000])))
            return j
        bare = bare_exception(content)
        if bare is not None:
            msg, j = self.continuation(bare[1], i + 1)
            exc = Exc(bare[0], msg, line.no, self.headless_frames(i))
            if _WARNING_NAME.match(bare[0].rsplit(".", 1)[-1]):
                self.events.append(Event("warning", exc))
                return j
            return self.emit_error(exc, j)
        return i + 1

    def headless_frames(self, i: int) -> str:
        """Frames pasted without their ``Traceback (most recent call last):`` header, just above line ``i``.

        Bounded look-back (MAX_FRAME_LINES); kept only when at least one line is a frame (``File "..."``,
        pytest's ``path:12: in f``).
        """
        out: list[str] = []
        k = i - 1
        while k >= 0 and len(out) < MAX_FRAME_LINES:
            text = _content(self.lines[k].text)
            if not text.strip() or self.lines[k].record and not text.startswith(" "):
                break
            if not (text.startswith((" ", "\t", "File ")) or _PYTEST_FRAME.match(text)):
                break
            out.append(text[:1000])
            k -= 1
        if not any('File "' in t or _PYTEST_FRAME.match(t) for t in out):
            return ""
        return "\n".join(reversed(out))

    def continuation(self, first: str, j: int) -> tuple[str, int]:
        """The message's further lines (indented details, pydantic's error lines, its docs link)."""
        parts = [first]
        size = len(first)
        while j < self.n and len(parts) < MAX_MESSAGE_LINES and size < MAX_MESSAGE_CHARS:
            line = self.lines[j]
            if line.record:
                break
            text = line.text
            if not text.strip():
                k = j + 1
                if k < self.n and not self.lines[k].record and \
                        self.lines[k].text.strip().startswith("For further information visit"):
                    j = k
                    continue
                break
            if _is_boundary(text):
                break
            parts.append(bound(text, 2000))
            size += len(parts[-1])
            j += 1
        return bound("\n".join(parts), MAX_MESSAGE_CHARS), j

    def traceback(self, i: int, header_indent: int) -> int:
        frames: deque[str] = deque(maxlen=MAX_FRAME_LINES)
        j = i + 1
        seen = 0
        while j < self.n and seen < MAX_TRACEBACK_LINES:
            line = self.lines[j]
            raw = line.text
            if line.record and seen:
                break
            text = _content(raw)
            seen += 1
            if not text.strip():
                j += 1
                continue
            ind = _indent(text)
            if ind > header_indent or (ind == header_indent and _IPY_FRAME.match(text[ind:])):
                frames.append(bound(text, 1000))
                j += 1
                continue
            body = text[ind:]
            if "Traceback (most recent call last)" in body or body.startswith(("In [", "Retrying ")):
                break
            m = _EXC_IN_TB.match(bound(body, MAX_LINE))
            if m is not None and m.group("type") not in _NOT_EXC and (
                    m.group("msg") is not None or body.endswith(":") or _looks_like_exc_name(m.group("type"))):
                msg, after = self.continuation(m.group("msg") or "", j + 1)
                exc = Exc(m.group("type"), msg, line.no, "\n".join(frames))
                return self.emit_error(exc, after)
            frames.append(bound(text, 1000))
            j += 1
        last = frames[-1].strip() if frames else ""
        exc = Exc("", f"traceback without its final exception line (last frame: {bound(last, 300)})",
                  self.lines[min(j, self.n) - 1].no, "\n".join(frames))
        return self.emit_error(exc, j, truncated=True)


def _looks_like_exc_name(name: str) -> bool:
    last = name.rsplit(".", 1)[-1]
    return bool(last[:1].isupper() and (_EXC_SUFFIX.search(last) or last in _KNOWN_EXC))


def _retry(text: str, no: int) -> Optional[Event]:
    m = _TENACITY.search(text)
    if m is not None:
        rest = m.group("rest")
        if rest.endswith("."):
            rest = rest[:-1]
        exc_type, msg = "", rest
        if m.group("verb") == "raised":
            parsed = bare_exception(rest) or _split_exc(rest)
            if parsed is not None:
                exc_type, msg = parsed
        return Event("retry", Exc(exc_type, msg, no), seconds=float(m.group("secs")), target=m.group("fn"))
    m = _REQUEST_RETRY.search(text)
    if m is not None:
        return Event("retry", Exc("", "", no), seconds=float(m.group("secs")), target=m.group("fn") or "request")
    m = _GOOGLE_RETRY.search(text)
    if m is not None:
        rest = m.group("rest")
        parsed = bare_exception(rest) or _split_exc(rest)
        exc_type, msg = parsed if parsed is not None else ("", rest)
        return Event("retry", Exc(exc_type, msg, no), seconds=float(m.group("secs")), target="google api call")
    return None


def _split_exc(text: str) -> Optional[tuple[str, str]]:
    m = _EXC_IN_TB.match(bound(text, MAX_LINE))
    if m is None or m.group("msg") is None:
        return None
    return m.group("type"), m.group("msg")


def segment(lines: Sequence[Line]) -> list[Event]:
    """The events of one block, in order."""
    return _Segmenter(lines).run()
