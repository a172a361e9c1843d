"""A trainee's own pages: the trainings they are enrolled in, the reaction survey and the exam.

They read only the read models, and of the answers only the trainee's own; every answer goes
through the same Temporal update as the JSON API (``services.programs.act``), so the workflow
refuses exactly what it would refuse there (wrong state, not attended, a second submission).
What the forms ask for comes from the domain's own commands: the survey's dimensions and scale
from ``SubmitSurvey``, the exam's questions from the course assigned to the program.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, get_args
from urllib.parse import quote
from zoneinfo import ZoneInfo

from annotated_types import Ge, Le, MaxLen
from fastapi import APIRouter, HTTPException, Request, status
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, ValidationError
from sqlalchemy import Engine

from api.auth import CurrentPrincipal, Principal, ServicesDep, refuse, require_role
from api.i18n import ZH_CN, translator
from api.kpis import thresholds_in_force
from api.services import Services
from api.web import language, message_of, redirect, render, status_for, zone_named
from domain import commands as c
from domain.evaluation import GradedItem
from domain.events import ExamGrading
from domain.program import DomainError, ProgramStatus, decide
from projections import queries, trainee_queries
from projections.trainee_queries import Enrolment, OwnResults, PaperQuestion, Resources
from services import programs as program_cases
from services.actions import BY_SEGMENT, ProgramAction
from services.errors import TemporalTimeout, TemporalUnavailable
from services.program_client import ActionRefused

router = APIRouter(include_in_schema=False)

SURVEY: ProgramAction = BY_SEGMENT["survey"]
EXAM: ProgramAction = BY_SEGMENT["exam"]
#: ``SubmitSurvey`` refuses a survey without this one (a validator, so not read from its type).
REQUIRED_DIMENSIONS = ("overall",)
WHEN = "%Y-%m-%d %H:%M"
CHECK_MARKED = "Nothing was recorded: check the answers marked below."


def _constraints(annotated: Any) -> list[Any]:
    """The constraints (``Ge``, ``MaxLen``, ...) of an ``Annotated[T, Field(...)]``."""
    return [m for info in get_args(annotated)[1:] for m in getattr(info, "metadata", [info])]


def _limits(constraints: Sequence[Any]) -> tuple[float, float]:
    low: Any = next(m.ge for m in constraints if isinstance(m, Ge))
    high: Any = next(m.le for m in constraints if isinstance(m, Le))
    return float(low), float(high)


def _max_length(constraints: Sequence[Any]) -> int:
    return int(next(m.max_length for m in constraints if isinstance(m, MaxLen)))


@dataclass(frozen=True)
class SurveyScale:
    """The survey as ``SubmitSurvey`` accepts it: its dimensions, their scale, the comment."""

    dimensions: tuple[str, ...]
    required: tuple[str, ...]
    low: float
    high: float
    comment_max: int


def _survey_scale() -> SurveyScale:
    keys, value = get_args(c.SubmitSurvey.model_fields["scores"].annotation)
    low, high = _limits(_constraints(value))
    return SurveyScale(
        dimensions=get_args(keys),
        required=REQUIRED_DIMENSIONS,
        low=low,
        high=high,
        comment_max=_max_length(c.SubmitSurvey.model_fields["comment"].metadata),
    )


def _answer_max() -> int:
    answers = get_args(get_args(c.SubmitExam.model_fields["answers"].annotation)[0])[0]
    return _max_length(_constraints(get_args(answers)[1]))


SCALE = _survey_scale()
EXAM_LOW, EXAM_HIGH = _limits(c.SubmitExam.model_fields["score"].metadata)
ANSWER_MAX = _answer_max()


# ---------------------------------------------------------------------- what a training asks


@dataclass(frozen=True)
class SessionRow:
    session_id: str
    starts: datetime
    ends: datetime
    hours: float
    held: bool
    attended: bool | None
    """None until the session's attendance is recorded."""


