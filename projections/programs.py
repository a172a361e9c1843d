"""The program read models: summaries, timelines, the approval inbox and who each is for.

A batch is folded in memory first, and only its net effect is written, set-based: one upsert
for the programs it touched, one bulk insert for its timeline entries, one delete and one
insert for the tasks whose inbox rows changed, and the trainee rows that changed (an
enrolment is one row; a plan or revision rewrites only the rows it changes). So a batch costs a
few statements whatever it holds, and no row is deleted only to be inserted again. Who attended
(``rm_attendance``) is brought to each changed program's attendees at the end of the batch: the
people no longer there deleted, the new ones inserted.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, cast

from sqlalchemy import Connection, Table, delete, select

from domain.events import TraineeEnrolled
from projections.base import Batch
from projections.bulk import delete_keys, insert_rows, upsert_rows
from projections.hot_events import ENROLLED, HOT, Pending, fold_hot, settle
from projections.program_views import (
    AttendanceChanged,
    Change,
    ProgramView,
    TaskChanged,
    TimelineEntry,
    TraineesChanged,
    fold_into,
    freeze,
    program_id_of,
    program_row,
)
from projections.tables import attendance, inbox, programs, timeline, trainees


@dataclass
class _Net:
    """What a batch leaves behind, per key: later changes replace earlier ones."""

    timeline: list[dict[str, Any]] = field(default_factory=list)
    tasks: dict[str, tuple[dict[str, Any], ...]] = field(default_factory=dict)
    #: program -> every trainee row it has now (after a plan or revision), by trainee.
    rosters: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
    #: (program, trainee) -> that one row (after an enrolment), for programs not in rosters.
    people: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    #: programs whose attendance changed.
    attended: set[str] = field(default_factory=set)

    def enrol(self, program_id: str, trainee: str) -> None:
        """One enrolment's trainee row (what ``add`` does with its ``TraineesChanged``)."""
        row = {"program_id": program_id, "trainee": trainee, "enrolled": True}
        roster = self.rosters.get(program_id)
        if roster is not None:
            roster[trainee] = row
        else:
            self.people[(program_id, trainee)] = row

    def add(self, change: Change) -> None:
        match change:
            case TimelineEntry():
                self.timeline.append(change.__dict__)
            case AttendanceChanged():
                self.attended.add(change.program_id)
            case TaskChanged():
                self.tasks[change.task_id] = change.rows
            case TraineesChanged(trainee=None):
                self.rosters[change.program_id] = {row["trainee"]: row for row in change.rows}
                for key in [k for k in self.people if k[0] == change.program_id]:
                    del self.people[key]
            case TraineesChanged():
                roster = self.rosters.get(change.program_id)
                for row in change.rows:
                    if roster is not None:
                        roster[row["trainee"]] = row
                    else:
                        self.people[(change.program_id, row["trainee"])] = row


class ProgramProjection:
    name = "programs"
    tables: tuple[Table, ...] = (programs, timeline, inbox, trainees, attendance)

    def apply_batch(self, conn: Connection, batch: Batch) -> None:
        ids = {pid for r, _ in batch if (pid := program_id_of(r.stream_id)) is not None}
        views = self._load_views(conn, ids)
        existing = set(views)
        working = {pid: dict(view.__dict__) for pid, view in views.items()}
        net = _Net()
        add, timeline_rows, hot = net.add, net.timeline, HOT.get
        pending: dict[str, Pending] = {}
        for recorded, event in batch:
            program_id = program_id_of(recorded.stream_id)
            if program_id is None:
                continue
            fields = working.get(program_id)
            if fields is None:
                fields = working[program_id] = {}
            kind = hot(event.__class__)
            if kind is not None and "state" in fields:
                added = pending.get(program_id)
                if added is None:
                    added = pending[program_id] = Pending()
                timeline_rows.append(fold_hot(fields, added, recorded, event, kind))
                if kind == ENROLLED:
                    net.enrol(fields["state"].program_id, cast("TraineeEnrolled", event).trainee)
                continue
            if program_id in pending:
                settle(fields, pending.pop(program_id))
            for change in fold_into(fields, recorded, event):
                add(change)
        for program_id, added in pending.items():
            settle(working[program_id], added)
        upsert_rows(conn, programs, [program_row(freeze(working[pid])) for pid in sorted(working)])
        insert_rows(conn, timeline, net.timeline)
        self._write_inbox(conn, net.tasks)
        self._write_trainees(conn, net, existing)
        self._write_attendance(conn, net.attended, views, working)

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
    def _write_inbox(conn: Connection, tasks: dict[str, tuple[dict[str, Any], ...]]) -> None:
        delete_keys(conn, inbox, ("task_id",), ((task_id,) for task_id in sorted(tasks)))
        insert_rows(conn, inbox, [row for rows in tasks.values() for row in rows])

    @staticmethod
    def _write_trainees(conn: Connection, net: _Net, existing: set[str]) -> None:
        """New programs' rows are inserted; an existing program's rows are upserted, and a
        plan or revision deletes only the people it no longer names."""
        fresh: list[dict[str, Any]] = []
        changed: list[dict[str, Any]] = []
        for program_id, roster in net.rosters.items():
            if program_id in existing:
                conn.execute(
                    delete(trainees).where(
                        trainees.c.program_id == program_id,
                        trainees.c.trainee.not_in(sorted(roster)),
                    )
                )
                changed.extend(roster.values())
            else:
                fresh.extend(roster.values())
        for (program_id, _), row in net.people.items():
            (changed if program_id in existing else fresh).append(row)
        insert_rows(conn, trainees, fresh)
        upsert_rows(conn, trainees, changed, only_if_changed=("enrolled",))

    @staticmethod
    def _write_attendance(
        conn: Connection,
        changed: set[str],
        views: dict[str, ProgramView],
        working: dict[str, dict[str, Any]],
    ) -> None:
        """Each changed program's attendance rows: who attended now, against who had before
        the batch (from the view it started from)."""
        gone: list[tuple[str, str]] = []
        new: list[dict[str, Any]] = []
        for program_id in sorted(changed):
            view = views.get(program_id)
            had = view.state.attendees if view is not None else frozenset()
            now = working[program_id]["state"].attendees
            gone.extend((program_id, person) for person in sorted(had - now))
            new.extend({"program_id": program_id, "trainee": p} for p in sorted(now - had))
        delete_keys(conn, attendance, ("program_id", "trainee"), gone)
        insert_rows(conn, attendance, new)
