"""The specialist's programs: list, plan, revise, the program page and its actions."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from api.dependencies import CurrentPrincipal, Principal, Services, ServicesDep, require_role
from api.errors import HTTP_422, describe_errors
from api.kpis import Shown
from api.languages import N_
from api.pages.charts import lifecycle_chart
from api.pages.forms import (
    SESSION_ROWS,
    SPLIT,
    extra_values,
    form_to_fields,
    plan_extras,
    sessions_from,
    typed_text,
)
from api.pages.kpi import behind_kpi
from api.pages.people import pending_scores, people_on_page
from api.pages.rendering import FORM_ERRORS, language, message_of, redirect, render, status_for
from api.translator import translator
from domain.fact_rules import DEFAULT_ENTRY_WINDOW_DAYS
from domain.scorecards import Scope
from domain.state import ProgramStatus
from eventlog.records import RecordedEvent
from projections import queries
from services import programs as program_cases
from services import reads
from services.actions import BY_SEGMENT, PlanBody, ProgramAction
from services.approval_route import route_steps
from services.errors import Invalid, NotFound
from services.lifecycle import program_milestones
from services.program_checks import MIN_SESSION_HOURS
from services.zones import zone_named
from workflows.program import stream_id_for

router = APIRouter(include_in_schema=False)

NOBODY_TICKED = N_(
    'tick who attended, or tick "Nobody attended" to record that no one came; nothing was recorded'
)
NOBODY_AND_NAMES = N_(
    '"Nobody attended" is ticked beside the people who attended: untick one; nothing was recorded'
)


@router.get("/programs", response_class=HTMLResponse)
def programs_page(
    request: Request,
    principal: CurrentPrincipal,
    services: ServicesDep,
    specialist: Annotated[str | None, Query(max_length=100)] = None,
    period: Annotated[str | None, Query(pattern=r"^(\d{4}-Q[1-4])?$")] = None,
    kpi: Annotated[str | None, Query(max_length=50)] = None,
    scope: Scope | None = None,
    name: Annotated[str | None, Query(max_length=100)] = None,
    subject: Annotated[str, Query(max_length=200)] = "",
    status_: Annotated[str, Query(alias="status", max_length=50)] = "",
) -> Response:
    """Everyone's visible programs, filtered; ``kpi``/``scope``/``name``/``period`` (and
    ``subject``) keep exactly the programs behind that number of a scorecard."""
    wanted = status_ or None
    if wanted is not None and wanted not in {s.value for s in ProgramStatus}:
        # a mistyped filter is said, never "no programs yet"
        raise Invalid("error.unknown_status_filter", status=wanted)
    engine = services.database.engine
    behind: Shown | None = None
    if kpi:
        behind, ids = behind_kpi(
            services, principal, kpi, scope, name, period, subject, language(request)
        )
        # Not filtered by period: a resource KPI counts sessions held in the quarter.
        rows = reads.visible_programs(engine, principal.user, status=wanted)
        rows = [r for r in rows if r["program_id"] in ids]
    else:
        rows = reads.visible_programs(
            engine,
            principal.user,
            specialist=specialist or None,
            period=period or None,
            status=wanted,
        )
    return render(
        request,
        "programs.html",
        principal,
        programs=rows,
        specialist=specialist or "",
        period=period or "",
        status=wanted or "",
        behind=behind,
        drilled={"scope": scope or "", "name": name or "", "period": period or ""},
    )


@router.get("/programs/new", response_class=HTMLResponse)
def new_program_page(
    request: Request, principal: CurrentPrincipal, services: ServicesDep
) -> Response:
    require_role(principal, "specialist", doing="planning a program")
    return _new_form(request, principal, {}, None, 200)


def _new_form(
    request: Request,
    principal: Principal,
    values: dict[str, Any],
    error: str | None,
    status_code: int,
    revise: str | None = None,
) -> Response:
    return render(
        request,
        "program_new.html",
        principal,
        status_code=status_code,
        values=values,
        error=error,
        revise=revise,
        rows=range(1, SESSION_ROWS + 1),
        min_hours=MIN_SESSION_HOURS,
        extras=plan_extras(BY_SEGMENT["revise"].body if revise else PlanBody),
        approvers_required=PlanBody.model_fields["approvers"].is_required()
        if "approvers" in PlanBody.model_fields
        else False,
    )


@router.post("/programs/new")
async def create_program_page(
    request: Request, principal: CurrentPrincipal, services: ServicesDep
) -> Response:
    require_role(principal, "specialist", doing="planning a program")
    form = await request.form()
    values = {k: str(v) for k, v in form.items() if k != "csrf_token"}
    zone_name = values.get("timezone", "").strip()
    if not zone_name:  # never a zone the planner did not choose
        missing = [{"type": "missing", "loc": ("timezone",), "msg": "Field required"}]
        refusal = describe_errors(missing, language(request))
        return _new_form(request, principal, values, refusal, HTTP_422)
    fields: dict[str, Any] = {
        "program_id": values.get("program_id", "").strip(),
        "title": typed_text(values.get("title", "")),
        "planned_date": values.get("planned_date", "").strip(),
        "timezone": zone_name,
        "trainees": [p for p in SPLIT.split(values.get("trainees", "")) if p],
    }
    approvers = [p for p in SPLIT.split(values.get("approvers", "")) if p]
    if (
        approvers
        or "approvers" not in PlanBody.model_fields
        or (PlanBody.model_fields["approvers"].is_required())
    ):
        fields["approvers"] = approvers
    if values.get("evaluation_window_days", "").strip():
        fields["evaluation_window_days"] = values["evaluation_window_days"].strip()
    fields.update(extra_values(PlanBody, values))
    try:
        fields["sessions"] = sessions_from(values, zone_named(zone_name))
        body = PlanBody.model_validate(fields)
        await program_cases.plan(services, principal.user, body.model_dump())
    except FORM_ERRORS as exc:
        return _new_form(request, principal, values, message_of(exc, request), status_for(exc))
    return redirect(f"/programs/{quote(fields['program_id'])}")


@router.get("/programs/{program_id}/edit", response_class=HTMLResponse)
def revise_form(
    request: Request, program_id: str, principal: CurrentPrincipal, services: ServicesDep
) -> Response:
    """The plan, filled in, for a draft or a program sent back for changes."""
    require_role(principal, "specialist", doing="revising a program")
    program_cases.load_program(services, principal.user, program_id)
    state = reads.program_state(services.database.engine, program_id)
    zone = zone_named(str(state.get("timezone", "UTC")))
    values: dict[str, Any] = {
        "title": state.get("title", ""),
        "planned_date": state.get("planned_date", ""),
        "trainees": "\n".join(state.get("trainees") or ()),
        "approvers": ", ".join(state.get("approvers") or ()),
    }
    sessions = sorted(
        (x for x in (state.get("sessions") or {}).values() if isinstance(x, dict)),
        key=lambda x: str(x.get("starts_at", "")),
    )
    for n, session in enumerate(sessions[:SESSION_ROWS], start=1):
        starts = datetime.fromisoformat(str(session["starts_at"])).astimezone(zone)
        values[f"session_id_{n}"] = session.get("session_id", "")
        values[f"starts_at_{n}"] = starts.strftime("%Y-%m-%dT%H:%M")
        values[f"hours_{n}"] = session.get("duration_hours", "")
    for extra in plan_extras(BY_SEGMENT["revise"].body):
        value = state.get(extra["name"])
        values[extra["name"]] = (
            value if extra["shape"] == "bool" else ("" if value is None else value)
        )
    return _new_form(request, principal, values, None, 200, revise=program_id)


@router.post("/programs/{program_id}/edit")
async def revise_program_page(
    request: Request, program_id: str, principal: CurrentPrincipal, services: ServicesDep
) -> Response:
    action = BY_SEGMENT["revise"]
    form = await request.form()
    values = {k: str(v) for k, v in form.items() if k != "csrf_token"}
    state = reads.program_state(services.database.engine, program_id)
    zone = zone_named(str(state.get("timezone", "UTC")))
    try:
        fields: dict[str, Any] = {
            "title": typed_text(values.get("title", "")),
            "planned_date": values.get("planned_date", "").strip(),
            "trainees": [p for p in SPLIT.split(values.get("trainees", "")) if p],
            "approvers": [p for p in SPLIT.split(values.get("approvers", "")) if p],
            "sessions": sessions_from(values, zone),
            "comment": values.get("comment", "").strip(),
            **extra_values(action.body, values),
        }
        fields = {k: v for k, v in fields.items() if k in action.body.model_fields}
        await program_cases.act(services, principal.user, program_id, action, fields)
    except FORM_ERRORS as exc:
        if isinstance(exc, NotFound):
            raise
        return _new_form(
            request, principal, values, message_of(exc, request), status_for(exc), revise=program_id
        )
    return redirect(f"/programs/{quote(program_id)}")


def program_page(
    request: Request,
    principal: Principal,
    services: Services,
    program_id: str,
    *,
    template: str = "program.html",
    error: str | None = None,
    status_code: int = 200,
    now: datetime | None = None,
    before: int | None = None,
    events_before: int | None = None,
    **extra: Any,
) -> Response:
    """A program as ``principal`` may see it; ``now`` is the programs' clock (a session not
    started by then offers no attendance form: the workflow would refuse it)."""
    now = now or datetime.now(UTC)
    read = program_cases.read_program(services, principal.user, program_id, before)
    engine = services.database.engine
    summary, state, actors = read.summary, read.state, set(read.actors)
    timeline = reads.timeline_for(principal.user, summary, state, read.timeline, actors)
    sees_all = reads.sees_scores(principal.user, summary, state, actors)
    reminders = reads.upcoming_reminders(state, now) if sees_all else []
    facts_for_decision = reads.decision_facts(engine, summary, state) if sees_all else {}
    zone = zone_named(str(state.get("timezone", "UTC")))
    chart = lifecycle_chart(
        program_milestones(services.database.store, program_id, state, zone),
        zone,
        now,
    )
    route = route_steps(state) if sees_all else []  # a trainee never sees who approves
    state, summary = (
        reads.state_for(principal.user, summary, state, actors),
        reads.summary_for(principal.user, summary, state, actors),
    )
    auditor = principal.user.has("auditor")
    events = newest_events(services, program_id, events_before) if auditor else []
    sessions = sorted(
        (s for s in (state.get("sessions") or {}).values() if isinstance(s, dict)),
        key=lambda s: str(s.get("starts_at", "")),
    )
    not_started = {
        str(s.get("session_id")) for s in sessions if starts_after(s.get("starts_at"), now)
    }
    completed = set(state.get("completed_sessions") or ())
    attendance = state.get("attendance") or {}
    enrolled = list(state.get("enrolled") or ())
    pending = pending_scores(state)
    people = people_on_page(enrolled, attendance, state, pending)
    owner = summary["specialist"] == principal.username and principal.user.has("specialist")
    facts = state.get("fact_rules") or {}
    return render(
        request,
        template,
        principal,
        status_code=status_code,
        program=summary,
        state=state,
        sessions=sessions,
        completed=completed,
        not_started=not_started,
        attendance=attendance,
        pending=pending,
        entry_window_days=facts.get("entry_window_days", DEFAULT_ENTRY_WINDOW_DAYS),
        enrolled=enrolled,
        people=people,
        timeline=timeline,
        timeline_older=read.older,
        timeline_before=before,
        events_before=events_before,
        events_older=events[0].stream_version if events and events[0].stream_version > 1 else None,
        events=events,
        owner=owner,
        reminders=reminders,
        decision=facts_for_decision,
        lifecycle=chart,
        route=route,
        error=error,
        **extra,
    )


#: Raw events an auditor's program page shows: the newest (the API pages through the rest).
PAGE_EVENTS = 200


def newest_events(
    services: Services, program_id: str, before: int | None = None
) -> list[RecordedEvent]:
    """The newest raw events of the program's stream (``before``: those before that stream
    version), oldest of them first."""
    store, stream = services.database.store, stream_id_for(program_id)
    upper = store.stream_version(stream) if before is None else before - 1
    return store.read_stream(stream, max(0, upper - PAGE_EVENTS), up_to_version=upper)


@router.get("/programs/{program_id}", response_class=HTMLResponse)
async def program_detail(
    request: Request,
    program_id: str,
    principal: CurrentPrincipal,
    services: ServicesDep,
    before: Annotated[int | None, Query(ge=1, le=2**62)] = None,
    events_before: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
) -> Response:
    now = await services.now()
    return await asyncio.to_thread(
        program_page,
        request,
        principal,
        services,
        program_id,
        now=now,
        before=before,
        events_before=events_before,
    )


def starts_after(starts_at: object, now: datetime) -> bool:
    """A session's start (as the state keeps it, ISO 8601) is later than ``now``."""
    try:
        return datetime.fromisoformat(str(starts_at)) > now
    except ValueError:
        return False


