"""Server-rendered pages (Jinja2): approvers' inbox and task page, specialists' programs and KPI
dashboard, auditors' timelines and log verification, admins' users (trainees' own pages are in
``api.trainee_pages``). No JavaScript is needed.

Every page reuses the JSON API's own checks (``api.rest``), so a page can never do more than the
API would let the same person do.
"""

from __future__ import annotations

import re
import secrets
import types
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Annotated, Any, Union, get_args, get_origin
from urllib.parse import quote
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from fastapi import APIRouter, Form, HTTPException, Query, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from markdown_it import MarkdownIt
from markupsafe import Markup
from pydantic import ValidationError
from starlette.datastructures import FormData

from accounts.users import ROLES, UserError
from api.auth import (
    LANG_COOKIE,
    LOGIN_COOKIE,
    SESSION_COOKIE,
    CurrentPrincipal,
    OptionalPrincipal,
    Principal,
    ServicesDep,
    get_services,
    refuse,
    require_role,
)
from api.errors import HTTP_422, describe_errors
from api.i18n import LANGUAGES, negotiate, translator
from api.kpis import (
    KPI_NAMES,
    SCOPES,
    KpiRow,
    Shown,
    dashboard,
    drill_down,
    kpi_rows,
    shown,
    thresholds_in_force,
)
from api.services import Services
from domain.fact_rules import DEFAULT_ENTRY_WINDOW_DAYS
from domain.scorecards import LABELS, Scope
from projections import kpi_queries, queries
from services import programs as program_cases
from services import reads
from services.actions import BY_SEGMENT, PlanBody, ProgramAction
from services.errors import (
    Conflict,
    Forbidden,
    NotFound,
    ServiceError,
    TemporalTimeout,
    TemporalUnavailable,
)
from services.people import check_account_change
from services.program_client import ActionRefused
from workflows.program import stream_id_for

HERE = Path(__file__).parent
templates = Jinja2Templates(directory=str(HERE / "templates"))
router = APIRouter(include_in_schema=False)

SESSION_ROWS = 5
#: What a task page's buttons ask for, as program actions (shown when the domain has them).
DECISIONS = {
    "approve": "approve",
    "reject": "reject",
    "request_changes": "request-changes",
    "claim": "claim",
    "unclaim": "unclaim",
    "delegate": "delegate",
    "resolve": "resolve",
}
SPLIT = re.compile(r"[\s,;，；]+")


# ---------------------------------------------------------------------- rendering


def language(request: Request) -> str:
    return negotiate(request.cookies.get(LANG_COOKIE), request.headers.get("accept-language"))


def render(
    request: Request,
    template: str,
    principal: Principal | None,
    status_code: int = 200,
    **context: Any,
) -> HTMLResponse:
    lang = language(request)
    return templates.TemplateResponse(
        request,
        template,
        {
            "principal": principal,
            "user": principal.user if principal else None,
            "csrf": principal.csrf_token if principal else "",
            "lang": lang,
            "languages": LANGUAGES,
            "t": translator(lang),
            "here": request.url.path + (f"?{request.url.query}" if request.url.query else ""),
            **context,
        },
        status_code=status_code,
    )


def render_error(request: Request, code: int, message: str) -> Response:
    principal: Principal | None = None
    cookie = request.cookies.get(SESSION_COOKIE)
    services: Services = get_services(request)
    if cookie:
        session = services.users.session(cookie)
        if session is not None:
            principal = Principal(session.user, "session", session.csrf_token)
    titles = {
        403: "Not allowed",
        404: "Not found",
        422: "Invalid input",
        503: "Temporal is unavailable",
    }
    return render(
        request,
        "error.html",
        principal,
        status_code=code,
        code=code,
        title=titles.get(code, "Error"),
        message=message,
    )


def redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status.HTTP_303_SEE_OTHER)


