"""One version number: the package's, printed by ``trainops --version`` and described in the
changelog with its upgrade notes."""

from __future__ import annotations

import tomllib
from pathlib import Path

from typer.testing import CliRunner

from trainops.cli import app

ROOT = Path(__file__).parents[1]


def test_the_version_is_printed_and_has_a_changelog_entry() -> None:
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    printed = CliRunner().invoke(app, ["--version"])
    assert printed.exit_code == 0
    assert printed.output.strip() == f"trainops {declared}"
    assert f"## {declared} " in (ROOT / "CHANGELOG.md").read_text()
