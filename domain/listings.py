"""The fields of a listed row, named once: the API sends them, and ``-o csv`` heads its
columns with them whether the list is empty or not (a header taken from the first row changed
with the rows, issue 16). The read model selects a program's; a test holds the others to the
API's models."""

from __future__ import annotations

#: A program's summary, in column order (its folded state and department are not listed).
PROGRAM_FIELDS = (
    "program_id",
    "title",
    "specialist",
    "approvers",
    "status",
    "timezone",
    "planned_date",
    "period",
    "revision",
    "session_count",
    "planned_trainees",
    "enrolled",
    "attended",
    "approved",
    "executed",
    "executed_on",
    "on_time",
    "reminders_sent",
    "last_position",
    "updated_at",
)

#: A user as ``GET /api/v1/users`` sends one (``api.rest.schemas.UserOut``).
USER_FIELDS = ("username", "display_name", "roles", "active", "warnings")

#: An API token's facts without its secret (``accounts.model.TokenInfo``).
TOKEN_FIELDS = (
    "token_id",
    "username",
    "label",
    "created_at",
    "revoked_at",
    "expires_at",
    "roles",
)

#: A notification in the outbox as ``GET /api/v1/notifications`` sends it (the outbox's row).
NOTIFICATION_FIELDS = (
    "id",
    "idempotency_key",
    "recipient",
    "channel",
    "address",
    "subject",
    "body",
    "program_id",
    "status",
    "attempts",
    "last_error",
    "created_at",
    "delivered_at",
)

#: An approval task as ``GET /api/v1/inbox`` sends it: the inbox row, its program's time zone
#: and what the read works out (overdue, due soon, earlier decisions, the cost per trainee).
TASK_FIELDS = (
    "task_id",
    "person",
    "relation",
    "program_id",
    "step_id",
    "step_name",
    "task_group",
    "owner",
    "title",
    "specialist",
    "department",
    "budget",
    "planned_date",
    "revision",
    "trainees",
    "sessions",
    "requested_at",
    "due_at",
    "timezone",
    "overdue",
    "due_soon",
    "decisions",
    "cost_per_trainee",
)

#: A program's person as ``GET /api/v1/programs/{id}/trainees`` lists them
#: (``services.roster_reads.trainee_page``).
TRAINEE_FIELDS = (
    "trainee",
    "planned",
    "enrolled",
    "attended",
    "surveyed",
    "examined",
    "score_pending",
)