def local_path(target: str | None, default: str = "/") -> str:
    """Only same-site paths: never an open redirect."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    return target


def home_for(principal: Principal) -> str:
    user = principal.user
    if user.has("approver") and not user.has("specialist"):
        return "/inbox"
    if user.has("specialist"):
        return "/programs"
    if user.has("auditor"):
        return "/audit"
    if user.has("admin"):
        return "/admin/users"
    if user.has("trainee"):
        return "/my/trainings"
    return "/account"


def set_cookie(response: Response, services: Services, name: str, value: str, **kw: Any) -> None:
    response.set_cookie(
        name,
        value,
        httponly=True,
        secure=services.settings.api_cookie_secure,
        samesite="lax",
        path="/",
        **kw,
    )


# ---------------------------------------------------------------------- sign-in


@router.get("/", response_class=HTMLResponse)
def index(principal: OptionalPrincipal) -> Response:
    if principal is None:
        return redirect("/login")
    return redirect(home_for(principal))


@router.get("/login", response_class=HTMLResponse)
def login_form(
    request: Request, services: ServicesDep, next: str | None = None, failed: bool = False
) -> Response:
    nonce = secrets.token_urlsafe(16)
    response = render(
        request,
        "login.html",
        None,
        status_code=401 if failed else 200,
        next=local_path(next, ""),
        login_csrf=services.login_csrf(nonce),
        failed=failed,
    )
    set_cookie(response, services, LOGIN_COOKIE, nonce, max_age=3600)
    return response


@router.post("/login")
def login(
    request: Request,
    services: ServicesDep,
    username: Annotated[str, Form(max_length=100)] = "",
    password: Annotated[str, Form(max_length=1024)] = "",
    csrf_token: Annotated[str, Form(max_length=500)] = "",
    next: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    if not services.check_login_csrf(csrf_token, request.cookies.get(LOGIN_COOKIE, "")):
        raise HTTPException(
            status.HTTP_403_FORBIDDEN, "the sign-in form expired: reload the page and try again"
        )
    keys = (
        f"user:{username.strip().casefold()}",
        f"ip:{request.client.host if request.client else ''}",
    )
    wait = services.throttle.wait_seconds(*keys)
    if wait > 0:
        raise HTTPException(
            status.HTTP_429_TOO_MANY_REQUESTS,
            f"too many failed sign-ins: try again in {int(wait // 60) + 1} minutes",
        )
    user = services.users.authenticate(username.strip(), password)
    if user is None:
        services.throttle.failed(*keys)
        return redirect("/login?failed=true" + (f"&next={quote(next)}" if next else ""))
    services.throttle.succeeded(*keys)
    hours = services.settings.api_session_hours
    secret, session = services.users.start_session(user.username, timedelta(hours=hours))
    principal = Principal(user, "session", session.csrf_token)
    response = redirect(local_path(next, home_for(principal)))
    set_cookie(response, services, SESSION_COOKIE, secret, max_age=int(hours * 3600))
    response.delete_cookie(LOGIN_COOKIE, path="/")
    return response


@router.post("/logout")
def logout(request: Request, principal: CurrentPrincipal, services: ServicesDep) -> Response:
    services.users.end_session(request.cookies.get(SESSION_COOKIE, ""))
    response = redirect("/login")
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/lang/{code}")
def switch_language(code: str, services: ServicesDep, next: str | None = None) -> Response:
    if code not in LANGUAGES:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no language {code!r}")
    response = redirect(local_path(next))
    response.set_cookie(
        LANG_COOKIE,
        code,
        max_age=3600 * 24 * 365,
        secure=services.settings.api_cookie_secure,
        samesite="lax",
        path="/",
    )
    return response


# ---------------------------------------------------------------------- approvers


@router.get("/inbox", response_class=HTMLResponse)
def inbox_page(
    request: Request,
    principal: CurrentPrincipal,
    services: ServicesDep,
    q: str = "",
    due: str = "all",
) -> Response:
    require_role(principal, "approver", doing="reading an approval inbox")
    tasks = reads.inbox_for(
        services.database.engine, principal.username, services.settings.approval_due_days
    )
    if due == "overdue":
        tasks = [t for t in tasks if t["overdue"]]
    elif due == "ontime":
        tasks = [t for t in tasks if not t["overdue"]]
    needle = q.strip().lower()
    if needle:
        tasks = [
            t
            for t in tasks
            if needle in f"{t['program_id']} {t['title']} {t['specialist']}".lower()
        ]
    return render(request, "inbox.html", principal, tasks=tasks, q=q, due=due)


def _task(services: Services, principal: Principal, task_id: str) -> dict[str, Any] | None:
    tasks = reads.inbox_for(
        services.database.engine, principal.username, services.settings.approval_due_days
    )
    return next((t for t in tasks if t["task_id"] == task_id), None)


@router.get("/tasks/{task_id}", response_class=HTMLResponse)
def task_detail(
    request: Request, task_id: str, principal: CurrentPrincipal, services: ServicesDep
) -> Response:
    return task_page(request, task_id, principal, services)


def task_page(
    request: Request,
    task_id: str,
    principal: Principal,
    services: Services,
    error: str | None = None,
    status_code: int = 200,
) -> Response:
    require_role(principal, "approver", doing="deciding on approval tasks")
    task = _task(services, principal, task_id)
    if task is None:
        raise HTTPException(
            status.HTTP_404_NOT_FOUND,
            f"task {task_id!r} is not open in {principal.username}'s inbox (decided or withdrawn?)",
        )
    return program_page(
        request,
        principal,
        services,
        task["program_id"],
        template="task.html",
        task=task,
        can={d for d, seg in DECISIONS.items() if seg in BY_SEGMENT},
        error=error,
        status_code=status_code,
    )


@router.post("/tasks/{task_id}")
async def decide_task(
    request: Request,
    task_id: str,
    principal: CurrentPrincipal,
    services: ServicesDep,
) -> Response:
    require_role(principal, "approver", doing="deciding on approval tasks")
    form = await request.form()
    decision = str(form.get("decision", ""))
    comment = str(form.get("comment", "")).strip()
    task = _task(services, principal, task_id)
    if task is None:
        raise HTTPException(
            status.HTTP_404_NOT_FOUND, f"task {task_id!r} is not open in your inbox"
        )
    segment = DECISIONS.get(decision)
    action = BY_SEGMENT.get(segment or "")
    if action is None:
        raise HTTPException(HTTP_422, "choose a decision")
    offered = {
        "comment": comment,
        "reason": comment,
        "to": str(form.get("to", "")).strip(),
        "task_id": task_id,
    }
    fields = {k: v for k, v in offered.items() if k in action.body.model_fields}
    try:
        await program_cases.act(services, principal.user, task["program_id"], action, fields)
    except (ActionRefused, ValidationError, HTTPException, ServiceError) as exc:
        return task_page(
            request,
            task_id,
            principal,
            services,
            error=message_of(exc),
            status_code=status_for(exc),
        )
    return redirect("/inbox")


def message_of(exc: Exception) -> str:
    """Why an action was not taken, in words for the person who asked."""
    if isinstance(exc, ValidationError):
        return describe_errors(exc.errors())
    if isinstance(exc, HTTPException):
        return str(exc.detail)
    if isinstance(exc, ServiceError):
        return str(exc)
    if isinstance(exc, ActionRefused):
        return f"refused: {exc}"
    return str(exc)


def status_for(exc: Exception) -> int:
    """The HTTP status a page answers a refused or failed action with."""
    if isinstance(exc, ValidationError):
        return 422
    if isinstance(exc, HTTPException):
        return exc.status_code
    if isinstance(exc, Conflict):
        return 409
    if isinstance(exc, TemporalUnavailable):
        return 503
    if isinstance(exc, TemporalTimeout):
        return 504
    return 403


# ---------------------------------------------------------------------- programs


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
) -> Response:
    """Everyone's visible programs, filtered; ``kpi``/``scope``/``name``/``period`` (and
    ``subject``) keep exactly the programs behind that number of a scorecard."""
    wanted = request.query_params.get("status") or None
    engine = services.database.engine
    behind: Shown | None = None
    if kpi:
        behind, ids = _behind(services, principal, kpi, scope, name, period, subject)
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


def zone_named(name: str) -> ZoneInfo:
    """The program's time zone; UTC for a name this machine does not know."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def _unwrap(annotation: Any) -> Any:
    while get_origin(annotation) is Annotated:
        annotation = get_args(annotation)[0]
    if get_origin(annotation) in (Union, types.UnionType):
        args = [a for a in get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            return _unwrap(args[0])
    return annotation


def _shape(annotation: Any) -> str:
    inner = _unwrap(annotation)
    origin = get_origin(inner)
    if origin in (tuple, list, set, frozenset):
        return "list"
    if origin is dict:
        return "dict"
    if inner is bool:
        return "bool"
    return "scalar"


def form_to_fields(body: type[Any], form: FormData, zone: ZoneInfo | None = None) -> dict[str, Any]:
    """A page's form as the action's JSON body: lists from repeated fields or text split on
    commas and new lines, dicts from ``name.key`` fields, empty optional fields left out."""
    fields: dict[str, Any] = {}
    for name, info in body.model_fields.items():
        shape = _shape(info.annotation)
        if shape == "list":
            values = [str(v) for v in form.getlist(name)]
            if len(values) == 1:
                values = [v for v in SPLIT.split(values[0]) if v]
            items = [v.strip() for v in values if v.strip()]
            if items or info.is_required() or name in form:
                fields[name] = items
        elif shape == "dict":
            prefix = f"{name}."
            found = {
                key[len(prefix) :]: str(value).strip()
                for key, value in form.multi_items()
                if key.startswith(prefix) and str(value).strip()
            }
            if found or info.is_required():
                fields[name] = found
        elif shape == "bool":
            fields[name] = form.get(name) in ("on", "true", "1", "yes")
        else:
            raw = form.get(name)
            value = str(raw).strip() if raw is not None else ""
            if value or info.is_required():
                if zone is not None and _unwrap(info.annotation) is datetime and value:
                    value = _localise(value, zone)
                fields[name] = value
    return fields


def _localise(value: str, zone: ZoneInfo) -> str:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return value
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone)
    return moment.isoformat()


