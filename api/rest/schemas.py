"""The JSON API's shared parameter types and response models."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime
from typing import Annotated, Any, get_type_hints

from fastapi import Header, Path, Query
from pydantic import BaseModel, ConfigDict, Field, StrictBool, field_validator

from accounts.model import ROLES, Role, TokenInfo
from api.errors import Problem
from eventlog.records import RecordedEvent

ProgramId = Annotated[
    str,
    Path(
        min_length=1,
        max_length=100,
        pattern=r"^[A-Za-z0-9._-]+$",
        description="The program's id (also its workflow id).",
    ),
]
PersonFilter = Annotated[
    str | None, Query(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9._@-]+$")
]
IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        min_length=1,
        max_length=200,
        pattern=r"^[!-~]+$",
        description="Any unique string per intended action (e.g. a UUID): sending the same "
        "request again with the same key returns the first outcome and never acts twice.",
    ),
]
PeriodFilter = Annotated[str | None, Query(pattern=r"^\d{4}-Q[1-4]$", description="e.g. 2027-Q1")]


CONFLICT: dict[int | str, dict[str, Any]] = {
    409: {"model": Problem, "description": "It exists already; nothing was recorded."}
}

# ---------------------------------------------------------------------- response models


def _fields_of(record: type, **json_types: Any) -> dict[str, Any]:
    """The annotations of a response model that sends an internal record (a dataclass or a
    named tuple) as JSON: its fields, in its order, with its defaults, so the two cannot
    drift apart; ``json_types`` names a field whose JSON type differs (a UUID sent as text)."""
    if dataclasses.is_dataclass(record):
        defaults = {f.name: f.default for f in dataclasses.fields(record)}
    else:
        defaults = dict(getattr(record, "_field_defaults", {}))
    fields: dict[str, Any] = {}
    for name, hint in get_type_hints(record).items():
        hint = json_types.get(name, hint)
        default = defaults.get(name, dataclasses.MISSING)
        fields[name] = hint if default is dataclasses.MISSING else Annotated[hint, Field(default)]
    return fields


class _Open(BaseModel):
    """Read-model rows: the documented fields, plus any a newer read model adds."""

    model_config = ConfigDict(extra="allow")


class Me(BaseModel):
    username: str
    display_name: str
    roles: list[str]


class ProgramOut(_Open):
    program_id: str
    title: str
    specialist: str
    status: str
    planned_date: date


class TimelineEntryOut(_Open):
    position: int
    occurred_at: datetime
    event_type: str
    actor: str
    summary: str


class ProgramDetail(BaseModel):
    program: ProgramOut
    state: dict[str, Any] = Field(description="The folded domain state the read model keeps.")
    timeline: list[TimelineEntryOut] = Field(
        description="The newest timeline lines (at most 200), oldest first."
    )
    timeline_older: int | None = Field(
        default=None,
        description="Older lines exist: ask /programs/{id}/timeline?before= this position.",
    )
    people_listed: bool = Field(
        default=True,
        description="False for a program naming more than 1,000 people: the state leaves out "
        "its per-person lists (enrolled, attendance, surveyed, examined, pending_scores); "
        "page through /programs/{id}/trainees. The summary counts them either way.",
    )


class TraineeOut(BaseModel):
    trainee: str
    planned: bool = Field(description="Named on the plan.")
    enrolled: bool
    attended: list[str] = Field(description="The sessions they were recorded attending.")
    surveyed: bool
    examined: bool
    score_pending: bool = Field(description="An exam score awaits a second person's check.")


class TraineePageOut(BaseModel):
    trainees: list[TraineeOut] = Field(description="In the order of their ids.")
    total: int = Field(description="Everyone the program names (as the reader may see it).")
    next_after: str | None = Field(
        description="More follow: ask again with after= this id (null: the last page)."
    )


class TaskOut(_Open):
    task_id: str
    program_id: str
    title: str
    specialist: str
    planned_date: date
    requested_at: datetime | None
    due_at: datetime | None
    overdue: bool


class LoggedEvent(BaseModel):
    """One row of the event log exactly as stored, with its hash-chain fields."""

    __annotations__ = _fields_of(RecordedEvent, event_id=str)


class ProblemOut(BaseModel):
    position: int
    kind: str
    detail: str


class VerifyOut(BaseModel):
    ok: bool
    checked: int
    last_position: int
    last_hash: str
    problems: list[ProblemOut]


class NotificationOut(_Open):
    id: int
    recipient: str
    subject: str
    created_at: datetime
    delivered_at: datetime | None = None

    @field_validator("created_at", "delivered_at")
    @classmethod
    def _in_utc(cls, value: datetime | None) -> datetime | None:
        """The outbox keeps UTC; SQLite hands it back without its zone: said with it, as every
        other instant the API answers."""
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


class UserOut(BaseModel):
    username: str
    display_name: str
    roles: list[str]
    active: bool
    warnings: list[str] = []
    """After a change: approval tasks left with someone who may no longer decide them (the
    approver role taken away, or disabled), each to be reassigned; in the reader's language."""


class NewUser(BaseModel):
    model_config = ConfigDict(extra="forbid")

    username: Annotated[str, Field(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9._@-]+$")]
    password: Annotated[str, Field(min_length=10, max_length=1024)]
    roles: Annotated[list[Role], Field(max_length=len(ROLES))] = []
    display_name: Annotated[str | None, Field(max_length=200)] = None


class UserChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    roles: Annotated[list[Role] | None, Field(max_length=len(ROLES))] = None
    active: StrictBool | None = None
    """true or false (not 0 or 1)."""
    password: Annotated[str | None, Field(min_length=10, max_length=1024)] = None


class TokenOut(BaseModel):
    # A token's facts without its secret (roles null: all of its owner's). No docstring: it
    # would become the schema's description in the OpenAPI document.
    __annotations__ = _fields_of(TokenInfo, roles=list[str] | None)


class NewToken(BaseModel):
    model_config = ConfigDict(extra="forbid")

    label: Annotated[str, Field(max_length=100)] = ""
    expires_in_days: Annotated[int, Field(ge=1, le=3650)] = 90
    """Days until the token stops working (every token expires)."""
    roles: Annotated[list[Role] | None, Field(max_length=len(ROLES))] = None
    """Limit the token to some of your roles (default: all of them)."""


class IssuedToken(TokenOut):
    token: str = Field(description="The secret; shown only this once. Send it as a bearer token.")


class RebuildOut(BaseModel):
    events: int
