"""The JSON API under ``/api/v1``: everything the command line does, with sign-in and roles.

Commands go through the same Temporal update as the command line (``ProgramClient``); reads come
from the read models. Every endpoint checks who is asking; the workflow checks again.
"""

from __future__ import annotations

import inspect
from datetime import date, datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Body, Header, HTTPException, Path, Query, Response, status
from pydantic import BaseModel, ConfigDict, Field, StrictBool

from accounts.users import ROLES, Role, UserError
from api.auth import CurrentPrincipal, ServicesDep, refuse, require_role
from api.errors import COMMON_RESPONSES, HTTP_422, NOT_FOUND, UNAVAILABLE, Problem
from api.kpis import KpiRow, kpi_rows, thresholds_in_force
from projections import queries
from services import programs as program_cases
from services import reads
from services.actions import ACTIONS, PlanBody, ProgramAction
from services.people import check_account_change
from services.programs import ActionOut
from workflows.program import stream_id_for

router = APIRouter(prefix="/api/v1", responses=COMMON_RESPONSES)

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
    timeline: list[TimelineEntryOut]


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

    position: int
    stream_id: str
    stream_version: int
    event_id: str
    event_type: str
    schema_version: int
    payload: dict[str, Any]
    metadata: dict[str, Any]
    occurred_at: datetime
    recorded_at: datetime
    prev_hash: str
    hash: str


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


class UserOut(BaseModel):
    username: str
    display_name: str
    roles: list[str]
    active: bool


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
    token_id: str
    username: str
    label: str
    created_at: datetime
    revoked_at: datetime | None
    expires_at: datetime | None = None
    roles: list[str] | None = None
    """The roles the token may use; null: all of its owner's."""


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


# ---------------------------------------------------------------------- helpers


# ---------------------------------------------------------------------- who am I


@router.get("/me", tags=["account"], summary="The signed-in user and their roles")
def me(principal: CurrentPrincipal) -> Me:
    user = principal.user
    return Me(username=user.username, display_name=user.display_name, roles=sorted(user.roles))


# ---------------------------------------------------------------------- programs


@router.get("/programs", tags=["programs"], summary="Programs the user may see")
def list_programs(
    principal: CurrentPrincipal,
    services: ServicesDep,
    specialist: PersonFilter = None,
    status_: Annotated[
        str | None, Query(alias="status", min_length=1, max_length=30, pattern=r"^[a-z_]+$")
    ] = None,
    period: PeriodFilter = None,
) -> list[ProgramOut]:
    rows = reads.visible_programs(
        services.database.engine,
        principal.user,
        specialist=specialist,
        status=status_,
        period=period,
    )
    return [ProgramOut.model_validate(r) for r in rows]


@router.post(
    "/programs",
    tags=["programs"],
    status_code=status.HTTP_201_CREATED,
    summary="Plan a new program (a draft); the signed-in specialist owns it",
    responses=CONFLICT | UNAVAILABLE,
)
async def plan_program(
    principal: CurrentPrincipal,
    services: ServicesDep,
    body: PlanBody,  # type: ignore[valid-type]
    idempotency_key: IdempotencyKey = None,
) -> ActionOut:
    fields = body.model_dump()  # type: ignore[attr-defined]
    return await program_cases.plan(services, principal.user, fields, idempotency_key)


@router.get(
    "/programs/{program_id}",
    tags=["programs"],
    summary="A program: summary, folded state and timeline",
    responses=NOT_FOUND,
)
def get_program(
    program_id: ProgramId, principal: CurrentPrincipal, services: ServicesDep
) -> ProgramDetail:
    summary = program_cases.load_program(services, principal.user, program_id)
    engine = services.database.engine
    state = reads.program_state(engine, program_id)
    entries = queries.program_timeline(engine, program_id)
    actors = {str(t["actor"]) for t in entries}
    visible = reads.summary_for(principal.user, summary, state, actors)
    return ProgramDetail(
        program=ProgramOut.model_validate(visible),
        state=reads.state_for(principal.user, summary, state, actors),
        timeline=[
            TimelineEntryOut.model_validate(t)
            for t in reads.timeline_for(principal.user, summary, state, entries)
        ],
    )


@router.get(
    "/programs/{program_id}/timeline",
    tags=["programs"],
    summary="A program's timeline: who did what, when",
    responses=NOT_FOUND,
)
def get_timeline(
    program_id: ProgramId, principal: CurrentPrincipal, services: ServicesDep
) -> list[TimelineEntryOut]:
    summary = program_cases.load_program(services, principal.user, program_id)
    state = reads.program_state(services.database.engine, program_id)
    rows = program_cases.readable_timeline(services, principal.user, summary, state)
    return [TimelineEntryOut.model_validate(t) for t in rows]


