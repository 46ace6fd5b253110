"""Reasoning about two installed packages that do not work together, for the signature table's derivers.

The rule that generalises: a name or keyword missing in package B, used from package A's frame, is a version skew
between A and B. The frames say who A is (``doctor/frames.py``); the message says what B lacks; the boundaries table
(``knowledge/boundaries.py``) knows the exact versions when a row covers the pair, and the fix then names both sides:
upgrade A past its boundary, or bound B below the release that changed.

Each ``derive_*`` takes the matched values (named groups, ``_tb`` the traceback, ``_msg`` the message) and returns the
extra template values, or None to let the next row try.
"""

from __future__ import annotations

import re
import sys
from typing import Optional

from . import frames
from .knowledge import boundaries as kb
from .knowledge.modules import NAMESPACE_TOPS
from .knowledge.providers import PROVIDERS

_STDLIB = frozenset(getattr(sys, "stdlib_module_names", ())) | {"typing", "collections", "os", "sys", "asyncio"}
# Families whose own modules import each other's names by version (a missing name is a skew, not a typo): the
# LangChain family, the providers' SDKs (from the provider rows) and the libraries they share.
_SKEW_FAMILIES = ("langchain", "langgraph", "langsmith", "sentence-transformers", "transformers", "typing-extensions",
                  "pydantic", "google-", "httpx", "tiktoken",
                  *sorted({d for p in PROVIDERS for _m, d in p.sdk_modules}))
_WORD = re.compile(r"\b[A-Za-z][A-Za-z0-9_]{1,40}\b")


def _text(values: dict[str, str]) -> str:
    return values.get("_msg", "") + "\n" + values.get("_tb", "")


def _importer(values: dict[str, str], skip: set[str]) -> Optional[str]:
    """The innermost installed frame's distribution, not one of ``skip`` (the callee side)."""
    f = frames.innermost(values.get("_tb", ""), skip=frozenset(skip))
    return f.dist if f is not None else None


def _mentioned(text: str, dists: tuple[str, ...]) -> tuple[str, ...]:
    """The distributions of ``dists`` a text names (import names, class names such as ChatOpenAI, Groq)."""
    words = {w.lower() for w in _WORD.findall(text[:20_000])}
    found = []
    for d in dists:
        mod = d.replace("-", "_")
        if mod in words or any(mod in w for w in words if w.startswith(("chat", "async")) or w == mod):
            found.append(d)
            continue
        for p in PROVIDERS:
            if d in p.sdk_packages and any(c.lower() in words for c in p.chat_classes):
                found.append(d)
                break
    return tuple(found)


def _join(items: list[str]) -> str:
    return " ".join(dict.fromkeys(i for i in items if i))


def derive_keyword_skew(values: dict[str, str]) -> Optional[dict[str, str]]:
    """``X() got an unexpected keyword argument 'arg'``: the caller's release predates the callee's change."""
    arg = values.get("arg", "")
    rows = kb.skews_for(arg)
    text = _text(values)
    if not rows:
        caller = _importer(values, set())
        if caller is None:
            return None
        return {"a": caller, "b": "the package it calls", "upgrade": caller, "bound": "",
                "skew_title": f"{caller} passes `{arg}`, which an installed dependency no longer accepts",
                "alt": ""}
    olders = tuple(r.older for r in rows)
    dists = frames.distributions(values.get("_tb", ""))
    chosen = [r for r in rows if r.older in dists] or [r for r in rows if r.older in _mentioned(text, olders)]
    picked = chosen[:1] if chosen else list(rows)
    newer = picked[0].newer
    upgrade = _join([r.fix_upgrade for r in picked])
    bound = picked[0].fix_bound
    if len(picked) == 1:
        r = picked[0]
        title = (f"{r.older} older than {r.older_below} passes `{arg}`, which {r.newer} {r.newer_from} removed "
                 f"(version skew between {r.older} and {r.newer})")
    else:
        title = (f"an SDK older than {newer} {picked[0].newer_from} passes `{arg}` "
                 f"({', '.join(r.older + ' < ' + r.older_below for r in picked)})")
    return {"a": _join([r.older for r in picked]), "b": newer, "upgrade": upgrade, "bound": bound,
            "skew_title": title, "alt": f", or keep {newer} below {picked[0].newer_from} ('{bound}')",
            "dist": picked[0].older}


def derive_known_keyword_skew(values: dict[str, str]) -> Optional[dict[str, str]]:
    """The keyword-skew rule, only when the boundaries table knows the argument (ranked before the generic rows)."""
    return derive_keyword_skew(values) if kb.skews_for(values.get("arg", "")) else None


