"""The demo's evaluation inputs, loaded through the real importers from files it writes:
employees, courses with answer keys, instructors, venues, program assignments, graded online
exams, L3/L4 metrics with effect studies, and costs and benefits. Seeded, so every run of the
demo shows the same KPIs."""

from __future__ import annotations

import csv
import json
import random
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select

from domain.evaluation import ProgramRecord
from eventlog import EventStore
from imports.reference import load_reference
from imports.report import ImportReport
from projections.evaluation import responses

DEPARTMENTS = ("sales", "service", "operations")
INSTRUCTORS = ("inst.gao", "inst.he", "inst.ma")
VENUES = ("room-a", "room-b")
HOURLY_COST = 48  # loaded salary cost of an hour of a participant's time


def department_of(employee: str) -> str:
    return DEPARTMENTS[int(employee.rsplit(".", 1)[1]) % len(DEPARTMENTS)]


def _write_csv(path: Path, rows: Sequence[dict[str, Any]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def _shift(period: str, quarters: int) -> str:
    year, q = int(period[:4]), int(period[-1])
    n = year * 4 + (q - 1) + quarters
    return f"{n // 4}-Q{n % 4 + 1}"


def load_demo_evaluation(
    store: EventStore,
    engine: Engine,
    workdir: Path,
    programs: Sequence[ProgramRecord],
    title_of: dict[str, str],
    employees: Sequence[str],
    titles: Sequence[str],
    seed: int = 11,
) -> list[ImportReport]:
    """Write the files into ``workdir`` and load them; ``programs`` are the quarter's programs
    as the KPIs see them, ``title_of`` their titles."""
    rng = random.Random(seed)
    period = min(p.period for p in programs)
    files: list[tuple[str, Path]] = []
    files.append(
        (
            "employees",
            _write_csv(
                workdir / "employees.csv",
                [
                    {
                        "employee_id": e,
                        "name": f"Employee {e[4:]}",
                        "department": department_of(e),
                        "region": "CN",
                        "manager": f"mgr.{department_of(e)}",
                        "hire_date": f"20{15 + n % 9}-0{1 + n % 9}-15",
                    }
                    for n, e in enumerate(employees)
                ],
            ),
        )
    )
    # The people each course is meant for: those planned for it, plus two colleagues of the
    # first of them who were not (so coverage is below 100 % where it should be).
    targets: dict[str, list[str]] = {}
    for program in programs:
        if program.approved:
            title = title_of[program.program_id]
            planned = [*program.enrolled]
            extra = [
                e
                for e in employees
                if e not in planned and planned and department_of(e) == department_of(planned[0])
            ][:2]
            targets[title] = sorted({*targets.get(title, []), *planned, *extra})
    courses: list[dict[str, Any]] = []
    for n, title in enumerate(titles):
        points = [f"{title.split()[0].lower()}-{k}" for k in ("basics", "practice")]
        courses.append(
            {
                "course_id": f"c{n + 1:02d}",
                "title": title,
                "hours": 6,
                "knowledge_points": points,
                "target_trainees": targets.get(title, []),
                "questions": [
                    {
                        "question_id": f"q{k + 1}",
                        "knowledge_point": points[k % 2],
                        "answer": "ABCD"[k % 4],
                    }
                    for k in range(10)
                ],
            }
        )
    (workdir / "courses.json").write_text(json.dumps(courses, indent=1), encoding="utf-8")
    files.append(("courses", workdir / "courses.json"))
    files.append(
        (
            "instructors",
            _write_csv(
                workdir / "instructors.csv",
                [
                    {"instructor_id": i, "name": i, "period": period, "available_hours": 24}
                    for i in INSTRUCTORS
                ],
            ),
        )
    )
    files.append(
        (
            "venues",
            _write_csv(
                workdir / "venues.csv",
                [
                    {"venue_id": v, "name": v, "capacity": 30, "period": period, "slots": 12}
                    for v in VENUES
                ],
            ),
        )
    )
    course_of = {c["title"]: c for c in courses}
    files.append(
        (
            "assignments",
            _write_csv(
                workdir / "assignments.csv",
                [
                    {
                        "program_id": p.program_id,
                        "course_id": course_of[title_of[p.program_id]]["course_id"],
                        "instructor_id": INSTRUCTORS[n % len(INSTRUCTORS)],
                        "venue_id": VENUES[n % len(VENUES)],
                    }
                    for n, p in enumerate(programs)
                ],
            ),
        )
    )
    executed = [p for p in programs if p.executed]
    with engine.connect() as conn:
        scores = {
            (row.program_id, row.trainee): row.score
            for row in conn.execute(select(responses).where(responses.c.kind == "exam"))
        }
    answers = []
    for (program_id, trainee), score in sorted(scores.items()):
        key = course_of[title_of[program_id]]["questions"]
        right = set(rng.sample(range(10), round(score / 10)))
        for k, question in enumerate(key):
            wrong = "ABCD"[(k + 1) % 4]
            answer = question["answer"] if k in right else wrong
            answers.append(
                {
                    "program_id": program_id,
                    "employee_id": trainee,
                    "question_id": question["question_id"],
                    "answer": answer,
                }
            )
    if answers:
        files.append(("exam-answers", _write_csv(workdir / "exam-answers.csv", answers)))
    files.extend(_effects(rng, workdir, executed, employees, period))
    files.extend(_money(rng, workdir, executed))
    return [load_reference(store, kind, path, actor="demo.admin") for kind, path in files]


def _effects(
    rng: random.Random,
    workdir: Path,
    executed: Sequence[ProgramRecord],
    employees: Sequence[str],
    period: str,
) -> list[tuple[str, Path]]:
    """An L3 and an L4 study: the trained improve more than comparable untrained colleagues."""
    pre, post = _shift(period, -1), _shift(period, 1)
    studies = []
    metrics = []
    for level, metric, program, lift in (
        ("L3", "quality_score", executed[0], 0.14),
        ("L4", "sales", executed[1 % len(executed)], 0.22),
    ):
        trained = set(program.attendees)
        studies.append(
            {
                "study_id": f"{level.lower()}-{program.program_id}",
                "program_id": program.program_id,
                "level": level,
                "metric": metric,
                "pre_period": pre,
                "post_period": post,
                "higher_is_better": "true",
            }
        )
        for employee in employees:
            base = rng.gauss(100, 12)
            gain = 0.03 + (lift if employee in trained else 0.0)
            metrics.append(
                {"employee_id": employee, "metric": metric, "period": pre, "value": round(base, 2)}
            )
            after = base * (1 + gain) + rng.gauss(0, 5)
            metrics.append(
                {
                    "employee_id": employee,
                    "metric": metric,
                    "period": post,
                    "value": round(after, 2),
                }
            )
    return [
        ("studies", _write_csv(workdir / "studies.csv", studies)),
        ("metrics", _write_csv(workdir / "metrics.csv", metrics)),
    ]


def _money(
    rng: random.Random, workdir: Path, executed: Sequence[ProgramRecord]
) -> list[tuple[str, Path]]:
    """Fully loaded costs of every executed program, and monetised benefits for most."""
    costs, benefits = [], []
    for n, program in enumerate(executed):
        pid = program.program_id
        learners = len(program.attendees)
        hours = sum(s.hours for s in program.sessions)
        for line, category, amount in (
            ("fees", "fees", 1500 + 250 * (n % 4)),
            ("materials", "materials", 40 * learners),
            ("venue", "venue", 300),
            ("time", "participant_time", round(hours * HOURLY_COST * learners, 2)),
        ):
            costs.append(
                {"program_id": pid, "line_id": line, "category": category, "amount": amount}
            )
        if n % 4 != 3:  # one program in four could not monetise its benefits
            benefits.append(
                {
                    "program_id": pid,
                    "line_id": "productivity",
                    "description": "hours saved per year, as estimated by participants",
                    "value": round(learners * rng.uniform(1200, 4000), 2),
                    "isolation": 0.6,
                    "confidence": 0.75,
                }
            )
    return [
        ("costs", _write_csv(workdir / "costs.csv", costs)),
        ("benefits", _write_csv(workdir / "benefits.csv", benefits)),
    ]
