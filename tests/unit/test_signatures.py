"""The signature table: real messages -> kind, provider and fix; every row reachable; every regex bounded."""

from __future__ import annotations

import re
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st
from langchain_doctor.classify import bare_name, classify, distribution_for, kinds_covered, shadow_in
from langchain_doctor.knowledge.codes.explain import KIND_CODES
from langchain_doctor.knowledge.signatures import SIGNATURES
from langchain_doctor.model import Kind, Severity
from langchain_doctor.registry import registry

from tests.unit.test_explain_threads import THREAD_ROWS

# (exc_type, message, traceback, expected row, kind, provider). Every message is what a real library printed:
# tests/corpus/ (generated from real venvs), tests/fixtures/explain/, the seed notebook, or the library source named
# in the row's `source`; the two Bedrock service messages are quoted from the GitHub issues the rows cite.
SITE = "/home/user/.venv/lib/python3.11/site-packages"
REAL = [
    ("PydanticUserError", "The `__modify_schema__` method is not supported in Pydantic v2. Use "
     "`__get_pydantic_json_schema__` instead in class `SecretStr`.\n\nFor further information visit "
     "https://errors.pydantic.dev/2.9/u/custom-json-schema", "", "pydantic-modify-schema", Kind.PYDANTIC_SCHEMA, None),
    ("pydantic_core._pydantic_core.SchemaError", "Invalid Schema:\nmodel.config.extra_fields_behavior\n  Input should "
     "be 'allow', 'forbid' or 'ignore' [type=literal_error, input_value=<Extra.forbid: 'forbid'>, input_type=Extra]",
     "", "pydantic-extra-forbid", Kind.PYDANTIC_SCHEMA, None),
    ("RuntimeError", "error checking inheritance of SafetySettingsType (type: TypeAliasType)", "",
     "pydantic-v1-typealias-inheritance", Kind.PYDANTIC_SCHEMA, None),
    ("pydantic_core._pydantic_core.ValidationError", "5 validation errors for ChatOpenAI\nmodel_name\n  Input should "
     "be a valid string [type=string_type, input_value=FieldInfo(default='gpt-3....as_priority=2, extra={}), "
     "input_type=FieldInfo]", "", "pydantic-fieldinfo-input", Kind.PYDANTIC_SCHEMA, "openai"),
    ("AttributeError", "'FieldInfo' object has no attribute 'in_'", "", "pydantic-fieldinfo-attribute",
     Kind.PYDANTIC_SCHEMA, None),
    ("pydantic.errors.PydanticUserError", "`ChatOpenAI` is not fully defined; you should define `BaseCache`, then "
     "call `ChatOpenAI.model_rebuild()`.", "", "pydantic-basecache-not-defined", Kind.PYDANTIC_SCHEMA, "openai"),
    ("RuntimeError", "no validator found for <class 'langchain_core.language_models.base.BaseLanguageModel'>, see "
     "`arbitrary_types_allowed` in Config", "", "pydantic-v1-no-validator-for-v2", Kind.PYDANTIC_SCHEMA, None),
    ("TypeError", "cannot pickle 'classmethod' object", f'  File "{SITE}/pydantic/v1/utils.py", line 694, in x',
     "pydantic-v1-deepcopy-v2", Kind.PYDANTIC_SCHEMA, None),
    ("SystemError", "The installed pydantic-core version (2.33.2) is incompatible with the current pydantic version, "
     "which requires 2.50.5. If you encounter this error, make sure that you haven't upgraded pydantic-core manually.",
     "", "pydantic-core-incompatible", Kind.PYDANTIC_CORE_MISMATCH, None),
    ("TypeError", "model_fields_schema() got an unexpected keyword argument 'extras_keys_schema'",
     f'  File "{SITE}/pydantic/_internal/_generate_schema.py", line 836, in _model_schema',
     "pydantic-core-unexpected-keyword", Kind.PYDANTIC_CORE_MISMATCH, None),
    ("ImportError", f"cannot import name 'validate_core_schema' from 'pydantic_core' ({SITE}/pydantic_core/"
     "__init__.py)", "", "pydantic-core-import-name", Kind.PYDANTIC_CORE_MISMATCH, None),
    ("ModuleNotFoundError", "No module named 'pydantic_core._pydantic_core'", "", "pydantic-core-missing",
     Kind.PYDANTIC_CORE_MISMATCH, None),
    ("ImportError", "cannot import name 'ChatFireworks' from 'langchain_fireworks' (unknown location)", "",
     "unknown-location", Kind.BROKEN_INSTALL, "fireworks"),
    ("ImportError", "cannot import name 'ChatOpenAI' from 'langchain_openai' (/home/user/project/langchain_openai.py)",
     "", "shadowed-by-local-file", Kind.SHADOWED_MODULE, "openai"),
    ("AttributeError", "partially initialized module 'openai' has no attribute 'OpenAI' (most likely due to a "
     "circular import)", "", "partially-initialized", Kind.SHADOWED_MODULE, "openai"),
    ("ModuleNotFoundError", "No module named 'langchain.chains'", "", "langchain-1-moved-module",
     Kind.MOVED_API, None),
    ("ModuleNotFoundError", "No module named 'langchain_fireworks'", "", "module-not-found", Kind.MISSING_PACKAGE,
     "fireworks"),
    ("ImportError", "Initializing ChatAnthropic requires the langchain-anthropic package. Please install it with "
     "`pip install langchain-anthropic`", "", "install-it-with-pip", Kind.MISSING_PACKAGE, "anthropic"),
    ("ImportError", f"cannot import name 'ContextOverflowError' from 'langchain_core.exceptions' ({SITE}/"
     "langchain_core/exceptions.py)", "", "import-name-skew", Kind.VERSION_SKEW, None),
    ("ModuleNotFoundError", "No module named 'langchain_core.pydantic_v1'", "", "langchain-core-pydantic-v1-removed",
     Kind.VERSION_CONFLICT, None),
    ("pip", "langchain-openai 0.1.25 requires langchain-core<0.3.0,>=0.2.40, but you have langchain-core 0.3.0 which "
     "is incompatible.", "", "pip-requirement-conflict", Kind.VERSION_CONFLICT, "openai"),
    ("openai.OpenAIError", "Missing credentials. Please pass an `api_key`, `workload_identity`, `admin_api_key`, or "
     "set the `OPENAI_API_KEY` or `OPENAI_ADMIN_KEY` environment variable.", "", "openai-missing-credentials",
     Kind.MISSING_CREDENTIAL, "openai"),
    ("groq.GroqError", "The api_key client option must be set either by passing api_key to the client or by setting "
     "the GROQ_API_KEY environment variable", "", "api-key-option-missing", Kind.MISSING_CREDENTIAL, "groq"),
    ("TypeError", '"Could not resolve authentication method. Expected one of api_key, auth_token, or credentials to '
     'be set. Or for the `Authorization` header to be explicitly omitted"', "", "anthropic-no-auth",
     Kind.MISSING_CREDENTIAL, "anthropic"),
    ("pydantic_core._pydantic_core.ValidationError", "1 validation error for ChatFireworks\n  Value error, You must "
     "specify an api key. You can pass it an argument as `api_key=...` or set the environment variable "
     "`FIREWORKS_API_KEY`. [type=value_error]", "", "must-specify-api-key", Kind.MISSING_CREDENTIAL, "fireworks"),
    ("ValueError", "Did not find openai_api_key, please add an environment variable `OPENAI_API_KEY` which contains "
     "it, or pass `openai_api_key` as a named parameter.", "", "did-not-find-setting", Kind.MISSING_CREDENTIAL,
     "openai"),
    ("ValueError", "Did not find azure_endpoint, please add an environment variable `AZURE_OPENAI_ENDPOINT` which "
     "contains it, or pass `azure_endpoint` as a named parameter.", "", "did-not-find-config", Kind.MISSING_CONFIG,
     "azure-openai"),
    ("KeyError", "'TOGETHER_API_KEY'", "", "key-env-var-missing", Kind.MISSING_CREDENTIAL, "together"),
    ("langchain_openai.chat_models.base.OpenAIAuthenticationError", "Error code: 401 - Incorrect API key provided: "
     "sk-proj-*****abcd.", "", "api-key-rejected", Kind.INVALID_CREDENTIAL, "openai"),
    ("groq.AuthenticationError", "Error code: 401 - {'error': {'message': 'Invalid API Key', 'type': "
     "'invalid_request_error', 'code': 'invalid_api_key'}}", "", "api-key-rejected", Kind.INVALID_CREDENTIAL, "groq"),
    ("google.auth.exceptions.DefaultCredentialsError", "Your default credentials were not found. To set up "
     "Application Default Credentials, see https://cloud.google.com/docs/authentication/external/set-up-adc for more "
     "information.", "", "google-adc-not-found", Kind.MISSING_CREDENTIAL, "google-vertexai"),
    ("google.auth.exceptions.DefaultCredentialsError", "File /nonexistent/key.json was not found.", "",
     "google-adc-file-missing", Kind.INVALID_CREDENTIAL, "google-vertexai"),
    ("google.auth.exceptions.DefaultCredentialsError", "('File /tmp/bad.json is not a valid json file.', "
     "JSONDecodeError('Expecting value: line 1 column 1 (char 0)'))", "", "google-adc-bad-json",
     Kind.INVALID_CREDENTIAL, "google-vertexai"),
    ("google.auth.exceptions.RefreshError", "Reauthentication is needed. Please run `gcloud auth application-default "
     "login` to reauthenticate.", "", "google-reauth", Kind.REAUTH_REQUIRED, "google-vertexai"),
    # google-auth 1.x wording (google/oauth2/reauth.py before the application-default change).
    ("RefreshError", "Reauthentication is needed. Please run `gcloud auth login --update-adc` to reauthenticate.", "",
     "google-reauth", Kind.REAUTH_REQUIRED, "google-vertexai"),
    ("ServiceUnavailable", "503 Getting metadata from plugin failed with error: Reauthentication is needed. Please run "
     "`gcloud auth application-default login` to reauthenticate.", "", "google-reauth", Kind.REAUTH_REQUIRED,
     "google-vertexai"),
    ("google.auth.exceptions.RefreshError", "('invalid_grant: Bad Request', {'error': 'invalid_grant', "
     "'error_description': 'Bad Request'})", "", "google-invalid-grant", Kind.REAUTH_REQUIRED, "google-vertexai"),
    ("ServiceUnavailable", "503 Getting metadata from plugin failed with error: ('Unable to acquire impersonated "
     "credentials', '{}')", "", "google-metadata-plugin", Kind.INVALID_CREDENTIAL, "google-vertexai"),
    ("botocore.exceptions.NoCredentialsError", "Unable to locate credentials", "", "aws-no-credentials",
     Kind.MISSING_CREDENTIAL, "aws"),
    ("botocore.exceptions.NoRegionError", "You must specify a region.", "", "aws-no-region", Kind.MISSING_CONFIG,
     "aws"),
    ("ValidationError", "1 validation error for ChatBedrock\n  Value error, Could not load credentials to authenticate "
     "with AWS client. Please check that the specified profile name and/or its credentials are valid. Service error: "
     "You must specify a region.", "", "aws-no-region", Kind.MISSING_CONFIG, "aws"),
    # langchain 0.0.2xx/0.0.3xx raised this without the cause's words (github.com/langchain-ai/langchain/issues/8800:
    # "That Exception block will swallow the unknown service exception and replace it with the generic credentials
    # one"); the chained traceback above it keeps botocore's UnknownServiceError.
    ("ValueError", "Could not load credentials to authenticate with AWS client. Please check that credentials in the "
     "specified profile name are valid.",
     f'  File "{SITE}/botocore/loaders.py", line 408, in load_service_model\n    raise UnknownServiceError(\n'
     "botocore.exceptions.UnknownServiceError: Unknown service: 'bedrock'. Valid service names are: accessanalyzer, "
     "account, acm\n\nThe above exception was the direct cause of the following exception:\n",
     "aws-unknown-service-wrapped", Kind.VERSION_SKEW, "aws"),
    ("botocore.exceptions.TokenRetrievalError", "Error when retrieving token from sso: Token has expired and refresh "
     "failed", "", "aws-sso-expired", Kind.REAUTH_REQUIRED, "aws"),
    ("botocore.exceptions.UnauthorizedSSOTokenError", "The SSO session associated with this profile has expired or is "
     "otherwise invalid. To refresh this SSO session run aws sso login with the corresponding profile.", "",
     "aws-sso-expired", Kind.REAUTH_REQUIRED, "aws"),
    ("botocore.exceptions.ClientError", "An error occurred (UnrecognizedClientException) when calling the InvokeModel "
     "operation (reached max retries: 0): The security token included in the request is invalid.", "",
     "aws-invalid-token", Kind.INVALID_CREDENTIAL, "aws"),
    ("botocore.errorfactory.AccessDeniedException", "An error occurred (AccessDeniedException) when calling the "
     "InvokeModel operation: You don't have access to the model with the specified model ID.", "",
     "bedrock-access-denied", Kind.INVALID_CREDENTIAL, "aws"),
    ("botocore.errorfactory.ValidationException", "An error occurred (ValidationException) when calling the Converse "
     "operation: Invocation of model ID anthropic.claude-3-5-sonnet-20241022-v2:0 with on-demand throughput isn\u2019t "
     "supported. Retry your request with the ID or ARN of an inference profile that contains this model.", "",
     "bedrock-on-demand-throughput", Kind.MISSING_CONFIG, "aws"),
    ("langchain_openai.chat_models.base.OpenAIConnectionError", "Connection error.", "", "connection-failed",
     Kind.UNREACHABLE, "openai"),
    ("httpx.ConnectError", "[Errno 111] Connection refused", "", "connection-failed", Kind.UNREACHABLE, None),
    ("ValueError", "numpy.dtype size changed, may indicate binary incompatibility. Expected 96 from C header, got 88 "
     "from PyObject", f'  File "{SITE}/pandas/__init__.py", line 22, in <module>', "numpy-abi", Kind.BINARY_INCOMPATIBLE,
     None),
    ("RuntimeError", "failed to initialise the native extension: illegal instruction probing CPU features",
     f'  File "{SITE}/langchain_ollama/__init__.py", line 7, in <module>', "import-time-failure", Kind.IMPORT_ERROR,
     None),
]


