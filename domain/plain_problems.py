"""pydantic's most common problems in plainer English than its own ("Input should be less than
or equal to 24" is "must be 24 or less"): the words the edges and the file checks use for a
value a person gave. Any other problem keeps pydantic's words."""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from typing import Any

PROBLEMS_EN: dict[str, str] = {
    "missing": "is required",
    "greater_than": "must be more than {gt}",
    "greater_than_equal": "must be {ge} or more",
    "less_than": "must be less than {lt}",
    "less_than_equal": "must be {le} or less",
    "string_too_short": "must have at least {min_length} character(s)",
    "string_too_long": "must have at most {max_length} characters",
    "too_short": "must have at least {min_length} item(s)",
    "too_long": "must have at most {max_length} items",
    "int_parsing": "must be a whole number",
    "int_from_float": "must be a whole number",
    "float_parsing": "must be a number",
    "decimal_parsing": "must be a number, e.g. 12000.00 (no thousands separators)",
    "decimal_max_places": "must have at most {decimal_places} decimal(s)",
    "decimal_max_digits": "must have at most {max_digits} digits",
    "decimal_whole_digits": "must have at most {whole_digits} digits before the point",
    "bool_parsing": "must be true or false",
    "date_parsing": "must be a date, e.g. 2027-01-15",
    "date_from_datetime_parsing": "must be a date, e.g. 2027-01-15",
    "datetime_parsing": "must be a date and time, e.g. 2027-01-15T09:00+08:00",
    "datetime_from_date_parsing": "must be a date and time, e.g. 2027-01-15T09:00+08:00",
    "timezone_aware": "needs a UTC offset or a zone, e.g. 2027-01-15T09:00+08:00",
    "literal_error": "must be one of {expected}",
    "enum": "must be one of {expected}",
    "extra_forbidden": "is not a known field (a typo?)",
    "finite_number": "must be a finite number (not inf or NaN)",
    "int_type": "must be a whole number",
    "float_type": "must be a number",
    "bool_type": "must be true or false",
    "string_type": "must be text",
    "date_type": "must be a date, e.g. 2027-01-15",
    "date_from_datetime_inexact": "must be a date without a time, e.g. 2027-01-15",
    "time_type": "must be a time, e.g. 09:00",
    "time_parsing": "must be a time, e.g. 09:00",
    "datetime_type": "must be a date and time, e.g. 2027-01-15T09:00+08:00",
    "dict_type": "must be a mapping (key: value)",
    "model_type": "must be a mapping (key: value)",
    "list_type": "must be a list",
    "tuple_type": "must be a list",
    "set_type": "must be a list",
    "frozen_set_type": "must be a list",
    "union_tag_invalid": "{discriminator} must be one of {expected_tags} (not {tag})",
    "union_tag_not_found": "{discriminator} is missing",
    "json_invalid": "is not valid JSON",
    "json_type": "must be JSON text",
    "decimal_type": "must be a number",
    "multiple_of": "is not the required multiple",
    "uuid_parsing": "must be a UUID",
    "url_parsing": "must be a URL",
    "url_scheme": "must be a URL whose scheme is one of {expected_schemes}",
    "string_unicode": "must be valid Unicode text",
    "bytes_type": "must be text",
    "is_instance_of": "is of the wrong type",
    "string_pattern_mismatch": "must match the pattern {pattern}",
}

#: What the patterns our fields must match mean, in words (``string_pattern_mismatch``); a
#: pattern not here is named as it is. ``services.error_texts.PATTERNS_ZH_CN`` says the same.
PATTERNS_EN: dict[str, str] = {
    r"^[A-Za-z0-9._-]+$": "may contain only letters, digits, '.', '_' and '-' (no spaces)",
    r"^[A-Za-z0-9._@-]+$": "may contain only letters, digits, '.', '_', '@' and '-' (no spaces)",
    r"^[A-Za-z0-9][A-Za-z0-9._-]*$": (
        "must start with a letter or a digit and contain only letters, digits, '.', '_' and '-'"
    ),
    r"^\d{4}-Q[1-4]$": "must be a quarter, e.g. 2026-Q4",
    r"^(\d{4}-Q[1-4])?$": "must be a quarter, e.g. 2026-Q4",
    r"^[0-9a-f]+$": "must be hexadecimal digits (0-9, a-f)",
    r"^[0-9a-f]{16}$": "must be 16 hexadecimal digits (0-9, a-f)",
    r"^[0-9a-f]{32}$": "must be 32 hexadecimal digits (0-9, a-f)",
    r"^[0-9a-f]{64}$": "must be 64 hexadecimal digits (0-9, a-f)",
    r"^[!-~]+$": "may contain only printable ASCII characters (no spaces)",
    r"^https?://": "must start with http:// or https://",
    r"^[A-Za-z_][A-Za-z0-9_]*$": (
        "must be an environment variable's name (letters, digits and '_', not starting with a "
        "digit)"
    ),
}


def bound_as_written(value: object) -> object:
    """A bound of 0, not 0.0 (as a number or as its data's text "0.0"), as people write it."""
    if isinstance(value, bool):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.endswith(".0") and value[:-2].lstrip("-").isdigit():
        return int(value[:-2])
    return value


def plain_problem(error: Mapping[str, Any]) -> str:
    """One of pydantic's errors (``type``, ``ctx``, ``msg``) in plain English."""
    kind = str(error.get("type", ""))
    if kind == "string_pattern_mismatch":
        meaning = PATTERNS_EN.get(str((error.get("ctx") or {}).get("pattern", "")))
        if meaning is not None:
            return meaning
    plainer = PROBLEMS_EN.get(kind)
    if plainer is not None:
        given = error.get("ctx") or {}
        context = {name: bound_as_written(value) for name, value in given.items()}
        with contextlib.suppress(KeyError, ValueError, IndexError):
            return plainer.format_map(context)
    return str(error.get("msg", "invalid"))