def _removed_skew(row: kb.Symbol, name: str, a: Optional[str], uses: str) -> dict[str, str]:
    """The skew values for a name that ``row.dist`` removed and the code of ``a`` still ``uses`` (imports, reads):
    a SKEWS row names the caller's first release that fits; else the fix is the bound below the removal."""
    skews = [s for s in kb.SKEWS if s.symbol == name and s.newer == row.dist]
    olders = [s for s in skews if s.older == a] or skews
    if olders:
        s = olders[0]
        return {"a": s.older, "b": s.newer, "upgrade": s.fix_upgrade, "bound": s.fix_bound,
                "alt": f", or keep {s.newer} below {s.newer_from} ('{s.fix_bound}')", "fix_verb": "Upgrade",
                "skew_title": f"{row.dist} {row.removed} removed `{name}`, which {s.older} older than "
                              f"{s.older_below} {uses} (version skew)", "dist": s.older}
    # No row says which release of the caller stopped using the name (or whether one did: langchain-community's
    # LocalAIEmbeddings still reads ``openai.error``): the bound is the fix that holds; an upgrade only might.
    bound = f"{row.dist}<{row.removed}"
    other = (f" (or upgrade {a}, if a newer release of it no longer {uses} `{name}`)" if a
             else f" (or change the code that {uses} `{name}` to what {row.dist} {row.removed} has instead)")
    return {"a": a or "", "b": row.dist, "upgrade": bound, "bound": bound, "alt": other, "fix_verb": "Install",
            "skew_title": f"{row.dist} {row.removed} removed `{name}`, which {a or 'the code'} still {uses} "
                          f"(version skew)", "dist": a or row.dist}


def derive_attribute_skew(values: dict[str, str]) -> Optional[dict[str, str]]:
    """``module 'M' has no attribute 'X'`` where the boundaries table says M's distribution removed X at a known
    release: the code reading it (the innermost installed frame of another distribution) was written for the older
    releases. Not a shadowing file: the rows after this one say that only of names every release has."""
    module = values.get("module", "")
    name = values.get("name", "")
    row = kb.symbol(module, name)
    if row is None or not row.removed:
        return None
    return _removed_skew(row, name, _importer(values, {row.dist, "pydantic"}), "reads")


def derive_import_skew(values: dict[str, str]) -> Optional[dict[str, str]]:
    """``cannot import name 'X' from 'M'`` with M installed: the importer and M's distribution do not fit."""
    module = values.get("module", "")
    name = values.get("name", "")
    path = values.get("path", "")
    top = module.split(".")[0]
    if not module or top in _STDLIB or top == "__main__":
        return None
    if path and not re.search(r"(?:site|dist)-packages|[/\\]opt[/\\]python[/\\]|[/\\]lib[/\\]python", path):
        return None  # a local file: the shadowing rows say so
    b = frames.distribution(module)
    a = _importer(values, {b, "pydantic"})
    row = kb.symbol(module, name)
    if row is not None and row.added:
        req = f"{row.dist}>={row.added}"
        who = f"{a} needs" if a else "the importing code needs"
        return {"a": a or "", "b": row.dist, "upgrade": req, "bound": "", "alt": "", "fix_verb": "Upgrade",
                "skew_title": f"`{name}` is in {row.dist} from {row.added} on; {who} it and the installed "
                              f"{row.dist} is older (version skew)", "dist": row.dist}
    if row is not None and row.removed:
        return _removed_skew(row, name, a, "imports")
    if not b.startswith(_SKEW_FAMILIES):
        return None
    both = _join([b, a or ""])
    who = a or "the importing package"
    return {"a": a or "", "b": b, "upgrade": both, "bound": "", "alt": "", "fix_verb": "Upgrade",
            "skew_title": f"{who} imports `{name}` from `{module}`, which the installed {b} does not have "
                          f"(its release is older than {who} needs: version skew)", "dist": b}


def derive_known_bad(values: dict[str, str]) -> Optional[dict[str, str]]:
    row = kb.known_bad_module(values.get("module", ""))
    if row is None:
        return None
    return {"dist": row.dist, "bad": row.versions.lstrip("="), "fixed": row.fixed,
            "req": f"{row.dist}=={row.fixed}", "source": row.source}


def derive_recursive_guard(values: dict[str, str]) -> Optional[dict[str, str]]:
    row = next(r for r in kb.PYTHON_BOUNDARIES if r.id == "pydantic-v1-recursive-guard")
    a = _importer(values, {"pydantic", "typing"})
    # pydantic 2 ships the v1 code as pydantic/v1/; pydantic 1's own frames are pydantic/typing.py and the like.
    text = values.get("_tb", "") + "\n" + values.get("_msg", "")
    one = re.search(r"pydantic[\\/](?:typing|fields|main|class_validators)\.py", text) is not None \
        and re.search(r"pydantic[\\/]v1[\\/]", text) is None
    req = row.fix_for("1.0") if one else f"{row.dist}>={row.below}"
    line = "pydantic 1.x before 1.10.16" if one else "pydantic.v1 of pydantic older than 2.7.4"
    return {"dist": row.dist, "req": req, "pyspec": row.python, "line": line,
            "importer": a or "langchain-core"}