@pytest.mark.parametrize(("exc", "message", "tb", "row", "kind", "provider"), REAL, ids=[f"{r[3]}-{i}" for i, r in
                                                                                      enumerate(REAL)])
def test_real_messages_classify(exc: str, message: str, tb: str, row: str, kind: Kind, provider: str | None) -> None:
    m = classify(exc, message, tb)
    assert m is not None, message
    assert (m.signature_id, m.kind) == (row, kind)
    assert m.provider == provider
    assert m.title and "\n" not in m.title and "{" not in m.title
    assert m.fix_summary and "{" not in m.fix_summary.replace("{python}", "")


def test_every_row_is_exercised_by_a_real_message() -> None:
    covered = {r[3] for r in REAL} | {
        # rows exercised with real outputs elsewhere (tests/corpus via test_explain_corpus, and below)
        "shadowed-by-frame-file", "stable-submodule-missing", "own-submodule-missing", "integration-class-missing",
        "sdk-attribute-missing", "langchain-1-moved-name", "pydantic-v1-config-keys",
        "langchain-pydantic-v1-shim-warning", "pip-requirement-missing", "langchain-deprecated-class",
        "moved-module-imported-by-package",
    } | THREAD_ROWS
    rows = {s.id for s in SIGNATURES}
    assert rows - covered <= {
        # Wording taken from library source (cited in the row's `source`), no corpus output yet.
        "pydantic-not-fully-defined", "pydantic-v1-root-validator", "pydantic-mixing-v1-v2", "shadowed-consider-renaming",
        "shared-library", "package-metadata-missing", "import-name-missing", "google-invalid-rapt", "google-invalid-jwt",
        "google-adc-bad-type", "google-project-missing", "google-api-key-invalid", "aws-expired-token",
        "permission-denied", "authentication-error", "connection-error-type", "interpreter-crashed",
        # langchain-community 0.4.2 removals: no thread quotes the ImportError yet (tests/threads/README.md, Gaps).
        "community-chat-class-removed",
        # the generic keyword rule: every thread text has a boundaries row (keyword-skew-known answers them)
        "keyword-skew",
    }, rows - covered