@router.get(
    "/programs/{program_id}/events",
    tags=["audit"],
    summary="A program's events exactly as logged, with metadata and hashes (auditors)",
)
def get_events(
    program_id: ProgramId, principal: CurrentPrincipal, services: ServicesDep
) -> list[LoggedEvent]:
    require_role(principal, "auditor", doing="reading the raw event log")
    rows = services.database.store.read_stream(stream_id_for(program_id))
    return [
        LoggedEvent(
            position=r.position,
            stream_id=r.stream_id,
            stream_version=r.stream_version,
            event_id=str(r.event_id),
            event_type=r.event_type,
            schema_version=r.schema_version,
            payload=r.payload,
            metadata=r.metadata,
            occurred_at=r.occurred_at,
            recorded_at=r.recorded_at,
            prev_hash=r.prev_hash,
            hash=r.hash,
        )
        for r in rows
    ]


def _action_endpoint(action: ProgramAction) -> Any:
    has_required = any(f.is_required() for f in action.body.model_fields.values())

    async def endpoint(
        program_id: ProgramId,
        principal: CurrentPrincipal,
        services: ServicesDep,
        body: Any = None,
        idempotency_key: IdempotencyKey = None,
    ) -> ActionOut:
        fields = body.model_dump() if body is not None else {}
        return await program_cases.act(
            services, principal.user, program_id, action, fields, idempotency_key
        )

    signature = inspect.signature(endpoint)
    annotation: Any = action.body if has_required else Annotated[action.body | None, Body()]
    params = [
        p.replace(annotation=annotation, default=inspect.Parameter.empty if has_required else None)
        if p.name == "body"
        else p
        for p in signature.parameters.values()
    ]
    endpoint.__signature__ = signature.replace(parameters=params)  # type: ignore[attr-defined]
    endpoint.__name__ = f"act_{action.kind}"
    return endpoint


for _action in ACTIONS.values():
    router.add_api_route(
        f"/programs/{{program_id}}/{_action.segment}",
        _action_endpoint(_action),
        methods=["POST"],
        tags=["program actions"],
        summary=_action.summary,
        description=(
            f"Needs the **{_action.role}** role"
            + (" and owning the program" if _action.owner_only else "")
            + ". The actor is the signed-in user; the workflow validates the action again "
            "(state, four-eyes, assignment) and a refusal records nothing."
        ),
        response_model=ActionOut,
        responses=NOT_FOUND | UNAVAILABLE,
        operation_id=f"program_{_action.kind}",
    )


# ---------------------------------------------------------------------- approvers


@router.get("/inbox", tags=["approvals"], summary="The signed-in approver's open tasks")
def inbox(
    principal: CurrentPrincipal,
    services: ServicesDep,
    overdue: Annotated[
        bool | None, Query(description="Only overdue (true) or on time (false).")
    ] = None,
) -> list[TaskOut]:
    require_role(principal, "approver", doing="reading an approval inbox")
    tasks = reads.inbox_for(
        services.database.engine, principal.username, services.settings.approval_due_days
    )
    if overdue is not None:
        tasks = [t for t in tasks if t["overdue"] is overdue]
    return [TaskOut.model_validate(t) for t in tasks]


# ---------------------------------------------------------------------- KPIs


@router.get("/kpi", tags=["kpi"], summary="Execution KPIs per specialist and quarter, rated")
def kpi(
    principal: CurrentPrincipal,
    services: ServicesDep,
    period: PeriodFilter = None,
    specialist: PersonFilter = None,
) -> list[KpiRow]:
    user = principal.user
    if not user.has("auditor"):
        require_role(principal, "specialist", doing="reading KPIs")
        if specialist not in (None, user.username):
            raise refuse(f"{user.username} may read only their own KPIs (auditors read all)")
        specialist = user.username
    report = queries.execution_report(
        services.database.engine, period=period, specialist=specialist
    )
    return kpi_rows(report, thresholds_in_force(services)[0])


# ---------------------------------------------------------------------- notifications


@router.get("/notifications", tags=["notifications"], summary="Notifications in the outbox")
def notifications(
    principal: CurrentPrincipal,
    services: ServicesDep,
    recipient: PersonFilter = None,
) -> list[NotificationOut]:
    if not principal.user.has("auditor"):
        if recipient not in (None, principal.username):
            raise refuse(f"{principal.username} may read only their own notifications")
        recipient = principal.username
    rows = services.database.outbox.list(recipient)
    return [NotificationOut.model_validate(r) for r in rows]


# ---------------------------------------------------------------------- audit