@dataclass(frozen=True)
class Training:
    """One enrolment as the trainee's pages show it, times in the program's own time zone."""

    enrolment: Enrolment
    zone: ZoneInfo
    sessions: tuple[SessionRow, ...]
    resources: Resources
    survey: str
    exam: str
    """``open``, ``done``, ``later`` (not evaluating yet), ``absent`` (did not attend, so
    cannot evaluate) or ``closed``; for an exam taken elsewhere (no online paper) ``elsewhere``
    (the specialist records its score) or ``pending`` (recorded, awaiting confirmation)."""
    closes_at: datetime | None

    @property
    def program(self) -> dict[str, Any]:
        return self.enrolment.summary

    @property
    def next_session(self) -> SessionRow | None:
        now = datetime.now(UTC)
        return next((s for s in self.sessions if not s.held and s.ends > now), None)


#: Stand-ins to ask the rules whether an online exam would be taken now.
PROBE_ANSWERS = {"probe": "probe"}
PROBE_GRADING = ExamGrading(course_id="(probe)", score=0, items=())


def _may(enrolment: Enrolment, command: BaseModel) -> bool:
    """Would the program's rules accept this now? (The same ``decide`` the workflow runs.)"""
    try:
        decide(
            enrolment.state, command, datetime.now(UTC), lambda: "dry-run", grading=PROBE_GRADING
        )
    except DomainError:
        return False
    return True


def _ask(enrolment: Enrolment, done: frozenset[str], command: BaseModel, person: str) -> str:
    """Where one of the trainee's answers stands; open only when the rules would take it."""
    state = enrolment.state
    if person in done:
        return "done"
    if _may(enrolment, command):
        return "open"
    if state.status in (ProgramStatus.PUBLISHED, ProgramStatus.EXECUTING):
        return "later"
    if state.status is ProgramStatus.EVALUATING and person not in state.attendees:
        return "absent"
    return "closed"


def _exam(enrolment: Enrolment, person: str, online: bool) -> str:
    """Trainees take an online exam themselves; a score from an exam taken elsewhere is the
    specialist's to record (never the trainee's, docs/facts.md)."""
    state = enrolment.state
    if person in state.pending_scores and person not in state.examined:
        return "pending"
    asked = _ask(
        enrolment, state.examined, c.SubmitExam(actor=person, answers=PROBE_ANSWERS), person
    )
    return "elsewhere" if asked == "open" and not online else asked


def training(engine: Engine, enrolment: Enrolment, person: str) -> Training:
    """What one enrolment shows its trainee: their sessions, what it asks of them now."""
    state = enrolment.state
    zone = zone_named(state.timezone)
    sessions = tuple(
        SessionRow(
            session_id=s.session_id,
            starts=s.starts_at.astimezone(zone),
            ends=(s.starts_at + timedelta(hours=s.duration_hours)).astimezone(zone),
            hours=s.duration_hours,
            held=s.session_id in state.completed_sessions,
            attended=(
                person in state.attendance[s.session_id]
                if s.session_id in state.attendance
                else None
            ),
        )
        for s in sorted(state.sessions.values(), key=lambda s: (s.starts_at, s.session_id))
    )
    closes = state.evaluation_closes_at
    resources = trainee_queries.resources(engine, state.program_id)
    return Training(
        enrolment=enrolment,
        zone=zone,
        sessions=sessions,
        resources=resources,
        survey=_ask(
            enrolment,
            state.surveyed,
            c.SubmitSurvey(actor=person, scores={"overall": SCALE.low}),
            person,
        ),
        exam=_exam(enrolment, person, online=bool(resources.paper)),
        closes_at=closes.astimezone(zone) if closes else None,
    )