def derive_v1_python(values: dict[str, str]) -> Optional[dict[str, str]]:
    text = values.get("_tb", "") + "\n" + values.get("_msg", "")
    ds = [d for d in frames.distributions(text) if d not in ("pydantic", "pytest", "pluggy", "_pytest")]
    if not ds:
        words = text.lower()
        ds = [d for d in ("langchain-core", "langchain") if d.replace("-", "_") in words][:1]
    importer = ds[0] if ds else "langchain-core"
    return {"importer": importer, "pyver": values.get("pyver") or "3.14"}


def derive_numpy_abi(values: dict[str, str]) -> Optional[dict[str, str]]:
    text = values.get("_tb", "") + "\n" + values.get("_msg", "")
    skip = {"numpy", "pybind11"}
    ds = [d for d in frames.distributions(text) if d not in skip]
    pkg = ds[-1] if ds else ""
    # The outermost installed package that loads the compiled module is usually the one importing it
    # (faiss/__init__ -> faiss/swigfaiss); a compiled extension's own dist is the innermost non-numpy frame.
    inner = ds[0] if ds else ""
    return {"pkg": inner or pkg, "bound": kb.NUMPY_ABI_BOUND}


def derive_protobuf(values: dict[str, str]) -> Optional[dict[str, str]]:
    text = values.get("_tb", "") + "\n" + values.get("_msg", "")
    gen = kb.version(values.get("gencode"))
    run = kb.version(values.get("runtime"))
    ds = [d for d in frames.distributions(text) if d != "protobuf"]
    owner = ds[0] if ds else ""
    proto = values.get("proto", "")
    if gen is not None and run is not None and gen.major != run.major:
        if gen.major > run.major:
            req = f"protobuf>={gen.base_version},<{gen.major + 1}"
            why = (f"{proto or 'a _pb2 module'} was generated by protoc for protobuf {gen} and the runtime is {run}: "
                   f"install a protobuf {gen.major}.x runtime")
        else:
            req = f"protobuf<{run.major}"
            why = (f"{proto or 'a _pb2 module'} was generated for protobuf {gen.major}.x and the runtime is {run}: "
                   f"keep protobuf below {run.major}, or upgrade {owner or 'the package that ships it'}")
    elif gen is not None and run is not None and run < gen:
        req = kb.protobuf_runtime_for((gen.major, gen.minor, gen.micro))
        why = f"the runtime protobuf {run} is older than the generated code ({gen})"
    else:
        req = "protobuf"
        why = "the generated code and the protobuf runtime come from different releases"
    note = f", or upgrade {owner} so that its generated code fits the runtime" if owner else ""
    return {"req": req, "why": why, "owner": owner, "owner_note": note}


def derive_runtime_module(values: dict[str, str]) -> Optional[dict[str, str]]:
    """``cannot import name 'runtime_version' from 'google.protobuf'``: gencode newer than a pre-5.27 runtime."""
    text = values.get("_tb", "") + "\n" + values.get("_msg", "")
    ds = [d for d in frames.distributions(text) if d != "protobuf"]
    owner = ds[0] if ds else ""
    return {"owner_or": owner or "a package", "req": f"protobuf>={kb.PROTOBUF_RUNTIME_CHECK_SINCE}",
            "owner_note": f", or a release of {owner} generated for the installed protobuf" if owner else ""}


def derive_descriptors(values: dict[str, str]) -> Optional[dict[str, str]]:
    text = values.get("_tb", "") + "\n" + values.get("_msg", "")
    ds = [d for d in frames.distributions(text) if d != "protobuf"]
    return {"owner": ds[0] if ds else "", "owner_or": ds[0] if ds else "the package whose _pb2 files fail",
            "bound": kb.PROTOBUF_DESCRIPTORS_BOUND}


def derive_service_floor(values: dict[str, str]) -> Optional[dict[str, str]]:
    row = kb.service_floor(values.get("service", ""))
    if row is None:
        return None
    first, second = row.install
    return {"req1": first, "req2": second, "bc_floor": row.botocore}


_UNKNOWN_SERVICE = re.compile(r"Unknown service: '(?P<service>[\w\-]{1,80})'")


def derive_service_floor_in_traceback(values: dict[str, str]) -> Optional[dict[str, str]]:
    """A wrapper's message (``Could not load credentials``) over botocore's ``Unknown service: 'X'`` further up
    the chained traceback: the service floor of X, as if the message had said it."""
    m = _UNKNOWN_SERVICE.search(values.get("_tb", ""))
    if m is None:
        return None
    found = derive_service_floor({"service": m.group("service")})
    return None if found is None else {**found, "service": m.group("service")}


