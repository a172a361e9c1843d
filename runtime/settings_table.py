"""The settings table of docs/configuration.md, made from ``runtime.settings.Settings``: every
field's variable, default and description, so the page cannot miss a setting or say an old
default (``tests/test_settings_table.py`` fails when the page's table differs).

``python -m runtime.settings_table`` prints the table; ``python -m runtime.settings_table
docs/configuration.md`` writes it into the page, between its two markers.
"""

from __future__ import annotations

import sys
from pathlib import Path

from pydantic.fields import FieldInfo

from runtime.settings import Settings

BEGIN = (
    "<!-- settings table: made from runtime/settings.py by "
    "`python -m runtime.settings_table docs/configuration.md`; edit it there -->"
)
END = "<!-- end of the settings table -->"


def variable(name: str) -> str:
    return f"TRAINOPS_{name.upper()}"


def default_text(field: FieldInfo) -> str:
    """The default as one writes it in the environment: ``true``, ``120`` not ``120.0``,
    a path as a path; "unset" and "empty" in words."""
    value = field.default
    if value is None:
        return "unset"
    if value == "":
        return "empty"
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return f"`{value}`"


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def table() -> str:
    """The markdown table, one row per setting in the order ``Settings`` declares them."""
    lines = ["| variable | default | what it is |", "|---|---|---|"]
    for name, field in Settings.model_fields.items():
        description = _cell(field.description or "")
        lines.append(f"| `{variable(name)}` | {default_text(field)} | {description} |")
    return "\n".join(lines) + "\n"


def replaced(page: str) -> str:
    """``page`` with the text between its markers made anew; ``ValueError`` without them."""
    head, begin, rest = page.partition(BEGIN + "\n")
    _, end, tail = rest.partition(END)
    if not begin or not end:
        raise ValueError(f"the page lacks the markers {BEGIN!r} and {END!r}")
    return f"{head}{BEGIN}\n\n{table()}\n{END}{tail}"


def main(argv: list[str]) -> int:
    if not argv:
        sys.stdout.write(table())
        return 0
    page = Path(argv[0])
    page.write_text(replaced(page.read_text(encoding="utf-8")), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
