"""A realistic log of a given size, written through the public import path.

Most programs arrive as a historical migration (``imports.history.migrate_history`` over CSV
files, the path ``trainops data migrate-history`` takes): planned, approved, published, each
trainee enrolled, attendance per session, sessions held, executed, surveys, exams, costs,
closed; some cancelled, some never executed. Employees come first through
``imports.reference.load_reference``. A few programs per chunk are decided live by the domain
rules (``domain.program.decide``) and left waiting for approval, so approvers have an inbox.

    .venv/bin/python -m bench.generate --events 100000 --url postgresql+psycopg://...
"""

from __future__ import annotations

import argparse
import csv
import random
import tempfile
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from itertools import count
from pathlib import Path
from typing import Any
from uuid import NAMESPACE_URL, uuid5

from domain import commands as c
from domain.events import Session, event_payload, schema_version_of
from domain.program import decide, evolve, fold, role_for, start
from eventlog import EventStore, NewEvent
from imports.history import migrate_history
from imports.reference import load_reference
from services.database import open_database

NOW = datetime(2026, 11, 30, 12, tzinfo=UTC)
EMPLOYEES = 3000
DEPARTMENTS = ("sales", "ops", "it", "finance", "hr")
APPROVERS = tuple(f"boss{k}" for k in range(10))
PROGRAMS_PER_CHUNK = 150
LIVE_PER_CHUNK = 4


def _write(path: Path, rows: list[dict[str, Any]], fields: list[str]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)
    return path


def _employee(k: int) -> str:
    return f"emp.{k:05d}"


def history_chunk(rng: random.Random, folder: Path, first: int, programs: int) -> list[Path]:
    """CSV files for ``programs`` historical programs numbered from ``first``."""
    kinds = ("programs", "sessions", "enrolments", "attendance", "surveys", "exams", "costs")
    rows: dict[str, list[dict[str, Any]]] = {kind: [] for kind in kinds}
    for n in range(first, first + programs):
        pid = f"h{n:06d}"
        planned = date(2025, 1, 6) + timedelta(days=rng.randrange(680))
        fate = rng.random()
        executed = planned + timedelta(days=rng.choice((-2, -1, 0, 0, 0, 1, 3)))
        rows["programs"].append(
            {
                "program_id": pid,
                "title": f"Course {n % 97}",
                "specialist": f"spec.{n % 40}",
                "planned_date": planned.isoformat(),
                "department": DEPARTMENTS[n % len(DEPARTMENTS)],
                "timezone": rng.choice(("UTC", "Asia/Shanghai", "Europe/Berlin")),
                "executed_on": executed.isoformat() if fate < 0.85 else "",
                "cancelled_reason": "budget cut" if 0.85 <= fate < 0.9 else "",
            }
        )
        sessions = [f"s{k}" for k in range(1, rng.randint(1, 3) + 1)]
        for k, sid in enumerate(sessions):
            day = planned - timedelta(days=len(sessions) - 1 - k)
            starts = f"{day.isoformat()}T{rng.choice(('09:00', '14:00'))}"
            rows["sessions"].append(
                {"program_id": pid, "session_id": sid, "starts_at": starts, "hours": "3"}
            )
        people = [_employee(k) for k in rng.sample(range(EMPLOYEES), rng.randint(10, 60))]
        rows["enrolments"] += [{"program_id": pid, "employee_id": p} for p in people]
        if fate >= 0.85:
            continue
        attendees: set[str] = set()
        for sid in sessions:
            present = [p for p in people if rng.random() < 0.85]
            attendees.update(present)
            rows["attendance"] += [
                {"program_id": pid, "session_id": sid, "employee_id": p} for p in present
            ]
        for person in sorted(attendees):
            if rng.random() < 0.7:
                rows["surveys"].append(
                    {
                        "program_id": pid,
                        "employee_id": person,
                        "overall": rng.randint(50, 100),
                        "scale_min": 0,
                        "scale_max": 100,
                    }
                )
            if rng.random() < 0.6:
                rows["exams"].append(
                    {"program_id": pid, "employee_id": person, "score": rng.randint(40, 100)}
                )
        rows["costs"].append(
            {
                "program_id": pid,
                "line_id": "venue",
                "category": "venue",
                "amount": str(rng.randint(100, 5000)),
            }
        )
    fields = {
        "programs": [
            "program_id",
            "title",
            "specialist",
            "planned_date",
            "department",
            "timezone",
            "executed_on",
            "cancelled_reason",
        ],
        "surveys": ["program_id", "employee_id", "overall", "scale_min", "scale_max"],
    }
    return [
        _write(folder / f"{kind}.csv", found, fields.get(kind) or list(found[0]))
        for kind, found in rows.items()
        if found
    ]


