"""One instance of every event type the log may hold, with a given text in every free-text
field (markup-like, right-to-left, emoji, very long), for tests that print what people read."""

from __future__ import annotations

import types
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError

from domain.events import EVENT_TYPES

#: Texts people type that must come out as typed.
TEXTS = {
    "markup": "[urgent] please check [/] [bold]now[/bold] [link=x]y",
    "rtl": "مرحبا بالعالم שלום עולם",
    "emoji": "🎉 培训 👩‍🏫 done ✅",
    "long": "long-" + "x" * 300 + "-end",
}

#: Fields whose format is fixed (ids with patterns, hashes, keys): a valid value, not the text.
FIXED: dict[str, Any] = {
    "session_id": "s1",
    "key_id": "0123456789abcdef",
    "sha256": "a" * 64,
    "head_hash": "b" * 64,
    "public_key": "A" * 43 + "=",
    "step_id": "step-1",
    "task_id": "0f1e2d3c-aaaa-bbbb-cccc-1234567890ab",
    "token_id": "tok-0123456789",
    "outcome": "delivered",
}
AT = datetime(2026, 12, 4, 4, 30, tzinfo=UTC)


def _value(name: str, annotation: Any, text: str) -> Any:
    if name in FIXED:
        return FIXED[name]
    origin = get_origin(annotation)
    args = get_args(annotation)
    if origin is Literal:
        return args[0]
    if origin in (Union, types.UnionType):
        inner = [a for a in args if a is not type(None)]
        return _value(name, inner[0], text)
    if origin is not None and hasattr(annotation, "__metadata__"):
        return _value(name, args[0], text)
    if origin in (tuple, list, frozenset, set):
        return [_value(name, args[0], text)] if args else []
    if origin is dict:
        return {"overall": 80.0} if name == "scores" else {}
    if annotation is str:
        return text
    if annotation is bool:
        return True
    if annotation is int:
        return 1
    if annotation is float:
        return 80.0
    if annotation is Decimal:
        return Decimal("12.50")
    if annotation is datetime:
        return AT
    if annotation is date:
        return date(2026, 12, 4)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return build(annotation, text)
    return text


def build(cls: type[BaseModel], text: str) -> Any:
    """``cls`` with ``text`` in its free-text fields; a field that refuses it (a pattern, a
    length) falls back to a short plain word."""
    data: dict[str, Any] = {}
    for name, info in cls.model_fields.items():
        if name == "type" or (not info.is_required() and name not in {"comment", "reason"}):
            continue
        data[name] = _value(name, info.annotation, text)
    for _ in range(len(data) + 1):
        try:
            return cls.model_validate(data)
        except ValidationError as exc:
            bad = {str(err["loc"][0]) for err in exc.errors() if err["loc"]}
            if not bad:
                raise
            for name in bad:
                info = cls.model_fields[name]
                data[name] = _value(name, info.annotation, "plain")
    return cls.model_validate(data)


def every_event(text: str) -> list[Any]:
    return [build(cls, text) for _, cls in sorted(EVENT_TYPES.items())]