def test_rows_have_unique_ids_sources_and_one_line_titles() -> None:
    ids = [s.id for s in SIGNATURES]
    assert len(ids) == len(set(ids))
    for s in SIGNATURES:
        assert s.source, s.id
        assert "\n" not in s.title and s.explanation and s.fix_summary, s.id
        assert s.kind in KIND_CODES, s.id


def test_every_contract_kind_is_recognised() -> None:
    wanted = set(Kind) - {Kind.UNCLASSIFIED, Kind.DOCTOR}
    assert wanted <= kinds_covered()


def test_every_kind_has_an_explain_code_of_that_kind() -> None:
    reg = registry()
    for kind in Kind:
        code = KIND_CODES[kind]
        assert reg[code].kind is kind
        assert code.startswith("LCD5")


def test_explain_codes_are_documented() -> None:
    for code, info in registry().items():
        if code.startswith("LCD5"):
            assert info.what and info.why and info.fix and info.name.startswith("explain-")
    assert registry()["LCD590"].severity is Severity.INFO


def test_unrelated_errors_are_not_classified() -> None:
    assert classify("KeyError", "'temperature'") is None
    assert classify("ZeroDivisionError", "division by zero") is None
    assert classify("KeyError", "'topic'") is None


def test_fix_placeholders_and_tailoring() -> None:
    m = classify("PydanticUserError", "The `__modify_schema__` method is not supported in Pydantic v2. Use "
                 "`__get_pydantic_json_schema__` instead in class `SecretStr`.")
    assert m is not None
    assert m.fix_commands == ("{python} -m pip install -U langchain-core",)
    tailored = m.with_integration("langchain-aws")
    assert tailored.fix_commands == ("{python} -m pip install -U langchain-aws langchain-core",)
    assert tailored.install == ("langchain-aws", "langchain-core")
    fix = tailored.fix("/home/a b/venv/bin/python")
    assert fix.commands == ("'/home/a b/venv/bin/python' -m pip install -U langchain-aws langchain-core",)
    assert fix.install == ("langchain-aws", "langchain-core") and not fix.manual