def derive_namespace_missing(values: dict[str, str]) -> Optional[dict[str, str]]:
    """``cannot import name 'genai' from 'google' (unknown location)``: a namespace package without that part."""
    module, name = values.get("module", ""), values.get("name", "")
    if module.split(".")[0] not in NAMESPACE_TOPS:
        return None
    full = f"{module}.{name}"
    dist = frames.distribution(full)
    if dist == frames.distribution(module) and dist == module.replace("_", "-"):
        return None
    return {"dist": dist, "full": full}


_CONNECT_FAILED = re.compile(r"refused|Failed to establish|Connect call failed|Cannot connect|Max retries exceeded|"
                             r"ConnectError|ConnectionError|Connection error|Errno 111|Errno 61|WinError 10061")
_CONTAINER = re.compile(r"docker|container|\w{1,40}-\d{1,3}\s{1,8}\|", re.IGNORECASE)


def derive_local_server(values: dict[str, str]) -> Optional[dict[str, str]]:
    """A connection to a known local server's port that failed."""
    server = kb.local_server(values.get("port", ""))
    text = _text(values)
    if server is None or not _CONNECT_FAILED.search(text[:20_000]):
        return None
    docker = bool(_CONTAINER.search(text[:20_000]))
    return {"server": server.name, "start": server.start, "top": server.module,
            "host_port": f"localhost:{server.port}",
            "docker_note": "; inside a container, localhost is the container itself" if docker else ""}


def derive_local_port(values: dict[str, str]) -> Optional[dict[str, str]]:
    """A local server answered 502: which server (by port, or by name in the text)."""
    port = values.get("port") or values.get("port2") or ""
    server = kb.local_server(port)
    if server is None:
        text = _text(values).lower()
        server = next((x for x in kb.LOCAL_SERVERS if x.name.lower() in text), None)
    return {"top": server.module} if server is not None else {}


_REQ_NAME = re.compile(r"^[A-Za-z0-9][\w.\-]{0,100}")
_WRAPPED = re.compile(r"\b([A-Z][A-Za-z]{2,30})(?:Exception|Error)\b")
_HOST = re.compile(r"\b(?:[\w\-]{1,60}\.){1,6}[a-z]{2,10}\b")


def provider_hint(groups: tuple[tuple[str, str], ...], text: str) -> Optional[str]:
    """A provider for a match whose wording names none: the packages it derived, then hosts and wrapper names.

    Packages: an integration (langchain-groq) or an SDK a provider row lists (huggingface-hub, boto3...).
    Text: an API host of a provider row (api.openai.com), litellm's ``<Provider>Exception`` wrappers.
    """
    from .knowledge.providers import BY_NAME

    values = dict(groups)
    for key in ("dist", "a", "importer", "pkg", "top", "b"):
        for word in values.get(key, "").split():
            m = _REQ_NAME.match(word)
            name = m.group(0).lower().replace("_", "-") if m else ""
            for p in PROVIDERS:
                if name and (name == p.package or name in p.sdk_packages or name == p.module.replace("_", "-")):
                    return p.name
    head = text[:20_000]
    for m in _WRAPPED.finditer(head):
        name = m.group(1).lower()
        if name in BY_NAME:
            return name
    # Registered domains (openai.com for api.openai.com and platform.openai.com).
    domains = {".".join(h.group(0).lower().split(".")[-2:]) for h in _HOST.finditer(head)}
    for p in PROVIDERS:
        if any(".".join(h.split(".")[-2:]) in domains for h in p.hosts):
            return p.name
    for p in PROVIDERS:  # a header only one provider uses, named in the error ("invalid x-api-key")
        if p.auth != "bearer" and re.search(r"\binvalid\s{1,4}" + re.escape(p.auth) + r"\b", head, re.IGNORECASE):
            return p.name
    return None


def derive_moved_from_package(values: dict[str, str]) -> Optional[dict[str, str]]:
    """``No module named 'langchain.chains'`` raised in an installed package's frame: that package predates 1.0."""
    from .knowledge.compat import KNOWN_ISSUES, moved

    module = values.get("module", "")
    if not module.startswith("langchain.") or moved(module) is None:
        return None
    last = frames.innermost(values.get("_tb", ""))
    if last is None or last.dist in ("langchain", "langchain-classic"):
        return None
    fix = next((req for row in KNOWN_ISSUES for req in row.fix_install
                if any(name == last.dist for name, _ in row.when) and any(name == "langchain" for name, _ in row.when)
                and req.startswith(last.dist)), last.dist)
    return {"importer": last.dist, "req": fix, "dist": last.dist}
