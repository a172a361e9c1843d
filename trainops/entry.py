"""The ``trainops`` executable: run the command line, then leave without interpreter teardown.

The Temporal SDK's native threads can outlive the event loop; tearing the interpreter down under
them aborts the process now and then (``Fatal Python error: PyGILState_Release``, status 134)
after all the work is done (temporalio/sdk-python#300). Every command closes what it opened
itself; here the output is flushed and the process ends with the command's exit status.

Only a command that needs them pays for the settings, logging and the Temporal runtime
(``trainops.cli.COMMANDS`` says which): ``--help`` and the API's clients start in a few
interpreter start-ups, and the read commands ``trainops.quick`` knows skip typer as well.
"""

from __future__ import annotations

import os
import sys

#: The top-level options that take a value (``--lang zh-CN log verify``).
_VALUED_OPTIONS = frozenset({"--lang"})


def _command_of(argv: list[str]) -> str:
    """The command named on the command line, past the top-level options."""
    words = iter(argv)
    for word in words:
        if word in _VALUED_OPTIONS:
            next(words, None)
        elif not word.startswith("-"):
            return word
    return ""


def _language_first(argv: list[str]) -> None:
    """``--lang`` before the command, taken now: a bad setting is said before the command line
    parses it (an unknown one is left to the parser, which says so)."""
    words = iter(argv)
    for word in words:
        if not word.startswith("-"):
            return
        value = next(words, "") if word == "--lang" else word.partition("--lang=")[2]
        if value:
            from api.languages import supported
            from trainops.language import choose

            chosen = supported(value)
            if chosen is not None:
                choose(chosen)


#: What the API's clients read themselves; every other ``TRAINOPS_*`` is a setting.
_CLIENT_VARIABLES = frozenset(
    {"TRAINOPS_TOKEN", "TRAINOPS_SERVER", "TRAINOPS_CREDENTIALS_FILE", "TRAINOPS_LANG"}
)


def _settings_given() -> bool:
    """Whether a setting is in the environment or in a ``.env`` file here (read without
    pydantic, so a client command where none is pays nothing for them)."""
    if any(
        k.upper().startswith("TRAINOPS_") and k.upper() not in _CLIENT_VARIABLES for k in os.environ
    ):
        return True
    try:
        with open(".env", encoding="utf-8", errors="replace") as dotenv:
            return "trainops_" in dotenv.read(1 << 20).lower()
    except OSError:
        return False


def _check_settings_given() -> None:
    """A command that only talks to the API reads no settings, but one set wrong (a
    ``TRAINOPS_LOG_LEVEL`` or ``TRAINOPS_API_PORT`` no process could start with) is said, one
    line naming it and exit 78, as every other command says it, not silently ignored."""
    if not _settings_given():
        return
    from pydantic import ValidationError

    from runtime.settings import get_settings

    try:
        get_settings()
    except ValidationError:
        from runtime import startup
        from trainops.language import startup_error

        startup.said[:] = [startup_error]
        with startup.explained_startup():
            raise


def _prepare(argv: list[str]) -> None:
    """Settings and logging for a command that reads them; the quiet Temporal runtime for one
    that runs Temporal in this process."""
    from trainops.cli import COMMANDS

    entry = COMMANDS.get(_command_of(argv))
    if entry is None:
        return
    if not entry.local:
        _check_settings_given()
        return
    from runtime import startup
    from runtime.logging import quiet_logs
    from runtime.settings import get_settings
    from runtime.startup import explained_startup
    from trainops.language import startup_error

    startup.said[:] = [startup_error]

    if entry.temporal:
        from runtime.temporal_runtime import install_runtime

        install_runtime()
    with explained_startup():  # a bad setting is one line, not a traceback
        # Warnings only, on stderr, until a command asks for more (`up`, `worker`, ...):
        # stdout is the command's answer, never log lines.
        quiet_logs(get_settings())


def _with_typer(argv: list[str]) -> None:
    from trainops.cli import app

    _prepare(argv)
    app()  # standalone: usage errors are printed and end in SystemExit with their status


def _refuse_undecodable(argv: list[str]) -> None:
    """A word of the command line that is not UTF-8 (bytes the shell passed as they were, held
    by Python as lone surrogates) is refused in one line, exit 2, whatever the command: nothing
    trainops sends or prints can carry it (quoting it for the API ended in a traceback)."""
    for number, word in enumerate(argv, 1):
        try:
            word.encode("utf-8")
        except UnicodeEncodeError:
            from trainops.language import t

            said = t(
                "argument {number} is not UTF-8 text; trainops reads its command line as UTF-8",
                number=number,
            )
            print(f"{t('error:')} {said}", file=sys.stderr)
            raise SystemExit(2) from None


def _run(argv: list[str]) -> None:
    """The command: a read command the quick path knows runs without typer (``trainops.quick``:
    typer alone takes three interpreter starts to import); every other goes through typer."""
    _language_first(argv)
    _refuse_undecodable(argv)
    from trainops.quick import quick_command

    command = quick_command(argv)
    if command is None:
        _with_typer(argv)
        return
    _check_settings_given()
    command()


def _flushed() -> bool:
    """stdout and stderr flushed; False when the reader has gone (``| head``): click ends such
    a command with status 1, and so does this, quietly."""
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except BrokenPipeError:
        return False
    return True


def main() -> None:
    code = 0
    try:
        try:
            _run(sys.argv[1:])
        except BrokenPipeError:
            code = 1
        except Exception:
            # A command that meets what only the settings can fix (no database where they point,
            # a schema the role may not migrate) says it in one line, exit 78, as a service
            # would. Imported here, not above: runtime.startup brings SQLAlchemy, which a read
            # command that talks to the API never needs (it doubled the start of every command).
            from runtime.startup import explained_startup

            with explained_startup():
                raise
    except SystemExit as exc:
        if isinstance(exc.code, str):  # a message, as Python itself would print it
            from trainops.language import t

            print(f"{t('error:')} {exc.code}", file=sys.stderr)
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except KeyboardInterrupt:
        code = 130
    finally:
        if not _flushed():
            code = code or 1
    os._exit(code)
