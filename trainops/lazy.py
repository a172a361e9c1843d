"""Commands loaded when they run: ``trainops --help`` and one command pay only for what they use.

The root group lists every command from a table (name, where it lives, its one-line help) and
imports a command's module only when that command runs, or when shell completion descends into
it. Listings (help, completion) show a stand-in that carries the help line; a test checks that
each stand-in says what the real command says.

Help is shown in the command line's language (``trainops.language``): every command's context
is a ``LocalizedContext``, which puts the texts of ``api.i18n_help`` (a command's by its path,
an option's by its English text) in place just before the help is formatted, and the English
back for an English run.
"""

from __future__ import annotations

import copy
import functools
import importlib
import io
import re
import sys
from collections.abc import Callable, Iterator, Mapping, MutableMapping
from dataclasses import dataclass
from typing import IO, Any

import typer
from typer import _click
from typer._click import exceptions as _click_exceptions
from typer.core import TyperArgument, TyperCommand, TyperGroup

from trainops.help_format import ColumnsHelpFormatter

_typer_metavar = TyperArgument.make_metavar


def _usage_metavar(self: TyperArgument, ctx: _click.Context, *, usage: bool = False) -> str:
    """An argument in a usage line as click and man pages write it, ``PROGRAM_ID`` (optional:
    ``[PROGRAM_ID]``); typer 0.28 writes a required one as ``{program_id}``, which reads like a
    placeholder left unfilled. The help's argument list names it the same way (typer writes
    ``program_id`` there), keeping typer's ``:TYPE`` suffix."""
    if not usage:
        listed = _typer_metavar(self, ctx, usage=False)
        if self.metavar is None and self.name and listed.startswith(self.name):
            return self.name.upper() + listed[len(self.name) :]
        return listed
    name = (self.metavar or self.name or "").upper() + ("..." if self.nargs != 1 else "")
    return name if self.required else f"[{name}]"


def _error_hint(self: TyperArgument, ctx: _click.Context) -> str:
    """A usage error names an argument as its usage line does (``'PROGRAM_ID'``)."""
    return f"'{(self.metavar or self.name or '').upper()}'"


TyperArgument.make_metavar = _usage_metavar  # type: ignore[method-assign]
TyperArgument.get_error_hint = _error_hint  # type: ignore[method-assign]


def command_group(**options: Any) -> typer.Typer:
    """A typer app whose help is plain text: ``ID@WHEN[/HOURS]`` or ``[note]`` in a help line is
    shown as written, not read as Rich markup (which crashed ``--help`` or dropped words); its
    usage errors in the command line's language (``LocalizedGroup``)."""
    return typer.Typer(**{"cls": LocalizedGroup, "rich_markup_mode": None, **options})


def _typer_text(message: str) -> str:
    """What typer passes to ``gettext``, in the command line's language."""
    from trainops.language import language

    if language() != "zh-CN":
        return message
    from api.i18n_help import TYPER_ZH_CN

    return TYPER_ZH_CN.get(message, message)


def usage_error_in_chinese(message: str) -> str:
    """A usage error's message (as typer's click words it) in Simplified Chinese; as it is when
    no pattern of ``api.i18n_help.USAGE_ERRORS_ZH_CN`` matches."""
    from api.i18n_help import USAGE_ERRORS_ZH_CN

    for pattern, chinese in USAGE_ERRORS_ZH_CN:
        found = re.fullmatch(pattern, message, re.DOTALL)
        if found:
            values = found.groupdict()
            if "message" in values:
                values["message"] = usage_error_in_chinese(values["message"])
            return chinese.format_map(values)
    return message


def _shown_in_chinese(english: str) -> str:
    """What click shows for an error ("Usage: …", "Try '…' for help.", "Error: …") in Chinese."""
    from api.i18n_help import HEADINGS_ZH_CN, USAGE_FRAME_ZH_CN

    head, found, message = english.partition("Error: ")
    lines = []
    for line in head.split("\n"):
        hint = re.fullmatch(r"Try '(?P<command>.+) (?P<option>\S+)' for help\.", line)
        if hint:
            line = USAGE_FRAME_ZH_CN["Try '{command} {option}' for help."].format_map(
                hint.groupdict()
            )
        elif line.startswith("Usage:"):
            line = HEADINGS_ZH_CN["Usage:"] + line.removeprefix("Usage:")
        lines.append(line)
    said = "\n".join(lines)
    if not found:
        return said
    error = usage_error_in_chinese(message.rstrip("\n"))
    return said + USAGE_FRAME_ZH_CN["Error: {message}"].format(message=error) + "\n"