EXPLICIT_PLAN_FIELDS = {
    "comment",
    "program_id",
    "title",
    "planned_date",
    "timezone",
    "approvers",
    "trainees",
    "sessions",
    "evaluation_window_days",
}


def _plan_extras(model: type[Any] = PlanBody) -> list[dict[str, Any]]:
    """Plan fields the form does not know by name (a newer domain's), shown as plain inputs."""
    extras = []
    for name, info in model.model_fields.items():
        if name in EXPLICIT_PLAN_FIELDS:
            continue
        shape = _shape(info.annotation)
        if shape in ("scalar", "bool"):
            extras.append({"name": name, "shape": shape, "required": info.is_required()})
    return extras


def _sessions_from(values: dict[str, str], zone: ZoneInfo) -> list[dict[str, Any]]:
    sessions = []
    for n in range(1, SESSION_ROWS + 1):
        sid = values.get(f"session_id_{n}", "").strip()
        when = values.get(f"starts_at_{n}", "").strip()
        hours = values.get(f"hours_{n}", "").strip()
        if not (sid or when):
            continue
        session: dict[str, Any] = {"session_id": sid, "starts_at": _localise(when, zone)}
        if hours:
            session["duration_hours"] = hours
        sessions.append(session)
    return sessions


def _extra_values(model: type[Any], values: dict[str, str]) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for extra in _plan_extras(model):
        name = extra["name"]
        if extra["shape"] == "bool":
            fields[name] = values.get(name) in ("on", "true", "1")
        elif values.get(name, "").strip():
            fields[name] = values[name].strip()
    return fields


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
        extras=_plan_extras(BY_SEGMENT["revise"].body if revise else PlanBody),
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
    zone_name = values.get("timezone", "").strip() or "UTC"
    sessions = _sessions_from(values, zone_named(zone_name))
    fields: dict[str, Any] = {
        "program_id": values.get("program_id", "").strip(),
        "title": values.get("title", "").strip(),
        "planned_date": values.get("planned_date", "").strip(),
        "timezone": zone_name,
        "trainees": [p for p in SPLIT.split(values.get("trainees", "")) if p],
        "sessions": sessions,
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
    fields.update(_extra_values(PlanBody, values))
    try:
        body = PlanBody.model_validate(fields)
        await program_cases.plan(services, principal.user, body.model_dump())
    except (ValidationError, HTTPException, ActionRefused, ServiceError) as exc:
        return _new_form(request, principal, values, message_of(exc), status_for(exc))
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
    for extra in _plan_extras(BY_SEGMENT["revise"].body):
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
    fields: dict[str, Any] = {
        "title": values.get("title", "").strip(),
        "planned_date": values.get("planned_date", "").strip(),
        "trainees": [p for p in SPLIT.split(values.get("trainees", "")) if p],
        "sessions": _sessions_from(values, zone_named(str(state.get("timezone", "UTC")))),
        "comment": values.get("comment", "").strip(),
        **_extra_values(action.body, values),
    }
    fields = {k: v for k, v in fields.items() if k in action.body.model_fields}
    try:
        await program_cases.act(services, principal.user, program_id, action, fields)
    except (
        ValidationError,
        HTTPException,
        ActionRefused,
        TemporalUnavailable,
        ServiceError,
    ) as exc:
        if isinstance(exc, NotFound):
            raise
        return _new_form(
            request, principal, values, message_of(exc), status_for(exc), revise=program_id
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
    **extra: Any,
) -> Response:
    summary = program_cases.load_program(services, principal.user, program_id)
    engine = services.database.engine
    state = reads.program_state(engine, program_id)
    timeline = program_cases.readable_timeline(services, principal.user, summary, state)
    actors = {str(t["actor"]) for t in timeline}
    sees_all = reads.sees_scores(principal.user, summary, state, actors)
    reminders = reads.upcoming_reminders(state, datetime.now(UTC)) if sees_all else []
    facts_for_decision = reads.decision_facts(engine, summary, state) if sees_all else {}
    state, summary = (
        reads.state_for(principal.user, summary, state, actors),
        reads.summary_for(principal.user, summary, state, actors),
    )
    events = (
        services.database.store.read_stream(stream_id_for(program_id))
        if principal.user.has("auditor")
        else []
    )
    sessions = sorted(
        (s for s in (state.get("sessions") or {}).values() if isinstance(s, dict)),
        key=lambda s: str(s.get("starts_at", "")),
    )
    completed = set(state.get("completed_sessions") or ())
    attendance = state.get("attendance") or {}
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
        attendance=attendance,
        attendees=sorted({p for people in attendance.values() for p in people}),
        pending=state.get("pending_scores") or {},
        entry_window_days=facts.get("entry_window_days", DEFAULT_ENTRY_WINDOW_DAYS),
        enrolled=list(state.get("enrolled") or ()),
        timeline=timeline,
        events=events,
        owner=owner,
        reminders=reminders,
        decision=facts_for_decision,
        error=error,
        **extra,
    )


