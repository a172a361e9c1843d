"""TRAINOPS_LANG naming a language trainops does not speak is said once on stderr, with the ones
it does, instead of silently falling back to English; a locale (LANG=fr_FR) still falls back
quietly, and stdout stays the command's answer."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from tests.test_notifications_cli import _api
from trainops.cli import app


@pytest.fixture(autouse=True)
def _fresh(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("trainops.language._warned", [], raising=False)
    monkeypatch.setattr("trainops.program_reads.api", _api)
    monkeypatch.setenv("COLUMNS", "200")
    for name in ("TRAINOPS_LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)


def test_an_unknown_trainops_lang_is_said_once_with_the_known_ones(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TRAINOPS_LANG", "fr")
    done = CliRunner().invoke(app, ["notifications"])
    assert done.exit_code == 0, done.output
    said = "TRAINOPS_LANG=fr is not a language trainops speaks (en, zh-CN)"
    assert done.stderr.count(said) == 1, done.stderr
    assert said not in done.stdout and "Approval requested" in done.stdout


@pytest.mark.parametrize(("name", "value"), [("TRAINOPS_LANG", "zh-CN"), ("LANG", "fr_FR.UTF-8")])
def test_a_known_language_or_a_foreign_locale_says_nothing(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    monkeypatch.setenv(name, value)
    done = CliRunner().invoke(app, ["notifications"])
    assert done.exit_code == 0 and "TRAINOPS_LANG" not in done.stderr, done.stderr
