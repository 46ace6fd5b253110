"""Adversarial: secret shapes in free text are masked, innocent evidence is not, and cutting never leaks a fragment.

Each case is one attack: a secret hidden in a text the doctor may show. A case holds when no fragment of the
secret of ``FRAGMENT`` characters survives (the fingerprint shows the last 4 characters by design).
"""

from __future__ import annotations

import functools

import pytest
from langchain_doctor.redact import Redactor, clip, default, fingerprint, is_secret_name

FRAGMENT = 6
MISTRAL = "Zq9XbT3kLmN8pR2sV7wY4cE6hJ1uF0aQ"  # 32 characters, no prefix: known only from the environment
PROJ = "sk-proj-" + "Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4z" * 4 + "_-Zz"
SECRETS_ENV = {"MISTRAL_API_KEY": MISTRAL, "OPENAI_API_KEY": PROJ, "DB_PASSWORD": "p4ss-W0rd!x",
               "MY_SERVICE_TOKEN": "tOk3nV4lu3ThatIsLong", "PGPASSWORD": "pgPASS123", "WEIRD_SECRET": "s3cr3tValue",
               "INTERNAL_KEY": "ik_live_98765zyxw"}


_PUBLIC_PREFIXES = ("sk-ant-api03-", "sk-ant-", "sk-proj-", "sk-", "gsk_", "hf_", "github_pat_", "glpat-", "xoxb-",
                    "AIza", "AKIA", "1//", "ya29.", "eyJ", "-----BEGIN PRIVATE KEY-----\n",
                    "-----BEGIN RSA PRIVATE KEY-----\n")


def fragments(secret: str, size: int = FRAGMENT) -> set[str]:
    """Every run of ``size`` characters of the secret's private part (the prefix naming its kind is public)."""
    core = secret.strip()
    for prefix in _PUBLIC_PREFIXES:
        if core.startswith(prefix):
            core = core[len(prefix):]
            break
    return {core[i:i + size] for i in range(len(core) - size + 1)}


def leaks(secret: str, text: str) -> list[str]:
    # The fingerprint's own last-4 characters are allowed; any longer run of the secret is a leak.
    return sorted(f for f in fragments(secret) if f in text)


# --- shapes in free text (no environment needed) ------------------------------------------------------------