def test_integration_from_the_traceback_tailors_the_fix() -> None:
    tb = f'  File "{SITE}/langchain_openai/chat_models/base.py", line 315, in <module>'
    m = classify("PydanticUserError", "The `__modify_schema__` method is not supported in Pydantic v2.", tb)
    assert m is not None and m.integration == "langchain-openai"
    assert "langchain-openai" in m.fix_commands[0]


def test_pydantic_core_pin_is_exact_when_the_message_says() -> None:
    m = classify("SystemError", "The installed pydantic-core version (2.33.2) is incompatible with the current "
                 "pydantic version, which requires 2.50.5. If you encounter this error, make sure ...")
    assert m is not None and m.install == ("pydantic-core==2.50.5",)


def test_manual_fixes_are_marked() -> None:
    m = classify("RefreshError", "Reauthentication is needed. Please run `gcloud auth application-default login` to "
                 "reauthenticate.")
    assert m is not None and m.manual and m.fix_commands == ("gcloud auth application-default login",)


def test_langchain_moves_come_from_the_knowledge_table() -> None:
    m = classify("ImportError", "cannot import name 'ChatOpenAI' from 'langchain.chat_models' "
                 f"({SITE}/langchain/chat_models/__init__.py)")
    assert m is not None and m.signature_id == "langchain-1-moved-name"
    assert "langchain_openai" in m.fix_summary and m.install == ("langchain-openai",)


