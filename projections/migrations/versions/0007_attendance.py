"""For the KPI report, which parsed every program's stored view per report before: who
attended each program, per person (``rm_attendance``), and each program's department (a column
of ``rm_programs``).

Filled here from the stored views, the way the report read them (every session's attendees,
once per program; the view's department), so an upgrade needs no rebuild and the other read
models stay as they are.

Revision ID: read_models_0007_attendance
Revises: read_models_0006_messages
"""

import sqlalchemy as sa
from alembic import op

revision = "read_models_0007_attendance"
down_revision = "read_models_0006_messages"
branch_labels = None
depends_on = None

#: Everyone in a stored view's ``state.attendance`` (session -> people), once per program.
UNNEST = {
    "postgresql": "json_each(p.state -> 'state' -> 'attendance') AS by_session,"
    " json_array_elements_text(by_session.value) AS person",
    "sqlite": "json_each(p.state, '$.state.attendance') AS by_session,"
    " json_each(by_session.value) AS person",
}
#: A stored view's department (SQL NULL where it has none).
DEPARTMENT = {
    "postgresql": "state -> 'state' ->> 'department'",
    "sqlite": "json_extract(state, '$.state.department')",
}


def upgrade() -> None:
    op.create_table(
        "rm_attendance",
        sa.Column("program_id", sa.String(100), primary_key=True),
        sa.Column("trainee", sa.String(100), primary_key=True),
    )
    dialect = op.get_bind().dialect.name
    op.execute(
        "INSERT INTO rm_attendance (program_id, trainee)"
        " SELECT DISTINCT p.program_id, person.value"
        f" FROM rm_programs AS p, {UNNEST[dialect]}"
    )
    op.add_column("rm_programs", sa.Column("department", sa.String(100), nullable=True))
    op.execute(f"UPDATE rm_programs SET department = {DEPARTMENT[dialect]}")


def downgrade() -> None:
    op.drop_column("rm_programs", "department")
    op.drop_table("rm_attendance")
