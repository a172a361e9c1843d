"""Every program command becomes one HTTP action, derived from the domain's own command models.

``POST /api/v1/programs/{program_id}/{action}`` takes the command's fields minus ``actor`` and
``kind``: the actor is always the signed-in user, never the request body, so the workflow's
four-eyes and ownership checks hold however a request arrives. A command added to
``domain.commands.ProgramCommand`` gets its route, request schema and role without touching this
package; ``ROLE_OVERRIDES`` is for the rare command whose role the domain does not say.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, get_args

from pydantic import BaseModel, ConfigDict, create_model

from domain import commands as c
from domain import program as rules
from domain.roles import Role

#: Fields a client never sends: who acts is the signed-in user; which command is the URL; the
#: proof is signed by the server.
SERVER_FIELDS = frozenset({"actor", "kind", "proof"})

#: Roles the domain does not name (e.g. an admin reassigning a task). Unknown commands need admin.
ROLE_OVERRIDES: dict[str, Role] = {"reassign": "admin"}


@dataclass(frozen=True)
class ProgramAction:
    kind: str
    """The command's ``kind`` (e.g. ``request_changes``)."""
    segment: str
    """The URL segment (e.g. ``request-changes``)."""
    command: type[BaseModel]
    body: type[BaseModel]
    role: Role
    owner_only: bool
    """Only the program's own specialist may do it (checked here and again in the workflow)."""
    summary: str

    def build(self, actor: str, fields: dict[str, Any]) -> BaseModel:
        """The domain command; raises pydantic's ``ValidationError`` on bad input."""
        return self.command.model_validate({**fields, "actor": actor, "kind": self.kind})


def _members() -> tuple[type[BaseModel], ...]:
    union = get_args(c.ProgramCommand)[0]
    return tuple(get_args(union))


def _role(command: type[BaseModel], kind: str) -> Role:
    if kind in ROLE_OVERRIDES:
        return ROLE_OVERRIDES[kind]
    if command in getattr(rules, "SPECIALIST_COMMANDS", ()):
        return "specialist"
    if command in getattr(rules, "APPROVER_COMMANDS", ()):
        return "approver"
    if command in getattr(rules, "TRAINEE_COMMANDS", ()):
        return "trainee"
    return "admin"


def body_model(command: type[BaseModel], name: str | None = None) -> type[BaseModel]:
    """The fields a client sends: all but ``actor`` and ``kind``; extra fields are refused."""
    fields: dict[str, Any] = {
        field_name: (info.annotation, info)
        for field_name, info in command.model_fields.items()
        if field_name not in SERVER_FIELDS
    }
    model: type[BaseModel] = create_model(
        name or f"{command.__name__}Body",
        __config__=ConfigDict(extra="forbid"),
        __doc__=(command.__doc__ or "").strip() or None,
        **fields,
    )
    return model


def _summary(command: type[BaseModel], kind: str) -> str:
    doc = (command.__doc__ or "").strip().splitlines()
    return doc[0] if doc else kind.replace("_", " ").capitalize()


def _build_actions() -> dict[str, ProgramAction]:
    actions: dict[str, ProgramAction] = {}
    for command in _members():
        kind = str(command.model_fields["kind"].default)
        role = _role(command, kind)
        actions[kind] = ProgramAction(
            kind=kind,
            segment=kind.replace("_", "-"),
            command=command,
            body=body_model(command),
            role=role,
            owner_only=role == "specialist",
            summary=_summary(command, kind),
        )
    return actions


ACTIONS: dict[str, ProgramAction] = _build_actions()
BY_SEGMENT: dict[str, ProgramAction] = {a.segment: a for a in ACTIONS.values()}

PlanBody = body_model(c.PlanProgram, "PlanProgramBody")
"""What a specialist sends to create a program; the specialist is the signed-in user."""


def actions_table() -> str:
    """The Markdown table of every action (docs/integrators.md carries it; a test keeps the two
    equal): HTTP segment, the ``act`` update's ``kind``, the role, and the body's fields."""
    lines = [
        "| HTTP `POST /api/v1/programs/{id}/…` | `act` update `kind` | role | fields |",
        "|---|---|---|---|",
    ]
    for action in sorted(ACTIONS.values(), key=lambda a: a.segment):
        fields = action.body.model_fields
        shown = ", ".join(
            f"`{name}`" if info.is_required() else f"`{name}`?" for name, info in fields.items()
        )
        role = f"{action.role} (own program)" if action.owner_only else action.role
        lines.append(f"| `{action.segment}` | `{action.kind}` | {role} | {shown or '—'} |")
    return "\n".join(lines) + "\n"
