"""Programs over JSON: list, plan, read, timeline, raw events, and one route per action."""

from __future__ import annotations

import inspect
from typing import Annotated, Any

from fastapi import APIRouter, Body, Query, Request, Response, status

from api.dependencies import CurrentPrincipal, ServicesDep, request_language, require_role
from api.errors import COMMON_RESPONSES, NOT_FOUND, UNAVAILABLE
from api.rest.schemas import (
    CONFLICT,
    IdempotencyKey,
    LoggedEvent,
    PeriodFilter,
    PersonFilter,
    ProgramDetail,
    ProgramId,
    ProgramOut,
    TimelineEntryOut,
    TraineeOut,
    TraineePageOut,
)
from domain.state import ProgramStatus
from services import programs as program_cases
from services import reads, roster_reads
from services.action_warnings import said_in
from services.actions import ACTIONS, PlanBody, ProgramAction
from services.programs import ActionOut
from workflows.program import stream_id_for

router = APIRouter(prefix="/api/v1", responses=COMMON_RESPONSES)


@router.get("/programs", tags=["programs"], summary="Programs the user may see")
def list_programs(
    principal: CurrentPrincipal,
    services: ServicesDep,
    specialist: PersonFilter = None,
    status_: Annotated[ProgramStatus | None, Query(alias="status")] = None,
    period: PeriodFilter = None,
) -> list[ProgramOut]:
    rows = reads.visible_programs(
        services.database.engine,
        principal.user,
        specialist=specialist,
        status=None if status_ is None else status_.value,
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
    summary="A program: summary, folded state and its newest 200 timeline lines",
    responses=NOT_FOUND,
)
def get_program(
    program_id: ProgramId,
    principal: CurrentPrincipal,
    services: ServicesDep,
    before: Annotated[
        int | None,
        Query(ge=1, le=2**62, description="Only timeline lines before this position."),
    ] = None,
) -> ProgramDetail:
    read = program_cases.read_program(services, principal.user, program_id, before)
    summary, state, actors = read.summary, read.state, set(read.actors)
    visible = reads.summary_for(principal.user, summary, state, actors)
    shown, listed = roster_reads.bounded_state(
        reads.state_for(principal.user, summary, state, actors)
    )
    return ProgramDetail(
        program=ProgramOut.model_validate(visible),
        state=shown,
        timeline=[
            TimelineEntryOut.model_validate(t)
            for t in reads.timeline_for(principal.user, summary, state, read.timeline, actors)
        ],
        timeline_older=read.older,
        people_listed=listed,
    )


@router.get(
    "/programs/{program_id}/trainees",
    tags=["programs"],
    summary="A program's people, a page at a time: what each did (a trainee: only themselves)",
    responses=NOT_FOUND,
)
def get_trainees(
    program_id: ProgramId,
    principal: CurrentPrincipal,
    services: ServicesDep,
    after: PersonFilter = None,
    limit: Annotated[
        int, Query(ge=1, le=roster_reads.MAX_PEOPLE_PAGE, description="People a page.")
    ] = roster_reads.PEOPLE_PAGE,
) -> TraineePageOut:
    """The people whose ids sort after ``after``, ``limit`` at most, in the order of their ids;
    ``next_after`` names where the next page starts."""
    read = program_cases.read_program(services, principal.user, program_id, with_timeline=False)
    state = reads.state_for(principal.user, read.summary, read.state, set(read.actors))
    page = roster_reads.trainee_page(state, after=after, limit=limit)
    return TraineePageOut(
        trainees=[TraineeOut.model_validate(row) for row in page.trainees],
        total=page.total,
        next_after=page.next_after,
    )


#: A page of the timeline: lines before a position (the first of the page read last). Bounded
#: as the log's positions are (a larger number would be a 500 on SQLite, not a 422).
Before = Annotated[
    int | None,
    Query(
        ge=1,
        le=2**62,
        description="Only lines before this position (older ones), newest 200 first.",
    ),
]


@router.get(
    "/programs/{program_id}/timeline",
    tags=["programs"],
    summary="A program's timeline, 200 lines a page: who did what, when",
    responses=NOT_FOUND,
)
def get_timeline(
    program_id: ProgramId,
    principal: CurrentPrincipal,
    services: ServicesDep,
    response: Response,
    before: Before = None,
) -> list[TimelineEntryOut]:
    """The newest 200 lines (``before``: those before a position), oldest first, as the reader
    may see them; the ``Timeline-Older`` header names the position to ask ``before`` for the
    page before (absent: none older; a trainee's page may hold fewer lines than 200)."""
    read = program_cases.read_program(services, principal.user, program_id, before)
    if read.older is not None:
        response.headers["Timeline-Older"] = str(read.older)
    rows = reads.timeline_for(
        principal.user, read.summary, read.state, read.timeline, set(read.actors)
    )
    return [TimelineEntryOut.model_validate(t) for t in rows]


#: Raw events a page: a 50,000-trainee program's stream holds 100,000 and more.
EVENTS_PAGE = 1000


@router.get(
    "/programs/{program_id}/events",
    tags=["audit"],
    summary="A program's events exactly as logged, with metadata and hashes (auditors), "
    "1,000 a page",
)
def get_events(
    program_id: ProgramId,
    principal: CurrentPrincipal,
    services: ServicesDep,
    after_version: Annotated[
        int,
        Query(
            ge=0, le=2**31 - 1, description="Only events after this stream version (the last read)."
        ),
    ] = 0,
    limit: Annotated[int, Query(ge=1, le=EVENTS_PAGE, description="Events a page.")] = EVENTS_PAGE,
) -> list[LoggedEvent]:
    """The stream's events after ``after_version``, ``limit`` at most, in order; fewer than
    ``limit`` means the end of the stream."""
    require_role(principal, "auditor", doing="reading the raw event log")
    rows = services.database.store.read_stream(
        stream_id_for(program_id), after_version, limit=limit
    )
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
        request: Request,
        program_id: ProgramId,
        principal: CurrentPrincipal,
        services: ServicesDep,
        body: Any = None,
        idempotency_key: IdempotencyKey = None,
    ) -> ActionOut:
        fields = body.model_dump() if body is not None else {}
        done = await program_cases.act(
            services, principal.user, program_id, action, fields, idempotency_key
        )
        said = said_in(done.warnings, request_language(request))
        return done.model_copy(update={"warnings": said})

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