@router.get("/programs/{program_id}", response_class=HTMLResponse)
def program_detail(
    request: Request, program_id: str, principal: CurrentPrincipal, services: ServicesDep
) -> Response:
    return program_page(request, principal, services, program_id)


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
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no action {segment!r}")
    form = await request.form()
    summary = queries.program_summary(services.database.engine, program_id)
    zone = zone_named(str(summary.get("timezone", "UTC"))) if summary else None
    fields = form_to_fields(action.body, form, zone)
    try:
        await program_cases.act(services, principal.user, program_id, action, fields)
    except (
        ActionRefused,
        ValidationError,
        HTTPException,
        TemporalUnavailable,
        TemporalTimeout,
        ServiceError,
    ) as exc:
        if isinstance(exc, NotFound):
            raise
        return program_page(
            request,
            principal,
            services,
            program_id,
            error=message_of(exc),
            status_code=status_for(exc),
        )
    return redirect(f"/programs/{quote(program_id)}")


# ---------------------------------------------------------------------- KPIs


@router.get("/kpi", response_class=HTMLResponse)
def kpi_page(
    request: Request,
    principal: CurrentPrincipal,
    services: ServicesDep,
    specialist: Annotated[str | None, Query(max_length=100)] = None,
) -> Response:
    """The execution table per specialist, then every scorecard KPI charted over the periods:
    a specialist's own, or for auditors everyone's (or the chosen specialist's) with the
    departments' and the organisation's."""
    user = principal.user
    engine = services.database.engine
    thresholds, pass_mark = thresholds_in_force(services)
    if user.has("auditor"):
        chosen = specialist or None
        everyone = sorted({k.specialist for k in queries.execution_report(engine)})
    else:
        require_role(principal, "specialist", doing="reading KPIs")
        chosen = user.username
        everyone = [user.username]
    report = queries.execution_report(engine, specialist=chosen)
    by_specialist: dict[str, list[KpiRow]] = {}
    for row in kpi_rows(report, thresholds):
        by_specialist.setdefault(row.specialist, []).append(row)
    cards = kpi_queries.kpi_report(
        engine,
        thresholds,
        pass_mark=pass_mark,
        specialist=chosen,
        scopes=("specialist",) if chosen else SCOPES,
    )
    return render(
        request,
        "kpi.html",
        principal,
        by_specialist=by_specialist,
        everyone=everyone,
        specialist=specialist or "",
        kpi_names=KPI_NAMES,
        thresholds=thresholds,
        groups=dashboard(cards, thresholds),
        drill_down=drill_down,
    )


