"""Every text of many reports through the redaction layer once: field by field, each distinct string once.

Reports given to ``summarize`` may come from anywhere (an old version, a hand-edited file, another machine), so
nothing in them is trusted to be redacted. Redacting each string where it sits, rather than the rendered page,
costs the redactor's patterns once per distinct string (the same package paths, titles and fixes recur across a
fleet) instead of once per byte of every output format; the rendered text then only has the known secret values
of this process replaced (``Redactor.known``), which catches a value split across two fields and joined again.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Optional

from .matrix import Entry, Matrix, build

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from ..redact import Redactor


class Scrubber:
    """A redactor over JSON values, remembering each string's redacted form."""

    def __init__(self, redactor: Redactor) -> None:
        self._redactor = redactor
        self._same: set[str] = set()
        """Strings the redactor leaves as they are (most of them): a set, so that a whole object's keys are checked
        in one ``issuperset`` and a string is looked up by value (equal strings of two files are distinct objects)."""
        self._changed: dict[str, str] = {}
        """The other strings, with their redacted form."""

    def text(self, s: str) -> str:
        """``s`` redacted (once per distinct string)."""
        if s in self._same:
            return s
        out = self._changed.get(s)
        if out is None:
            out = self._redactor.text(s)
            if out == s:
                self._same.add(s)
                return s
            self._changed[s] = out
        return out

    def value(self, v: Any) -> Any:
        """The JSON value ``v`` with every string in it, object keys included, redacted: lists and dicts are
        changed in place (they are this run's own: parsed from a file, or made by this run's check), anything of
        another type than JSON's becomes its redacted text."""
        same, text = self._same, self.text

        def other(x: Any) -> Any:  # not a str, dict or list: a JSON scalar, or a value made by this run
            t = type(x)
            if x is None or t is int or t is float or t is bool:
                return x
            if isinstance(x, Mapping):
                d = dict(x)
                obj(d)
                return d
            if isinstance(x, (list, tuple)):
                items = list(x)
                arr(items)
                return items
            return text(str(x))

        # The hot loops over every node of a thousand reports: in place, no copies, a string already known to be
        # clean costs one set lookup.
        def obj(d: dict[Any, Any]) -> None:
            for k, x in d.items():
                t = type(x)
                if t is str:
                    if x not in same:
                        y = text(x)
                        if y is not x:
                            d[k] = y
                elif t is dict:
                    obj(x)
                elif t is list:
                    arr(x)
                else:
                    y = other(x)
                    if y is not x:
                        d[k] = y
            if not same.issuperset(d):  # a key not seen yet (each is checked once), or one that needs redacting
                keys = [text(k) if type(k) is str else text(str(k)) for k in d]
                if any(type(k) is not str or k not in same for k in d):  # rare: rebuilt in its order
                    items = list(zip(keys, d.values()))
                    d.clear()
                    d.update(items)

        def arr(a: list[Any]) -> None:
            for i, x in enumerate(a):
                t = type(x)
                if t is str:
                    if x not in same:
                        y = text(x)
                        if y is not x:
                            a[i] = y
                elif t is dict:
                    obj(x)
                elif t is list:
                    arr(x)
                else:
                    y = other(x)
                    if y is not x:
                        a[i] = y

        t = type(v)
        if t is str:
            return text(v)
        if t is dict:
            obj(v)
            return v
        if t is list:
            arr(v)
            return v
        return other(v)

    def entry(self, e: Entry) -> Entry:
        """The entry with its label, source, location, reason and whole report redacted."""
        return Entry(self.text(e.name), self.text(e.source), self.text(e.location),
                     self.value(e.report) if e.report is not None else None,
                     self.text(e.reason) if e.reason is not None else None)


def prepare(entries: Iterable[Entry], *, fail_on: str = "error", environ: Optional[Mapping[str, str]] = None
            ) -> tuple[Matrix, Sequence[Mapping[str, Any]]]:
    """The matrix of ``entries`` redacted field by field, and its reports: what every matrix renderer is given."""
    from ..redact import for_process

    scrub = Scrubber(for_process(environ))
    safe = [scrub.entry(e) for e in entries]
    return build(safe, fail_on=fail_on), [e.report for e in safe if e.report is not None]
