"""A trainee's own pages: the trainings they are enrolled in, the reaction survey and the exam.

They read only the read models, and of the answers only the trainee's own; every answer goes
through the same Temporal update as the JSON API (``services.programs.act``), so the workflow
refuses exactly what it would refuse there (wrong state, not attended, a second submission).
What the forms ask for comes from the domain's own commands: the survey's dimensions and scale
from ``SubmitSurvey``, the exam's questions from the course assigned to the program.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError

from api.dependencies import CurrentPrincipal, Principal, Services, ServicesDep, require_role
from api.i18n import ZH_CN
from api.kpis import thresholds_in_force
from api.pages.rendering import language, message_of, redirect, render, status_for
from api.translator import translator
from domain.evaluation import GradedItem
from projections import trainee_queries
from projections.trainee_queries import OwnResults, PaperQuestion
from services import programs as program_cases
from services.actions import BY_SEGMENT, ProgramAction
from services.errors import TemporalTimeout, TemporalUnavailable
from services.program_client import ActionRefused
from services.trainings import (
    ANSWER_MAX,
    EXAM_HIGH,
    EXAM_LOW,
    SCALE,
    Training,
    own_training,
    training,
)

router = APIRouter(include_in_schema=False)

SURVEY: ProgramAction = BY_SEGMENT["survey"]
EXAM: ProgramAction = BY_SEGMENT["exam"]
CHECK_MARKED = "Nothing was recorded: check the answers marked below."


def _training(services: Services, principal: Principal, program_id: str) -> Training:
    """The trainee's own training, or 403 (not enrolled) / 404 (no such program)."""
    return own_training(services.database.engine, principal.user, program_id)


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
    return render(request, "trainings.html", principal, trainings=mine)


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
        error=_nothing_recorded(request, message_of(problem, request) if problem else CHECK_MARKED),
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