SHAPES = {
    "url-userinfo-https": ("https://alice:{s}@proxy.corp:3128/", "Hunter2pass"),
    "url-userinfo-postgres": ("postgresql://app:{s}@db.internal:5432/prod", "S3cretDbPw"),
    "url-userinfo-redis-no-user": ("redis://:{s}@cache:6379/0", "r3disPassw0rd"),
    "url-in-base-url-var": ("OPENAI_BASE_URL=https://u:{s}@gateway.example/v1 is unreachable", "gAtew4yPw9"),
    "url-in-proxy-echo": ("ProxyError: Cannot connect to proxy http://bob:{s}@10.0.0.1:8080", "pr0xyPassw"),
    "url-token-as-user": ("git clone https://{s}@github.com/org/repo", "ghp_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8"),
    "auth-basic": ("Authorization: Basic {s}", "YWxpY2U6aHVudGVyMg=="),
    "auth-token": ("Authorization: Token {s}", "9f8e7d6c5b4a39281706"),
    "auth-bearer-opaque": ("authorization: Bearer {s}", "opaqueTok3nValue12345"),
    "auth-json-header": ('{{"Authorization": "Basic {s}"}}', "dXNlcjpwYXNzd29yZA=="),
    "auth-dict-repr": ("headers={{'authorization': 'Token {s}'}}", "abc123def456ghi789"),
    "auth-proxy": ("Proxy-Authorization: Basic {s}", "cHJveHk6c2VjcmV0"),
    "bare-basic": ("sent Basic {s} to the server", "YWRtaW46c2VjcmV0MTIz"),
    "jwt": ("token expired: {s}", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U"),
    "jwt-alg-none": ("id_token {s}", "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ1c2VyMTIzNDUifQ."),
    "pwd-connection-string": ("Server=db;Uid=sa;Pwd={s};Encrypt=yes", "Sup3r!Secret"),
    "password-assignment": ("password={s} host=db", "hunter2xyz"),
    "password-colon": ("password: {s}", "correct-horse-9"),
    "passwd-quoted": ('passwd="{s}"', "quotedPw77"),
    "password-json": ('{{"password": "{s}"}}', "jsonPw12345"),
    "api-key-assign": ("api_key={s}", "b7f3c1d9e8a24f6b"),
    "api-key-json": ('{{"api_key": "{s}"}}', "1a2b3c4d5e6f7a8b9c"),
    "env-line-key": ("export SOME_VENDOR_API_KEY={s}", "vnd_8f7e6d5c4b3a2910"),
    "access-token-query": ("GET /v1/items?access_token={s}&page=2", "at9x8y7z6w5v4u3t"),
    "client-secret": ("client_secret={s}", "GOCSPX-AbCdEf123456GhIjKl"),
    "unknown-after-api-key": ("Incorrect API key provided: {s}. You can find your key at ...", "5f3a8c9e7b6d4a2f1e0c"),
    "unknown-after-token": ("invalid token {s} for this workspace", "q1w2e3r4t5y6u7i8o9p0"),
    "unknown-after-secret": ("secret {s} rejected", "Z9y8X7w6V5u4T3s2"),
    "unknown-after-api-key-quoted": ("api key '{s}' is not valid", "k3yOfUnkn0wnShape42"),
    "openai-proj-prefix": ("Error code: 401 - key {s}", PROJ),
    "anthropic": ("x-api-key {s}", "sk-ant-api03-" + "Q" * 20 + "1234abcd"),
    "groq": ("{s}", "gsk_" + "aB3" * 10),
    "hf": ("{s}", "hf_" + "aB3" * 10),
    "github-pat": ("{s}", "github_pat_" + "11ABCDEFG0" * 4),
    "gitlab": ("{s}", "glpat-" + "xY9" * 7),
    "slack": ("{s}", "xoxb-" + "123456789012-" + "aBcD" * 6),
    "google-api-key": ("{s}", "AIza" + "Sy" + "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p"),
    "aws-access-key": ("{s}", "AKIA" + "ABCDEFGHIJKLMNOP"),
    "google-refresh": ("{s}", "1//0" + "gAbCdEfGhIjKlMnOpQrStUvWxYz0123"),
    "google-access": ("{s}", "ya29." + "a0AfH6SMB" * 5),
    "pem": ("{s}", "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----"),
    "pem-unterminated": ("key file: {s}", "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAtruncatedHere123"),
}


@pytest.mark.parametrize("name", sorted(SHAPES))
def test_secret_shapes_in_free_text_are_masked(name: str) -> None:
    template, secret = SHAPES[name]
    text = template.format(s=secret)
    out = default().text(text)
    assert not leaks(secret, out), (name, out)
    assert default().text(out) == out, "redaction must be idempotent (reports are redacted more than once)"


INNOCENT = [
    "langchain_openai/chat_models/base.py:123 in _create_chat_result",
    "pydantic 2.11.3 and pydantic-core 2.33.1 do not belong together",
    "langchain-core 0.3.39 with pydantic >= 2.11: not fully defined; you should define BaseCache",
    "ValidationError: 1 validation error for ChatOpenAI",
    "max_tokens=100 input_tokens: 12 output_tokens: 1 total_tokens: 13",
    "token usage: prompt 12, completion 1",
    "api key langchain_openai.ChatOpenAI",
    "https://api.openai.com:443/v1/chat/completions",
    "ssh://git@github.com/org/repo.git",
    "user@example.com wrote",
    "/home/user/.venv/lib/python3.11/site-packages/langchain_core/__init__.py",
    "tokenizer_config_file_v2.json not found",
    "TOKENIZERS_PARALLELISM=false",
    "the token expired at 2024-01-01T00:00:00Z",
    "ImportError: cannot import name 'secret_from_env' from 'langchain_core.utils'",
    "Basic usage: langchain-doctor --python PATH",
    "AttributeError: module 'google.auth.credentials' has no attribute 'AnonymousCredentials'",
    "set OPENAI_API_KEY (the variable is not set)",
    "password must be set",
    "fix: /usr/bin/python3 -m pip install -U 'langchain-core>=0.3.39'",
    "sha256=3f7a8c9e7b6d4a2f1e0c 1234 bytes",
]


@pytest.mark.parametrize("text", INNOCENT)
def test_innocent_evidence_is_left_alone(text: str) -> None:
    env = {"TOKENIZERS_PARALLELISM": "false", "GIT_AUTHOR_NAME": "Jane Doe", "KEYBOARD_LAYOUT": "us-intl",
           "HOME": "/home/user", "PORT": "8080", "LANGCHAIN_DOCTOR_GOOGLE_TOKEN_URI": "http://127.0.0.1:9/token",
           "PWD": "/home/user/project"}
    assert Redactor.from_environ(env).text(text) == text


@pytest.mark.parametrize(("name", "secret"), [
    ("OPENAI_API_KEY", True), ("MISTRAL_API_KEY", True), ("HF_TOKEN", True), ("GITHUBTOKEN", True),
    ("DB_PASSWORD", True), ("PGPASSWORD", True), ("MYSQL_PWD", True), ("CLIENT_SECRET", True),
    ("AWS_SECRET_ACCESS_KEY", True), ("AWS_SESSION_TOKEN", True), ("ANTHROPIC_AUTH_TOKEN", True),
    ("TOKENIZERS_PARALLELISM", False), ("KEYBOARD_LAYOUT", False), ("GIT_AUTHOR_NAME", False), ("PWD", False),
    ("OLDPWD", False), ("GOOGLE_APPLICATION_CREDENTIALS", False), ("SSH_KEY_PATH", False),
    ("LANGCHAIN_DOCTOR_GOOGLE_TOKEN_URI", False), ("HOME", False),
])
def test_secret_names(name: str, secret: bool) -> None:
    assert is_secret_name(name) is secret


@pytest.mark.parametrize("var", sorted(SECRETS_ENV))
@pytest.mark.parametrize("where", ["start", "middle", "end", "quoted", "in-url", "after-newline"])
def test_any_secret_named_variable_is_masked_wherever_it_appears(var: str, where: str) -> None:
    value = SECRETS_ENV[var]
    text = {"start": f"{value} was rejected", "middle": f"the server said {value} is wrong",
            "end": f"value: {value}", "quoted": f"got '{value}'", "in-url": f"https://h/x?q={value}&y=1",
            "after-newline": f"line one\n{value}\nline three"}[where]
    out = Redactor.from_environ(SECRETS_ENV).text(text)
    assert not leaks(value, out), out


# --- cutting: redact whole, then cut ------------------------------------------------------------------------

@pytest.mark.parametrize("secret", [MISTRAL, PROJ, "AKIA" + "ABCDEFGHIJKLMNOP", "gsk_" + "aB3" * 10,
                                    "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_X"])
@pytest.mark.parametrize("limit", [160, 400, 4000])
@pytest.mark.parametrize("offset", [-30, -20, -10, -5, -1, 0, 1, 5])
@pytest.mark.parametrize("tail", [False, True])
def test_a_key_straddling_a_cut_never_leaks_a_fragment(secret: str, limit: int, offset: int, tail: bool) -> None:
    redactor = Redactor.from_environ(SECRETS_ENV)
    pad = "x " * limit
    # Place the key so that the cut falls inside it, `offset` characters from its start.
    text = pad[: max(0, limit + offset)] + secret + " " + pad if not tail else pad + secret + " " + pad[: max(0, limit + offset)]
    out = clip(text, limit, redactor, tail=tail)
    assert len(out) <= limit
    assert not leaks(secret, out), out


def test_cut_keeps_short_text_and_marks_long_text() -> None:
    assert clip("short", 10) == "short"
    assert clip("a" * 20, 10) == "a" * 9 + "…"
    assert clip("a" * 20, 10, tail=True) == "…" + "a" * 9


def test_line_is_one_printable_line() -> None:
    out = default().line(f"boom\n\x1b[31mred {PROJ}\r\nend\x07", 200)
    assert "\n" not in out and "\x1b" not in out and "\x07" not in out and not leaks(PROJ, out)


def test_fingerprint_never_shows_more_than_four_characters() -> None:
    for secret in (MISTRAL, PROJ, "short"):
        assert not leaks(secret, fingerprint(secret), )


def test_a_cut_falls_between_words_where_one_is_near() -> None:
    """Shown text is cut at a space near the limit, never mid-word ("lan…" for "langchain"), when a space is near."""
    from langchain_doctor.redact import clip

    text = "An updated version of the class exists in the langchain-google-genai package and should be used instead"
    cut = clip(text, 52)
    assert cut.endswith("…") and len(cut) <= 52
    assert text.startswith(cut[:-1]) and text[len(cut) - 1] == " "
    tail = clip(text, 40, tail=True)
    assert tail.startswith("…") and text.endswith(tail[1:]) and text[len(text) - len(tail)] == " "
    token = "x" * 200  # one long token: cut where it must be
    assert clip(token, 50) == "x" * 49 + "…"


def _mixtures() -> list[str]:
    """Every shape and innocent text, alone, joined, upper-cased, in non-ASCII company and cut at random places."""
    import random

    rnd = random.Random(18)
    texts = [t.format(s=s) for t, s in SHAPES.values()] + INNOCENT
    out = list(texts)
    out += [t.upper() for t in texts] + [t.lower() for t in texts]
    out += ["é " + t for t in texts] + [t.replace("k", "\u212a").replace("s", "\u017f") for t in texts]
    for _ in range(400):
        a, b = rnd.choice(texts), rnd.choice(texts)
        i, j = rnd.randrange(len(a) + 1), rnd.randrange(len(b) + 1)
        out.append(a[:i] + rnd.choice(["", " ", ":", "=", "@", "://", "\n", "_"]) + b[j:])
    return out


def test_the_fast_path_agrees_with_every_pattern_run() -> None:
    """Patterns are skipped on text without the words they need (``_NEEDS``): never a different result."""
    r = Redactor.from_environ(SECRETS_ENV)
    for text in _mixtures():
        assert r.text(text) == r.full(text), text


def test_each_pattern_needs_its_words() -> None:
    """The words tables walk the patterns one by one: each shape is masked by the fast path alone, and a
    pattern's words table entry is non-empty."""
    from langchain_doctor import redact

    assert len(redact._NEEDS) == len(redact._LABELLED)
    assert len(redact._TOKEN_NEEDS) == len(redact._TOKEN_PATTERNS)
    assert all(all(group) for needs in (*redact._NEEDS, *redact._TOKEN_NEEDS) for group in needs)
    assert len(redact._NEAR) == len(redact._LABELLED)
    for i, (pat, _) in enumerate(redact._LABELLED):
        near = redact._NEAR[i]
        for text in _mixtures():
            if text.isascii() and pat.search(text):
                assert redact._holds(text.lower(), redact._NEEDS[i]), (pat.pattern, text)
                assert near is None or near.search(text.lower()), (pat.pattern, text)
    for i, tok in enumerate(redact._TOKEN_PATTERNS):
        for text in _mixtures():
            if text.isascii() and tok.search(text):
                assert redact._holds(text.lower(), redact._TOKEN_NEEDS[i]), (tok.pattern, text)


def test_near_back_bounds_every_match() -> None:
    """A labelled pattern with a ``_NEAR`` is searched only from ``_NEAR_BACK`` characters before each near match
    (``_sub_near``): every match of the pattern must have a near match starting within that many characters."""
    import random

    from langchain_doctor import redact

    assert len(redact._NEAR_BACK) == len(redact._LABELLED)
    rnd = random.Random(5)
    prefixes = ["", "x", "a1-", "z" * 30 + "_", "Q" * 31 + "-", "my_service-", "é"]
    words = ["api_key", "API-KEY", "apikey", "secret_key", "private-key", "access_key", "client_secret", "secret",
             "access_token", "refresh-token", "auth_token", "id_token", "session_token", "token", "password", "pwd"]
    texts = [*_mixtures()]
    for _ in range(600):
        texts.append(rnd.choice(prefixes) + rnd.choice(words) + rnd.choice(["", "'", '"']) + " " * rnd.randint(0, 3)
                     + rnd.choice(["=", ":"]) + " " * rnd.randint(0, 3) + rnd.choice(["", "'"]) + "ab12" * 6
                     + rnd.choice(["", " provided: 5f3a9c0d1e2b7a8c9d0e", "\n"]))
    for i, (pat, wanted) in enumerate(redact._LABELLED):
        near = redact._NEAR[i]
        if near is None:
            continue
        for text in texts:
            if not text.isascii():
                continue
            low = text.lower()
            for m in pat.compiled().finditer(text):
                n = near.compiled().search(low, m.start())
                assert n is not None and n.start() - m.start() <= redact._NEAR_BACK[i], (pat.pattern, text)
            repl = functools.partial(redact._mask, wanted=wanted)
            assert redact._sub_near(pat.compiled(), near.compiled(), redact._NEAR_BACK[i], repl, text, low) == \
                pat.sub(repl, text), text
