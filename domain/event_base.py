"""What every event of the log shares: a frozen model tagged by a literal ``type``, its schema
version, the payload it is stored as, and the envelope a workflow hands to the log.

Its own module so every module that defines events (``domain.program_events``,
``domain.approval_events``, ``domain.system_events``, ``domain.reference``,
``domain.evaluation``, ``domain.accounts``) imports it, and ``domain.events`` gathers them all.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any, ClassVar, TypedDict
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

PersonId = Annotated[str, Field(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9._@-]+$")]
Reason = Annotated[str, Field(min_length=1, max_length=2000)]


class DomainEvent(BaseModel):
    """The base of every event type: immutable, no unknown fields, a schema version."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    SCHEMA_VERSION: ClassVar[int] = 1

    type: str
    """The tag every event type declares as a literal. Declared here too, so it stays the first
    field (and the first key of the stored JSON) of an event that takes fields from another
    base as well (``ProgramPlanned``)."""


Upcaster = Callable[[dict[str, Any]], dict[str, Any]]

#: (event type, stored schema version) -> function lifting that payload one version up. Each
#: upcaster is registered beside the event type it lifts (``upcasts``);
#: ``domain.events.load_event`` runs them, one version at a time.
UPCASTERS: dict[tuple[str, int], Upcaster] = {}


def upcasts(event_type: str, from_version: int) -> Callable[[Upcaster], Upcaster]:
    """Register the decorated function as the upcaster of ``event_type`` payloads stored at
    ``from_version`` (it returns the payload of the next version)."""

    def register(function: Upcaster) -> Upcaster:
        if (event_type, from_version) in UPCASTERS:
            raise ValueError(f"{event_type} version {from_version} has an upcaster already")
        UPCASTERS[(event_type, from_version)] = function
        return function

    return register


def type_name(cls: type[BaseModel]) -> str:
    """The name an event class is stored under: the default of its ``type`` tag."""
    return str(cls.model_fields["type"].default)


def schema_version_of(event: BaseModel) -> int:
    return int(getattr(type(event), "SCHEMA_VERSION", 1))


def event_payload(event: BaseModel) -> dict[str, Any]:
    """The JSON payload stored in the log: the event without its type tag."""
    return event.model_dump(mode="json", exclude={"type"})


class StoredForm(TypedDict):
    """What the log keeps of an event itself (ids, times and who acted come from elsewhere)."""

    event_type: str
    schema_version: int
    payload: dict[str, Any]


def stored_form(event: BaseModel) -> StoredForm:
    """The one way an event becomes a log record's type, version and payload, so the envelope
    a workflow sends and every record appended outside a workflow store an event alike."""
    return StoredForm(
        event_type=type_name(type(event)),
        schema_version=schema_version_of(event),
        payload=event_payload(event),
    )


class EventEnvelope(BaseModel):
    """An event decided by a workflow, ready for the log: ids and times are decided in the
    workflow (so an activity retry re-sends the very same event)."""

    model_config = ConfigDict(frozen=True)

    event_id: UUID
    event_type: str
    schema_version: int
    payload: dict[str, Any]
    actor: str
    role: str
    occurred_at: datetime
    proof: dict[str, Any] | None = None
    """The person's signed assertion and the command it covers (first event of an action)."""
    proved_by: UUID | None = None
    """The event of the same action that carries its proof (the others of that action)."""

    @classmethod
    def wrap(
        cls,
        event: BaseModel,
        *,
        event_id: UUID,
        actor: str,
        role: str,
        occurred_at: datetime,
        proof: dict[str, Any] | None = None,
        proved_by: UUID | None = None,
    ) -> EventEnvelope:
        return cls(
            event_id=event_id,
            actor=actor,
            role=role,
            occurred_at=occurred_at,
            proof=proof,
            proved_by=proved_by,
            **stored_form(event),
        )
