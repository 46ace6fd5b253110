"""The one redaction layer: every renderer, evidence line, log line, cache entry and stderr line passes through it.

It masks the values of credential variables it was told about plus anything shaped like a secret, and shows
only a fingerprint (``sk-...a1b2``) so that two reports can still be compared.

Text is always redacted *whole* and only then cut (``Redactor.cut``, ``clip``): a key that straddles a cut
would otherwise lose the prefix or the context that identifies it and leak as a fragment.
"""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING, Callable, Optional, TypeVar

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from .context import Environment

# Env var names whose values are secrets (besides the providers' key_vars): a word of the name (split on `_`)
# is one of these, or the name holds one of the unambiguous substrings. Word-wise so that TOKENIZERS_PARALLELISM,
# KEYBOARD_LAYOUT or GIT_AUTHOR_NAME are not taken for secrets (their values would then be masked everywhere).
_SECRET_WORDS = frozenset({"KEY", "KEYS", "APIKEY", "TOKEN", "TOKENS", "SECRET", "SECRETS", "AUTH", "CREDENTIAL",
                           "CREDENTIALS", "PWD", "PASS", "PASSPHRASE", "PASSWORD", "PASSWD", "PAT"})
_SECRET_SUBSTRINGS = ("PASSWORD", "PASSWD", "SECRET", "APIKEY", "API_KEY", "PRIVATE_KEY", "ACCESS_KEY")
_SECRET_SUFFIXES = ("KEY", "TOKEN")

class _Lazy:
    """A pattern compiled the first time it is used.

    A run redacts mostly paths, versions and titles, which hold none of the words a pattern needs (``_NEEDS``):
    most patterns are then never run, and compiling all of them at import cost a static check about 10 ms.
    The pattern text is the same; only the moment it is compiled moves.
    """

    __slots__ = ("_compiled", "flags", "pattern")

    def __init__(self, pattern: str, flags: int = 0) -> None:
        self.pattern = pattern
        self.flags = flags
        self._compiled: Optional[re.Pattern[str]] = None

    def compiled(self) -> re.Pattern[str]:
        if self._compiled is None:
            self._compiled = re.compile(self.pattern, self.flags)
        return self._compiled

    def search(self, text: str) -> Optional[re.Match[str]]:
        return self.compiled().search(text)

    def match(self, text: str) -> Optional[re.Match[str]]:
        return self.compiled().match(text)

    def sub(self, repl: Callable[[re.Match[str]], str], text: str) -> str:
        return self.compiled().sub(repl, text)


