"""The providers table is the only place a provider is described: every row is complete, every other map is
derived from the rows, and no provider-specific literal is written in the engine."""

from __future__ import annotations

import ast
import functools
import io
import re
import tokenize
from pathlib import Path

import pytest
from langchain_doctor import classify, notebook, probejobs
from langchain_doctor.explain import attribution
from langchain_doctor.knowledge import providers as P
from langchain_doctor.knowledge.credentials import CHAINS
from langchain_doctor.knowledge.providers import PROVIDERS, CredentialKind, Provider
from langchain_doctor.knowledge.signatures import BY_ID

ROOT = Path(__file__).resolve().parents[2]
_VAR = re.compile(r"^[A-Z][A-Z0-9_]{2,60}$")


def _primary(p: Provider) -> bool:
    """The first row of its integration package (langchain-openai serves openai first, then azure-openai)."""
    return P.by_package(p.package)[0] is p


@pytest.mark.parametrize("p", PROVIDERS, ids=lambda p: p.name)
def test_every_row_is_complete(p: Provider) -> None:
    # names: the contract's rule (the integration's name without langchain-; azure-openai is the exception)
    assert p.package.startswith("langchain-") and p.module == p.package.replace("-", "_")
    assert p.name == p.package[len("langchain-"):] or p.name == "azure-openai"
    assert p.chat_classes and all(c.isidentifier() for c in p.chat_classes)
    assert p.docs.startswith("https://") and p.hosts and p.init_names
    # every chat class has exactly one smoke shape, and every shape is for one of the row's classes
    shaped = [c for c, _ in p.smoke]
    assert sorted(shaped) == sorted(p.chat_classes), (shaped, p.chat_classes)
    for cls, shape in p.smoke:
        assert shape.limit and shape.source, cls
        assert shape.tokens or "usage_metadata" in shape.source, f"{cls}: how are its tokens read?"
        assert shape.model_keys and shape.finish_keys, f"{cls}: where does its response_metadata name the model?"
    # SDK modules and distributions agree
    # (langchain-mistralai calls the API with httpx: the mistralai SDK is the provider's, not a dependency)
    assert set(p.sdk_packages) <= {d for _, d in p.sdk_modules}, (p.sdk_modules, p.sdk_packages)
    for m, d in p.sdk_modules:
        assert classify.distribution_for(m) == d
    # credentials
    if p.credential is CredentialKind.API_KEY:
        assert p.key_vars, "an API-key provider names its key variables"
    else:
        assert not p.key_vars
    for v in (*p.key_vars, *p.required_vars, *p.base_url_vars, *p.extra_secret_vars, *p.named_vars,
              *(v for g in p.config_vars for v in g), *(k for k, _ in p.construct_env)):
        assert _VAR.match(v), v
    # the probe can build it, or the smoke shape says why not
    if p.construct is None:
        assert all(shape.unsupported for _, shape in p.smoke)
    else:
        assert all(isinstance(k, str) and k.isidentifier() for k, _ in p.construct)


