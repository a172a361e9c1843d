"""Read commands answered without typer: ``trainops program list --json`` and its kind start in
about two interpreter starts, not six (issue 14).

Importing typer, and the click it carries, takes three times as long as the interpreter takes
to start. The commands in ``QUICK`` only read through the API; when a command line names one of
them with nothing but the options listed for it, the quick path calls the very function the
typer command calls (``trainops.program_reads``) with the arguments typer would pass. Anything
else — ``--help``, an unknown or misspelt option, a missing or extra argument, a value typer
would refuse, ``--`` — goes to typer, which says what is wrong as it always has.

``tests/test_cli_quick.py`` holds every entry to the typer command's own parameters and runs
both paths on the same command lines, comparing what they print and their exit status.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping

from trainops.render import Output

#: ``typing.TYPE_CHECKING`` without importing ``typing``: it, and the ``contextlib`` it
#: brings, cost a tenth of the quick path's start. The modules this path imports
#: (``trainops.render``, ``.language``, ``.api_client``, ``.program_reads``,
#: ``.program_requests``) say it the same way; ``tests/test_cli_quick.py`` names what the path
#: may import.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


class Quick:
    """One read command: the function that runs it (``module:function``), its positional
    arguments in order (all required), its flags (option -> parameter set True) and its
    options with a value (option -> parameter)."""

    __slots__ = ("arguments", "flags", "target", "values")

    def __init__(
        self,
        target: str,
        arguments: tuple[str, ...] = (),
        *,
        flags: Mapping[str, str] | None = None,
        values: Mapping[str, str] | None = None,
    ) -> None:
        self.target = target
        self.arguments = arguments
        self.flags = flags or {}
        self.values = values or {}


_JSON = {"--json": "as_json"}
_UTC = {"--utc": "utc"}
_OUTPUT = {"--output": "output", "-o": "output"}

QUICK: dict[tuple[str, ...], Quick] = {
    ("program", "list"): Quick(
        "trainops.program_reads:list_programs",
        flags=_JSON,
        values={"--specialist": "specialist", **_OUTPUT},
    ),
    ("program", "show"): Quick(
        "trainops.program_reads:show",
        ("program_id",),
        flags={**_JSON, **_UTC},
        values={"--before": "before"},
    ),
    ("program", "trainees"): Quick(
        "trainops.program_reads:trainees",
        ("program_id",),
        flags=_JSON,
        values={"--after": "after", "--limit": "limit", **_OUTPUT},
    ),
    ("inbox",): Quick("trainops.program_reads:inbox", flags={**_JSON, **_UTC}, values=_OUTPUT),
    ("whoami",): Quick("trainops.program_reads:whoami", flags=_JSON, values={"--server": "server"}),
    ("notifications",): Quick(
        "trainops.program_reads:notifications",
        flags=_JSON,
        values={"--recipient": "recipient", **_OUTPUT},
    ),
}


def _int_within(low: int, high: int | None = None) -> Callable[[str], int]:
    """An integer option as typer takes it (``int``, then its ``min``/``max``); a value out of
    range raises, and goes to typer, which says the range."""

    def converted(value: str) -> int:
        number = int(value)
        if number < low or (high is not None and number > high):
            raise ValueError(value)
        return number

    return converted


def _page_size(value: str) -> int:
    """``--limit``: 1 to ``MAX_PAGE`` (imported when a page is asked for, not at every start)."""
    from trainops.program_reads import MAX_PAGE

    return _int_within(1, MAX_PAGE)(value)


#: Parameters typer converts, converted the same way; a value the conversion refuses goes to
#: typer, which names the choices.
_CONVERTED: dict[str, Callable[[str], Any]] = {
    "output": Output,
    "limit": _page_size,
    "before": _int_within(1),
}


def _past_top_options(argv: list[str]) -> list[str] | None:
    """The words after the top-level options, or None when one of them is anything but a
    ``--lang`` typer would take (``trainops.entry`` chooses the language itself)."""
    from api.languages import supported

    words = list(argv)
    while words and words[0].startswith("-"):
        option = words.pop(0)
        if option == "--lang" and words:
            value = words.pop(0)
        elif option.startswith("--lang="):
            value = option.partition("=")[2]
        else:
            return None
        if supported(value) is None:
            return None
    return words


def _parsed(quick: Quick, words: list[str]) -> dict[str, Any] | None:
    """The keyword arguments typer would pass for ``words`` (past the command's name), or None
    for anything typer should see."""
    given: dict[str, Any] = {}
    positional: list[str] = []
    words = list(words)
    while words:
        word = words.pop(0)
        if not word.startswith("-"):
            positional.append(word)
            continue
        option, equals, value = word.partition("=")
        if equals and not option.startswith("--"):
            return None  # ``-o=json``: click would read the value as "=json"
        if option in quick.flags and not equals:
            given[quick.flags[option]] = True
        elif option in quick.values:
            if not equals:
                if not words or words[0].startswith("-"):
                    return None
                value = words.pop(0)
            parameter = quick.values[option]
            try:
                given[parameter] = _CONVERTED.get(parameter, str)(value)
            except ValueError:
                return None
        else:
            return None
    if len(positional) != len(quick.arguments):
        return None
    return {**dict(zip(quick.arguments, positional, strict=True)), **given}


def quick_command(argv: list[str]) -> Callable[[], None] | None:
    """The read command ``argv`` names, ready to run without typer, or None when typer should
    parse it."""
    words = _past_top_options(argv)
    if words is None:
        return None
    for path, quick in QUICK.items():
        if tuple(words[: len(path)]) != path:
            continue
        arguments = _parsed(quick, words[len(path) :])
        if arguments is None:
            return None
        module, _, name = quick.target.partition(":")
        function = getattr(importlib.import_module(module), name)
        return lambda: function(**arguments)
    return None