def test_shadow_in_traceback_frames() -> None:
    tb = ('  File "/home/user/project/openai.py", line 1, in <module>\n'
          f'  File "{SITE}/langchain_openai/__init__.py", line 4, in <module>\n')
    assert shadow_in(tb) == ("/home/user/project/openai.py", "openai")
    assert shadow_in('  File "/home/user/project/langchain/__init__.py", line 1') == (
        "/home/user/project/langchain", "langchain")
    assert shadow_in(f'  File "{SITE}/openai/__init__.py", line 1') is None
    assert shadow_in('  File "/home/user/project/main.py", line 1') is None


def test_distribution_names() -> None:
    assert distribution_for("langchain_fireworks") == "langchain-fireworks"
    assert distribution_for("google.auth.transport") == "google-auth"
    assert distribution_for("fireworks.client") == "fireworks-ai"
    assert distribution_for("yaml") == "pyyaml"
    assert bare_name("pydantic.errors.PydanticUserError") == "PydanticUserError"


def _max_repeats(parsed: object) -> list[int]:
    """Every MAX_REPEAT/MIN_REPEAT upper bound in a parsed regex, recursively."""
    if sys.version_info >= (3, 11):
        import re._constants as c
    else:  # pragma: no cover
        import sre_constants as c
    out: list[int] = []
    for op, arg in parsed:  # type: ignore[attr-defined]
        if op in (c.MAX_REPEAT, c.MIN_REPEAT, getattr(c, "POSSESSIVE_REPEAT", None)):
            lo, hi, sub = arg
            out.append(hi)
            out += _max_repeats(sub)
        elif op in (c.SUBPATTERN,):
            out += _max_repeats(arg[-1])
        elif op is c.BRANCH:
            for alt in arg[1]:
                out += _max_repeats(alt)
        elif op in (c.ASSERT, c.ASSERT_NOT):
            out += _max_repeats(arg[1])
    return out


