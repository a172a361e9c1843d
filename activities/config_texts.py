"""Why a configuration document is refused, in English, by message key: the one place these
words are written. ``activities.admin_config`` raises ``ConfigFileError`` with a key from here;
``services.error_texts`` merges them into its catalog beside their Simplified Chinese.

Imports nothing, so the catalog costs nothing to read.
"""

from __future__ import annotations

CONFIG_EN: dict[str, str] = {
    "config.cannot_read": "{source}: cannot read ({reason})",
    "config.not_text": (
        "{source}, line {line}: a NUL byte (character 0): this is not a text file; "
        "a configuration is YAML saved as UTF-8 text"
    ),
    "config.control_character": (
        "{source}, line {line}: control character {character} is not allowed in YAML; "
        "remove it (a configuration is plain UTF-8 text)"
    ),
    "config.not_yaml_at": "{source}, line {line}, column {column}: not valid YAML ({problem})",
    "config.not_closed_before": (
        "{source}, line {line}, column {column}: not valid YAML: this {opener} is not closed "
        "before line {later} (a {closer} is missing)"
    ),
    "config.not_closed_at": (
        "{source}, line {line}, column {column}: not valid YAML: this {opener} is never closed "
        "(the document ends before its {closer})"
    ),
    "config.not_yaml": "{source}: not valid YAML ({detail})",
    "config.alias": "{source}, line {line}: aliases (*name) are not allowed in the configuration",
    "config.bad_value": "{source}: a value cannot be read ({detail})",
    "config.no_such_day": (
        "{source}, line {line}: {value!r} is not a day (or time) of the calendar; "
        "write a date as YYYY-MM-DD, e.g. 2027-02-28"
    ),
    "config.too_deep": "{source}: nested too deeply",
    "config.not_mapping": "{source}: the top level must be a mapping",
    "config.invalid_at": "{source}, line {line} ({path}): {problem}",
    "config.invalid": "{source}, top level ({path}): {problem}",
    "config.invalid_at_more": (
        "{source}, line {line} ({path}): {problem}; and {more} more problem(s) after it"
    ),
    "config.invalid_more": (
        "{source}, top level ({path}): {problem}; and {more} more problem(s) after it"
    ),
    "config.too_long": "the document is longer than {limit} characters",
    "config.empty": "the document is empty: saving it would put the built-in defaults in force",
    "config.no_base_version": "there is no version {expected}: version {actual} is in force",
    "config.saved_meanwhile": (
        "version {actual} was saved after version {expected}, which this change started from: "
        "reload, reapply your change and save again"
    ),
}
