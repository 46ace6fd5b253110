"""Readers and segmenter: notebooks, exports, log prefixes, tracebacks (plain, IPython, chained), retries, warnings."""

from __future__ import annotations

import json

import pytest
from langchain_doctor.explain.readers import Line, decode, read, strip_ansi, strip_log_prefix
from langchain_doctor.explain.segment import Event, segment


def events(text: str) -> list[Event]:
    out: list[Event] = []
    for block in read(text).blocks:
        out += segment(block.lines)
    return out


@pytest.mark.parametrize(("line", "clean", "record"), [
    ("2024-05-01 12:00:00,123 - openai._base_client - INFO - Retrying request to /chat in 0.4 seconds",
     "Retrying request to /chat in 0.4 seconds", True),
    ("2024-05-01T12:00:00.1234567Z   File \"x.py\", line 1, in <module>", "  File \"x.py\", line 1, in <module>",
     False),
    ("2024-05-01T12:00:00.1234567Z ERROR:root:boom", "boom", True),
    ("2024-05-01 12:00:00 ERROR openai.AuthenticationError: Error code: 401",
     "openai.AuthenticationError: Error code: 401", True),
    ("INFO:openai._base_client:Retrying request in 0.48 seconds (retry 1 of 3)",
     "Retrying request in 0.48 seconds (retry 1 of 3)", True),
    ("WARNING:vertex.calls:Retrying f in 0.05 seconds as it raised RefreshError: x.",
     "Retrying f in 0.05 seconds as it raised RefreshError: x.", True),
    ("[2024-05-01 12:00:00] WARNING langchain: careful", "careful", True),
    ("ERROR:    Exception in ASGI application", "Exception in ASGI application", True),
    ("E   ValueError: x", "ValueError: x", False),
    ("web-1  | Traceback (most recent call last):", "Traceback (most recent call last):", False),
    ("Traceback (most recent call last):", "Traceback (most recent call last):", False),
    ("  File \"/a.py\", line 3, in f", "  File \"/a.py\", line 3, in f", False),
    ("PydanticUserError: The `__modify_schema__` method", "PydanticUserError: The `__modify_schema__` method", False),
])
def test_log_prefixes(line: str, clean: str, record: bool) -> None:
    assert strip_log_prefix(line) == (clean, record)


def test_ansi_and_its_remains() -> None:
    assert strip_ansi("\x1b[0;31mPydanticUserError\x1b[0m: x") == "PydanticUserError: x"
    assert strip_ansi("[0;31mKeyError[0m: 'A'") == "KeyError: 'A'"
    assert strip_ansi("\x1b]8;;http://x\x07link\x1b]8;;\x07") == "link"


def test_decode() -> None:
    assert decode("é".encode("utf-16")) == "é"
    assert decode(b"\xef\xbb\xbfabc") == "abc"
    assert decode(b"a\xffb") == "a\ufffdb"


def test_plain_traceback() -> None:
    (ev,) = events("Traceback (most recent call last):\n  File \"a.py\", line 1, in <module>\n    import x\n"
                   "ModuleNotFoundError: No module named 'x'\n")
    assert (ev.kind, ev.exc.type, ev.exc.message, ev.exc.line) == (
        "error", "ModuleNotFoundError", "No module named 'x'", 4)
    assert "import x" in ev.exc.traceback


@pytest.mark.parametrize("marker", ["The above exception was the direct cause of the following exception:",
                                    "During handling of the above exception, another exception occurred:"])
def test_chained_tracebacks_become_one_event(marker: str) -> None:
    text = ("Traceback (most recent call last):\n  File \"a.py\", line 1, in f\n    g()\n"
            "botocore.exceptions.NoRegionError: You must specify a region.\n\n" + marker + "\n\n"
            "Traceback (most recent call last):\n  File \"b.py\", line 2, in h\n    f()\n"
            "ValueError: Could not load credentials to authenticate with AWS client.\n")
    (ev,) = events(text)
    assert ev.exc.type == "ValueError"
    assert [c.type for c in ev.causes] == ["botocore.exceptions.NoRegionError"]


def test_ipython_traceback_and_multiline_pydantic_message() -> None:
    text = ("---------------------------------------------------------------------------\n"
            "SchemaError                         Traceback (most recent call last)\n"
            "Cell In[4], line 1\n----> 1 from langchain_aws import ChatBedrock\n\n"
            "File ~/.venv/lib/python3.11/site-packages/pydantic/_internal/_model_construction.py:602, in f\n"
            "SchemaError: Invalid Schema:\nmodel.config.extra_fields_behavior\n"
            "  Input should be 'allow', 'forbid' or 'ignore' [type=literal_error, input_value=<Extra.forbid: "
            "'forbid'>, input_type=Extra]\n    For further information visit https://errors.pydantic.dev/2.9/v/x\n\n"
            "## Next section\n")
    (ev,) = events(text)
    assert ev.exc.type == "SchemaError"
    assert ev.exc.message.splitlines() == [
        "Invalid Schema:", "model.config.extra_fields_behavior",
        "  Input should be 'allow', 'forbid' or 'ignore' [type=literal_error, input_value=<Extra.forbid: "
        "'forbid'>, input_type=Extra]", "    For further information visit https://errors.pydantic.dev/2.9/v/x"]
    assert "Cell In[4]" in ev.exc.traceback