def _behind(
    services: Services,
    principal: Principal,
    kpi: str,
    scope: Scope | None,
    name: str | None,
    period: str | None,
    subject: str,
) -> tuple[Shown, set[str]]:
    """The scorecard row a dashboard link drills into, and the programs behind it. Auditors
    may open any; a specialist only their own card (as ``GET /api/v1/kpi/scorecards``)."""
    if kpi not in LABELS:
        raise HTTPException(HTTP_422, f"unknown KPI {kpi!r}; one of: {', '.join(LABELS)}")
    name = name or ("all" if scope == "organisation" else None)
    if scope is None or not period or name is None:
        raise HTTPException(
            HTTP_422, "a KPI drill-down needs scope, name (not for the organisation) and period"
        )
    user = principal.user
    if not user.has("auditor"):
        require_role(principal, "specialist", doing="reading KPIs")
        if (scope, name) != ("specialist", user.username):
            raise refuse(f"{user.username} may read only their own KPIs (auditors read all)")
    thresholds, pass_mark = thresholds_in_force(services)
    card = kpi_queries.scorecard(
        services.database.engine, thresholds, scope, name, period, pass_mark=pass_mark
    )
    row = card.find(kpi, subject) if card is not None else None
    if row is None:
        what = LABELS[kpi] + (f": {subject}" if subject else "")
        raise HTTPException(
            status.HTTP_404_NOT_FOUND, f"no {what} on the {scope} scorecard of {name} for {period}"
        )
    return shown(row, drill_down(scope, name, period, kpi, subject)), set(row.programs)