def _training(services: Services, principal: Principal, program_id: str) -> Training:
    """The trainee's own training, or 403 (not enrolled) / 404 (no such program)."""
    require_role(principal, "trainee", doing="taking part in trainings")
    engine = services.database.engine
    found = trainee_queries.enrolments(engine, principal.username, program_id)
    if not found:
        if queries.program_summary(engine, program_id) is None:
            raise HTTPException(status.HTTP_404_NOT_FOUND, f"no program {program_id!r}")
        raise refuse(f"{principal.username} is not enrolled in program {program_id!r}")
    return training(engine, found[0], principal.username)


# ---------------------------------------------------------------------- pages


@router.get("/my/trainings", response_class=HTMLResponse)
def trainings_page(
    request: Request, principal: CurrentPrincipal, services: ServicesDep
) -> Response:
    require_role(principal, "trainee", doing="taking part in trainings")
    engine = services.database.engine
    mine = [
        training(engine, e, principal.username)
        for e in trainee_queries.enrolments(engine, principal.username)
    ]
    return render(request, "trainings.html", principal, trainings=mine, when=WHEN)


@router.get("/my/trainings/{program_id}", response_class=HTMLResponse)
def training_page(
    request: Request,
    program_id: str,
    principal: CurrentPrincipal,
    services: ServicesDep,
    saved: str | None = None,
) -> Response:
    found = _training(services, principal, program_id)
    return render(
        request,
        "training.html",
        principal,
        training=found,
        results=_results(services, found, principal.username),
        saved=saved,
        when=WHEN,
    )


def _results(services: Services, found: Training, person: str) -> OwnResults:
    return trainee_queries.own_results(
        services.database.engine, found.program["program_id"], person
    )


def _form(
    request: Request,
    principal: Principal,
    services: Services,
    program_id: str,
    template: str,
    *,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    error: str | None = None,
    status_code: int = 200,
) -> Response:
    found = _training(services, principal, program_id)
    results = _results(services, found, principal.username)
    _, pass_mark = thresholds_in_force(services)
    return render(
        request,
        template,
        principal,
        status_code=status_code,
        training=found,
        results=results,
        graded=_graded(found.resources.paper, results),
        scale=SCALE,
        exam_low=EXAM_LOW,
        exam_high=EXAM_HIGH,
        answer_max=ANSWER_MAX,
        pass_mark=pass_mark,
        values=values or {},
        errors=errors or {},
        error=error,
        when=WHEN,
    )


def _graded(
    paper: Sequence[PaperQuestion], results: OwnResults
) -> list[tuple[PaperQuestion | None, GradedItem]]:
    """The trainee's graded questions in the paper's order, each with its question as the paper
    now has it (None for one the course no longer asks)."""
    by_id = {q.question_id: q for q in paper}
    order = {q.question_id: n for n, q in enumerate(paper)}
    items = sorted(
        results.items, key=lambda i: (order.get(i.question_id, len(order)), i.question_id)
    )
    return [(by_id.get(i.question_id), i) for i in items]


@router.get("/my/trainings/{program_id}/survey", response_class=HTMLResponse)
def survey_page(
    request: Request, program_id: str, principal: CurrentPrincipal, services: ServicesDep
) -> Response:
    return _form(request, principal, services, program_id, "survey.html")


@router.get("/my/trainings/{program_id}/exam", response_class=HTMLResponse)
def exam_page(
    request: Request, program_id: str, principal: CurrentPrincipal, services: ServicesDep
) -> Response:
    return _form(request, principal, services, program_id, "exam.html")


@router.post("/my/trainings/{program_id}/survey")
async def submit_survey(
    request: Request, program_id: str, principal: CurrentPrincipal, services: ServicesDep
) -> Response:
    _training(services, principal, program_id)
    form = await request.form()
    values = {k: str(v) for k, v in form.items() if k != "csrf_token"}
    scores = {d: values[d].strip() for d in SCALE.dimensions if values.get(d, "").strip()}
    fields = {"scores": scores, "comment": values.get("comment", "").strip()}
    missing = {d: "required" for d in SCALE.required if d not in scores}
    return await _submit(
        request, principal, services, program_id, "survey.html", SURVEY, fields, missing
    )


