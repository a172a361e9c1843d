"""Reading import files strictly: CSV or JSON, checked columns, and the cells every importer
parses the same way (lists, money, days in the past). Appending what was read is
``imports.common``'s."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from domain.days import parse_day
from imports.problems import FileProblem, RowError


@dataclass(frozen=True)
class Row:
    """One input record: where it came from (``file:line``) and its cells (None when blank)."""

    where: str
    kind: str
    cells: dict[str, Any]


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def decode(path: Path, data: bytes) -> str:
    """UTF-8 (a BOM is fine); anything else is refused with where it breaks and a hint."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        code = "import.not_utf8"
        try:
            data.decode("gb18030")
            code = "import.not_utf8_gbk"
        except UnicodeDecodeError:
            pass
        raise FileProblem(
            code, file=path.name, byte=f"{data[exc.start]:02x}", offset=exc.start
        ) from exc


def read_table(
    path: Path,
    kind: str,
    required: Sequence[str],
    optional: Sequence[str] = (),
    *,
    data: bytes | None = None,
) -> list[Row]:
    """Rows of a CSV file (header line first) or a JSON array of objects. Missing required
    columns and unknown columns are file problems: a typo must not silently drop a column."""
    raw = path.read_bytes() if data is None else data
    text = decode(path, raw)
    if path.suffix.lower() == ".json":
        try:
            parsed = json.loads(text)
        except json.JSONDecodeError as exc:
            raise not_json(path.name, exc) from exc
        if not isinstance(parsed, list) or not all(isinstance(x, dict) for x in parsed):
            raise FileProblem("import.not_json_array", file=path.name)
        return json_rows(path.name, kind, parsed, required, optional)
    reader = csv.DictReader(io.StringIO(text))
    try:
        header = [h.strip() for h in reader.fieldnames or []]
        check_columns(path.name, header, required, optional)
        reader.fieldnames = header
        rows: list[Row] = []
        for record in reader:
            extra = record.pop(None, None)
            cells = {k: (v.strip() or None) if isinstance(v, str) else v for k, v in record.items()}
            if extra:
                cells["__extra__"] = extra
            rows.append(Row(f"{path.name}:{reader.line_num}", kind, cells))
    except csv.Error as exc:  # a field over 128 KiB, a NUL byte, an unclosed quote at the end
        raise FileProblem(
            "import.not_csv", file=path.name, line=reader.line_num, problem=str(exc)
        ) from exc
    return rows


def json_rows(
    name: str,
    kind: str,
    records: Iterable[dict[str, Any]],
    required: Sequence[str],
    optional: Sequence[str] = (),
) -> list[Row]:
    rows: list[Row] = []
    for index, record in enumerate(records):
        check_columns(f"{name} {kind}[{index}]", list(record), required, optional, per_row=True)
        cells = {k: (None if v == "" else v) for k, v in record.items()}
        rows.append(Row(f"{name} {kind}[{index}]", kind, cells))
    return rows


def check_columns(
    where: str,
    found: Sequence[str],
    required: Sequence[str],
    optional: Sequence[str],
    *,
    per_row: bool = False,
) -> None:
    missing = [c for c in required if c not in found]
    unknown = [c for c in found if c not in required and c not in optional]
    if missing or unknown:
        code = (
            "import.missing_and_unknown_columns"
            if missing and unknown
            else ("import.missing_columns" if missing else "import.unknown_columns")
        )
        raise FileProblem(
            code,
            where=where,
            missing=", ".join(missing),
            unknown=", ".join(unknown),
            noun="fields" if per_row else "columns",
            expected=", ".join([*required, *(f"[{c}]" for c in optional)]),
        )


def not_json(name: str, exc: json.JSONDecodeError) -> FileProblem:
    """A file that is not JSON: where it breaks (the parser's words are English only)."""
    return FileProblem(
        "import.not_json", file=name, problem=exc.msg, line=exc.lineno, column=exc.colno
    )


def json_cell(value: Any, column: str) -> Any:
    """A cell that holds JSON: text in a CSV file, already decoded in a JSON file."""
    if not isinstance(value, str):
        return value
    try:
        return json.loads(value)
    except json.JSONDecodeError as exc:
        raise RowError(
            "import.cell_not_json", column=column, problem=exc.msg, position=exc.pos + 1
        ) from exc


def split_list(value: Any) -> tuple[str, ...]:
    """A list cell: a JSON array, or a CSV cell separated by ``|``."""
    if value is None:
        return ()
    if isinstance(value, list):
        return tuple(str(v).strip() for v in value if str(v).strip())
    return tuple(part.strip() for part in str(value).split("|") if part.strip())


#: Money as a program's budget holds it: 14 digits, 2 of them after the point.
MONEY_DIGITS, MONEY_DECIMALS = 14, 2


def money(value: Any, column: str) -> Any:
    """A sum of money as given (the event model parses it), if it fits the budget's shape:
    a number too long for a report's column or with fractions of a cent is the row's reason."""
    try:
        amount = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return value  # not a number at all: the model says so
    if not amount.is_finite():
        return value
    _, digits, exponent = amount.normalize().as_tuple()
    assert isinstance(exponent, int)  # finite
    decimals = max(-exponent, 0)
    whole = max(len(digits) + exponent, 0)  # 12.5: 3 digits, exponent -1; 1E+3: 1 digit, 3
    if decimals > MONEY_DECIMALS or whole > MONEY_DIGITS - MONEY_DECIMALS:
        raise RowError(
            "import.not_money",
            column=column,
            value=str(value),
            whole=MONEY_DIGITS - MONEY_DECIMALS,
            decimals=MONEY_DECIMALS,
        )
    return value


def past_day(value: Any, what: str, today: date) -> date | None:
    """A day cell (None when blank) of something that has happened, so not after ``today``;
    ``RowError`` says why a value is not one."""
    if value is None:
        return None
    try:
        day = parse_day(value, what)
    except ValueError as exc:
        raise RowError.of(exc) from exc
    if day > today:
        raise RowError("import.future_day", column=what, day=day, today=today)
    return day
