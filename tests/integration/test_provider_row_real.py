"""A provider added as one row of the providers table works end to end in a real venv: the probe imports the
integration, imports the chat class and constructs it with the row's arguments and environment, with no network."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from tests.integration._helpers import run_doctor
from tests.realenv import named_venv
from tests.unit.test_notebook import notebook

pytestmark = pytest.mark.integration

# Shaped like a real key (random-looking, not a placeholder); never sent anywhere.
_FAKE_KEY = "nvapi-" + hashlib.sha256(b"doctor-test").hexdigest()[:40] + "-" + hashlib.sha256(b"x").hexdigest()[:24]


def test_nvidia_row_is_probed_and_constructed(tmp_path: Path) -> None:
    nb = notebook(tmp_path / "nb.ipynb", "from langchain_nvidia_ai_endpoints import ChatNVIDIA\n"
                  "llm = ChatNVIDIA(model='meta/llama-3.1-8b-instruct')")
    rc, data, err = run_doctor("--python", str(named_venv("nvidia")), "--notebook", str(nb), "--format", "json",
                               env={"NVIDIA_API_KEY": _FAKE_KEY})
    assert isinstance(data, dict), err
    [row] = [p for p in data["providers"] if p["name"] == "nvidia-ai-endpoints"]
    assert row["package"] == "langchain-nvidia-ai-endpoints"
    assert row["stages"] == {"import": "ok", "class": "ok", "construct": "ok", **{
        k: v for k, v in row["stages"].items() if k not in ("import", "class", "construct")}}, row
    assert row["status"] == "ok", (row, data["findings"])
    mine = [f for f in data["findings"] if f["provider"] == "nvidia-ai-endpoints" and f["severity"] != "info"]
    assert not mine, mine
    assert rc == 0, (data["findings"], err)


def test_nvidia_missing_key_is_named_for_the_notebook(tmp_path: Path) -> None:
    nb = notebook(tmp_path / "nb.ipynb", "from langchain.chat_models import init_chat_model\n"
                  "llm = init_chat_model('nvidia:meta/llama-3.1-8b-instruct')")
    rc, data, err = run_doctor("--python", str(named_venv("nvidia")), "--notebook", str(nb), "--format", "json")
    assert isinstance(data, dict), err
    keys = [f for f in data["findings"] if f["provider"] == "nvidia-ai-endpoints" and f["subject"] == "NVIDIA_API_KEY"]
    assert keys and keys[0]["kind"] == "missing-credential" and keys[0]["severity"] == "error", data["findings"]
    assert rc == 1