def _localized_show(english_show: Callable[..., None]) -> Callable[..., None]:
    """``show`` of a click error that writes in the command line's language."""

    def show(self: _click.ClickException, file: IO[Any] | None = None) -> None:
        from trainops.language import language

        if language() != "zh-CN":
            english_show(self, file)
            return
        buffer = io.StringIO()
        english_show(self, buffer)
        (file or sys.stderr).write(_shown_in_chinese(buffer.getvalue()))

    return show


def speak_click_in_language() -> None:
    """typer's click writes its errors in English only, and typer its few words through the
    ``gettext`` it imported: both are said in the command line's language from here (the
    language is asked each time, so ``--lang`` counts from the moment it is read)."""
    typer.core._ = _typer_text  # type: ignore[attr-defined]
    for error in (_click.ClickException, _click_exceptions.UsageError):
        if "show" in vars(error) and "_english_show" not in vars(error):
            error._english_show = vars(error)["show"]  # type: ignore[attr-defined]
            error.show = _localized_show(vars(error)["show"])  # type: ignore[method-assign]


@dataclass(frozen=True)
class Lazy:
    """``target``: ``module:attribute``, a ``typer.Typer`` sub-app or a command function.
    ``local``: it reads the settings (database, files), so ``trainops.entry`` sets up logging
    from TRAINOPS_* first (a bad setting is one line, not a traceback); commands that only talk
    to the API skip that. ``temporal``: it runs Temporal clients or servers in this process, so
    the quiet Temporal runtime is installed first."""

    target: str
    help: str
    local: bool = True
    temporal: bool = False


def _said(thing: object, attribute: str, translated: str | None) -> None:
    """Set ``thing.attribute`` to ``translated``, or back to its English when None (kept the
    first time, so a process that shows help in both languages shows each right)."""
    english_attribute = f"_english_{attribute}"
    if not hasattr(thing, english_attribute):
        setattr(thing, english_attribute, getattr(thing, attribute))
    english = getattr(thing, english_attribute)
    setattr(thing, attribute, english if translated is None else translated)


def help_path(ctx: _click.Context) -> str:
    """The words after ``trainops`` that reach the context's command ("" for the root)."""
    names: list[str] = []
    while ctx.parent is not None:
        names.append(ctx.info_name or "")
        ctx = ctx.parent
    return " ".join(reversed(names))


def localize(ctx: _click.Context, lang: str) -> None:
    """The help of ``ctx``'s command, its options and the commands it lists in ``lang``."""
    if lang == "zh-CN":
        from api.i18n_help import COMMAND_HELP_ZH_CN, OPTION_HELP_ZH_CN

        commands, options = COMMAND_HELP_ZH_CN, OPTION_HELP_ZH_CN
    else:
        commands, options = {}, {}
    path = help_path(ctx)
    _said(ctx.command, "help", commands.get(path))
    for param in ctx.command.get_params(ctx):
        english = getattr(param, "_english_help", getattr(param, "help", None))
        if isinstance(english, str):
            _said(param, "help", options.get(english))
    for name, sub in getattr(ctx.command, "commands", {}).items():
        _said(sub, "help", commands.get(f"{path} {name}".strip()))


class LocalizedContext(_click.Context):
    """A command's context whose ``--help`` is in the command line's language, wrapped by
    terminal columns (``trainops.help_format``: Chinese has no spaces to break at)."""

    formatter_class = ColumnsHelpFormatter

    def get_help(self) -> str:
        from trainops.language import language

        lang = language()
        localize(self, lang)
        text = super().get_help()
        if lang != "zh-CN":
            return text
        from api.i18n_help import HEADINGS_ZH_CN

        lines = text.split("\n")
        for index, line in enumerate(lines):
            heading = line.split(" ", 1)[0]
            if heading in HEADINGS_ZH_CN:
                lines[index] = HEADINGS_ZH_CN[heading] + line[len(heading) :]
        return "\n".join(lines)


def localized(command: _click.Command) -> _click.Command:
    """``command`` and every sub-command with their help in the command line's language."""
    command.context_class = LocalizedContext
    commands = getattr(command, "commands", {})
    for sub in getattr(commands, "made", commands).values():  # the others when made
        localized(sub)
    return command


