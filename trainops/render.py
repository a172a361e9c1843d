"""Tables and JSON for people reading the command line."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Sequence
from enum import StrEnum

from trainops.language import heading, t

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (trainops.quick)
if TYPE_CHECKING:  # the domain's models cost a tenth of a second to import; tables need none
    from datetime import datetime
    from typing import Any, Literal

    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from domain.kpi import ExecutionKpis, Rate


#: The width of a console that is not a terminal: no line is ever wrapped for a pipe or a
#: file, where a path or an id split in two cannot be copied or grepped (issue 16).
UNWRAPPED = 1_000_000


def _made(*, stderr: bool) -> Console:
    """A console as wide as its terminal; to a pipe or a file, one that never wraps (rich
    would fold at 80 columns, or at ``COLUMNS``, a number meant for a screen)."""
    from rich.console import Console

    made = Console(stderr=stderr)
    if made.is_terminal:
        return made
    return Console(stderr=stderr, width=UNWRAPPED)


class _LazyConsole:
    """A rich ``Console`` made on first use: rich takes about as long to import as the
    interpreter takes to start, and a ``--json`` read command never draws a table
    (issue 14). Everything is passed through to the real console."""

    __slots__ = ("_real", "_stderr")

    def __init__(self, *, stderr: bool) -> None:
        object.__setattr__(self, "_stderr", stderr)
        object.__setattr__(self, "_real", None)

    def real(self) -> Console:
        made = object.__getattribute__(self, "_real")
        if made is None:
            made = _made(stderr=object.__getattribute__(self, "_stderr"))
            object.__setattr__(self, "_real", made)
        return made  # type: ignore[no-any-return]

    def __getattr__(self, name: str) -> Any:
        return getattr(self.real(), name)

    def __setattr__(self, name: str, value: Any) -> None:
        setattr(self.real(), name, value)

    @property
    def __dict__(self) -> dict[str, Any]:  # type: ignore[override]  # monkeypatch reads it
        return self.real().__dict__

    def __enter__(self) -> Console:  # ``with console:`` (rich's Live) finds no ``__getattr__``
        return self.real().__enter__()

    def __exit__(self, *details: Any) -> None:
        self.real().__exit__(*details)


console: Console = _LazyConsole(stderr=False)  # type: ignore[assignment]
errors: Console = _LazyConsole(stderr=True)  # type: ignore[assignment]


def _plain_stdout() -> bool:
    """stdout is a pipe or a file and nothing asks for colour: what rich would print is the
    plain text, so it is printed without importing rich."""
    untouched = isinstance(console, _LazyConsole)  # a test may put its own console in place
    forced = any(os.environ.get(name) for name in ("FORCE_COLOR", "TTY_COMPATIBLE"))
    return untouched and not forced and not sys.stdout.isatty()


def fail(message: str, code: int = 2, *, to_stderr: bool = True) -> SystemExit:
    """Print ``message`` as an error on stderr (as typed: ``[optional]`` stays, never markup)
    and return the exit to raise (code 2: bad input). A ``SystemExit``, which typer lets
    through as it is: the quick path (``trainops.quick``) runs commands without typer."""
    from rich.markup import escape

    # soft_wrap: one line however narrow the terminal.
    (errors if to_stderr else console).print(
        f"[red]{escape(t('error:'))}[/red] {escape(message)}", soft_wrap=True
    )
    return SystemExit(code)


def _plain(value: Any) -> Any:
    """A value JSON has no type for (json calls this only for those): dates and times as
    ISO 8601 text. ``datetime`` imported here, as most answers are JSON already."""
    from datetime import date  # a datetime is a date

    if isinstance(value, date):
        return value.isoformat()
    return value


def print_json(data: Any) -> None:
    """Indented JSON; coloured by rich on a terminal, as rich prints it (to the character)
    without rich when piped, as scripts read it."""
    if _plain_stdout():
        sys.stdout.write(json.dumps(data, default=_plain, ensure_ascii=False, indent=2) + "\n")
        return
    console.print_json(json.dumps(data, default=_plain, ensure_ascii=False))


class Output(StrEnum):
    TABLE = "table"
    JSON = "json"
    CSV = "csv"


def _text(value: Any) -> str:
    """A value as text: lists and objects as JSON, nothing for a missing one."""
    if isinstance(value, list | tuple | dict):
        return json.dumps(value, default=_plain, ensure_ascii=False)
    plain = _plain(value)
    return "" if plain is None else str(plain)


def _cell(value: Any) -> str:
    """A CSV cell: as ``_text``, and text a spreadsheet would run as a formula made inert."""
    plain = _plain(value)
    if isinstance(plain, str) and not isinstance(value, list | tuple | dict):
        from domain.text import spreadsheet_safe

        return spreadsheet_safe(plain)
    return _text(value)


def write_csv(
    rows: Sequence[dict[str, Any]], columns: Sequence[str] = (), fields: Sequence[str] = ()
) -> None:
    """Every field of every row, plain text (lists and objects as JSON), one header line:
    ``fields``, the schema's, whatever the rows (a script reads the same columns from an empty
    list as from a full one); without a schema, the rows' fields (the table's ``columns`` when
    there is no row to name them)."""
    import csv

    names = (
        list(fields) or list(dict.fromkeys(name for row in rows for name in row)) or list(columns)
    )
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(names)
    for row in rows:
        writer.writerow([_cell(row.get(name)) for name in names])
    sys.stdout.flush()


def show_rows(
    title: str,
    rows: Sequence[dict[str, Any]],
    columns: Sequence[str],
    *,
    output: Output | None = None,
    as_json: bool = False,
    data: Any = None,
    empty: str | None = None,
    cells: Callable[[dict[str, Any]], dict[str, Any]] | None = None,
    fields: Sequence[str] = (),
) -> None:
    """A list as ``--output`` asks: a table of ``columns`` (the default), ``json`` (``data``
    if given, else the rows) or ``csv`` (every field). ``--json`` is ``--output json``.
    ``empty``: the sentence a person reads instead of an empty table (JSON and CSV stay data).
    ``cells``: how a row reads in the table (a local time, a shortened hash); data stays whole.
    ``fields``: the schema's fields, CSV's header however many rows there are."""
    chosen = Output.JSON if as_json else (output or Output.TABLE)
    if chosen is Output.TABLE and not rows and empty is not None:
        console.print(empty, markup=False)
    elif chosen is Output.JSON:
        print_json(rows if data is None else data)
    elif chosen is Output.CSV:
        write_csv(rows, columns, fields)
    else:
        rows_table(title, [cells(r) for r in rows] if cells else rows, columns)


def warn(message: str) -> None:
    """A warning on stderr (never in the answer a script reads), as typed: never markup."""
    from rich.text import Text

    errors.print(Text(f"{t('warning:')} {message}"), soft_wrap=True)


def said(text: str, data: Any, as_json: bool = False) -> None:
    """An action's answer: ``text`` for people, or ``data`` as JSON with ``--json``."""
    if as_json:
        print_json(data)
    else:  # wrapped between words; an id or hash wider than the terminal is never cut
        from rich.text import Text

        print_line(Text(text))


