"""docs/event-log.md's rules for numbers and strings in the hash input are the encoder's, example by
example: a verifier written in another language can rely on them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from domain.canonical import encode_json

EVENT_LOG_DOC = (Path(__file__).parents[2] / "docs" / "event-log.md").read_text()

EXAMPLES = [
    (0, "0"),
    (42, "42"),
    (-7, "-7"),
    (10**16, "10000000000000000"),
    (3.0, "3.0"),
    (0.1, "0.1"),
    (90.0, "90.0"),
    (0.0001, "0.0001"),
    (1234567890123456.0, "1234567890123456.0"),
    (1e-05, "1e-05"),
    (1.5e-07, "1.5e-07"),
    (1e16, "1e+16"),
    (2.5e20, "2.5e+20"),
    (True, "true"),
    (None, "null"),
    ('a"b\\c', '"a\\"b\\\\c"'),
    ("\b\t\n\f\r", '"\\b\\t\\n\\f\\r"'),
    ("\x01\x1f", '"\\u0001\\u001f"'),
    ("é中😀\x7f", '"é中😀\x7f"'),
    ({"b": 1, "a": [2, 1]}, '{"a":[2,1],"b":1}'),
]


@pytest.mark.parametrize(("value", "written"), EXAMPLES)
def test_each_example_is_what_the_encoder_writes(value: object, written: str) -> None:
    assert encode_json(value) == written


def test_the_event_log_doc_shows_every_number_example() -> None:
    section = EVENT_LOG_DOC[EVENT_LOG_DOC.index("**Numbers and strings in `canonical`**") :]
    section = section[: section.index("Each row stores `prev_hash`")]
    for value, written in EXAMPLES:
        if isinstance(value, int | float) and not isinstance(value, bool):
            assert f"`{written}`" in section, written
    assert re.search(r"NaN and infinities never occur", section)