@router.get("/log/verify", tags=["audit"], summary="Verify the event log's hash chain")
def verify(principal: CurrentPrincipal, services: ServicesDep) -> VerifyOut:
    from eventlog.verify import verify_log

    require_role(principal, "auditor", doing="verifying the log")
    report = verify_log(services.database.store)
    return VerifyOut(
        ok=report.ok,
        checked=report.checked,
        last_position=report.last_position,
        last_hash=report.last_hash,
        problems=[
            ProblemOut(position=p.position, kind=p.kind, detail=p.detail) for p in report.problems
        ],
    )


@router.post(
    "/projections/rebuild",
    tags=["admin"],
    summary="Empty the read models and replay the whole log into them (admins)",
)
def rebuild(principal: CurrentPrincipal, services: ServicesDep) -> RebuildOut:
    require_role(principal, "admin", doing="rebuilding the read models")
    return RebuildOut(events=services.database.projector.rebuild())


# ---------------------------------------------------------------------- users and tokens


def _user_out(user: Any) -> UserOut:
    return UserOut(
        username=user.username,
        display_name=user.display_name,
        roles=sorted(user.roles),
        active=user.active,
    )


def _token_out(info: Any) -> TokenOut:
    return TokenOut(
        token_id=info.token_id,
        username=info.username,
        label=info.label,
        created_at=info.created_at,
        revoked_at=info.revoked_at,
        expires_at=info.expires_at,
        roles=list(info.roles) if info.roles is not None else None,
    )


@router.get("/users", tags=["admin"], summary="Every user and their roles (admins)")
def list_users(principal: CurrentPrincipal, services: ServicesDep) -> list[UserOut]:
    require_role(principal, "admin", doing="listing users")
    return [_user_out(u) for u in services.users.all_users()]


@router.post(
    "/users",
    tags=["admin"],
    status_code=status.HTTP_201_CREATED,
    summary="Create a user with roles (admins)",
    responses=CONFLICT,
)
def create_user(principal: CurrentPrincipal, services: ServicesDep, body: NewUser) -> UserOut:
    require_role(principal, "admin", doing="creating users")
    try:
        user = services.users.create_user(
            body.username, body.password, body.roles, body.display_name, actor=principal.username
        )
    except UserError as exc:
        code = status.HTTP_409_CONFLICT if "exists" in str(exc) else HTTP_422
        raise HTTPException(code, str(exc)) from exc
    return _user_out(user)


@router.patch(
    "/users/{username}",
    tags=["admin"],
    summary="Change a user's roles, password or whether they may sign in (admins)",
    responses=NOT_FOUND,
)
def change_user(
    username: Annotated[str, Path(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9._@-]+$")],
    principal: CurrentPrincipal,
    services: ServicesDep,
    body: UserChange,
) -> UserOut:
    require_role(principal, "admin", doing="changing users")
    users = services.users
    current = users.get(username)
    if current is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no user {username!r}")
    check_account_change(principal.user, username, current.roles, body.roles, body.active)
    try:
        actor = principal.username
        if body.roles is not None:
            users.set_roles(username, body.roles, actor=actor)
        if body.password is not None:
            users.set_password(username, body.password, actor=actor)
        if body.active is not None:
            users.set_active(username, body.active, actor=actor)
    except UserError as exc:
        raise HTTPException(HTTP_422, str(exc)) from exc
    found = users.get(username)
    assert found is not None
    return _user_out(found)


@router.get("/tokens", tags=["account"], summary="The signed-in user's API tokens")
def list_tokens(principal: CurrentPrincipal, services: ServicesDep) -> list[TokenOut]:
    return [_token_out(t) for t in services.users.list_tokens(principal.username)]


@router.post(
    "/tokens",
    tags=["account"],
    status_code=status.HTTP_201_CREATED,
    summary="Issue an API token for the signed-in user (its secret is shown once)",
)
def issue_token(principal: CurrentPrincipal, services: ServicesDep, body: NewToken) -> IssuedToken:
    expires = timedelta(days=body.expires_in_days)
    try:
        info, secret = services.users.issue_token(
            principal.username, body.label, expires, body.roles, actor=principal.username
        )
    except UserError as exc:
        raise refuse(str(exc)) from exc
    return IssuedToken(**_token_out(info).model_dump(), token=secret)


@router.delete(
    "/tokens/{token_id}",
    tags=["account"],
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Revoke an API token (your own; admins any)",
    responses=NOT_FOUND,
)
def revoke_token(
    token_id: Annotated[str, Path(min_length=1, max_length=32, pattern=r"^[0-9a-f]+$")],
    principal: CurrentPrincipal,
    services: ServicesDep,
) -> Response:
    owner = None if principal.user.has("admin") else principal.username
    if not services.users.revoke_token(token_id, owner, actor=principal.username):
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no active token {token_id!r} of yours")
    return Response(status_code=status.HTTP_204_NO_CONTENT)