def load(name: str, entry: Lazy) -> _click.Command:
    """The real click command behind ``entry``."""
    module_name, _, attribute = entry.target.partition(":")
    found: Any = getattr(importlib.import_module(module_name), attribute)
    if isinstance(found, typer.Typer):
        command: _click.Command = _group_on_demand(found)
    else:
        single = command_group(add_completion=False)
        single.command(name=name)(found)
        command = typer.main.get_command(single)
    command.name = name
    return localized(command)


class LocalizedGroup(TyperGroup):
    """A typer group whose usage errors are in the command line's language: click's words
    come through ``speak_click_in_language``; typer adds "Did you mean …?" itself."""

    context_class = LocalizedContext

    def resolve_command(
        self, ctx: _click.Context, args: list[str]
    ) -> tuple[str | None, _click.Command | None, list[str]]:
        try:
            return super().resolve_command(ctx, args)
        except _click_exceptions.UsageError as exc:
            from trainops.language import language

            english, found, suggestions = exc.message.partition(". Did you mean ")
            if found and language() == "zh-CN":
                from api.i18n_help import SUGGESTION_ZH_CN

                exc.message = SUGGESTION_ZH_CN.format(
                    message=english.rstrip("。."), suggestions=suggestions.removesuffix("?")
                )
            raise


class OnDemandCommands(MutableMapping[str, _click.Command]):
    """A group's commands, each made by typer the first time it is looked up: typer reads
    every command's signature and type hints to make it, about as long as the interpreter
    takes to start for ``program``'s thirty, and a command run needs one (issue 14)."""

    def __init__(self, pending: dict[str, Callable[[], _click.Command]]) -> None:
        self.pending = pending
        self.made: dict[str, _click.Command] = {}
        self._order = list(pending)

    def __getitem__(self, name: str) -> _click.Command:
        if name in self.pending:
            self.made[name] = localized(self.pending.pop(name)())
        return self.made[name]

    def __setitem__(self, name: str, command: _click.Command) -> None:
        self.pending.pop(name, None)
        self.made[name] = command
        if name not in self._order:
            self._order.append(name)

    def __delitem__(self, name: str) -> None:
        if self.pending.pop(name, None) is None:
            del self.made[name]
        self._order.remove(name)

    def __contains__(self, name: object) -> bool:
        return name in self.pending or name in self.made

    def __iter__(self) -> Iterator[str]:
        return iter(list(self._order))

    def __len__(self) -> int:
        return len(self._order)


def _group_on_demand(app: typer.Typer) -> _click.Command:
    """``app`` as a click group, its own commands made on first use (``OnDemandCommands``),
    listed first as typer lists them."""
    shell = copy.copy(app)
    shell.registered_commands = []
    group = typer.main.get_group(shell)
    pending: dict[str, Callable[[], _click.Command]] = {}
    for info in app.registered_commands:
        assert info.callback is not None, "a typer command has a callback"
        name = info.name or typer.main.get_command_name(info.callback.__name__)
        pending[name] = functools.partial(
            typer.main.get_command_from_info,
            info,
            pretty_exceptions_short=app.pretty_exceptions_short,
            rich_markup_mode=app.rich_markup_mode,
        )
    commands = OnDemandCommands(pending)
    for name, command in group.commands.items():
        commands[name] = command
    group.commands = commands
    return group


class LazyGroup(LocalizedGroup):
    """A typer group whose commands come from ``COMMANDS``, imported on first use."""

    COMMANDS: Mapping[str, Lazy] = {}

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        self._loaded: set[str] = set()
        for name, entry in self.COMMANDS.items():
            self.commands.setdefault(name, TyperCommand(name, help=entry.help))

    def real_command(self, name: str) -> _click.Command:
        """Load ``name`` (once) and put it in place of its stand-in."""
        entry = self.COMMANDS.get(name)
        if entry is not None and name not in self._loaded:
            self.commands[name] = load(name, entry)
            self._loaded.add(name)
        return self.commands[name]

    def resolve_command(
        self, ctx: _click.Context, args: list[str]
    ) -> tuple[str | None, _click.Command | None, list[str]]:
        if args and args[0] in self.COMMANDS:
            self.real_command(args[0])
        return super().resolve_command(ctx, args)


speak_click_in_language()
