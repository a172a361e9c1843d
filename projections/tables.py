"""Read-model tables as SQLAlchemy Core objects (created by this package's migrations)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Date,
    Engine,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

from eventlog.engine import run_migrations
from eventlog.schema import UtcDateTime

metadata = MetaData()

checkpoints = Table(
    "projection_checkpoints",
    metadata,
    Column("name", String(100), primary_key=True),
    Column("position", BigInteger, nullable=False),
)

#: Events a projection could not fold: set aside (with why) so the projector goes on; retried
#: on demand (``trainops projections retry``). Not a read model: rebuilds keep it.
quarantine = Table(
    "projection_quarantine",
    metadata,
    Column("projection", String(100), primary_key=True),
    Column("position", BigInteger, primary_key=True),
    Column("stream_id", String(200), nullable=False),
    Column("event_type", String(200), nullable=False),
    Column("error", Text, nullable=False),
    Column("quarantined_at", UtcDateTime, nullable=False),
    Column("attempts", Integer, nullable=False),
)

programs = Table(
    "rm_programs",
    metadata,
    Column("program_id", String(100), primary_key=True),
    Column("title", String(200), nullable=False),
    Column("specialist", String(100), nullable=False),
    Column("approvers", JSON, nullable=False),
    Column("status", String(30), nullable=False),
    Column("timezone", String(64), nullable=False),
    Column("planned_date", Date, nullable=False),
    Column("period", String(10), nullable=False),
    Column("revision", Integer, nullable=False),
    Column("session_count", Integer, nullable=False),
    Column("planned_trainees", Integer, nullable=False),
    Column("enrolled", Integer, nullable=False),
    Column("attended", Integer, nullable=False),
    Column("approved", Boolean, nullable=False),
    Column("executed", Boolean, nullable=False),
    Column("executed_on", Date, nullable=True),
    Column("on_time", Boolean, nullable=False),
    Column("reminders_sent", Integer, nullable=False),
    Column("state", JSON, nullable=False),
    Column("last_position", BigInteger, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    # The KPI report's: reading it out of ``state`` parsed every program's view per report.
    Column("department", String(100), nullable=True),
)

timeline = Table(
    "rm_timeline",
    metadata,
    Column("position", BigInteger, primary_key=True, autoincrement=False),
    Column("program_id", String(100), nullable=False),
    Column("stream_version", Integer, nullable=False),
    Column("occurred_at", UtcDateTime, nullable=False),
    Column("event_type", String(100), nullable=False),
    Column("actor", String(100), nullable=False),
    Column("role", String(30), nullable=False),
    Column("summary", Text, nullable=False),
    Column("message", Text, nullable=True),
)

inbox = Table(
    "rm_inbox",
    metadata,
    Column("task_id", String(64), primary_key=True),
    Column("person", String(100), primary_key=True),
    Column("relation", String(20), nullable=False),
    Column("program_id", String(100), nullable=False),
    Column("step_id", String(64), nullable=False),
    Column("step_name", String(200), nullable=False),
    Column("task_group", String(64), nullable=True),
    Column("owner", String(100), nullable=True),
    Column("title", String(200), nullable=False),
    Column("specialist", String(100), nullable=False),
    Column("department", String(100), nullable=True),
    Column("budget", String(32), nullable=False),
    Column("planned_date", Date, nullable=False),
    Column("revision", Integer, nullable=False),
    Column("trainees", Integer, nullable=False),
    Column("sessions", Integer, nullable=False),
    Column("requested_at", UtcDateTime, nullable=True),
    Column("due_at", UtcDateTime, nullable=True),
)

trainees = Table(
    "rm_trainees",
    metadata,
    Column("program_id", String(100), primary_key=True),
    Column("trainee", String(100), primary_key=True),
    Column("enrolled", Boolean, nullable=False),
)
"""Who a program is for, per person: named on the plan, and enrolled once it is published."""

attendance = Table(
    "rm_attendance",
    metadata,
    Column("program_id", String(100), primary_key=True),
    Column("trainee", String(100), primary_key=True),
)
"""Who attended a program, per person (any of its sessions, once): the KPI report counts a
program's attendees and joins its surveys to them here instead of unnesting every program's
stored view (``state.attendance``) per report. Rows are only added: attendance only grows."""


def migrate_read_models(engine: Engine) -> None:
    run_migrations(engine, Path(__file__).parent / "migrations", "read_models_schema_version")
