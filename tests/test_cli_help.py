"""Every command's ``--help`` prints, whatever its help text holds: help is plain text, so
``ID@WHEN[/HOURS]`` is shown as written instead of crashing as Rich markup."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from typer import _click
from typer.testing import CliRunner

from trainops.cli import COMMANDS, app
from trainops.lazy import load


def _command_paths() -> Iterator[list[str]]:
    """Every command and sub-command, as the words that reach it."""

    def walk(command: _click.Command, path: list[str]) -> Iterator[list[str]]:
        yield path
        for name, sub in getattr(command, "commands", {}).items():
            yield from walk(sub, [*path, name])

    for name, entry in COMMANDS.items():
        yield from walk(load(name, entry), [name])


@pytest.mark.parametrize("path", list(_command_paths()), ids=" ".join)
def test_every_help_prints(path: list[str]) -> None:
    result = CliRunner().invoke(app, [*path, "--help"], prog_name="trainops")
    assert result.exit_code == 0, result.output
    assert "Usage: trainops " + " ".join(path) in result.output


def test_brackets_in_help_are_shown_as_written() -> None:
    result = CliRunner().invoke(app, ["program", "create", "--help"], prog_name="trainops")
    assert result.exit_code == 0, result.output
    assert "ID@WHEN[/HOURS]" in result.output
