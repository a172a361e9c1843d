"""A generated log with evaluation data: the generated programs of ``history.generate``, then
surveys and exams decided by the domain rules, then reference data, costs, metrics and an
effect study loaded through the real importers."""

from __future__ import annotations

import random
from datetime import timedelta
from itertools import count
from pathlib import Path
from typing import Any
from uuid import UUID

from domain import commands as c
from domain.program import ProgramStatus, decide, fold, role_for
from eventlog import EventStore
from imports.common import current_events
from imports.reference import load_reference
from tests.projections.history import _append, generate
from trainops.demo_evaluation import _write_csv

EMPLOYEES = [f"e{k}" for k in range(8)] + [f"x{k}" for k in range(8)]


#: A CSV file of ``rows`` (the first row's keys its header): the demo's own writer.
write_csv = _write_csv


def evaluate(store: EventStore, seed: int = 5) -> None:
    """Surveys and exams from the attendees of every program in evaluation."""
    rng = random.Random(seed)
    ids = count(10_000)
    for n in range(12):
        pid = f"g{n:02d}"
        version, events = current_events(store, f"program-{pid}")
        state = fold(events)
        if state is None or state.status is not ProgramStatus.EVALUATING:
            continue
        assert state.evaluation_closes_at is not None
        now = state.evaluation_closes_at - timedelta(days=1)  # while the window is open
        for trainee in sorted(state.attendees):
            for command in (
                c.SubmitSurvey(
                    actor=trainee,
                    scores={"overall": rng.randint(60, 100), "content": rng.randint(50, 100)},
                ),
                c.RecordExamScore(  # a paper exam, recorded by the specialist
                    actor=state.specialist,
                    trainee=trainee,
                    score=rng.randint(40, 100),
                    evidence=f"sheet-{pid}-{trainee}",
                ),
            ):
                decided = decide(state, command, now, lambda: "unused")
                version = _append(
                    store, pid, version, decided, command.actor, role_for(command), now, ids
                )
                state = fold(decided, state) or state


def build(store: EventStore, workdir: Path) -> None:
    generate(store)
    evaluate(store)
    files: list[tuple[str, list[dict[str, Any]]]] = [
        (
            "employees",
            [{"employee_id": e, "department": "sales" if e[0] == "e" else "ops"} for e in EMPLOYEES]
            + [{"employee_id": f"c{k}", "department": "sales"} for k in range(8)],
        ),
        (
            "instructors",
            [{"instructor_id": "i1", "period": "2027-Q1", "available_hours": 10}],
        ),
        ("venues", [{"venue_id": "v1", "period": "2027-Q1", "slots": 5}]),
        (
            "assignments",
            [{"program_id": f"g0{k}", "instructor_id": "i1", "venue_id": "v1"} for k in range(3)],
        ),
        (
            "costs",
            [
                {"program_id": "g00", "line_id": "fees", "category": "fees", "amount": "530.30"},
                {"program_id": "g01", "line_id": "fees", "category": "fees", "amount": "100"},
            ],
        ),
        (
            "benefits",
            [{"program_id": "g00", "line_id": "b", "value": "1284.00"}],
        ),
        (
            "metrics",
            [
                {"employee_id": p, "metric": "sales", "period": period, "value": value}
                for k, p in enumerate([f"e{j}" for j in range(8)] + [f"c{j}" for j in range(8)])
                for period, value in (
                    ("pre", 100 + k),
                    ("post", 110 + k * (2 if p[0] == "e" else 1)),
                )
            ],
        ),
        (
            "studies",
            [
                {
                    "study_id": "s1",
                    "program_id": "g00",
                    "level": "L4",
                    "metric": "sales",
                    "pre_period": "pre",
                    "post_period": "post",
                    "trained": "",
                    "control": "",
                },
                {
                    "study_id": "s2",
                    "program_id": "g00",
                    "level": "L4",
                    "metric": "sales",
                    "pre_period": "pre",
                    "post_period": "post",
                    "trained": "|".join(f"e{j}" for j in range(8)),
                    "control": "|".join(f"c{j}" for j in range(8)),
                },
            ],
        ),
    ]
    for kind, rows in files:
        report = load_reference(store, kind, write_csv(workdir / f"{kind}.csv", rows))
        assert report.imported and not report.rejected, report


__all__ = ["UUID", "build"]
