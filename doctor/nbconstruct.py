"""The model constructions a notebook makes (``BedrockChat(model_id="...", region_name="us-east-1")``), read with
``ast`` so that the probe can build the same object, with the same literal arguments, in the target.

Only chat, LLM and embedding classes imported from the LangChain family (``langchain``, ``langchain_*``,
``langchain_community.*``) count, whether or not the providers table knows them, plus ``init_chat_model(...)``.
Nothing is executed. What the probe may receive is decided here:

- literal arguments only (str, int, float, bool, None; lists and dicts of those, dict keys strings); a name
  bound once, at the top level of an earlier line, to such a literal counts as that literal;
- a keyword argument that is not literal is left out and named (``omitted``); a positional one that is not
  literal, or ``*args``, makes the construction unprobeable (``skip`` says why): its arguments would shift;
- a credential is never passed on: an argument named like one (``api_key``, ``aws_secret_access_key``,
  ``token``, ``password``...: ``knowledge/credentials.is_secret_arg``, the one list of such names) or any string
  shaped like a key (the redactor's token shapes) is replaced by a dummy value, and the names replaced are listed
  (``dummied``);
- classes that load model weights in-process (``HuggingFaceEmbeddings``, ``LlamaCpp``...) are never built.
"""

from __future__ import annotations

import ast
import json
import re
from dataclasses import dataclass
from typing import Any, Optional

from .knowledge.credentials import is_secret_arg
from .redact import clip

JSONValue = Any
"""str | int | float | bool | None | list[JSONValue] | dict[str, JSONValue]"""

DUMMY_SECRET = "doctor-probe-not-a-key"
"""What a credential argument becomes (a provider row's own dummy is used when the row has one for that name)."""

_FAMILY_TOPS = ("langchain", "langchain_community")
_MODEL_SEGMENTS = frozenset({"chat_models", "llms", "embeddings"})
_MODEL_NAME = re.compile(r"^Chat[A-Z0-9]|LLM$|Embeddings?$")
# LLM (text-completion) classes whose names say nothing, as the integrations export them at their top level.
_PLAIN_LLM_NAMES = frozenset({"OpenAI", "AzureOpenAI", "VertexAI", "Bedrock", "Ollama", "Fireworks", "Together",
                              "Cohere", "HuggingFaceEndpoint", "MistralAI"})
_FACTORIES = frozenset({"init_chat_model", "init_embeddings"})

_IN_PROCESS = "it loads model weights in-process (gigabytes, a GPU); the probe never builds it"
LOCAL_MODEL_CLASSES: dict[str, str] = dict.fromkeys(
    ("HuggingFaceEmbeddings", "HuggingFacePipeline", "HuggingFaceBgeEmbeddings", "HuggingFaceInstructEmbeddings",
     "SentenceTransformerEmbeddings", "LlamaCpp", "ChatLlamaCpp", "LlamaCppEmbeddings", "GPT4All",
     "GPT4AllEmbeddings", "CTransformers", "VLLM", "ChatMLX", "MLXPipeline", "FastEmbedEmbeddings",
     "OpenVINOEmbeddings"), _IN_PROCESS)
"""Classes a construction probe must not build, with the reason shown for the skip."""

def _secret_shaped(value: str) -> bool:
    from .redact import default

    return default().text(value) != value


@dataclass(frozen=True)
class Construction:
    """One construction of a model class in a notebook, as the probe will repeat it."""

    cell: int
    """1-based index among the code cells (0 for a .py script)."""
    line: int
    module: str
    """Where the class is imported from, as the notebook imports it (``langchain_community.chat_models``)."""
    name: str
    """The class (or ``init_chat_model``) as the module exports it (aliases resolved)."""
    args: tuple[JSONValue, ...] = ()
    """Literal positional arguments."""
    kwargs: tuple[tuple[str, JSONValue], ...] = ()
    """Literal keyword arguments, secrets already replaced by dummies."""
    omitted: tuple[str, ...] = ()
    """Keyword arguments left out because their values are not literals (``**kwargs`` as ``**name``)."""
    dummied: tuple[str, ...] = ()
    """Arguments whose values were replaced by a dummy (credentials); their real values never leave."""
    skip: Optional[str] = None
    """Why this construction cannot be probed (a non-literal positional argument, a local-model class)."""

    def key(self) -> str:
        """Identity for deduplication: same class, same arguments -> one probe job."""
        return json.dumps([self.module, self.name, list(self.args), sorted(self.kwargs)], sort_keys=True,
                          default=str)

    def call(self) -> str:
        """The call as probed, for evidence lines (dummies shown as ``<dummy>``, never a value)."""
        parts = [repr(a) for a in self.args]
        parts += [f"{k}=<dummy>" if k in self.dummied else f"{k}={v!r}" for k, v in self.kwargs]
        parts += [f"{k}=<not a literal: left out>" if not k.startswith("**") else f"{k} <left out>"
                  for k in self.omitted]
        text = f"{self.name}({', '.join(parts)})"
        return clip(text, 300)


