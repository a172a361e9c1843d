"""A timeline row's stored message is ``json.dumps(..., ensure_ascii=False)`` of its parts,
byte for byte, though the encoder behind it is built once (``event_texts._make_encode``)."""

from __future__ import annotations

import json

from projections.event_messages import encode, parts
from tests.event_samples import TEXTS, every_event

AWKWARD = ['quote " backslash \\ newline \n tab \t', "\x00\x1f\x7f", "NaN", "", "\u2028\ud7ff"]


def test_a_stored_message_is_json_dumps_of_its_parts() -> None:
    messages = [parts(event) for text in TEXTS.values() for event in every_event(text)]
    messages += [[("event.x", {"a": text, text: "b"})] for text in AWKWARD] + [[]]
    for message in messages:
        expected = json.dumps([[key, params] for key, params in message], ensure_ascii=False)
        assert encode(message) == expected
