"""The JSON API under ``/api/v1``, one router per resource: everything the command line does,
with sign-in and roles. Commands go through the same use cases as the command line
(``services``); reads come from the read models. Every endpoint checks who is asking; the
workflow checks again."""

from __future__ import annotations

from fastapi import APIRouter

from api.rest import (
    accounts,
    audit,
    config,
    data,
    keys,
    log,
    people,
    program_files,
    programs,
    projections,
    users,
)

#: In the order the app includes them (and the OpenAPI document lists them).
ROUTERS: tuple[APIRouter, ...] = (
    people.router,
    programs.router,
    program_files.router,
    log.router,
    users.router,
    audit.router,
    data.router,
    config.router,
    keys.router,
    accounts.router,
    projections.router,
)