def test_docs_link_after_a_blank_line_belongs_to_the_message() -> None:
    (ev,) = events("PydanticUserError: The `__modify_schema__` method is not supported.\n\n"
                   "For further information visit https://errors.pydantic.dev/2.9/u/custom-json-schema\n\nnext\n")
    assert ev.exc.message.endswith("errors.pydantic.dev/2.9/u/custom-json-schema")


def test_exception_group_lines() -> None:
    text = ("  + Exception Group Traceback (most recent call last):\n"
            "  |   File \"a.py\", line 1, in <module>\n"
            "  | ExceptionGroup: errors (1 sub-exception)\n")
    (ev,) = events(text)
    assert ev.exc.type == "ExceptionGroup"


@pytest.mark.parametrize(("line", "seconds", "exc"), [
    ("Retrying langchain_google_vertexai.chat_models._completion_with_retry.<locals>._inner in 4.0 seconds as it "
     "raised ServiceUnavailable: 503 Getting metadata from plugin failed with error: x..", 4.0, "ServiceUnavailable"),
    ("Retrying request to /chat/completions in 0.482000 seconds", 0.482, ""),
    ("Retrying request in 0.426919 seconds (retry 1 of 3)", 0.426919, ""),
    ("Retrying due to 503 Service Unavailable, sleeping 1.3s ...", 1.3, ""),
])
def test_retry_line_formats(line: str, seconds: float, exc: str) -> None:
    (ev,) = events(line + "\n")
    assert ev.kind == "retry" and ev.seconds == seconds and ev.exc.type == exc
    if exc:
        assert ev.exc.message.endswith("x.")  # tenacity's own closing period removed, the message's kept


def test_warnings_and_pip_lines() -> None:
    text = ("/v/lib/python3.11/site-packages/pydantic/_internal/_config.py:341: UserWarning: Valid config keys have "
            "changed in V2:\n* 'allow_population_by_field_name' has been renamed to 'populate_by_name'\n"
            "  warnings.warn(message, UserWarning)\n"
            "langchain-openai 0.1.25 has requirement langchain-core<0.3.0,>=0.2.40, but you have langchain-core 0.3.0.\n")
    ws, pip = events(text)
    assert ws.kind == "warning" and ws.exc.type == "UserWarning" and "allow_population" in ws.exc.message
    assert pip.kind == "line" and pip.exc.type == "pip"


def test_export_without_the_warning_header() -> None:
    (ev,) = events("* 'allow_population_by_field_name' has been renamed to 'populate_by_name'\n")
    assert ev.kind == "warning"


def test_notebook_blocks_keep_cells_apart() -> None:
    nb = {"cells": [
        {"cell_type": "markdown", "source": ["# t"]},
        {"cell_type": "code", "execution_count": 7, "source": "import os",
         "outputs": [{"output_type": "stream", "name": "stderr", "text": ["Traceback (most recent call last):\n",
                                                                          "  File \"x\", line 1\n"]},
                     {"output_type": "error", "ename": "KeyError", "evalue": "'A_API_KEY'", "traceback": []}]},
        {"cell_type": "code", "source": ["x"], "outputs": "not a list"},
        "not a cell",
    ], "nbformat": 4}
    inp = read(json.dumps(nb), "t.ipynb")
    (block,) = inp.blocks
    assert block.where == "cell 1 (In [7])" and block.notebook and block.code == "import os"
    evs = segment(block.lines)
    # The stream's unfinished traceback does not swallow the error output that follows it.
    assert [e.exc.type for e in evs] == ["", "KeyError"]


def test_nbformat3_notebooks() -> None:
    nb = {"worksheets": [{"cells": [{"cell_type": "code", "input": "1/0", "prompt_number": 1, "outputs": [
        {"output_type": "pyerr", "ename": "ZeroDivisionError", "evalue": "division by zero",
         "traceback": ["\x1b[0;31mZeroDivisionError\x1b[0m: division by zero"]}]}]}], "nbformat": 3}
    inp = read(json.dumps(nb), "old.ipynb")
    (ev,) = segment(inp.blocks[0].lines)
    assert ev.exc.type == "ZeroDivisionError"


@pytest.mark.parametrize("text", ["{", "[" * 100_000 + "]" * 100_000, '{"cells": 3}', "null", '{"cells": [1, 2]}'])
def test_odd_json_never_fails(text: str) -> None:
    inp = read(text, "x.ipynb")
    assert inp.format in ("ipynb", "text")


def test_markdown_export_dedents_outputs() -> None:
    text = ("```python\nfrom langchain_fireworks import ChatFireworks\n```\n\n"
            "    ---------------------------------------------------------------------------\n"
            "    ModuleNotFoundError                       Traceback (most recent call last)\n\n"
            "    Cell In[4], line 1\n    ----> 1 from langchain_fireworks import ChatFireworks\n\n\n"
            "    ModuleNotFoundError: No module named 'langchain_fireworks'\n")
    inp = read(text, "nb.md")
    assert inp.format == "markdown"
    (block,) = inp.blocks
    assert block.where == "code block 1" and "langchain_fireworks" in block.context()
    (ev,) = segment(block.lines)
    assert ev.exc.message == "No module named 'langchain_fireworks'"


def test_line_is_cheap_and_ordered() -> None:
    line = Line(3, "x")
    assert (line.no, line.text, line.record) == (3, "x", False)
