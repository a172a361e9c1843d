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
}


def plain_problem(error: Mapping[str, Any]) -> str:
    """One of pydantic's errors (``type``, ``ctx``, ``msg``) in plain English."""
    plainer = PROBLEMS_EN.get(str(error.get("type", "")))
    if plainer is not None:
        context = {  # a bound of 0, not 0.0
            name: int(value) if isinstance(value, float) and value.is_integer() else value
            for name, value in (error.get("ctx") or {}).items()
        }
        with contextlib.suppress(KeyError, ValueError, IndexError):
            return plainer.format_map(context)
    return str(error.get("msg", "invalid"))