@router.post("/my/trainings/{program_id}/exam")
async def submit_exam(
    request: Request, program_id: str, principal: CurrentPrincipal, services: ServicesDep
) -> Response:
    found = _training(services, principal, program_id)
    form = await request.form()
    values = {k: str(v) for k, v in form.items() if k != "csrf_token"}
    paper = found.resources.paper
    missing: dict[str, str] = {}
    if paper:
        answers = {q.question_id: values.get(f"answer.{q.question_id}", "") for q in paper}
        # One attempt only: every question must be answered before it is sent.
        missing = {f"answer.{q}": "required" for q, a in answers.items() if not a.strip()}
        fields: dict[str, Any] = {"answers": answers}
    else:  # sent as it came, so the workflow refuses it with its reason (no self-reported score)
        fields = {"score": values.get("score", "").strip()}
    return await _submit(
        request, principal, services, program_id, "exam.html", EXAM, fields, missing
    )


async def _submit(
    request: Request,
    principal: Principal,
    services: Services,
    program_id: str,
    template: str,
    action: ProgramAction,
    fields: dict[str, Any],
    missing: dict[str, str],
) -> Response:
    """Send the answers as the trainee's action. Bad or ``missing`` values are shown next to
    their fields (the command's own validation, all of it at once) and nothing is sent; a
    refusal of the workflow is shown with its reason. Either way nothing is recorded."""
    values = _flat(fields)
    errors = dict(missing)
    problem: Exception | None = None
    try:
        action.build(principal.username, fields)
    except ValidationError as exc:
        errors = {**field_errors(exc), **errors}
        problem = None if errors else exc
    if not errors and problem is None:
        try:
            await program_cases.act(services, principal.user, program_id, action, fields)
        except (ActionRefused, ValidationError, TemporalUnavailable, TemporalTimeout) as exc:
            problem = exc
        else:
            return redirect(f"/my/trainings/{quote(program_id)}?saved={action.segment}")
    return _form(
        request,
        principal,
        services,
        program_id,
        template,
        values=values,
        errors=errors,
        error=_nothing_recorded(request, message_of(problem) if problem else CHECK_MARKED),
        status_code=status_for(problem) if problem else 422,
    )


def _nothing_recorded(request: Request, message: str) -> str:
    """A refusal as the trainee reads it: first that nothing was recorded, then why."""
    t = translator(language(request))
    if message in ZH_CN:
        return t(message)
    return f"{t('Nothing was recorded:')} {message}"


def _flat(fields: dict[str, Any]) -> dict[str, str]:
    """The submitted fields as the form's inputs are named, to fill the form in again."""
    flat: dict[str, str] = {}
    for name, value in fields.items():
        if isinstance(value, dict):
            prefix = {"scores": "", "answers": "answer."}[name]
            flat.update({f"{prefix}{k}": str(v) for k, v in value.items()})
        else:
            flat[name] = str(value)
    return flat


def field_errors(exc: ValidationError) -> dict[str, str]:
    """Input name -> what is wrong with it (``range``, ``required``, ``too_long``), for the
    errors a form field can be blamed for; empty when one of them cannot."""
    found: dict[str, str] = {}
    for err in exc.errors():
        loc = [str(p) for p in err.get("loc", ())]
        kind = "too_long" if err.get("type") == "string_too_long" else "range"
        if loc[:1] == ["scores"]:
            name, kind = (loc[1], kind) if len(loc) > 1 else (SCALE.required[0], "required")
        elif loc[:1] == ["answers"] and len(loc) > 1:
            name = f"answer.{loc[1]}"
        elif loc[:1] in (["comment"], ["score"]):
            name = loc[0]
        else:
            return {}
        found.setdefault(name, kind)
    return found


__all__ = ["field_errors", "router"]