def _all_patterns() -> list[re.Pattern[str]]:
    from langchain_doctor.explain import attribution, readers, segment
    from langchain_doctor.explain import build as explain_build

    pats = [s.pattern for s in SIGNATURES if s.pattern is not None] + [s.context for s in SIGNATURES if s.context]
    for mod in (readers, segment, attribution, explain_build):
        pats += [v for v in vars(mod).values() if isinstance(v, re.Pattern)]
    return pats


@pytest.mark.parametrize("pattern", _all_patterns(), ids=lambda p: p.pattern[:40])
def test_every_regex_is_bounded(pattern: re.Pattern[str]) -> None:
    """No unbounded repetition anywhere: the work per position is bounded, so scanning is linear."""
    if sys.version_info >= (3, 11):
        from re import _parser as parser
        from re._constants import MAXREPEAT
    else:  # pragma: no cover
        import sre_parse as parser
        from sre_constants import MAXREPEAT
    bounds = _max_repeats(parser.parse(pattern.pattern, pattern.flags))
    assert MAXREPEAT not in bounds, pattern.pattern


@given(exc=st.text(max_size=60), message=st.text(max_size=3000), tb=st.text(max_size=3000))
def test_classify_never_raises(exc: str, message: str, tb: str) -> None:
    m = classify(exc, message, tb)
    if m is not None:
        assert m.kind in KIND_CODES and len(m.title) < 2000


@given(st.sampled_from([r for r in REAL if r[3] != "key-env-var-missing"]),
       st.text(alphabet=st.characters(categories=("Ll", "Nd", "Zs")), max_size=300))
def test_real_messages_survive_noise_after_them(row: tuple[str, str, str, str, Kind, str | None], after: str) -> None:
    """Messages often continue (pydantic's details, a docs link, a log's next words): the verdict stays."""
    m = classify(row[0], row[1] + "\n" + after, row[2])
    assert m is not None and m.signature_id == row[3]
