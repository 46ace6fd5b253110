"""Regenerate tests/corpus/ from real runs in real venvs.

    python tests/corpus_gen/generate.py            # every case
    python tests/corpus_gen/generate.py NAME...    # only these cases (by name)
    python tests/corpus_gen/generate.py --list

Each case runs real code (``python -c CODE`` or ``python SCRIPT``) in one of
the venvs of tests/realenv.py (built on first use, then cached), in a fresh
HOME and project folder, and records its stderr, with machine paths
normalised, as ``tests/corpus/<kind>/<name>.txt``.  INDEX.json and
CASES.md are rewritten from the cases that ran.

Nothing here contacts anything but loopback: the children get a
sitecustomize that refuses any non-loopback connection or name lookup (a
case whose output shows that refusal fails the run), cloud metadata
endpoints are pointed at a closed loopback port, and the "servers" that
answer 401s, token refreshes and the like are tiny http.servers on
127.0.0.1 started by this script.  The response bodies those servers send
are written below, in the cases; the error text in the corpus is what the
real client libraries made of them.
"""

from __future__ import annotations

import hashlib
import http.server
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import textwrap
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Dict, List, Optional, Tuple

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from tests import realenv  # noqa: E402
from tests.servers import closed_port  # noqa: E402

CORPUS = REPO / "tests" / "corpus"
KINDS = {
    "pydantic-schema", "pydantic-core-mismatch", "version-conflict", "missing-package",
    "broken-install", "shadowed-module", "import-error", "missing-credential",
    "invalid-credential", "reauth-required", "missing-config", "unreachable", "unclassified",
}

# What paths become in the corpus.
N_HOME = "/home/user"
N_PROJECT = "/home/user/project"
N_VENV = "/home/user/.venv"
N_STDLIB = "/usr/lib/python3.11"
N_PORT = 8765          # every loopback server port
N_CLOSED_PORT = 8766   # every closed loopback port
# Machine folders that must not survive normalisation (spelt in pieces so that
# a grep for them over the repo finds only real leaks).
FORBIDDEN = tuple("/" + p for p in ("ro" "ot", "wo" "rk", "t" "mp", "private/var", "var/folders"))

GUARD_MARK = "corpus_gen: blocked non-loopback network access"

SITECUSTOMIZE = r'''
# corpus_gen network guard: loopback only.
import socket as _s

_MARK = "%s"
_LOOP = ("127.", "::1", "localhost", "0:0:0:0:0:0:0:1")


def _host_ok(host):
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    return host is None or str(host).startswith(_LOOP) or host == ""


_orig_connect = _s.socket.connect
_orig_connect_ex = _s.socket.connect_ex
_orig_getaddrinfo = _s.getaddrinfo


def _check(self, address):
    if self.family in (_s.AF_INET, _s.AF_INET6) and not _host_ok(address[0]):
        raise OSError(_MARK + ": %%r" %% (address,))


def connect(self, address):
    _check(self, address)
    return _orig_connect(self, address)


def connect_ex(self, address):
    _check(self, address)
    return _orig_connect_ex(self, address)


def getaddrinfo(host, *args, **kwargs):
    if not _host_ok(host):
        raise OSError(_MARK + ": lookup of %%r" %% (host,))
    return _orig_getaddrinfo(host, *args, **kwargs)


_s.socket.connect = connect
_s.socket.connect_ex = connect_ex
_s.getaddrinfo = getaddrinfo
''' % GUARD_MARK


# ------------------------------------------------------------ fake servers ---

Response = Tuple[int, Dict[str, str], bytes]