# Token shapes: prefix + long tail. Bounded quantifiers keep the scan linear on hostile input.
_TOKEN_PATTERNS: tuple[_Lazy, ...] = (
    _Lazy(r"-----BEGIN [A-Z ]{0,40}PRIVATE KEY-----[\s\S]{0,8000}?(?:-----END [A-Z ]{0,40}PRIVATE KEY-----|$)"),
    _Lazy(r"\bsk-ant-[A-Za-z0-9_\-]{8,200}"),
    _Lazy(r"\bsk-[A-Za-z0-9_\-]{16,200}"),
    _Lazy(r"\bgsk_[A-Za-z0-9]{16,200}"),
    _Lazy(r"\bfw_[A-Za-z0-9]{16,200}"),
    _Lazy(r"\bxai-[A-Za-z0-9]{16,200}"),
    _Lazy(r"\bhf_[A-Za-z0-9]{16,200}"),
    _Lazy(r"\b(?:ghp|gho|ghu|ghs|ghr|github_pat|glpat|xox[abpr])[_-][A-Za-z0-9_\-]{16,300}"),
    _Lazy(r"\bAIza[0-9A-Za-z_\-]{30,40}"),
    _Lazy(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b"),
    _Lazy(r"\b1//[0-9A-Za-z_\-]{20,300}"),
    _Lazy(r"\bya29\.[0-9A-Za-z_\-.]{20,2000}"),
    # JWTs (and JWS/JWE compact forms): base64url JSON header, payload, signature (may be empty with alg none).
    _Lazy(r"\beyJ[A-Za-z0-9_\-]{5,4000}\.[A-Za-z0-9_\-]{2,16000}\.[A-Za-z0-9_\-]{0,4000}"),
)

_VALUE = r"[^\s\"'`,;&<>(){}\[\]]"
# Shapes where a label announces the secret: (pattern, which values to mask). Group 1 is kept, group 2 is masked.
_LABELLED: tuple[tuple[_Lazy, Callable[[str], bool]], ...] = ()


def _in_url(value: str) -> bool:
    return value != _URL_MASK


_URL_MASK = "***"
"""What stands for a password inside a URL: no spaces, so that the URL stays one word (and copyable)."""


def _has_digit(value: str) -> bool:
    return any(c.isdigit() for c in value)


def _random_looking(value: str) -> bool:
    """A value of unknown shape worth masking: letters and digits mixed, not a path, module, version or URL."""
    if len(value) < 12 or value.startswith(("/", ".", "~", "$", "%")) or "://" in value:
        return False
    if not (_has_digit(value) and any(c.isalpha() for c in value)):
        return False
    if _MODULE_OR_VERSION.match(value):
        return False
    return True


_MODULE_OR_VERSION = _Lazy(r"^(?:[A-Za-z_][A-Za-z0-9_]{0,80}(?:[.:][A-Za-z_][A-Za-z0-9_]{0,80}){1,20}"
                                r"|v?[0-9]{1,8}(?:\.[0-9A-Za-z]{1,12}){1,6}|[A-Za-z_]{1,60}-[0-9][0-9.a-z]{0,30})$")

_PLACEHOLDERS = frozenset({"none", "null", "true", "false", "nil", "undefined", "required", "optional", "str",
                           "string", "secretstr", "xxx", "changeme", "redacted", "hidden", "masked"})


def _assigned(value: str) -> bool:
    """An assigned password/token value, unless it is a reference or a placeholder."""
    v = value.strip("'\"")
    if not v or v.startswith(("$", "%", "os.", "self.", "getenv", "env.")) or set(v) <= set("*.x-_"):
        return False
    return v.lower() not in _PLACEHOLDERS


def _labelled() -> tuple[tuple[_Lazy, Callable[[str], bool]], ...]:
    scheme = r"[A-Za-z][A-Za-z0-9+.\-]{0,30}://"
    password_words = r"(?:pwd|password|passwd|passphrase)"
    key_words = (r"(?:[a-z0-9]{0,30}[_-])?(?:api[_-]?key|apikey|secret[_-]?key|private[_-]?key|access[_-]?key"
                 r"|client[_-]?secret|secret|access[_-]?token|refresh[_-]?token|auth[_-]?token|id[_-]?token"
                 r"|session[_-]?token|token)")
    return (
        # URL userinfo: scheme://user:PASSWORD@host (proxies, databases, *_BASE_URL).
        (_Lazy(rf"(?i)\b({scheme}[^\s/@:\"'<>]{{0,200}}:)([^\s/@\"'<>]{{1,400}})(?=@)"), _in_url),
        # A token as the whole userinfo: https://TOKEN@github.com/...
        (_Lazy(rf"(?i)\b({scheme})([^\s/@:\"'<>]{{16,400}})(?=@)"), lambda v: _in_url(v) and _has_digit(v)),
        # Authorization headers, whatever the scheme (Basic, Bearer, Token, Digest, ApiKey, ...).
        (_Lazy(r"(?i)\b((?:proxy-)?authorization[\"']?\s{0,5}[:=]\s{0,5}[\"']?"
                    r"(?:(?:basic|bearer|token|digest|apikey|api-key|key|sso-key|hmac|negotiate)\s{1,5})?)"
                    rf"({_VALUE}{{4,4000}})"), _assigned),
        # The same schemes without the header name, as SDKs log them.
        (_Lazy(r"(?i)\b((?:basic|bearer|token)\s{1,5})([A-Za-z0-9+/=_\-.~]{12,4000})"), _has_digit),
        # pwd= / password= / api_key= / token: assignments (connection strings, reprs, logs, .env lines).
        (_Lazy(rf"(?i)(?<![A-Za-z])({password_words}[\"']?\s{{0,3}}[=:]\s{{0,3}}[\"']?)({_VALUE}{{1,400}})"),
         _assigned),
        (_Lazy(rf"(?i)(?<![A-Za-z])({key_words}[\"']?\s{{0,3}}[=:]\s{{0,3}}[\"']?)({_VALUE}{{4,400}})"),
         lambda v: _assigned(v) and (_has_digit(v) or len(v) >= 20)),
        # A key of unknown shape right after the words that announce one: "Incorrect API key provided: 5f3a...".
        (_Lazy(r"(?i)\b((?:api[ _-]?key|access[ _-]?key|secret[ _-]?key|client[ _-]?secret|token|secret"
                    r"|password|credential)s?\b(?:\s{1,3}(?:provided|given|used|value|is|was|of))?"
                    r"[\s:=\"'`]{1,8})([A-Za-z0-9_\-./+=~]{12,400})"), _random_looking),
    )


_LABELLED = _labelled()
# For each labelled pattern, then each token pattern: what any text it matches holds, as groups of words (lower
# case) of which the text holds at least one each; a test walks both tables beside the patterns. Only for ASCII
# text: with (?i), re also matches a few non-ASCII letters (the Kelvin sign for k, the long s for s) that lower()
# does not turn into the ASCII letter.
_KEY_WORDS = ("key", "secret", "token")
_NEEDS: tuple[tuple[tuple[str, ...], ...], ...] = (
    (("://",), ("@",)), (("://",), ("@",)), (("authorization",),), (("basic", "bearer", "token"),),
    (("pwd", "pass"), ("=", ":")), (_KEY_WORDS, ("=", ":")), ((*_KEY_WORDS, "password", "credential"),),
)
# For the labelled patterns that are slow to try on long text, a regex that the lower-case text of any match holds,
# searched before the pattern itself (case-sensitive on lower-case text, re skips most positions by their first
# character; with (?i) it tries every one). The key assignment: every key word ends with key, secret or token, and
# its value follows an = or a : within a quote and three spaces (its optional prefix is tried at every letter). A
# key of unknown shape: the pattern itself in lower case, its value's first 12 characters enough. A near pattern
# does not start with \b: re then skips to the positions whose character can start one of its words.
_NEAR: tuple[Optional[_Lazy], ...] = (
    None, None, None,
    # The schemes without the header name, and the password assignment: the pattern itself in lower case, up to
    # the value's first 12 characters / the = or : (cheap to search for: each starts with a literal word).
    _Lazy(r"(?:basic|bearer|token)\s{1,5}[a-z0-9+/=_\-.~]{12}"),
    _Lazy(r"(?<![a-z])(?:pwd|password|passwd|passphrase)[\"']?\s{0,3}[=:]"),
    _Lazy(r"(?:key|secret|token)[\"']?\s{0,3}[=:]"),
    _Lazy(r"(?:api[ _-]?key|access[ _-]?key|secret[ _-]?key|client[ _-]?secret|token|secret|password|credential)"
          r"s?\b(?:\s{1,3}(?:provided|given|used|value|is|was|of))?[\s:=\"'`]{1,8}[a-z0-9_\-./+=~]{12}"),
)
# For those patterns, how many characters before the start of its ``_NEAR`` match a match of the pattern can start
# (a bound, not the exact distance: too large costs a little time, too small would miss a secret; a test walks every
# match). The key assignment: an optional prefix of at most 31 characters and a key word of which at most 8 come
# before its final key/secret/token. A key of unknown shape: the near pattern starts where the pattern does.
_NEAR_BACK: tuple[int, ...] = (0, 0, 0, 0, 0, 64, 0)
_TOKEN_NEEDS: tuple[tuple[tuple[str, ...], ...], ...] = (
    (("-----begin",),), (("sk-ant-",),), (("sk-",),), (("gsk_",),), (("fw_",),), (("xai-",),), (("hf_",),),
    (("gh", "github_pat", "glpat", "xox"),), (("aiza",),), (("akia", "asia"),), (("1//",),), (("ya29.",),),
    (("eyj",),),
)


# One of the first words of every pattern's needs: text without any of them is left as it is, in one scan.
_ANY_NEED = re.compile("|".join(sorted({re.escape(w) for needs in (*_NEEDS, *_TOKEN_NEEDS) for w in needs[0]})))


def _holds(low: str, needs: tuple[tuple[str, ...], ...]) -> bool:
    return all(any(w in low for w in group) for group in needs)
_FINGERPRINT = _Lazy(r"^\S{0,12}\.\.\.\S{0,4}$")

_MIN_SECRET = 4  # shorter values (e.g. "1") would mask innocent text everywhere
_NOT_SECRET_VALUES = frozenset({"true", "false", "yes", "no", "none", "null", "on", "off", "auto", "default",
                                "enabled", "disabled"})


def fingerprint(value: str) -> str:
    """A masked form that never reveals the value: its prefix class, last 4 characters only if long, and length."""
    v = value.strip().strip("'\"").strip()  # a quoted key still shows its prefix class
    if len(v) < 12:
        return f"<{len(value)} chars>"
    prefix = ""
    for p in ("sk-ant-", "sk-proj-", "sk-", "gsk_", "fw_", "xai-", "hf_", "AIza", "AKIA", "ASIA", "1//", "ya29.",
              "eyJ", "ghp_", "github_pat_"):
        if v.startswith(p):
            prefix = p
            break
    return f"{prefix}...{v[-4:]} ({len(value)} chars)"


# Names that match the secret words but hold a path or a location, not a secret (masking them hides the evidence
# that matters, e.g. which credentials file is missing). URL-valued names keep their value: a password inside
# a URL is masked by its shape.
_PATH_NAMES = frozenset({"GOOGLE_APPLICATION_CREDENTIALS", "PWD", "OLDPWD"})
_PATH_SUFFIXES = ("_FILE", "_PATH", "_DIR", "_URI", "_URL", "_ENDPOINT", "_HOST", "_REGION", "_TYPE", "_METHOD")


def is_secret_name(name: str) -> bool:
    """True for env var names that hold secrets by their name (not for ones that name a file, folder or URL)."""
    upper = name.upper()
    if upper in _PATH_NAMES or upper.endswith(_PATH_SUFFIXES):
        return False
    if any(s in upper for s in _SECRET_SUBSTRINGS) or upper.endswith(_SECRET_SUFFIXES):
        return True
    return any(w in _SECRET_WORDS for w in re.split(r"[_\-.]", upper))


def _worth_masking(value: str) -> bool:
    v = value.strip()
    if len(v) < _MIN_SECRET or v.lower() in _NOT_SECRET_VALUES:
        return False
    return not (v.isdigit() and len(v) < 6)  # a port or a count, masked everywhere, would destroy line numbers


class Redactor:
    """Masks known secret values and secret-shaped strings in any text."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        values = {s for s in secrets if isinstance(s, str) and s and _worth_masking(s)}
        # Also mask the stripped form: a key with a trailing newline appears stripped in messages.
        values |= {s.strip() for s in values if _worth_masking(s.strip())}
        self._values = sorted(values, key=len, reverse=True)

    @classmethod
    def from_environ(cls, environ: Mapping[str, str], extra_names: Iterable[str] = ()) -> Redactor:
        """A redactor for every secret-named variable in ``environ`` plus ``extra_names``."""
        names = set(extra_names)
        return cls(v for k, v in environ.items() if k in names or is_secret_name(k))

    def add(self, *secrets: str) -> Redactor:
        """A new redactor that also masks ``secrets``."""
        return Redactor([*self._values, *secrets])

    def text(self, text: str) -> str:
        """``text`` with every secret replaced by its fingerprint (idempotent: a second pass changes nothing).

        A pattern runs only on text that holds the word it cannot match without (``_NEEDS``): the same result as
        running every pattern (``full``), several times faster on the paths, versions and titles of reports.
        """
        text = self.known(text)
        if not text.isascii():
            return _shapes(text, range(len(_LABELLED)), range(len(_TOKEN_PATTERNS)))
        low = text.lower()
        if _ANY_NEED.search(low) is None:  # most paths, versions and titles: no pattern can match
            return text
        return _shapes(text, [i for i, (needs, near) in enumerate(zip(_NEEDS, _NEAR))
                              if _holds(low, needs) and (near is None or near.search(low))],
                       [i for i, needs in enumerate(_TOKEN_NEEDS) if _holds(low, needs)], low=low)

    def full(self, text: str) -> str:
        """``text`` with every pattern run on it (what ``text`` does; kept to test that they agree)."""
        return _shapes(self.known(text), range(len(_LABELLED)), range(len(_TOKEN_PATTERNS)))

    def known(self, text: str) -> str:
        """``text`` with the values this redactor was given (the credential variables) replaced, and nothing else:
        cheap enough for a whole rendered document whose fields were redacted one by one."""
        for v in self._values:
            if v in text:
                text = text.replace(v, fingerprint(v))
        return text

    def cut(self, text: str, limit: int, *, tail: bool = False, mark: str = "…") -> str:
        """``text`` redacted whole, then cut to at most ``limit`` characters (its end kept when ``tail``)."""
        text = self.text(text)
        if len(text) <= limit:
            return text
        room = max(0, limit - len(mark))
        # At a space when one is near the cut (titles and fix lines are read by people: never "lan…" for
        # "langchain"); a long unbroken token is still cut where it must be. The text is redacted already.
        slack = min(40, room // 3)
        if tail:
            part = text[len(text) - room:]
            space = part.find(" ", 0, slack + 1)
            return mark + (part[space + 1:] if space >= 0 else part)
        part = text[:room]
        space = part.rfind(" ", room - slack - 1)
        return (part[:space].rstrip() if space > 0 else part) + mark

    def line(self, text: str, limit: int = 2000) -> str:
        """One printable line: redacted whole, control characters and line breaks flattened, then cut."""
        flat = _CONTROL.sub(" ", self.text(text)).strip()
        return self.cut(" ".join(flat.split()), limit)


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def _shapes(text: str, labelled: Iterable[int], tokens: Iterable[int], *, low: Optional[str] = None) -> str:
    """``text`` with the chosen patterns substituted in order. ``low``: ``text.lower()`` of ASCII ``text``, given
    when the labelled patterns that have a ``_NEAR`` may be tried only where it matches (``_sub_near``)."""
    for i in labelled:
        pat, wanted = _LABELLED[i]
        repl = functools.partial(_mask, wanted=wanted)
        near = _NEAR[i]
        if low is not None and near is not None:
            new = _sub_near(pat.compiled(), near.compiled(), _NEAR_BACK[i], repl, text, low)
        else:
            new = pat.sub(repl, text)
        if low is not None and new is not text:
            low = new.lower() if new.isascii() else None
        text = new
    for i in tokens:
        text = _TOKEN_PATTERNS[i].sub(lambda m: fingerprint(m.group(0)), text)
    return text


def _sub_near(pat: re.Pattern[str], near: re.Pattern[str], back: int, repl: Callable[[re.Match[str]], str],
              text: str, low: str) -> str:
    """``pat.sub(repl, text)``, with ``pat`` searched only from ``back`` characters before each match of ``near`` in
    ``low`` (``text.lower()``, the same length: ASCII).

    The same result: every match of ``pat`` holds a match of ``near`` starting at most ``back`` characters after its
    own start, so the leftmost match from any position starts no earlier than the first ``near`` match from there,
    less ``back``; ``search`` from a later position still sees the text before it (look-behinds, ``\\b``). A
    ``(?i)`` pattern is tried at every position of the text; ``near``, a plain lower-case literal first, is not.
    """
    parts: list[str] = []
    done = 0  # text[:done] is settled
    cur = 0  # where the next match may start
    while True:
        n = near.search(low, cur)
        if n is None:
            break
        m = pat.search(text, max(cur, n.start() - back))
        if m is None:
            break
        if m.end() == m.start():  # an empty match (none of these patterns makes one): sub's own rules apply
            return pat.sub(repl, text)
        parts.append(text[done:m.start()])
        parts.append(repl(m))
        done = cur = m.end()
    if not parts:
        return text
    parts.append(text[done:])
    return "".join(parts)


def _mask(m: re.Match[str], wanted: Callable[[str], bool]) -> str:
    value = m.group(2)
    if m.group(1).endswith("://") or (m.end() < len(m.string) and m.string[m.end()] == "@"):
        return m.group(0) if not wanted(value) else m.group(1) + _URL_MASK  # userinfo: the URL stays one word
    kept = value.rstrip(".:/=")  # sentence punctuation after the value is not part of it
    if kept.startswith("<") or _FINGERPRINT.match(kept) or not kept or not wanted(kept):
        return m.group(0)
    return m.group(1) + fingerprint(kept) + value[len(kept):]


_DEFAULT = Redactor()


def default() -> Redactor:
    """A redactor that only knows secret shapes (for places with no environment at hand)."""
    return _DEFAULT


def clip(text: str, limit: int, redactor: Optional[Redactor] = None, *, tail: bool = False) -> str:
    """The one way to cut text that may be shown: redact it whole (``redactor``, else secret shapes), then cut."""
    return (redactor or _DEFAULT).cut(text, limit, tail=tail)


def bound(text: str, limit: int, *, tail: bool = False) -> str:
    """A bound on raw text that is redacted later, as a whole (where no redactor is at hand yet).

    Only whole words are kept: a key cut in two would lose the prefix or the length that identify it, and its
    fragment would escape the later redaction. Shown text is cut with ``clip``/``Redactor.cut`` instead.
    """
    if len(text) <= limit:
        return text
    if tail:
        part = text[len(text) - limit:]
        cut = min((i for i in (part.find(" "), part.find("\n"), part.find("\t")) if i >= 0), default=len(part))
        return part[cut + 1:]
    part = text[:limit]
    return part[:max(part.rfind(" "), part.rfind("\n"), part.rfind("\t"), 0)]


def for_process(environ: Optional[Mapping[str, str]] = None) -> Redactor:
    """The redactor for the doctor's own messages: this process's secret-named variables and the providers' keys."""
    import os

    from .knowledge.providers import PROVIDERS

    env = os.environ if environ is None else environ
    return Redactor.from_environ(env, [v for p in PROVIDERS for v in p.key_vars])


def for_environment(env: Environment) -> Redactor:
    """The redactor for one examined environment: ``for_process`` of its variables plus the credential files'."""
    from .creds import secrets

    return for_process(env.environ).add(*secrets.collect(env))


_T = TypeVar("_T")


def redact_fields(value: _T, clean: Callable[[str], str]) -> _T:
    """``value`` with every text in it passed through ``clean`` (a redactor's ``text``, or a caller's mask first).

    The one way a finding is redacted (check, fix, report, explain): it walks a dataclass's fields rather than
    naming them, so a field added later to ``Finding``, ``Fix`` or ``SourceLocation`` is redacted without anyone
    remembering to. Strings are cleaned, tuples and dataclasses walked; enums (a kind, a severity), numbers,
    booleans and None are kept. Anything else is refused: a new kind of field must be taught here, never skipped.
    """
    import dataclasses
    import enum

    if value is None or isinstance(value, (enum.Enum, bool, int, float)):
        return value
    if isinstance(value, str):
        return clean(value)  # type: ignore[return-value]
    if isinstance(value, tuple) and type(value) is tuple:  # a NamedTuple would be rebuilt wrongly: refused below
        return tuple(redact_fields(v, clean) for v in value)  # type: ignore[return-value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {}
        for field in dataclasses.fields(value):
            old = getattr(value, field.name)
            new = redact_fields(old, clean)
            if new != old:
                changes[field.name] = new
        return dataclasses.replace(value, **changes) if changes else value
    raise TypeError(f"redact_fields cannot walk a {type(value).__name__}: teach it, never skip a field")