@pytest.mark.parametrize("p", PROVIDERS, ids=lambda p: p.name)
def test_every_map_is_derived_from_the_row(p: Provider, tmp_path: Path) -> None:
    owner = P.by_package(p.package)[0].name
    # exception modules: the integration's own, and each SDK's (a shared SDK belongs to its first row)
    assert classify.provider_of_exception(f"{p.module}.chat_models.SomeError") == owner
    for m, _ in p.sdk_modules:
        assert classify.provider_of_exception(f"{m}.SomeError") == P.SDK_MODULE_PROVIDER[m]
        assert classify.sdk_provider(m) == P.SDK_MODULE_PROVIDER[m]
        assert m.split(".")[0] in classify.SHADOWABLE and m.split(".")[0] in classify.SDK_MODULES
    assert p.module in classify.SHADOWABLE
    # init_chat_model names, in the notebook reader and in explain's attribution
    for name in p.init_names:
        assert P.INIT_CHAT_MODEL_NAMES[name] == p.name
        script = tmp_path / f"{name}.py"
        script.write_text(f'from langchain.chat_models import init_chat_model\nm = init_chat_model("{name}:x")\n',
                          encoding="utf-8")
        assert p.name in notebook.read(script).providers, name
        assert attribution.code_facts(f'init_chat_model("{name}:some-model")').class_provider == p.name
    # community modules
    for m in p.community_modules:
        assert attribution.choose_provider(attribution.CodeFacts(), None,
                                           f'File "/v/site-packages/langchain_community/chat_models/{m}.py"') == p.name
    # construct arguments and environment go into the probe's items
    items = {i.op: i for i in probejobs.provider_items(p)}
    if p.construct is not None:
        assert items["construct"].kwargs == dict(p.construct)
        assert items["construct"].env == dict(p.construct_env)
    # smoke shapes, by class
    for cls, shape in p.smoke:
        assert P.SHAPES[cls] is shape
        for t in shape.tokens:
            assert t in P.TOKEN_KEYS
    # key variables name the provider in a message
    for v in (*p.key_vars, *p.required_vars, *p.named_vars):
        assert classify.provider_for_var(v) is not None
    # the classes are recognised in an error's words
    for c in p.chat_classes:
        assert attribution.choose_provider(attribution.CodeFacts(), None, "", f"{c}: an error") == p.name


@pytest.mark.parametrize("p", PROVIDERS, ids=lambda p: p.name)
def test_import_time_failure_row_covers_every_integration_and_sdk(p: Provider) -> None:
    ctx = BY_ID["import-time-failure"].context
    assert ctx is not None
    for m in (p.module, *(m for m, _ in p.sdk_modules)):
        path = "/".join(m.split("."))
        frame = f'  File "/v/lib/python3.11/site-packages/{path}/__init__.py", line 3, in <module>'
        assert ctx.search(frame), m


def test_the_drift_the_issue_found_is_gone() -> None:
    for module, name in (("langchain_xai", "xai"), ("langchain_deepseek", "deepseek"),
                         ("langchain_huggingface", "huggingface")):
        assert classify.provider_of_exception(f"{module}.chat_models.Oops") == name
    assert "ChatHuggingFace" in P.SHAPES


# ---- no provider-specific literal in the engine -------------------------------------------------------------

def _facts() -> dict[str, str]:
    """Every provider-specific literal of every row -> its provider: package, modules, classes, variables, hosts.

    Left out: the variables of the credential chains themselves (``named_vars``, ``construct_env``:
    GOOGLE_APPLICATION_CREDENTIALS, AWS_ACCESS_KEY_ID), which belong to google-auth's and botocore's resolution
    that doctor/creds implements for a CredentialKind, not to one provider."""
    out: dict[str, str] = {}
    for p in PROVIDERS:
        for v in (p.package, p.module, *p.chat_classes, *p.sdk_packages, *(m for m, _ in p.sdk_modules),
                  *p.key_vars, *p.required_vars, *p.base_url_vars, *p.extra_secret_vars,
                  *(v for g in p.config_vars for v in g), *p.hosts, *p.stable_submodules):
            out.setdefault(v, p.name)
    return out


_WORD = re.compile(r"[A-Za-z0-9_.\-:]+")


def _engine_files() -> list[Path]:
    files = [*(ROOT / "doctor").rglob("*.py"), *(ROOT / "checks").rglob("*.py")]
    return sorted(f for f in files if "knowledge" not in f.relative_to(ROOT).parts
                  and "_checks" not in f.relative_to(ROOT).parts)


def _string_literals(path: Path) -> tuple[tuple[int, str], ...]:
    """(line, value) of the string literals of a file, docstrings and comments left out."""
    text = path.read_text(encoding="utf-8")
    return _literals_of(text)


