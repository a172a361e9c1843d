"""The approver's inbox and task page: decide, claim, delegate."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from api.dependencies import CurrentPrincipal, Principal, Services, ServicesDep, require_role
from api.pages.forms import typed_text
from api.pages.programs import program_page
from api.pages.rendering import FORM_ERRORS, message_of, redirect, render, status_for
from services import inbox, reads
from services import programs as program_cases
from services.actions import BY_SEGMENT
from services.errors import Invalid, NotFound

router = APIRouter(include_in_schema=False)

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


#: The inbox form's "due" choices as the overdue filter (anything else: all tasks).
DUE_FILTERS = {"overdue": True, "ontime": False}


@router.get("/inbox", response_class=HTMLResponse)
def inbox_page(
    request: Request,
    principal: CurrentPrincipal,
    services: ServicesDep,
    q: str = "",
    due: Literal["all", "overdue", "ontime"] = "all",
) -> Response:
    require_role(principal, "approver", doing="reading an approval inbox")
    tasks = inbox.open_tasks(
        services.database.engine,
        principal.username,
        services.settings.approval_due_days,
        search=q,
        overdue=DUE_FILTERS.get(due),
    )
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
    typed: dict[str, str] | None = None,
) -> Response:
    """The task and its decision forms; after a refusal, ``typed`` (the decision and what was
    written) fills its form again, so nothing typed is lost."""
    require_role(principal, "approver", doing="deciding on approval tasks")
    task = _task(services, principal, task_id)
    if task is None:
        raise NotFound("error.task_not_in_inbox", task_id=task_id)
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
        typed=typed or {},
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
    typed = str(form.get("comment", ""))
    comment = typed.strip()
    task = _task(services, principal, task_id)
    if task is None:
        raise NotFound("error.task_not_in_inbox", task_id=task_id)
    segment = DECISIONS.get(decision)
    action = BY_SEGMENT.get(segment or "")
    if action is None:
        raise Invalid("error.choose_decision")
    offered = {
        "comment": comment,
        "reason": typed_text(typed),  # spaces alone: said as blank, as to the command line
        "to": str(form.get("to", "")).strip(),
        "task_id": task_id,
    }
    fields = {k: v for k, v in offered.items() if k in action.body.model_fields}
    try:
        await program_cases.act(services, principal.user, task["program_id"], action, fields)
    except FORM_ERRORS as exc:
        return task_page(
            request,
            task_id,
            principal,
            services,
            error=message_of(exc, request),
            status_code=status_for(exc),
            typed={"decision": decision, "comment": comment, "to": offered["to"]},
        )
    return redirect("/inbox")
