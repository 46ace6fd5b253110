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
        self._memo: dict[str, str] = {}

    def text(self, s: str) -> str:
        """``s`` redacted (once per distinct string)."""
        out = self._memo.get(s)
        if out is None:
            out = self._memo[s] = self._redactor.text(s)
        return out

    def value(self, v: Any) -> Any:
        """The JSON value ``v`` with every string in it, object keys included, redacted: lists and dicts are
        changed in place (they are this run's own: parsed from a file, or made by this run's check), anything of
        another type than JSON's becomes its redacted text."""
        memo, text = self._memo, self.text

        def one(x: Any) -> Any:
            t = type(x)
            if t is str:
                return memo.get(x) or text(x)
            if t is dict or t is list:
                walk(x)
                return x
            if x is None or t is int or t is float or t is bool:
                return x
            if isinstance(x, Mapping):
                d = dict(x)
                walk(d)
                return d
            if isinstance(x, (list, tuple)):
                items = list(x)
                walk(items)
                return items
            return text(str(x))

        def walk(c: Any) -> None:  # a hot loop over every node of a thousand reports: in place, no copies
            if type(c) is list:
                for i, x in enumerate(c):
                    y = one(x)
                    if y is not x:
                        c[i] = y
                return
            renamed = False
            for k, x in c.items():
                y = one(x)
                if y is not x:
                    c[k] = y
                if not (type(k) is str and (memo.get(k) or text(k)) is k):
                    renamed = True
            if renamed:  # a key that needs redacting (rare): the object is rebuilt, in its order
                items = [(one(k) if type(k) is str else text(str(k)), x) for k, x in c.items()]
                c.clear()
                c.update(items)

        return one(v)

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
