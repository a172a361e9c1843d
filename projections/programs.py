"""The program read models: summaries, timelines, the approval inbox and who each is for."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Table, delete, insert, select, update

from projections.base import Batch
from projections.program_views import (
    Change,
    ProgramView,
    TaskChanged,
    TimelineEntry,
    TraineesChanged,
    apply,
    program_id_of,
    program_row,
)
from projections.tables import inbox, programs, timeline, trainees


class ProgramProjection:
    name = "programs"
    tables: tuple[Table, ...] = (programs, timeline, inbox, trainees)

    def apply_batch(self, conn: Connection, batch: Batch) -> None:
        ids = {pid for r, _ in batch if (pid := program_id_of(r.stream_id)) is not None}
        views = self._load_views(conn, ids)
        existing = set(views)
        changes: list[Change] = []
        for recorded, event in batch:
            program_id = program_id_of(recorded.stream_id)
            if program_id is None:
                continue
            views[program_id], new_changes = apply(views.get(program_id), recorded, event)
            changes.extend(new_changes)
        for program_id, view in views.items():
            row = program_row(view)
            if program_id in existing:
                conn.execute(
                    update(programs).where(programs.c.program_id == program_id).values(**row)
                )
            else:
                conn.execute(insert(programs).values(**row))
        self._apply_changes(conn, changes)

    @staticmethod
    def _load_views(conn: Connection, ids: set[str]) -> dict[str, ProgramView]:
        if not ids:
            return {}
        rows = conn.execute(
            select(programs.c.program_id, programs.c.state).where(
                programs.c.program_id.in_(sorted(ids))
            )
        )
        return {row[0]: ProgramView.model_validate(row[1]) for row in rows}

    @staticmethod
    def _apply_changes(conn: Connection, changes: list[Change]) -> None:
        entries: list[dict[str, Any]] = []
        for change in changes:
            match change:
                case TimelineEntry():
                    entries.append(change.__dict__)
                case TaskChanged():
                    conn.execute(delete(inbox).where(inbox.c.task_id == change.task_id))
                    if change.rows:
                        conn.execute(insert(inbox), list(change.rows))
                case TraineesChanged():
                    which = trainees.c.program_id == change.program_id
                    if change.trainee is not None:
                        which = which & (trainees.c.trainee == change.trainee)
                    conn.execute(delete(trainees).where(which))
                    if change.rows:
                        conn.execute(insert(trainees), list(change.rows))
        if entries:
            conn.execute(insert(timeline), entries)