@router.post("/programs/{program_id}/{segment}")
async def program_action(
    request: Request,
    program_id: str,
    segment: str,
    principal: CurrentPrincipal,
    services: ServicesDep,
) -> Response:
    action: ProgramAction | None = BY_SEGMENT.get(segment)
    if action is None:
        raise NotFound("error.no_action", segment=segment)
    form = await request.form()
    ticked, nobody = bool(form.getlist("attendees")), bool(form.get("nobody"))
    if segment == "attendance" and ticked == nobody:
        # An empty form is more often a slip than a session nobody came to, and "Nobody
        # attended" beside a name says two things: say so first, recording nothing.
        said = NOBODY_TICKED if not ticked else NOBODY_AND_NAMES
        return program_page(
            request,
            principal,
            services,
            program_id,
            error=translator(language(request))(said),
            status_code=HTTP_422,
            now=await services.now(),
        )
    summary = queries.program_summary(services.database.engine, program_id)
    zone = zone_named(str(summary.get("timezone", "UTC"))) if summary else None
    try:
        fields = form_to_fields(action.body, form, zone)
        await program_cases.act(services, principal.user, program_id, action, fields)
    except FORM_ERRORS as exc:
        if isinstance(exc, NotFound):
            raise
        return program_page(
            request,
            principal,
            services,
            program_id,
            error=message_of(exc, request),
            status_code=status_for(exc),
            now=await services.now(),
        )
    return redirect(f"/programs/{quote(program_id)}")