class FakeServer:
    """A loopback HTTP server answering every request with ``respond``.

    ``respond(method, path, headers, body) -> (status, headers, body)``."""

    def __init__(self, respond: Callable[[str, str, dict, bytes], Response]):
        self.respond = respond
        self.requests: List[Tuple[str, str]] = []
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _any(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                outer.requests.append((self.command, self.path))
                status, headers, data = outer.respond(self.command, self.path,
                                                      dict(self.headers), body)
                self.send_response(status)
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_PUT = do_DELETE = _any

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()


def json_response(status: int, obj, headers: Optional[dict] = None) -> Callable:
    data = json.dumps(obj).encode()

    def respond(method, path, hdrs, body):
        h = {"Content-Type": "application/json"}
        h.update(headers or {})
        return status, h, data
    return respond


# ------------------------------------------------------------------- cases ---

@dataclass
class Ctx:
    home: Path
    project: Path
    venv: Path
    env: Dict[str, str]
    port: Optional[int] = None          # the fake server's port, if any
    closed: Optional[int] = None        # a closed loopback port


@dataclass
class Case:
    kind: str
    name: str
    provider: Optional[str]
    venv: str                 # a realenv.SPECS name
    code: str                 # python -c CODE, or the script's text if script is set
    expect: str               # must occur in the output; its line is the hint
    how: str                  # one line for CASES.md
    script: Optional[str] = None            # run `python SCRIPT` from the project folder
    private: bool = False                   # copy of the venv at a private dest (mutated)
    setup: Optional[Callable[[Ctx], None]] = None
    server: Optional[Callable] = None       # respond() for a FakeServer
    env: Dict[str, str] = field(default_factory=dict)
    timeout: int = 180
    # False where the text alone cannot tell the kind (the classifier needs
    # the environment too); INDEX.json carries it as "decidable_from_text".
    decidable: bool = True
    # A notebook instead: [("markdown"|"code", source), ...], executed by
    # nbclient in the venv's own kernel; the saved .ipynb is the corpus file.
    notebook: Optional[List[Tuple[str, str]]] = None


def _w(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")


def setup_partial_uninstall(dist: str, import_name: str):
    def setup(ctx: Ctx) -> None:
        realenv.uninstall_leaving_folder(ctx.venv, dist, import_name)
    return setup


def setup_delete_files(import_name: str, *relpaths: str):
    def setup(ctx: Ctx) -> None:
        pkg = realenv.site_packages(ctx.venv) / import_name
        for rel in relpaths:
            p = pkg / rel
            if p.is_dir():
                shutil.rmtree(p)
            else:
                p.unlink()
            cache = p.parent / "__pycache__"
            for pyc in cache.glob(p.stem + ".*.pyc") if cache.is_dir() else ():
                pyc.unlink()
    return setup


def setup_files(files: Dict[str, str]):
    """Write files relative to HOME (``~/...``) or the project folder."""
    def setup(ctx: Ctx) -> None:
        for rel, text in files.items():
            base = ctx.home if rel.startswith("~/") else ctx.project
            text = (text.replace("{PORT}", str(ctx.port or 0))
                        .replace("{CLOSED}", str(ctx.closed or 0))
                        .replace("{HOME}", str(ctx.home)))
            _w(base / rel.lstrip("~/"), text)
    return setup


def setup_stub_package(import_name: str, init_text: str, version: str = "0.0.1"):
    """A stand-in installed package (with .dist-info) whose __init__ fails."""
    def setup(ctx: Ctx) -> None:
        sp = realenv.site_packages(ctx.venv)
        _w(sp / import_name / "__init__.py", init_text)
        dist = import_name.replace("_", "-")
        info = sp / ("%s-%s.dist-info" % (import_name, version))
        _w(info / "METADATA", "Metadata-Version: 2.1\nName: %s\nVersion: %s\n" % (dist, version))
        _w(info / "INSTALLER", "pip\n")
        _w(info / "RECORD", "")
    return setup


def chain(*setups):
    def setup(ctx: Ctx) -> None:
        for s in setups:
            s(ctx)
    return setup


OPENAI_401 = {"error": {
    "message": "Incorrect API key provided: sk-fake*******************7890. You can find your "
               "API key at https://platform.openai.com/account/api-keys.",
    "type": "invalid_request_error", "param": None, "code": "invalid_api_key"}}
ANTHROPIC_401 = {"type": "error", "error": {"type": "authentication_error",
                                            "message": "invalid x-api-key"},
                 "request_id": "req_011CTestCorpus0000000000"}
GROQ_401 = {"error": {"message": "Invalid API Key", "type": "invalid_request_error",
                      "code": "invalid_api_key"}}
GOOGLE_INVALID_RAPT = {"error": "invalid_grant",
                       "error_description": "reauth related error (invalid_rapt)",
                       "error_uri": "https://support.google.com/a/answer/9368756",
                       "error_subtype": "invalid_rapt"}
GOOGLE_INVALID_GRANT = {"error": "invalid_grant", "error_description": "Bad Request"}
BEDROCK_403_TOKEN = {"message": "The security token included in the request is invalid."}
SSO_401 = {"message": "Session token not found or invalid"}

# A gcloud `application-default login` file (authorized_user); made-up
# values.  google-auth ignores any token_uri in such a file, so the cases
# point the loaded credentials at the loopback token endpoint with
# with_token_uri() (what LANGCHAIN_DOCTOR_GOOGLE_TOKEN_URI is for in the tool).
ADC_AUTHORIZED_USER = """
{
  "account": "",
  "client_id": "000000000000-corpusfakeclientid.apps.googleusercontent.com",
  "client_secret": "d-FAKE-corpus-secret",
  "quota_project_id": "my-project",
  "refresh_token": "1//0fake-refresh-token-for-tests",
  "type": "authorized_user",
  "universe_domain": "googleapis.com"
}
"""

ADC_AUTHORIZED_USER_NO_PROJECT = ADC_AUTHORIZED_USER.replace(
    '  "quota_project_id": "my-project",\n', "")

AWS_SSO_CONFIG = """
[profile dev]
sso_session = my-sso
sso_account_id = 111122223333
sso_role_name = Developer
region = us-east-1

[sso-session my-sso]
sso_start_url = https://my-company.awsapps.com/start
sso_region = us-east-1
sso_registration_scopes = sso:account:access
"""

AWS_SSO_LEGACY_CONFIG = """
[profile legacy]
sso_start_url = https://my-company.awsapps.com/start
sso_region = us-east-1
sso_account_id = 111122223333
sso_role_name = Developer
region = us-east-1
"""

# Cached SSO tokens (~/.aws/sso/cache/<sha1>.json), expired in 2024.  The
# sso-session token has no refresh token / client registration, as after
# the 90-day registration lapses, so botocore cannot refresh it.
SSO_SESSION_TOKEN = json.dumps({
    "startUrl": "https://my-company.awsapps.com/start", "region": "us-east-1",
    "accessToken": "aoaAAAAAGfakeExpiredAccessToken", "expiresAt": "2024-01-01T00:00:00Z",
}, indent=1)
SSO_LEGACY_TOKEN = json.dumps({
    "startUrl": "https://my-company.awsapps.com/start", "region": "us-east-1",
    "accessToken": "aoaAAAAAGfakeExpiredAccessToken", "expiresAt": "2024-01-01T00:00:00Z",
}, indent=1)


def _sha1(s: str) -> str:
    return hashlib.sha1(s.encode()).hexdigest()


BEDROCK_MODEL = "anthropic.claude-3-haiku-20240307-v1:0"
AWS_FAKE_KEYS = {"AWS_ACCESS_KEY_ID": "AKIAFAKEFAKEFAKEFAKE",
                 "AWS_SECRET_ACCESS_KEY": "fakefakefakefakefakefakefakefakefakefake"}

CASES: List[Case] = [
    # ------------------------------------------------------ pydantic-schema
    Case("pydantic-schema", "openai-modify-schema-secretstr", "openai", "a",
         "from langchain_openai import ChatOpenAI",
         "The `__modify_schema__` method is not supported in Pydantic v2",
         "langchain-openai 0.1.25 (built for core 0.2) under langchain-core 0.3.0 / pydantic 2.9.2: import"),
    Case("pydantic-schema", "aws-extra-fields-behavior", "aws", "seed-broken",
         "from langchain_aws import ChatBedrock",
         "extra_fields_behavior",
         "langchain-aws 0.1.17 under langchain-core 0.3.0 / pydantic 2.9.2: import"),
    Case("pydantic-schema", "openai-basecache-not-fully-defined", "openai", "basecache",
         "from langchain_openai import ChatOpenAI\n"
         "ChatOpenAI(model='x', api_key='sk-fake', max_retries=0)",
         "is not fully defined; you should define `BaseCache`",
         "langchain-openai 0.2.5 + langchain-core 0.3.15 under pydantic 2.11.7 (resolves normally): construct"),
    Case("pydantic-schema", "vertexai-error-checking-inheritance", "google-vertexai", "mixed-old-core03",
         "from langchain_google_vertexai import ChatVertexAI",
         "RuntimeError: error checking inheritance of",
         "langchain-google-vertexai 1.0.10 under langchain-core 0.3.0: import"),
    Case("pydantic-schema", "community-chatopenai-fieldinfo", "openai", "mixed-old-core03",
         "from langchain_community.chat_models import ChatOpenAI\n"
         "ChatOpenAI(openai_api_key='sk-fake')",
         "input_type=FieldInfo",
         "langchain-community 0.2.19 under langchain-core 0.3.0: construct the community ChatOpenAI"),
    Case("pydantic-schema", "langchain-memory-no-validator", None, "mixed-old-core03",
         "from langchain.memory import ConversationBufferMemory\n"
         "ConversationBufferMemory()",
         "RuntimeError: no validator found for",
         "langchain 0.2.17 under langchain-core 0.3.0: construct ConversationBufferMemory"),
    Case("pydantic-schema", "anthropic-modify-schema-secretstr", "anthropic", "mixed-old-core03",
         "from langchain_anthropic import ChatAnthropic",
         "The `__modify_schema__` method is not supported in Pydantic v2",
         "langchain-anthropic 0.1.23 under langchain-core 0.3.0: import"),
    Case("pydantic-schema", "groq-modify-schema-secretstr", "groq", "mixed-old-core03",
         "from langchain_groq import ChatGroq",
         "The `__modify_schema__` method is not supported in Pydantic v2",
         "langchain-groq 0.1.10 under langchain-core 0.3.0: import"),
    Case("pydantic-schema", "community-embeddings-cannot-pickle", "openai", "mixed-old-core03",
         "from langchain_community.embeddings import OpenAIEmbeddings\n"
         "OpenAIEmbeddings(openai_api_key='sk-fake')",
         "TypeError: cannot pickle 'classmethod' object",
         "langchain-community 0.2.19 under langchain-core 0.3.0: construct OpenAIEmbeddings"),

    # ----------------------------------------------- pydantic-core-mismatch
    Case("pydantic-core-mismatch", "pydantic-2.11-with-core-2.23", None, "pydcore-old-core",
         "import pydantic\n"
         "class M(pydantic.BaseModel):\n"
         "    x: int\n"
         "print(M(x=1))",
         "unexpected keyword argument 'extras_keys_schema'",
         "pydantic 2.11.7 with pydantic-core 2.23.4 forced in (--no-deps): import and define a model"),
    Case("pydantic-core-mismatch", "pydantic-2.11-with-core-2.41", None, "pydcore-new-core",
         "import pydantic\n"
         "class M(pydantic.BaseModel):\n"
         "    x: int\n"
         "print(M(x=1))",
         "cannot import name 'validate_core_schema' from 'pydantic_core'",
         "pydantic 2.11.7 with pydantic-core 2.41.5 forced in (--no-deps): import and define a model"),
    Case("pydantic-core-mismatch", "pydantic-2.14-with-core-2.33-systemerror", None, "pydcore-systemerror",
         "import pydantic\n"
         "class M(pydantic.BaseModel):\n"
         "    x: int\n"
         "print(M(x=1))",
         "SystemError: The installed pydantic-core version",
         "pydantic 2.14.4 with pydantic-core 2.33.2 forced in (--no-deps): import (pydantic's own version check)"),
    Case("pydantic-core-mismatch", "langchain-openai-core-mismatch", "openai", "openai-pydcore-mismatch",
         "from langchain_openai import ChatOpenAI",
         "unexpected keyword argument 'extras_keys_schema'",
         "langchain-openai 0.2.5 venv, then pydantic-core 2.23.4 forced under pydantic 2.11.7: import"),

    # ----------------------------------------------------- version-conflict
    Case("version-conflict", "openai-1.x-under-core-0.3", "openai", "new-integ-old-core",
         "from langchain_openai import ChatOpenAI",
         "cannot import name",
         "langchain-openai 1.7.4 with langchain-core 0.3.79 forced in (--no-deps): import"),
    Case("version-conflict", "anthropic-1.x-under-core-0.3", "anthropic", "new-integ-old-core",
         "from langchain_anthropic import ChatAnthropic",
         "cannot import name",
         "langchain-anthropic 1.7.10 with langchain-core 0.3.79 forced in (--no-deps): import"),
    Case("version-conflict", "openai-0.2-under-core-0.2", "openai", "openai025-core02",
         "from langchain_openai import ChatOpenAI",
         "cannot import name 'InputTokenDetails'",
         "langchain-openai 0.2.5 with langchain-core 0.2.43 forced in (--no-deps): import"),

    # ------------------------------------------------------ missing-package
    Case("missing-package", "langchain-chains-moved", None, "lc1-community-old",
         "from langchain.chains import LLMChain",
         "No module named 'langchain.chains'",
         "langchain 1.5.2: the 0.x import path (moved to langchain-classic)"),
    Case("missing-package", "fireworks-not-installed", "fireworks", "a",
         "import langchain_fireworks",
         "No module named 'langchain_fireworks'",
         "langchain-fireworks not installed: import"),
    Case("missing-package", "community-retriever-needs-langchain-chains", None, "lc1-community-old",
         "from langchain_community.retrievers import WebResearchRetriever",
         "No module named 'langchain.chains'",
         "langchain-community 0.3.31 with langchain 1.5.2: a community module that imports langchain.chains"),
    Case("missing-package", "init-chat-model-anthropic-missing", "anthropic", "lc1-community-old",
         "from langchain.chat_models import init_chat_model\n"
         "init_chat_model('anthropic:claude-3-5-haiku-latest')",
         "requires the langchain-anthropic package",
         "langchain 1.5.2 init_chat_model for a provider whose package is absent"),
    Case("missing-package", "langchain-schema-moved", None, "lc1-community-old",
         "from langchain.schema import HumanMessage",
         "No module named 'langchain.schema'",
         "langchain 1.5.2: the 0.x langchain.schema import path"),

    # ------------------------------------------------------- broken-install
    Case("broken-install", "fireworks-partial-uninstall", "fireworks", "fireworks",
         "from langchain_fireworks import ChatFireworks",
         "(unknown location)",
         "langchain-fireworks 1.7.1, then its .dist-info and files deleted leaving langchain_fireworks/__pycache__/ "
         "(what an interrupted pip uninstall leaves)",
         private=True, setup=setup_partial_uninstall("langchain-fireworks", "langchain_fireworks")),
    Case("broken-install", "openai-partial-uninstall-attribute", "openai", "basecache",
         "import langchain_openai\n"
         "llm = langchain_openai.ChatOpenAI(model='gpt-4o-mini')",
         "has no attribute 'ChatOpenAI'",
         "langchain-openai 0.2.5 partially uninstalled (folder with only __pycache__/ left): attribute access",
         private=True, decidable=False, setup=setup_partial_uninstall("langchain-openai", "langchain_openai")),
    Case("broken-install", "openai-missing-module-file", "openai", "basecache",
         "from langchain_openai import ChatOpenAI",
         "No module named 'langchain_openai.chat_models.base'",
         "langchain-openai 0.2.5 with chat_models/base.py deleted (interrupted install): import",
         private=True, setup=setup_delete_files("langchain_openai", "chat_models/base.py")),

    # ------------------------------------------------------ shadowed-module
    Case("shadowed-module", "langchain-openai-py-in-project", "openai", "healthy7",
         "from langchain_openai import ChatOpenAI\n"
         "llm = ChatOpenAI(model='gpt-4o-mini')\n",
         "cannot import name 'ChatOpenAI' from 'langchain_openai'",
         "a langchain_openai.py (the user's notes) in the script's folder",
         script="main.py",
         setup=setup_files({"langchain_openai.py": "# my experiments with langchain_openai\n"
                                                  "MODEL = 'gpt-4o-mini'\n"})),
    Case("shadowed-module", "script-named-openai-py", "openai", "healthy7",
         "from langchain_openai import ChatOpenAI\n"
         "llm = ChatOpenAI(model='gpt-4o-mini')\n",
         "partially initialized module",
         "the user's script is itself named openai.py",
         script="openai.py"),
    Case("shadowed-module", "anthropic-py-shadows-sdk", "anthropic", "healthy7",
         "from langchain_anthropic import ChatAnthropic\n"
         "llm = ChatAnthropic(model='claude-3-5-haiku-latest')\n",
         "module 'anthropic' has no attribute 'DefaultHttpxClient'",
         "an anthropic.py (an earlier experiment) next to the script shadows the anthropic SDK "
         "that langchain-anthropic imports",
         script="main.py", decidable=False,
         setup=setup_files({"anthropic.py": "import os\n\nprint(os.environ.get('ANTHROPIC_MODEL'))\n"})),
    Case("shadowed-module", "langchain-openai-folder-in-project", "openai", "healthy7",
         "from langchain_openai import ChatOpenAI\n"
         "llm = ChatOpenAI(model='gpt-4o-mini')\n",
         "(/home/user/project/langchain_openai/__init__.py)",
         "a langchain_openai/ package folder (copied examples, with __init__.py) in the script's folder",
         script="main.py",
         setup=setup_files({"langchain_openai/__init__.py": "",
                            "langchain_openai/examples.py": "EXAMPLES = []\n"})),

    # --------------------------------------------------------- import-error
    Case("import-error", "stub-package-init-raises", "ollama", "tiny",
         "from langchain_ollama import ChatOllama",
         "RuntimeError: failed to initialise",
         "a stand-in langchain_ollama package whose __init__ raises (an odd import-time failure)",
         private=True,
         setup=setup_stub_package("langchain_ollama", """
             import os as _os

             def _load_native():
                 raise RuntimeError("failed to initialise the native extension: "
                                    "illegal instruction probing CPU features")

             _load_native()
             """)),
    Case("import-error", "numpy2-abi-pandas", None, "numpy-abi",
         "import pandas",
         "numpy.dtype size changed",
         "pandas 1.5.3 (built against numpy 1.x) with numpy 2 forced in (--no-deps): import"),

    # --------------------------------------------------- missing-credential
    Case("missing-credential", "openai-no-api-key", "openai", "healthy7",
         "from langchain_openai import ChatOpenAI\n"
         "ChatOpenAI(model='gpt-4o-mini').invoke('hi')",
         "OPENAI_API_KEY",
         "langchain-openai 1.7.4, OPENAI_API_KEY unset: construct+invoke"),
    Case("missing-credential", "openai-no-api-key-0.1-pyd2", "openai", "old-consistent-pyd2",
         "from langchain_openai import ChatOpenAI\n"
         "ChatOpenAI(model='gpt-4o-mini').invoke('hi')",
         "OPENAI_API_KEY",
         "langchain-openai 0.1.25 / openai 1.109.1 / pydantic 2, OPENAI_API_KEY unset: construct"),
    Case("missing-credential", "openai-no-api-key-0.1-pyd1", "openai", "old-consistent-pyd1",
         "from langchain_openai import ChatOpenAI\n"
         "ChatOpenAI(model='gpt-4o-mini').invoke('hi')",
         "OPENAI_API_KEY",
         "langchain-openai 0.1.25 / openai 1.109.1 / pydantic 1.10.27, OPENAI_API_KEY unset: construct"),
    Case("missing-credential", "anthropic-no-api-key", "anthropic", "anthropic-03",
         "from langchain_anthropic import ChatAnthropic\n"
         "ChatAnthropic(model='claude-3-5-haiku-latest', max_retries=0).invoke('hi')",
         "Could not resolve authentication method",
         "langchain-anthropic 0.3.22, ANTHROPIC_API_KEY unset: invoke"),
    Case("missing-credential", "anthropic-sdk-no-api-key", "anthropic", "healthy7",
         "import anthropic\n"
         "anthropic.Anthropic().messages.create(model='claude-3-5-haiku-latest', max_tokens=5,\n"
         "    messages=[{'role': 'user', 'content': 'hi'}])",
         "Could not resolve authentication method",
         "anthropic SDK (as in langchain-anthropic 1.7.10's venv), ANTHROPIC_API_KEY unset: direct call"),
    Case("missing-credential", "groq-no-api-key", "groq", "healthy7",
         "from langchain_groq import ChatGroq\n"
         "ChatGroq(model='llama-3.1-8b-instant').invoke('hi')",
         "GROQ_API_KEY",
         "langchain-groq 1.1.3, GROQ_API_KEY unset"),
    Case("missing-credential", "fireworks-no-api-key", "fireworks", "healthy7",
         "from langchain_fireworks import ChatFireworks\n"
         "ChatFireworks(model='accounts/fireworks/models/llama-v3p1-8b-instruct').invoke('hi')",
         "FIREWORKS_API_KEY",
         "langchain-fireworks 1.7.1, FIREWORKS_API_KEY unset"),
    Case("missing-credential", "community-openai-no-api-key", "openai", "lc1-community-old",
         "from langchain_community.chat_models import ChatOpenAI\n"
         "ChatOpenAI()",
         "Did not find openai_api_key",
         "langchain-community 0.3.31's ChatOpenAI, OPENAI_API_KEY unset"),
    Case("missing-credential", "google-auth-default-nothing", "google-vertexai", "google-auth",
         "import google.auth\n"
         "google.auth.default()",
         "DefaultCredentialsError: Your default credentials were not found",
         "google-auth 2.63.0: google.auth.default() with no ADC, no GOOGLE_APPLICATION_CREDENTIALS, not on GCE"),
    Case("missing-credential", "vertexai-no-adc", "google-vertexai", "healthy7",
         "from langchain_google_vertexai import ChatVertexAI\n"
         "ChatVertexAI(model='gemini-2.0-flash', project='my-project', location='us-central1',\n"
         "             max_retries=0).invoke('hi')",
         "DefaultCredentialsError: Your default credentials were not found",
         "langchain-google-vertexai 3.2.5 with no Google credentials at all (project given)"),
    Case("missing-credential", "bedrock-no-credentials", "aws", "healthy7",
         "from langchain_aws import ChatBedrock\n"
         f"ChatBedrock(model_id='{BEDROCK_MODEL}', region_name='us-east-1').invoke('hi')",
         "Unable to locate credentials",
         "langchain-aws 1.9.1, no AWS credentials anywhere (IMDS disabled)"),
    Case("missing-credential", "bedrock-converse-no-credentials", "aws", "healthy7",
         "from langchain_aws import ChatBedrockConverse\n"
         f"ChatBedrockConverse(model='{BEDROCK_MODEL}', region_name='us-east-1').invoke('hi')",
         "Unable to locate credentials",
         "langchain-aws 1.9.1 ChatBedrockConverse, no AWS credentials anywhere"),

    # --------------------------------------------------- invalid-credential
    Case("invalid-credential", "openai-401", "openai", "healthy7",
         "from langchain_openai import ChatOpenAI\n"
         "import os\n"
         "ChatOpenAI(model='gpt-4o-mini', api_key='sk-fake-1234567890', max_retries=0,\n"
         "           base_url='http://127.0.0.1:%s/v1' % os.environ['FAKE_PORT']).invoke('hi')",
         "Incorrect API key provided",
         "langchain-openai 1.7.4 against a loopback server answering OpenAI's 401 body",
         server=json_response(401, OPENAI_401, {"x-request-id": "req_corpus0000000000000000"})),
    Case("invalid-credential", "openai-401-0.1", "openai", "old-consistent-pyd2",
         "from langchain_openai import ChatOpenAI\n"
         "import os\n"
         "ChatOpenAI(model='gpt-4o-mini', api_key='sk-fake-1234567890', max_retries=0,\n"
         "           base_url='http://127.0.0.1:%s/v1' % os.environ['FAKE_PORT']).invoke('hi')",
         "Incorrect API key provided",
         "langchain-openai 0.1.25 (openai 1.109.1) against a loopback server answering OpenAI's 401 body",
         server=json_response(401, OPENAI_401, {"x-request-id": "req_corpus0000000000000000"})),
    Case("invalid-credential", "anthropic-401", "anthropic", "healthy7",
         "from langchain_anthropic import ChatAnthropic\n"
         "import os\n"
         "ChatAnthropic(model='claude-3-5-haiku-latest', api_key='sk-ant-fake-key', max_retries=0,\n"
         "              base_url='http://127.0.0.1:%s' % os.environ['FAKE_PORT']).invoke('hi')",
         "invalid x-api-key",
         "langchain-anthropic 1.7.10 against a loopback server answering Anthropic's 401 body",
         server=json_response(401, ANTHROPIC_401, {"request-id": "req_011CTestCorpus0000000000"})),
    Case("invalid-credential", "groq-401", "groq", "healthy7",
         "from langchain_groq import ChatGroq\n"
         "import os\n"
         "ChatGroq(model='llama-3.1-8b-instant', api_key='gsk_fake', max_retries=0,\n"
         "         base_url='http://127.0.0.1:%s' % os.environ['FAKE_PORT']).invoke('hi')",
         "Invalid API Key",
         "langchain-groq 1.1.3 against a loopback server answering Groq's 401 body",
         server=json_response(401, GROQ_401)),
    Case("invalid-credential", "google-credentials-file-missing", "google-vertexai", "google-auth",
         "import google.auth\n"
         "google.auth.default()",
         "was not found",
         "GOOGLE_APPLICATION_CREDENTIALS names a file that does not exist",
         env={"GOOGLE_APPLICATION_CREDENTIALS": "{HOME}/keys/service-account.json"}),
    Case("invalid-credential", "google-credentials-file-not-json", "google-vertexai", "google-auth",
         "import google.auth\n"
         "google.auth.default()",
         "is not a valid json file",
         "GOOGLE_APPLICATION_CREDENTIALS names a file that is not JSON (a truncated download)",
         env={"GOOGLE_APPLICATION_CREDENTIALS": "{HOME}/keys/service-account.json"},
         setup=setup_files({"~/keys/service-account.json": '{\n  "type": "service_account",\n  "project_id": "my-proj'})),
    Case("invalid-credential", "vertexai-credentials-file-missing", "google-vertexai", "healthy7",
         "from langchain_google_vertexai import ChatVertexAI\n"
         "ChatVertexAI(model='gemini-2.0-flash', project='my-project', location='us-central1',\n"
         "             max_retries=0).invoke('hi')",
         "was not found",
         "langchain-google-vertexai 3.2.5 with GOOGLE_APPLICATION_CREDENTIALS naming a missing file",
         env={"GOOGLE_APPLICATION_CREDENTIALS": "{HOME}/keys/service-account.json"}),
    Case("invalid-credential", "bedrock-403-invalid-token", "aws", "healthy7",
         "from langchain_aws import ChatBedrock\n"
         f"ChatBedrock(model_id='{BEDROCK_MODEL}', region_name='us-east-1').invoke('hi')",
         "UnrecognizedClientException",
         "langchain-aws 1.9.1 with made-up keys, AWS_ENDPOINT_URL_BEDROCK_RUNTIME at a loopback server "
         "answering Bedrock's 403 UnrecognizedClientException",
         env=dict(AWS_FAKE_KEYS, AWS_ENDPOINT_URL_BEDROCK_RUNTIME="http://127.0.0.1:{PORT}",
                  AWS_MAX_ATTEMPTS="1"),
         server=json_response(403, BEDROCK_403_TOKEN,
                              {"x-amzn-ErrorType": "UnrecognizedClientException:http://internal.amazon.com/coral/com.amazon.coral.service/",
                               "x-amzn-RequestId": "00000000-0000-4000-8000-000000000000"})),

    # ------------------------------------------------------ reauth-required
    Case("reauth-required", "google-adc-invalid-rapt", "google-vertexai", "google-auth",
         "import os, google.auth, google.auth.transport.requests\n"
         "creds, project = google.auth.default(scopes=['https://www.googleapis.com/auth/cloud-platform'])\n"
         "creds = creds.with_token_uri('http://127.0.0.1:%s/token' % os.environ['FAKE_PORT'])\n"
         "creds.refresh(google.auth.transport.requests.Request())",
         "Reauthentication is needed",
         "google-auth 2.63.0: gcloud ADC (authorized_user) refresh; the loopback token endpoint answers "
         "400 invalid_grant/invalid_rapt",
         setup=setup_files({"~/.config/gcloud/application_default_credentials.json": ADC_AUTHORIZED_USER}),
         server=json_response(400, GOOGLE_INVALID_RAPT)),
    Case("reauth-required", "vertexai-adc-invalid-rapt", "google-vertexai", "healthy7",
         "import os, google.auth\n"
         "from langchain_google_vertexai import ChatVertexAI\n"
         "creds, _ = google.auth.default(scopes=['https://www.googleapis.com/auth/cloud-platform'])\n"
         "creds = creds.with_token_uri('http://127.0.0.1:%s/token' % os.environ['FAKE_PORT'])\n"
         "ChatVertexAI(model='gemini-2.0-flash', project='my-project', location='us-central1',\n"
         "             credentials=creds, api_transport='rest', max_retries=0,\n"
         "             api_endpoint='127.0.0.1:%s' % os.environ['FAKE_PORT']).invoke('hi')",
         "Reauthentication is needed",
         "langchain-google-vertexai 3.2.5 (REST transport) with gcloud ADC whose refresh is answered "
         "400 invalid_rapt by the loopback token endpoint",
         setup=setup_files({"~/.config/gcloud/application_default_credentials.json": ADC_AUTHORIZED_USER}),
         server=json_response(400, GOOGLE_INVALID_RAPT)),
    Case("reauth-required", "google-adc-invalid-grant", "google-vertexai", "google-auth",
         "import os, google.auth, google.auth.transport.requests\n"
         "creds, project = google.auth.default(scopes=['https://www.googleapis.com/auth/cloud-platform'])\n"
         "creds = creds.with_token_uri('http://127.0.0.1:%s/token' % os.environ['FAKE_PORT'])\n"
         "creds.refresh(google.auth.transport.requests.Request())",
         "invalid_grant",
         "google-auth 2.63.0: gcloud ADC refresh answered 400 invalid_grant (revoked/expired refresh token)",
         setup=setup_files({"~/.config/gcloud/application_default_credentials.json": ADC_AUTHORIZED_USER}),
         server=json_response(400, GOOGLE_INVALID_GRANT)),
    Case("reauth-required", "aws-sso-session-token-expired", "aws", "healthy7",
         "from langchain_aws import ChatBedrock\n"
         f"ChatBedrock(model_id='{BEDROCK_MODEL}', credentials_profile_name='dev').invoke('hi')",
         "Token has expired and refresh failed",
         "langchain-aws 1.9.1, profile with sso_session whose cached token expired in 2024 "
         "(expiry is checked locally; no network)",
         setup=setup_files({"~/.aws/config": AWS_SSO_CONFIG,
                            "~/.aws/sso/cache/%s.json" % _sha1("my-sso"): SSO_SESSION_TOKEN})),
    Case("reauth-required", "boto3-sso-session-token-expired", "aws", "healthy7",
         "import boto3\n"
         "boto3.Session(profile_name='dev').client('bedrock-runtime').converse(\n"
         f"    modelId='{BEDROCK_MODEL}', messages=[{{'role': 'user', 'content': [{{'text': 'hi'}}]}}])",
         "Token has expired and refresh failed",
         "boto3 1.44.8 directly, same expired sso_session token",
         setup=setup_files({"~/.aws/config": AWS_SSO_CONFIG,
                            "~/.aws/sso/cache/%s.json" % _sha1("my-sso"): SSO_SESSION_TOKEN})),
    Case("reauth-required", "aws-legacy-sso-unauthorized", "aws", "healthy7",
         "from langchain_aws import ChatBedrock\n"
         f"ChatBedrock(model_id='{BEDROCK_MODEL}', credentials_profile_name='legacy').invoke('hi')",
         "UnauthorizedSSOTokenError: The SSO session",
         "langchain-aws 1.9.1, legacy SSO profile (no sso_session); the loopback SSO portal "
         "(AWS_ENDPOINT_URL_SSO) answers GetRoleCredentials with 401 UnauthorizedException",
         env={"AWS_ENDPOINT_URL_SSO": "http://127.0.0.1:{PORT}", "AWS_MAX_ATTEMPTS": "1"},
         setup=setup_files({"~/.aws/config": AWS_SSO_LEGACY_CONFIG,
                            "~/.aws/sso/cache/%s.json" % _sha1("https://my-company.awsapps.com/start"):
                                SSO_LEGACY_TOKEN}),
         server=json_response(401, SSO_401, {"x-amzn-ErrorType": "UnauthorizedException"})),

    # ------------------------------------------------------- missing-config
    Case("missing-config", "bedrock-no-region", "aws", "healthy7",
         "from langchain_aws import ChatBedrock\n"
         f"ChatBedrock(model_id='{BEDROCK_MODEL}').invoke('hi')",
         "You must specify a region",
         "langchain-aws 1.9.1 with keys but no region anywhere",
         env=dict(AWS_FAKE_KEYS)),
    Case("missing-config", "bedrock-converse-no-region", "aws", "healthy7",
         "from langchain_aws import ChatBedrockConverse\n"
         f"ChatBedrockConverse(model='{BEDROCK_MODEL}').invoke('hi')",
         "You must specify a region",
         "langchain-aws 1.9.1 ChatBedrockConverse with keys but no region anywhere",
         env=dict(AWS_FAKE_KEYS)),
    Case("missing-config", "boto3-no-region", "aws", "healthy7",
         "import boto3\n"
         "boto3.client('bedrock-runtime')",
         "You must specify a region",
         "boto3 1.44.8: a bedrock-runtime client with no region anywhere"),
    Case("missing-config", "vertexai-no-project", "google-vertexai", "healthy7",
         "from langchain_google_vertexai import ChatVertexAI\n"
         "ChatVertexAI(model='gemini-2.0-flash', max_retries=0).invoke('hi')",
         "Unable to find your project",
         "langchain-google-vertexai 3.2.5 with gcloud ADC (authorized_user, no quota project) and no project set",
         setup=setup_files({"~/.config/gcloud/application_default_credentials.json":
                            ADC_AUTHORIZED_USER_NO_PROJECT})),

    # ---------------------------------------------------------- unreachable
    Case("unreachable", "openai-connection-refused", "openai", "healthy7",
         "from langchain_openai import ChatOpenAI\n"
         "import os\n"
         "ChatOpenAI(model='gpt-4o-mini', api_key='sk-fake-1234567890', max_retries=0,\n"
         "           base_url='http://127.0.0.1:%s/v1' % os.environ['CLOSED_PORT']).invoke('hi')",
         "Connection error",
         "langchain-openai 1.7.4, base_url at a closed loopback port"),
    Case("unreachable", "anthropic-connection-refused", "anthropic", "healthy7",
         "from langchain_anthropic import ChatAnthropic\n"
         "import os\n"
         "ChatAnthropic(model='claude-3-5-haiku-latest', api_key='sk-ant-fake-key', max_retries=0,\n"
         "              base_url='http://127.0.0.1:%s' % os.environ['CLOSED_PORT']).invoke('hi')",
         "Connection error",
         "langchain-anthropic 1.7.10, base_url at a closed loopback port"),
    Case("unreachable", "mistral-connection-refused", "mistralai", "healthy7",
         "from langchain_mistralai import ChatMistralAI\n"
         "import os\n"
         "ChatMistralAI(model='mistral-small-latest', api_key='fake-mistral-key', max_retries=0,\n"
         "              endpoint='http://127.0.0.1:%s/v1' % os.environ['CLOSED_PORT']).invoke('hi')",
         "Connection refused",
         "langchain-mistralai 1.1.6, endpoint at a closed loopback port"),
    Case("unreachable", "bedrock-endpoint-connection-refused", "aws", "healthy7",
         "from langchain_aws import ChatBedrock\n"
         f"ChatBedrock(model_id='{BEDROCK_MODEL}', region_name='us-east-1').invoke('hi')",
         "Could not connect to the endpoint URL",
         "langchain-aws 1.9.1 with made-up keys, AWS_ENDPOINT_URL_BEDROCK_RUNTIME at a closed loopback port",
         env=dict(AWS_FAKE_KEYS, AWS_ENDPOINT_URL_BEDROCK_RUNTIME="http://127.0.0.1:{CLOSED}",
                  AWS_MAX_ATTEMPTS="1")),

    # --------------------------------------------------------- unclassified
    Case("unclassified", "prompt-missing-variable", None, "healthy7",
         "from langchain_core.prompts import ChatPromptTemplate\n"
         "ChatPromptTemplate.from_template('Tell me about {topic}').invoke({'subject': 'cats'})",
         "missing variables",
         "langchain-core 1.8.3: a prompt invoked without its variable (a user bug, not an environment problem)"),
    Case("unclassified", "user-code-keyerror", None, "healthy7",
         "config = {'model': 'gpt-4o-mini'}\n"
         "temperature = config['temperature']",
         "KeyError: 'temperature'",
         "plain user code: a KeyError"),

    # ------------------------------------------------------------ notebooks
    Case("pydantic-schema", "notebook-response-metadata-seed", None, "nb-seed-broken", "",
         "__modify_schema__",
         "the response-metadata docs notebook run in the seed-broken state (plus ipykernel): "
         "saved error outputs of ChatOpenAI and ChatBedrock cells",
         notebook=[
             ("markdown", "# Response metadata\n\n## OpenAI"),
             ("code", """
              from langchain_openai import ChatOpenAI

              llm = ChatOpenAI(model="gpt-4-turbo")
              msg = llm.invoke([("human", "What's the oldest known example of cuneiform")])
              msg.response_metadata
              """),
             ("markdown", "## Bedrock (Anthropic)"),
             ("code", """
              from langchain_aws import ChatBedrock

              llm = ChatBedrock(model_id="anthropic.claude-v2")
              msg = llm.invoke([("human", "What's the oldest known example of cuneiform")])
              msg.response_metadata
              """),
         ]),
    Case("missing-credential", "notebook-no-keys", None, "nb-healthy", "",
         "GROQ_API_KEY",
         "current langchain-openai/-groq in a notebook kernel with no API keys set",
         notebook=[
             ("markdown", "## OpenAI"),
             ("code", """
              from langchain_openai import ChatOpenAI

              llm = ChatOpenAI(model="gpt-4o-mini")
              llm.invoke("hi").response_metadata
              """),
             ("markdown", "## Groq"),
             ("code", """
              from langchain_groq import ChatGroq

              llm = ChatGroq(model="llama-3.1-8b-instant")
              llm.invoke("hi").response_metadata
              """),
         ]),
]


# ---------------------------------------------------------------- running ---

NB_RUNNER = """
import sys, nbformat, nbclient
nb = nbformat.read(sys.argv[1], as_version=4)
nbclient.NotebookClient(nb, timeout=300, kernel_name="python3", allow_errors=True,
                        record_timing=False, resources={"metadata": {"path": "."}}).execute()
nbformat.write(nb, sys.argv[2])
"""


def _base_prefix(py: Path) -> str:
    out = subprocess.run([str(py), "-I", "-c", "import sys; print(sys.base_prefix)"],
                         stdout=subprocess.PIPE, check=True)
    return out.stdout.decode().strip()


def normalise(text: str, replacements: List[Tuple[str, str]]) -> str:
    for old, new in replacements:
        if old:
            text = text.replace(old, new)
    text = re.sub(r"\b0x[0-9a-fA-F]{8,16}\b", "0x7f3a5c2e1d90", text)
    # Python 3.11's "stack-frame-ending" memory of the temp folder name, etc.
    return text


def run_case(case: Case, tmp: Path) -> Tuple[str, dict]:
    spec_venv = realenv.named_venv(case.venv)
    home = tmp / "home" / "user"
    project = home / "project"
    project.mkdir(parents=True)
    guard = tmp / "guard"
    _w(guard / "sitecustomize.py", SITECUSTOMIZE)
    venv = spec_venv
    if case.private:
        venv = realenv.named_venv(case.venv, dest=home / ".venv")
    py = realenv.venv_python(venv)
    base = _base_prefix(py)
    cport = closed_port()

    server = FakeServer(case.server) if case.server else None
    port = server.port if server else None

    env = {
        "PATH": "%s:/usr/local/bin:/usr/bin:/bin" % (venv / "bin"),
        "HOME": str(home),
        "USER": "user",
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "TERM": "dumb",
        "NO_COLOR": "1",
        "VIRTUAL_ENV": str(venv),
        "PYTHONPATH": str(guard),
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONHASHSEED": "0",
        "TMPDIR": str(tmp / "t"),
        # never reach cloud metadata services
        "AWS_EC2_METADATA_DISABLED": "true",
        "GCE_METADATA_HOST": "127.0.0.1:%d" % cport,
        "GCE_METADATA_IP": "127.0.0.1:%d" % cport,
        "CLOSED_PORT": str(cport),
    }
    if port:
        env["FAKE_PORT"] = str(port)
    for k, v in case.env.items():
        env[k] = (v.replace("{PORT}", str(port or 0)).replace("{CLOSED}", str(cport))
                   .replace("{HOME}", str(home)))
    (tmp / "t").mkdir()
    ctx = Ctx(home=home, project=project, venv=venv, env=env, port=port, closed=cport)
    if case.setup:
        case.setup(ctx)

    if case.notebook:
        nb = {"cells": [], "metadata": {"kernelspec": {"display_name": "Python 3 (ipykernel)",
                                                       "language": "python", "name": "python3"}},
              "nbformat": 4, "nbformat_minor": 5}
        for i, (ctype, src) in enumerate(case.notebook):
            cell = {"cell_type": ctype, "id": "cell-%02d" % i, "metadata": {},
                    "source": textwrap.dedent(src).strip("\n")}
            if ctype == "code":
                cell.update({"execution_count": None, "outputs": []})
            nb["cells"].append(cell)
        _w(project / (case.name + ".ipynb"), json.dumps(nb, indent=1))
        env["JUPYTER_PLATFORM_DIRS"] = "1"
        argv = [str(py), "-c", NB_RUNNER, case.name + ".ipynb", "executed.ipynb"]
    elif case.script:
        _w(project / case.script, case.code)
        argv = [str(py), case.script]
    else:
        argv = [str(py), "-c", case.code]

    if server:
        server.__enter__()
    try:
        proc = subprocess.run(argv, cwd=str(project), env=env, stdin=subprocess.DEVNULL,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=case.timeout)
    finally:
        if server:
            server.__exit__(None, None, None)
    out = proc.stderr.decode("utf-8", "replace")
    if case.notebook:
        if proc.returncode != 0:
            raise RuntimeError("notebook run failed:\n" + out[-3000:])
        out = (project / "executed.ipynb").read_text(encoding="utf-8")

    repl: List[Tuple[str, str]] = []
    for v in {str(venv), os.path.realpath(venv), str(spec_venv), os.path.realpath(spec_venv)}:
        repl.append((v, N_VENV))
    repl.sort(key=lambda r: -len(r[0]))
    repl += [
        (str(project), N_PROJECT),
        (str(home), N_HOME),
        (str(tmp / "t"), N_HOME + "/.tmp"),  # TMPDIR, should it show
        (str(tmp), N_HOME + "/.cache/x"),
        (base + "/lib/python3.11", N_STDLIB),
        (base + "/bin/python3.11", "/usr/bin/python3.11"),
        (base, "/usr"),
        ("127.0.0.1:%d" % cport, "127.0.0.1:%d" % N_CLOSED_PORT),
        ("localhost:%d" % cport, "localhost:%d" % N_CLOSED_PORT),
        ("port=%d" % cport, "port=%d" % N_CLOSED_PORT),
    ]
    if port:
        repl += [("127.0.0.1:%d" % port, "127.0.0.1:%d" % N_PORT),
                 ("localhost:%d" % port, "localhost:%d" % N_PORT),
                 ("port=%d" % port, "port=%d" % N_PORT)]
    text = normalise(out, repl)
    info = {"returncode": 1 if case.notebook else proc.returncode,
            "requests": server.requests if server else []}
    return text, info


def check_output(case: Case, text: str, info: dict) -> List[str]:
    problems = []
    if GUARD_MARK in text:
        problems.append("tried to reach a non-loopback address")
    if info["returncode"] == 0:
        problems.append("exited 0 (no error reproduced)")
    if case.expect not in text:
        problems.append("expected text %r not in output" % case.expect)
    for bad in FORBIDDEN:
        if re.search(r"(?:^|[\s'\"(=:\[,])%s(?:/|\b)" % re.escape(bad), text, re.M):
            problems.append("machine path %s left in output" % bad)
    if re.search(r"sk-(?!fake|ant-fake)[A-Za-z0-9]{20,}", text):
        problems.append("something that looks like a real OpenAI key")
    return problems


def hint_line(case: Case, text: str) -> str:
    """The decisive line: the last line holding ``expect`` that is not source
    code (``raise ...``); for a notebook, ``ename: evalue`` of that error."""
    if case.notebook:
        nb = json.loads(text)
        for cell in nb["cells"]:
            for out in cell.get("outputs", []):
                if out.get("output_type") == "error":
                    whole = out["ename"] + out["evalue"] + "".join(out["traceback"])
                    if case.expect in whole:
                        return "%s: %s" % (out["ename"], out["evalue"].splitlines()[0])
        return case.expect
    for line in reversed(text.splitlines()):
        stripped = line.strip()
        if case.expect in line and not stripped.startswith(("raise ", "File ")):
            return stripped
    return case.expect


def main(argv: List[str]) -> int:
    names = [c.name for c in CASES]
    assert len(names) == len(set(names)), "duplicate case names"
    for c in CASES:
        assert c.kind in KINDS, c.kind
        assert c.venv in realenv.SPECS, c.venv
    if argv == ["--list"]:
        for c in CASES:
            print("%-24s %-44s %s" % (c.kind, c.name, c.venv))
        return 0
    selected = [c for c in CASES if not argv or c.name in argv]
    partial = bool(argv)
    index: List[dict] = []
    failures = 0
    if partial and (CORPUS / "INDEX.json").exists():
        index = json.loads((CORPUS / "INDEX.json").read_text())
        index = [e for e in index if Path(e["file"]).stem not in argv]
    elif not partial:
        for kind in KINDS:
            if (CORPUS / kind).is_dir():
                shutil.rmtree(CORPUS / kind)
    for case in selected:
        tmp = Path(tempfile.mkdtemp(prefix="lcd-corpus-"))
        try:
            text, info = run_case(case, tmp)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        problems = check_output(case, text, info)
        status = "ok" if not problems else "FAIL: " + "; ".join(problems)
        print("%-24s %-44s %s" % (case.kind, case.name, status), flush=True)
        if problems:
            failures += 1
            sys.stderr.write(text[-3000:] + "\n")
            continue
        rel = "%s/%s.%s" % (case.kind, case.name, "ipynb" if case.notebook else "txt")
        (CORPUS / case.kind).mkdir(parents=True, exist_ok=True)
        (CORPUS / rel).write_text(text, encoding="utf-8")
        index.append({"file": rel, "kind": case.kind, "provider": case.provider,
                      "expected_code_hint": hint_line(case, text),
                      "decidable_from_text": case.decidable})
    index.sort(key=lambda e: e["file"])
    (CORPUS / "INDEX.json").write_text(json.dumps(index, indent=1) + "\n", encoding="utf-8")
    write_cases_md(index)
    print("%d case(s) failed" % failures if failures else "all %d case(s) ok" % len(selected))
    return 1 if failures else 0


def write_cases_md(index: List[dict]) -> None:
    by_name = {c.name: c for c in CASES}
    lines = [
        "# Corpus cases",
        "",
        "Generated by `tests/corpus_gen/generate.py` (do not edit by hand). Every file is the real",
        "stderr of the code shown, run in the named venv of `tests/realenv.py` (`SPECS`), with paths",
        "normalised: the venv is `%s`, the project folder `%s`, HOME `%s`," % (N_VENV, N_PROJECT, N_HOME),
        "the base interpreter's stdlib `%s`; loopback server ports are %d (a listening fake" % (N_STDLIB, N_PORT),
        "server) and %d (a closed port); memory addresses are 0x7f3a5c2e1d90." % N_CLOSED_PORT,
        "Where a case names a loopback server, the HTTP status and body that server sent are in",
        "`generate.py`; the error text is what the real client library made of them.",
        "",
        "| file | kind | provider | venv | how |",
        "|---|---|---|---|---|",
    ]
    for e in index:
        c = by_name.get(Path(e["file"]).stem)
        if c is None:
            continue
        code = c.code.strip().replace("\n", "; ").replace("|", "\\|") or "(notebook cells)"
        if len(code) > 160:
            code = code[:157] + "..."
        lines.append("| `%s` | %s | %s | %s | %s.%s Code: `%s` |" % (
            e["file"], e["kind"], e["provider"] or "-", c.venv, c.how.replace("|", "\\|"),
            "" if c.decidable else " *Not decidable from the text alone.*", code))
    (CORPUS / "CASES.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
