"""Commands loaded when they run: ``trainops --help`` and one command pay only for what they use.

The root group lists every command from a table (name, where it lives, its one-line help) and
imports a command's module only when that command runs, or when shell completion descends into
it. Listings (help, completion) show a stand-in that carries the help line; a test checks that
each stand-in says what the real command says.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import typer
from typer import _click
from typer.core import TyperCommand, TyperGroup


def command_group(**options: Any) -> typer.Typer:
    """A typer app whose help is plain text: ``ID@WHEN[/HOURS]`` or ``[note]`` in a help line is
    shown as written, not read as Rich markup (which crashed ``--help`` or dropped words)."""
    return typer.Typer(rich_markup_mode=None, **options)


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


def load(name: str, entry: Lazy) -> _click.Command:
    """The real click command behind ``entry``."""
    module_name, _, attribute = entry.target.partition(":")
    found: Any = getattr(importlib.import_module(module_name), attribute)
    if isinstance(found, typer.Typer):
        command: _click.Command = typer.main.get_group(found)
    else:
        single = command_group(add_completion=False)
        single.command(name=name)(found)
        command = typer.main.get_command(single)
    command.name = name
    return command


class LazyGroup(TyperGroup):
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