# ---------------------------------------------------------------------- audit


@router.get("/audit", response_class=HTMLResponse)
def audit_page(request: Request, principal: CurrentPrincipal, services: ServicesDep) -> Response:
    from eventlog.verify import verify_log

    require_role(principal, "auditor", doing="auditing")
    report = verify_log(services.database.store)
    rows = queries.list_programs(services.database.engine)
    return render(request, "audit.html", principal, report=report, programs=rows)


# ---------------------------------------------------------------------- admin


@router.get("/admin/users", response_class=HTMLResponse)
def users_detail(
    request: Request, principal: CurrentPrincipal, services: ServicesDep, saved: bool = False
) -> Response:
    return users_page(request, principal, services, saved=saved)


def users_page(
    request: Request,
    principal: Principal,
    services: Services,
    error: str | None = None,
    status_code: int = 200,
    saved: bool = False,
) -> Response:
    require_role(principal, "admin", doing="managing users")
    return render(
        request,
        "users.html",
        principal,
        status_code=status_code,
        users=services.users.all_users(),
        roles=ROLES,
        error=error,
        saved=saved,
    )


@router.post("/admin/users")
async def create_user_page(
    request: Request, principal: CurrentPrincipal, services: ServicesDep
) -> Response:
    require_role(principal, "admin", doing="managing users")
    form = await request.form()
    roles = [str(r) for r in form.getlist("roles")]
    try:
        services.users.create_user(
            str(form.get("username", "")).strip(),
            str(form.get("password", "")),
            roles,
            str(form.get("display_name", "")).strip() or None,
            actor=principal.username,
        )
    except UserError as exc:
        return users_page(request, principal, services, error=str(exc), status_code=422)
    return redirect("/admin/users?saved=true")