def _shown(value: Any) -> str:
    """A cell as a person reads it: nothing for a missing value (never ``None``), a list as
    its items (never ``['admin']``), an object as JSON."""
    if value is None:
        return ""
    if isinstance(value, bool):  # words, in the reader's language (CSV and JSON keep true/false)
        return t("yes") if value else t("no")
    if isinstance(value, list | tuple | set | frozenset):
        return ", ".join(_shown(item) for item in value)
    if isinstance(value, float) and value.is_integer():  # 2 working days, not 2.0
        return str(int(value))
    return _text(value)  # a terminal runs no formulas: "-" stays "-"


def rows_table(title: str, rows: Sequence[dict[str, Any]], columns: Sequence[str]) -> None:
    """A table of ``rows`` with every one of ``columns``, as ``print_fitting`` lays it out: no
    word is ever broken (an id, a hash, an event type stays whole, to be read and copied);
    too narrow a terminal gets one block per row, a line per column. Every cell and the title
    are plain text (``[note]`` in a title is printed as typed, never read as markup), and the
    headings are in the reader's language."""
    from rich.table import Table
    from rich.text import Text

    # a column no row carries is one the server keeps from this reader (a trainee is not told
    # who else attended): left out, not shown as a column of blanks
    columns = [c for c in columns if any(c in row for row in rows)] or list(columns)
    table = Table(title=Text(title))
    for column in columns:
        table.add_column(Text(heading(column)), overflow="fold")
    for row in rows:
        table.add_row(*(Text(_row_cell(row, column)) for column in columns))
    print_fitting(table)