class _NotLiteral(Exception):
    pass


def literal(node: ast.AST, names: dict[str, JSONValue]) -> JSONValue:
    """The JSON value of a literal expression; _NotLiteral for anything else."""
    if isinstance(node, ast.Constant):
        if isinstance(node.value, (str, bool, type(None))) or (
                isinstance(node.value, (int, float)) and node.value == node.value and abs(node.value) != float("inf")):
            return node.value
        raise _NotLiteral
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        inner = literal(node.operand, names)
        if isinstance(inner, (int, float)) and not isinstance(inner, bool):
            return -inner if isinstance(node.op, ast.USub) else inner
        raise _NotLiteral
    if isinstance(node, (ast.List, ast.Tuple)):
        return [literal(e, names) for e in node.elts]
    if isinstance(node, ast.Dict):
        out: dict[str, JSONValue] = {}
        for k, v in zip(node.keys, node.values):
            key = literal(k, names) if k is not None else None
            if not isinstance(key, str):
                raise _NotLiteral
            out[key] = literal(v, names)
        return out
    if isinstance(node, ast.Name) and node.id in names:
        return names[node.id]
    raise _NotLiteral


def _scrub(value: JSONValue, name: str, dummies: dict[str, str]) -> tuple[JSONValue, bool]:
    """``value`` with credentials replaced (by name, or by the shape of a string); True when anything was."""
    if isinstance(value, str):
        if (is_secret_arg(name) and value) or _secret_shaped(value):
            return dummies.get(name, DUMMY_SECRET), True
        return value, False
    if isinstance(value, list):
        items = [_scrub(v, name, dummies) for v in value]
        return [v for v, _ in items], any(c for _, c in items)
    if isinstance(value, dict):
        changed = False
        out = {}
        for k, v in value.items():
            out[k], c = _scrub(v, k, dummies)
            changed |= c
        return out, changed
    return value, False


def is_model_class(module: str, name: str) -> bool:
    """A chat, LLM or embedding class (or a model factory) of the LangChain family."""
    top = module.split(".")[0]
    if not (top in _FAMILY_TOPS or top.startswith("langchain_")):
        return False
    if name in _FACTORIES:
        return True
    if not name[:1].isupper():
        return False
    if _MODEL_SEGMENTS & set(module.split(".")[1:]):
        return True
    from .knowledge.providers import CHAT_CLASSES

    return name in CHAT_CLASSES or bool(_MODEL_NAME.search(name)) or (
        name in _PLAIN_LLM_NAMES and top not in _FAMILY_TOPS)


def row_dummies(module: str, name: str) -> dict[str, str]:
    """Dummy values a provider row uses for its credential arguments (a key with the provider's prefix)."""
    from .knowledge.providers import PROVIDERS

    out: dict[str, str] = {}
    for p in PROVIDERS:
        if p.module == module.split(".")[0] and p.construct:
            for k, v in p.construct:  # the first row of a package wins (openai before azure-openai)
                if isinstance(v, str) and is_secret_arg(k):
                    out.setdefault(k, v)
    return out