@router.post("/admin/users/{username}")
async def change_user_page(
    request: Request, username: str, principal: CurrentPrincipal, services: ServicesDep
) -> Response:
    require_role(principal, "admin", doing="managing users")
    form = await request.form()
    roles = [str(r) for r in form.getlist("roles")]
    active = form.get("active") == "on"
    current = services.users.get(username)
    try:
        check_account_change(
            principal.user, username, current.roles if current else set(), roles, active
        )
    except Forbidden as exc:
        return users_page(request, principal, services, error=str(exc), status_code=403)
    try:
        services.users.set_roles(username, roles, actor=principal.username)
        services.users.set_active(username, active, actor=principal.username)
    except UserError as exc:
        return users_page(request, principal, services, error=str(exc), status_code=422)
    return redirect("/admin/users?saved=true")


# ---------------------------------------------------------------------- account


@router.get("/account", response_class=HTMLResponse)
def account_detail(
    request: Request, principal: CurrentPrincipal, services: ServicesDep
) -> Response:
    return account_page(request, principal, services)


#: The expiries the account page offers, in days (the API takes any from 1 to 3650).
TOKEN_EXPIRY_DAYS = (7, 30, 90)


def account_page(
    request: Request,
    principal: Principal,
    services: Services,
    new_token: str | None = None,
    *,
    error: str | None = None,
    status_code: int = 200,
) -> Response:
    return render(
        request,
        "account.html",
        principal,
        status_code=status_code,
        tokens=services.users.list_tokens(principal.username),
        new_token=new_token,
        expiries=TOKEN_EXPIRY_DAYS,
        error=error,
    )


@router.post("/account/tokens")
async def issue_token_page(
    request: Request, principal: CurrentPrincipal, services: ServicesDep
) -> Response:
    """Issue a token through the same service as the API: checked roles (all of the owner's:
    unlimited, as the API's default) and one of the offered expiries."""
    form = await request.form()
    days = str(form.get("expires_in_days", ""))
    if days not in {str(d) for d in TOKEN_EXPIRY_DAYS}:
        offered = ", ".join(str(d) for d in TOKEN_EXPIRY_DAYS)
        refusal = f"choose an expiry of {offered} days"
        return account_page(request, principal, services, error=refusal, status_code=422)
    chosen = {str(r) for r in form.getlist("roles")}
    try:
        _, secret = services.users.issue_token(
            principal.username,
            str(form.get("label", "")),
            timedelta(days=int(days)),
            None if chosen == principal.user.roles else sorted(chosen),
            actor=principal.username,
        )
    except UserError as exc:
        return account_page(request, principal, services, error=str(exc), status_code=422)
    # Rendered, not redirected: the secret must never travel in a URL.
    return account_page(request, principal, services, new_token=secret)


@router.post("/account/tokens/{token_id}/revoke")
def revoke_token_page(
    token_id: str, principal: CurrentPrincipal, services: ServicesDep
) -> Response:
    services.users.revoke_token(token_id, principal.username, actor=principal.username)
    return redirect("/account")


# ---------------------------------------------------------------------- API reference


@router.get("/api/docs", response_class=HTMLResponse)
def api_docs(request: Request, principal: OptionalPrincipal) -> Response:
    schema = request.app.openapi()
    operations = [
        {
            "method": method.upper(),
            "path": path,
            **op,
            "summary_html": Markup(_MARKDOWN.renderInline(op.get("summary", ""))),
            "description_html": Markup(_MARKDOWN.render(op.get("description", ""))),
        }
        for path, item in schema.get("paths", {}).items()
        for method, op in item.items()
    ]
    intro = Markup(_MARKDOWN.render(schema.get("info", {}).get("description", "")))
    return render(
        request, "api_docs.html", principal, operations=operations, schema=schema, intro=intro
    )


#: The API's descriptions are Markdown; shown as HTML with raw HTML in them disabled (escaped)
#: and only safe link schemes, so a docstring can never inject markup into the page.
_MARKDOWN = MarkdownIt("commonmark", {"html": False})


@router.get("/healthz")
def healthz() -> dict[str, str]:
    return {"status": "ok", "time": datetime.now(UTC).isoformat()}


__all__ = ["render_error", "router"]