def _row_cell(row: dict[str, Any], column: str) -> str:
    """A row's cell as shown: a program's status in words (JSON and CSV keep its code)."""
    value = row.get(column)
    return t(value) if column == "status" and isinstance(value, str) else _shown(value)


def _cell_text(cell: Any) -> str:
    from rich.text import Text

    return cell.plain if isinstance(cell, Text) else str(cell)


def _longest_words(table: Table) -> list[int]:
    """Each column's longest word, in its heading or a cell (terminal cells, not characters)."""
    from rich.cells import cell_len

    return [
        max(
            (
                cell_len(word)
                for cell in (column.header, *column.cells)
                for word in _cell_text(cell).split()
            ),
            default=1,
        )
        for column in table.columns
    ]


def print_fitting(table: Table) -> None:
    """``table`` when it fits the terminal without breaking a word; otherwise the same cells
    as one block per row, a line per column (``heading: value``), wrapped between words, as
    on a phone-width terminal numbers and names stay whole and readable."""
    from rich.cells import cell_len
    from rich.text import Text

    if table.title:  # its own line: rich would break a long id in a title to the table's width
        title = table.title
        table.title = None
        print_line(title if isinstance(title, Text) else Text(str(title)))
    widths = _longest_words(table)
    spare = console.width - (1 + sum(width + 3 for width in widths))  # padding and rules
    if spare >= 0:
        full = [
            max(cell_len(_cell_text(cell)) for cell in (column.header, *column.cells))
            for column in table.columns
        ]
        while spare > 0 and widths != full:  # the room left, a cell at a time, to wrapped ones
            for index, width in enumerate(widths):
                if spare > 0 and width < full[index]:
                    widths[index] += 1
                    spare -= 1
        for column, width in zip(table.columns, widths, strict=True):
            column.width = width  # rich then never breaks a word to fit
        console.print(table)
        return
    rows = zip(*(list(column.cells) for column in table.columns), strict=True)
    for number, row in enumerate(rows):
        if number:
            console.print()
        for column, cell in zip(table.columns, row, strict=True):
            value = cell.copy() if isinstance(cell, Text) else Text(str(cell))
            value.plain = value.plain.strip()  # a table's indent (a detail row keeps its ↳)
            if not value.plain:  # nothing to say (no interval): no "heading:" line alone
                continue
            print_line(Text.assemble(Text(_cell_text(column.header), style="bold"), ": ", value))


def print_line(line: Text) -> None:
    """``line`` wrapped between words; a word wider than the terminal (a hash at 40 columns)
    is left to the terminal to wrap: rich would cut it, and a copied id must come out whole."""
    from rich.cells import cell_len

    longest = max((cell_len(word) for word in line.plain.split()), default=0)
    console.print(line, soft_wrap=longest > console.width)


def _rate(rate: Rate) -> str:
    if rate.value is None:
        return f"{t('n/a')} ({rate.numerator}/{rate.denominator})"
    return f"{rate.value:.1%} ({rate.numerator}/{rate.denominator})"  # columns right-justify


def kpi_table(report: Sequence[ExecutionKpis]) -> None:
    from rich.table import Table
    from rich.text import Text

    table = Table(title=Text(t("Execution KPIs per specialist and quarter")))
    for column in ("specialist", "period", "plan completion", "on time", "participation"):
        justify: Literal["left", "right"] = (
            "left" if column in {"specialist", "period"} else "right"
        )
        table.add_column(Text(heading(column)), justify=justify, overflow="fold")
    for k in report:
        table.add_row(
            k.specialist,
            k.period,
            _rate(k.plan_completion),
            _rate(k.on_time),
            _rate(k.participation),
        )
    print_fitting(table)


def when(moment: str | datetime | None, zone: str | None = None, *, utc: bool = False) -> str:
    """A table's time: ``domain.instants.instant_text``'s one convention."""
    from domain.instants import instant_text

    return instant_text(moment, zone, utc=utc)