class _Reader(ast.NodeVisitor):
    """Walks the cells in order: imports, names bound to literals, constructions."""

    def __init__(self) -> None:
        self.cell = 0
        self.imported: dict[str, tuple[str, str]] = {}
        """local name -> (module, exported name) for ``from M import X [as Y]``."""
        self.modules: dict[str, str] = {}
        """local name -> module for ``import M [as Y]`` (``import a.b`` binds ``a``)."""
        self.names: dict[str, JSONValue] = {}
        self.found: list[Construction] = []
        self.depth = 0

    def visit_Import(self, node: ast.Import) -> None:
        for a in node.names:
            if a.asname:
                self.modules[a.asname] = a.name
            else:
                top = a.name.split(".")[0]
                self.modules[top] = top

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        if node.level == 0 and node.module:
            for a in node.names:
                self.imported[a.asname or a.name] = (node.module, a.name)

    def visit_Assign(self, node: ast.Assign) -> None:
        self.generic_visit(node)
        if self.depth:
            return  # a function's local name: the module-level binding stands
        for t in node.targets:
            if isinstance(t, ast.Name):
                try:
                    self.names[t.id] = literal(node.value, self.names)
                except _NotLiteral:
                    self.names.pop(t.id, None)

    def _scoped(self, node: ast.AST) -> None:
        self.depth += 1
        self.generic_visit(node)
        self.depth -= 1

    visit_FunctionDef = visit_AsyncFunctionDef = visit_Lambda = visit_ClassDef = _scoped

    def _target(self, func: ast.AST) -> Optional[tuple[str, str]]:
        if isinstance(func, ast.Name):
            return self.imported.get(func.id)
        parts: list[str] = []
        while isinstance(func, ast.Attribute):
            parts.append(func.attr)
            func = func.value
        if not isinstance(func, ast.Name) or not parts:
            return None
        parts.reverse()
        if func.id in self.modules:
            base = self.modules[func.id]
        elif func.id in self.imported:  # from langchain_community import chat_models; chat_models.BedrockChat()
            mod, name = self.imported[func.id]
            base = f"{mod}.{name}"
        else:
            return None
        return ".".join([base, *parts[:-1]]), parts[-1]

    def visit_Call(self, node: ast.Call) -> None:
        self.generic_visit(node)
        target = self._target(node.func)
        if target is None or not is_model_class(*target):
            return
        self.found.append(construction(node, target[0], target[1], self.cell, self.names))


def construction(node: ast.Call, module: str, name: str, cell: int, names: dict[str, JSONValue]) -> Construction:
    """The probe's view of one call: literal arguments, secrets replaced, the rest omitted or a reason to skip."""
    dummies = row_dummies(module, name)
    skip = LOCAL_MODEL_CLASSES.get(name)
    args: list[JSONValue] = []
    kwargs: list[tuple[str, JSONValue]] = []
    omitted: list[str] = []
    dummied: list[str] = []
    for n, a in enumerate(node.args, 1):
        if isinstance(a, ast.Starred):
            skip = skip or "its positional arguments are unpacked (*args): they are not literals"
            continue
        try:
            value, changed = _scrub(literal(a, names), "", dummies)
        except _NotLiteral:
            skip = skip or f"its positional argument {n} is not a literal ({_short(a)})"
            continue
        args.append(value)
        if changed:
            dummied.append(f"argument {n}")
    for kw in node.keywords:
        if kw.arg is None:
            omitted.append(f"**{_short(kw.value)}")
            continue
        try:
            value, changed = _scrub(literal(kw.value, names), kw.arg, dummies)
        except _NotLiteral:
            if is_secret_arg(kw.arg):  # os.environ["KEY"], getpass(): the argument is needed, its value never is
                kwargs.append((kw.arg, dummies.get(kw.arg, DUMMY_SECRET)))
                dummied.append(kw.arg)
            else:
                omitted.append(kw.arg)
            continue
        kwargs.append((kw.arg, value))
        if changed:
            dummied.append(kw.arg)
    return Construction(cell, node.lineno, module, name, tuple(args), tuple(kwargs), tuple(omitted), tuple(dummied),
                        skip)


def _short(node: ast.AST) -> str:
    try:
        text = ast.unparse(node)
    except Exception:  # unparse of a strange tree: the type is enough
        return type(node).__name__
    return clip(text, 60)


def read_cells(cells: list[tuple[int, ast.Module]]) -> tuple[Construction, ...]:
    """Every model construction of the parsed cells, in order (names bound in earlier cells are seen later)."""
    reader = _Reader()
    for index, tree in cells:
        reader.cell = index
        try:
            reader.visit(tree)
        except RecursionError:  # a tree too deep to walk: the constructions found so far stand
            break
    return tuple(reader.found)
