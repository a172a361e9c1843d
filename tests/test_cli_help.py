"""Every command's ``--help`` prints, whatever its help text holds: help is plain text, so
``ID@WHEN[/HOURS]`` is shown as written instead of crashing as Rich markup; and in zh-CN every
command's and option's help is in Chinese (``api.i18n_help``), a missing text fails here."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
import typer
from typer import _click
from typer.testing import CliRunner

from api.i18n_help import COMMAND_HELP_ZH_CN, OPTION_HELP_ZH_CN
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


CHINESE = re.compile(r"[\u4e00-\u9fff]")


def _helps() -> tuple[set[str], set[str]]:
    """Every command's path and every option's and argument's English help, the root's too."""
    root = typer.main.get_command(app)
    ctx = _click.Context(root, info_name="trainops")
    paths = {""}
    options = {getattr(p, "help", None) for p in root.get_params(ctx)}
    for path in _command_paths():
        command = root
        for word in path:
            command = (
                load(word, COMMANDS[word]) if command is root else command.commands[word]  # type: ignore[attr-defined]
            )
        paths.add(" ".join(path))
        options |= {getattr(p, "help", None) for p in command.params}
    return paths, {text for text in options if isinstance(text, str) and text}


def test_every_command_and_option_has_its_help_in_chinese_and_no_stale_text() -> None:
    paths, options = _helps()
    assert len(paths) > 80 and len(options) > 100  # the walk finds every command and option
    assert sorted(paths - set(COMMAND_HELP_ZH_CN)) == [], "no zh-CN help for these commands"
    assert sorted(set(COMMAND_HELP_ZH_CN) - paths) == [], "zh-CN help for no command"
    assert sorted(options - set(OPTION_HELP_ZH_CN)) == [], "no zh-CN help for these options"
    assert sorted(set(OPTION_HELP_ZH_CN) - options) == [], "zh-CN help for no option"
    for text in [*COMMAND_HELP_ZH_CN.values(), *OPTION_HELP_ZH_CN.values()]:
        assert CHINESE.search(text), text


@pytest.mark.parametrize("path", list(_command_paths()), ids=" ".join)
def test_every_help_reads_in_chinese_and_back_in_english(path: list[str]) -> None:
    runner = CliRunner()
    chinese = runner.invoke(app, ["--lang", "zh-CN", *path, "--help"], prog_name="trainops")
    assert chinese.exit_code == 0, chinese.output
    assert chinese.output.startswith("用法: trainops " + " ".join(path))
    first = " ".join(COMMAND_HELP_ZH_CN[" ".join(path)].split("\n\n")[0].split())[:20]
    assert first in " ".join(chinese.output.split())
    assert "Show this message and exit." not in chinese.output
    assert "显示此帮助并退出。" in chinese.output
    english = runner.invoke(app, [*path, "--help"], prog_name="trainops")
    assert english.output.startswith("Usage: trainops") and not CHINESE.search(english.output)


def test_the_locale_alone_puts_the_root_help_in_chinese(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRAINOPS_LANG", "zh-CN")
    result = CliRunner().invoke(app, ["--help"], prog_name="trainops")
    assert result.exit_code == 0, result.output
    assert "命令:" in result.output and COMMAND_HELP_ZH_CN["program"] in result.output


def test_usage_names_arguments_in_capitals() -> None:
    """``PROGRAM_ID`` as click and man pages write it, not typer 0.28's ``{program_id}``."""
    missing = CliRunner().invoke(app, ["program", "show"], prog_name="trainops")
    assert missing.exit_code == 2
    assert "Usage: trainops program show [OPTIONS] PROGRAM_ID\n" in missing.output
    assert "Missing argument 'PROGRAM_ID'" in missing.output  # as the usage line names it
    assert "{" not in missing.output
    listed = CliRunner().invoke(app, ["program", "show", "--help"], prog_name="trainops")
    assert "\n  PROGRAM_ID  [required]\n" in listed.output  # the help's list names it alike
    assert "program_id" not in listed.output


WORD = re.compile(r"[A-Za-z][A-Za-z0-9_.-]*[A-Za-z0-9_]")


@pytest.mark.parametrize("width", [50, 60, 80])
def test_chinese_help_fits_the_terminal_and_never_cuts_a_word(width: int) -> None:
    """Issue 16: textwrap counted a Chinese character as one column and broke only at spaces,
    so a zh-CN help ran past the edge and cut ``LANG`` into ``LA`` / ``NG``. Every command's
    help: no line wider than the terminal, every English word of its options' help whole."""
    from trainops.help_format import columns

    runner = CliRunner()
    for path in [[], *_command_paths()]:
        shown = runner.invoke(
            app,
            ["--lang", "zh-CN", *path, "--help"],
            prog_name="trainops",
            terminal_width=width,
        )
        assert shown.exit_code == 0, shown.output
        for line in shown.output.splitlines():
            if len(line.split()) > 1 and not line.lstrip().startswith("-"):  # an option's name
                assert columns(line) <= width, (path, width, line)
        words = set(shown.output.split()) | {w for w in WORD.findall(shown.output)}
        command = typer.main.get_command(app)
        for word in path:
            command = (
                load(word, COMMANDS[word])
                if word in COMMANDS and path[0] == word
                else command.commands[word]  # type: ignore[attr-defined]
            )
        for param in command.params:
            for english in WORD.findall(
                OPTION_HELP_ZH_CN.get(getattr(param, "help", "") or "", "")
            ):
                assert english in words, (path, width, english, shown.output)


def test_a_note_in_brackets_stays_whole_and_english_wraps_as_click_does() -> None:
    from typer._click.formatting import wrap_text as click_wrap

    from trainops.help_format import wrap_text

    for width in range(8, 30):
        lines = wrap_text("项目的 IANA 时区。 [默认:UTC] ID@时间[/小时],可重复", width).splitlines()
        assert any("[默认:UTC]" in line for line in lines), lines
        assert any("[/小时]," in line for line in lines), lines
    english = "A unique id. Every word of it stays whole, and lines are filled as click fills them."
    assert wrap_text(english, 30) == click_wrap(english, 30)
