"""``--format`` choices come from the ``Format`` enum in every command, and each choice is honoured."""

from __future__ import annotations

import json

import click
from click.testing import CliRunner
from langchain_doctor.commands import explain, list_checks
from langchain_doctor.render import Format


def _choices(cmd: click.Command) -> list[str]:
    [opt] = [p for p in cmd.params if p.name == "fmt"]
    assert isinstance(opt.type, click.Choice)
    return list(opt.type.choices)


def test_explain_takes_every_format() -> None:
    assert _choices(explain.command) == [f.value for f in Format]


def test_list_checks_takes_its_formats_from_the_enum_and_writes_each() -> None:
    assert _choices(list_checks.command) == [f.value for f in list_checks.LIST_FORMATS]
    assert set(list_checks.LIST_FORMATS) <= set(Format)
    outputs = {}
    for fmt in list_checks.LIST_FORMATS:
        done = CliRunner().invoke(list_checks.command, ["LCD201", "--format", fmt.value])
        assert done.exit_code == 0, done.output
        outputs[fmt] = done.output
    assert json.loads(outputs[Format.JSON])["codes"][0]["code"] == "LCD201"
    assert outputs[Format.MARKDOWN].lstrip().startswith("|") and "LCD201" in outputs[Format.CONSOLE]
    assert len(set(outputs.values())) == len(outputs)