def live_program(store: EventStore, rng: random.Random, n: int, ids: Callable[[], int]) -> int:
    """A program planned and submitted by the domain rules, left in an approver's inbox (or,
    one in three, decided); returns how many events it appended."""
    pid = f"live{n:06d}"
    at = NOW - timedelta(days=rng.randrange(30))
    plan = c.PlanProgram(
        program_id=pid,
        actor=f"spec.{n % 40}",
        approvers=(APPROVERS[n % len(APPROVERS)],),
        title=f"Live course {n}",
        planned_date=(NOW + timedelta(days=30 + n % 60)).date(),
        sessions=(Session(session_id="s1", starts_at=NOW + timedelta(days=30 + n % 60)),),
        trainees=tuple(_employee(k) for k in rng.sample(range(EMPLOYEES), 20)),
    )
    first = start(plan)
    state = evolve(None, first)
    script: list[Any] = [c.SubmitProgram(actor=plan.actor)]
    if n % 3 == 0:
        script.append(c.ApproveProgram(actor=plan.approvers[0]))
    written = [(first, plan.actor, "specialist")]
    task_ids = count(1)
    for command in script:
        decided = decide(state, command, at, lambda: f"{pid}-task-{next(task_ids)}")
        written += [(ev, command.actor, role_for(command)) for ev in decided]
        state = fold(decided, state) or state
    store.append(
        f"program-{pid}",
        0,
        [
            NewEvent(
                event_id=uuid5(NAMESPACE_URL, f"bench/{pid}/{ids()}"),
                event_type=ev.type,
                schema_version=schema_version_of(ev),
                payload=event_payload(ev),
                occurred_at=at,
                metadata={"actor": actor, "role": role},
            )
            for ev, actor, role in written
        ],
    )
    return len(written)


def generate(
    store: EventStore,
    events: int,
    *,
    seed: int = 7,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Append at least ``events`` events to an empty log; returns how many were appended."""
    rng = random.Random(seed)
    serial = count(1)
    with tempfile.TemporaryDirectory(prefix="trainops-bench-") as tmp:
        folder = Path(tmp)
        people = [
            {"employee_id": _employee(k), "department": DEPARTMENTS[k % len(DEPARTMENTS)]}
            for k in range(EMPLOYEES)
        ]
        report = load_reference(
            store,
            "employees",
            _write(folder / "employees.csv", people, ["employee_id", "department"]),
        )
        if not report.imported:
            raise RuntimeError(report.message)
        total = store.head()[0]
        chunk = 0
        while total < events:
            chunk_dir = folder / f"chunk{chunk}"
            chunk_dir.mkdir()
            paths = history_chunk(rng, chunk_dir, chunk * PROGRAMS_PER_CHUNK, PROGRAMS_PER_CHUNK)
            imported = migrate_history(store, paths, now=NOW)
            if not imported.imported:
                raise RuntimeError(imported.message + str(imported.rejected[:3]))
            for k in range(LIVE_PER_CHUNK):
                live_program(store, rng, chunk * LIVE_PER_CHUNK + k, lambda: next(serial))
            total = store.head()[0]
            chunk += 1
            if progress is not None:
                progress(total)
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--url", required=True, help="an empty trainops database")
    args = parser.parse_args()
    db = open_database(args.url)
    try:
        print(generate(db.store, args.events, progress=lambda n: print(n, end="\r")))
    finally:
        db.close()


if __name__ == "__main__":
    main()