@functools.cache
def _literals_of(text: str) -> tuple[tuple[int, str], ...]:
    """Tokenizing the engine is the costly part, and two scans read it (this one, test_codes_used): once per
    text, whichever asks first."""
    toks = list(tokenize.generate_tokens(io.StringIO(text).readline))
    out = []
    starts = (tokenize.INDENT, tokenize.DEDENT, tokenize.NEWLINE, tokenize.NL, tokenize.ENCODING)
    for i, t in enumerate(toks):
        if t.type != tokenize.STRING:
            continue
        before = toks[i - 1].type if i else tokenize.NEWLINE
        after = toks[i + 1].type if i + 1 < len(toks) else tokenize.NEWLINE
        if before in starts and after == tokenize.NEWLINE:
            continue  # a docstring
        try:
            value = ast.literal_eval(t.string)
        except (ValueError, SyntaxError):
            value = t.string  # an f-string: its text
        if isinstance(value, str):
            out.append((t.start[0], value))
    return tuple(out)


def test_the_scanner_sees_a_literal_when_there_is_one(tmp_path: Path) -> None:
    f = tmp_path / "x.py"
    f.write_text('"""Docstring naming langchain_openai is fine."""\nX = {"groq": "GROQ_API_KEY"}\n'
                 'Y = f"pip install {1} langchain-groq"\n', encoding="utf-8")
    words = {w for _, s in _string_literals(f) for w in _WORD.findall(s)}
    assert {"GROQ_API_KEY", "langchain-groq"} <= words and "langchain_openai" not in words


def test_no_provider_specific_literal_in_engine_code() -> None:
    facts = _facts()
    # A row's name is matched as a whole literal ("azure-openai"), not as a word of one: names such as
    # "together" or "aws" are also ordinary words and path parts (~/.aws) in the engine's text.
    names = {p.name for p in PROVIDERS}
    found = []
    for f in _engine_files():
        rel = f.relative_to(ROOT).as_posix()
        for line, s in _string_literals(f):
            if s.strip() in names:
                found.append(f"{rel}:{line}: {s!r} is a provider row's name: say what the row's property is in a "
                             "field of the row (doctor/knowledge/providers.py) and read the field")
            for w in {s, *_WORD.findall(s)}:
                w = w.strip(".:-")
                if w in facts:
                    found.append(f"{rel}:{line}: {w!r} ({facts[w]}) belongs in doctor/knowledge/ (providers.py, "
                                 "credentials.py)")
    assert not found, "\n".join(found)
    assert len(_engine_files()) > 40  # the scan saw the engine
    # ... the credential chains' engine included: nothing is exempt.
    assert {"checks/aws.py", "checks/gcloud_adc.py", "doctor/creds/aws_online.py", "doctor/creds/probes.py"} <= {
        f.relative_to(ROOT).as_posix() for f in _engine_files()}


# ---- the credential chains ------------------------------------------------------------------------------------

def test_every_chain_kind_has_one_chain_row() -> None:
    """A credential kind other than a key (or none) used by a row is resolved by exactly one chain row."""
    kinds = {p.credential for p in PROVIDERS} - {CredentialKind.API_KEY, CredentialKind.NONE}
    assert set(CHAINS) == kinds
    for kind, chain in CHAINS.items():
        assert chain.kind is kind
        row = P.BY_NAME[chain.provider]
        assert row.credential is kind
        # The library that resolves the chain is one of the row's SDKs, and what installs it is a distribution
        # the row knows (boto3 brings botocore).
        assert chain.library in row.sdk_packages and chain.install in {d for _, d in row.sdk_modules}
        assert "import" in chain.snippet and "out" in chain.snippet and "done()" in chain.snippet
        compile(chain.snippet, f"<{kind.value} snippet>", "exec")  # the snippet the probe runs is Python


def test_the_aws_online_check_reads_its_endpoint_from_the_chain_row() -> None:
    from langchain_doctor.creds import aws_online

    chain = CHAINS[CredentialKind.AWS]
    assert aws_online.endpoint({}, None) == chain.online_url_global
    assert aws_online.endpoint({}, "eu-west-3") == chain.online_url.format(region="eu-west-3")
    last = chain.endpoint_vars[-1]
    assert aws_online.endpoint({last: "http://127.0.0.1:7/"}, "eu-west-3") == "http://127.0.0.1:7/"
    assert aws_online.endpoint({chain.endpoint_vars[0]: "http://127.0.0.1:8", last: "http://127.0.0.1:7"},
                               None) == "http://127.0.0.1:8/"
