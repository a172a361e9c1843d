"""The server-rendered pages (Jinja2), one router per audience: sign-in, the approver's inbox
and task page, the specialist's programs and KPI dashboard, the auditor's page, the admin's
users, configuration and data, everyone's account, and the trainee's own trainings.

Every page goes through the same use cases (``services``) as the JSON API and the command line,
so a page can never do more than the API would let the same person do."""

from __future__ import annotations

from fastapi import APIRouter

from api.pages import (
    account,
    api_docs,
    approvals,
    audit,
    config,
    data,
    kpi,
    program_files,
    programs,
    setup,
    signin,
    trainings,
    users,
)

#: In the order the app includes them: a fixed path (``/programs/new``) before a pattern.
ROUTERS: tuple[APIRouter, ...] = (
    setup.router,
    signin.router,
    approvals.router,
    programs.router,
    program_files.router,
    kpi.router,
    audit.router,
    users.router,
    account.router,
    api_docs.router,
    config.router,
    data.router,
    trainings.router,
)
