"""The typed union of all events is the one list of them: every event type defined anywhere in
the domain is in it, and reading a stored event gives what the union itself would."""

from __future__ import annotations

import importlib
import pkgutil
from typing import Literal, get_args, get_origin

import pytest
from pydantic import BaseModel, ValidationError

import domain
from domain.event_base import DomainEvent, event_payload, schema_version_of, type_name
from domain.events import EVENT_TYPES, Event, event_adapter, load_event
from tests.event_samples import TEXTS, every_event


def _domain_models() -> set[type[BaseModel]]:
    """Every pydantic model defined in any module of ``domain``."""
    found: set[type[BaseModel]] = set()
    for module_info in pkgutil.iter_modules(domain.__path__, "domain."):
        module = importlib.import_module(module_info.name)
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and issubclass(value, BaseModel)
                and value.__module__ == module.__name__
            ):
                found.add(value)
    return found


def test_every_event_type_of_the_domain_is_in_the_union() -> None:
    """An event type is a model tagged by a literal ``type`` (commands are tagged by ``kind``;
    ``DomainEvent`` declares the tag as any text): one defined anywhere in the domain but left
    out of ``Event`` would be unreadable from the log."""
    tagged = {
        m
        for m in _domain_models()
        if "type" in m.model_fields and get_origin(m.model_fields["type"].annotation) is Literal
    }
    assert tagged, "no event types found: the scan is broken"
    assert tagged - set(EVENT_TYPES.values()) == set()
    in_union = set(get_args(get_args(Event)[0]))
    assert set(EVENT_TYPES.values()) == in_union


def test_every_event_type_is_a_domain_event() -> None:
    """So each one is frozen, refuses unknown fields and has a schema version."""
    for name, cls in EVENT_TYPES.items():
        assert issubclass(cls, DomainEvent), name
        assert type_name(cls) == name


@pytest.mark.parametrize("event", every_event(TEXTS["emoji"]), ids=lambda e: type(e).__name__)
def test_a_stored_event_reads_back_as_the_union_would_read_it(event: DomainEvent) -> None:
    payload = event_payload(event)
    loaded = load_event(type_name(type(event)), schema_version_of(event), payload)
    assert loaded == event
    tagged = event_adapter().validate_python({"type": type_name(type(event)), **payload})
    assert type(tagged) is type(event) and tagged == loaded


def test_the_union_refuses_an_unknown_tag() -> None:
    with pytest.raises(ValidationError):
        event_adapter().validate_python({"type": "ProgramTeleported"})
    with pytest.raises(ValueError, match="unknown event type"):
        load_event("ProgramTeleported", 1, {})


def test_the_union_publishes_one_schema_per_event_type() -> None:
    schema = event_adapter().json_schema()
    assert set(schema["discriminator"]["mapping"]) == set(EVENT_TYPES)
