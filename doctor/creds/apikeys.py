"""Where a provider's API key comes from (environment or a .env file) and what is wrong with it, offline."""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple, Optional

from ..creds import dotenv, keys

if TYPE_CHECKING:
    from ..context import Environment
    from ..creds.needs import Needs
    from ..knowledge.providers import Provider


class KeySource(NamedTuple):
    """The value the application would use for a provider's key, and where it comes from."""

    var: str
    value: str
    origin: str
    """``environment`` or ``PATH line N`` of a .env file."""
    from_dotenv: bool = False


def resolve(p: Provider, env: Environment, needs: Needs) -> tuple[Optional[KeySource], Optional[KeySource]]:
    """(key the code will see, key set only in a .env file the code does not load)."""
    set_vars = [v for v in p.key_vars if v in env.environ]
    for var in set_vars:
        if env.environ[var].strip():
            return KeySource(var, env.environ[var], "environment"), None
    if set_vars:
        var = set_vars[0]
        return KeySource(var, env.environ[var], "environment"), None
    for var in p.key_vars:
        hit = dotenv.lookup(needs.dotenv_files, var)
        if hit is not None:
            f, entry = hit
            src = KeySource(var, entry.value, f"{f.path} line {entry.line}", from_dotenv=True)
            return (src, None) if needs.loads_dotenv else (None, src)
    return None, None


def usable(p: Provider, env: Environment, needs: Needs) -> Optional[KeySource]:
    """The key to verify online: set, and without offline errors (warnings such as LCD406 are allowed)."""
    src, _ = resolve(p, env, needs)
    if src is None:
        return None
    if any(i.code != "LCD406" for i in keys.inspect(src.var, src.value, p)):
        return None
    return src
