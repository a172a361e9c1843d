"""Re-running an import, in any order with the others, changes nothing: not after exam answers
were loaded, not after a cost line was corrected; reconciliation never raises."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from imports.history import migrate_history, reconcile
from imports.reference import load_reference
from imports.report import ImportReport
from projections import kpi_queries
from services.database import Database
from tests.imports.test_history import NOW, history_files
from tests.projections.evaluation_log import write_csv


def people(db: Database, folder: Path) -> None:
    rows = [{"employee_id": f"emp.{k}", "department": "sales"} for k in range(1, 6)]
    assert load_reference(db.store, "employees", write_csv(folder / "people.csv", rows)).imported


def migrated(db: Database, files: list[Path]) -> ImportReport:
    report = migrate_history(db.store, files, accept_valid=True, now=NOW)
    assert report.imported, report.message
    db.projector.catch_up()
    return reconcile(db.engine, report)


def people_and_history(db: Database, folder: Path) -> tuple[list[Path], ImportReport]:
    """The employees, then the history files migrated a first time: the files and that run."""
    people(db, folder)
    files = history_files(folder / "history")
    return files, migrated(db, files)


def exam_answers(db: Database, folder: Path) -> None:
    """An online exam for h2 (which has no exam in the history file), graded from a key."""
    course = [
        {
            "course_id": "c1",
            "title": "T",
            "hours": 2,
            "questions": [
                {"question_id": "q1", "knowledge_point": "a", "answer": "A"},
                {"question_id": "q2", "knowledge_point": "b", "answer": "B"},
            ],
        }
    ]
    (folder / "courses.json").write_text(json.dumps(course), encoding="utf-8")
    assert load_reference(db.store, "courses", folder / "courses.json").imported
    link = [{"program_id": p, "course_id": "c1"} for p in ("h1", "h2")]
    assert load_reference(db.store, "assignments", write_csv(folder / "a.csv", link)).imported
    answers = [
        {"program_id": "h2", "employee_id": "emp.4", "question_id": "q1", "answer": "A"},
        {"program_id": "h2", "employee_id": "emp.4", "question_id": "q2", "answer": "C"},
        {"program_id": "h1", "employee_id": "emp.1", "question_id": "q1", "answer": "A"},
        {"program_id": "h1", "employee_id": "emp.1", "question_id": "q2", "answer": "B"},
    ]
    report = load_reference(db.store, "exam-answers", write_csv(folder / "x.csv", answers))
    assert report.imported and report.events_appended == 2, report


def test_history_rerun_after_exam_answers_reconciles_without_raising(
    backend_db: Database, tmp_path: Path
) -> None:
    db = backend_db
    files, first = people_and_history(db, tmp_path)
    assert first.reconciled is True
    exam_answers(db, tmp_path)
    head = db.store.head()[0]
    again = migrated(db, files)  # raised TypeError (None vs float) before
    assert again.events_appended == 0 and db.store.head()[0] == head
    checks = {(r.program_id, r.measure): r for r in again.reconciliation}
    h2 = checks[("h2", "average exam score")]
    assert h2.in_file is None and h2.in_system == Decimal("50")
    assert h2.matches is None and "exam-answers" in h2.reason, h2
    h1 = checks[("h1", "average exam score")]
    assert h1.in_file == Decimal("65") and h1.in_system == Decimal("77.5")
    assert h1.matches is None and "x.csv" in h1.reason
    assert checks[("h1", "enrolled")].matches is True
    assert again.reconciled is True  # what only later loads changed is not a mismatch


def costs_file(folder: Path, amount: str, *, correction: str | None = None) -> Path:
    row = {"program_id": "h1", "line_id": "fees", "category": "fees", "amount": amount}
    if correction is not None:
        row["correction"] = correction
    return write_csv(folder / f"costs-{amount}-{correction}.csv", [row])


def test_a_cost_correction_survives_a_rerun_of_the_history(
    backend_db: Database, tmp_path: Path
) -> None:
    db = backend_db
    files, _ = people_and_history(db, tmp_path)
    plain = load_reference(db.store, "costs", costs_file(tmp_path, "1300.00"))
    assert not plain.imported
    assert "correction" in plain.rejected[0].reason and "1200.50" in plain.rejected[0].reason
    # it names the line the amount came from, not every file of the migration
    assert "(from costs.csv:2)" in plain.rejected[0].reason, plain.rejected[0].reason
    fixed = load_reference(db.store, "costs", costs_file(tmp_path, "1300.00", correction="yes"))
    assert fixed.imported and fixed.events_appended == 1, fixed
    head = db.store.head()[0]
    for _ in range(2):
        again = migrated(db, files)
        assert again.events_appended == 0 and db.store.head()[0] == head
    db.projector.catch_up()
    lines = kpi_queries.kpi_inputs(db.engine).costs["h1"]
    assert [line.amount for line in lines] == [Decimal("1300.00")]
    [costs] = [r for r in again.reconciliation if (r.program_id, r.measure) == ("h1", "costs")]
    assert (costs.in_file, costs.in_system) == (Decimal("1200.50"), Decimal("1300.00"))
    assert costs.matches is None and "correct" in costs.reason
    assert again.reconciled is True
    # the correction file itself, re-run, appends nothing either
    assert (
        load_reference(
            db.store, "costs", costs_file(tmp_path, "1300.00", correction="yes")
        ).events_appended
        == 0
    )


def test_rerunning_a_reference_file_never_undoes_a_later_one(
    backend_db: Database, tmp_path: Path
) -> None:
    db = backend_db
    first = [{"employee_id": "e1", "department": "ops"}]
    second = [{"employee_id": "e1", "department": "sales"}]
    a = write_csv(tmp_path / "a.csv", first)
    b = write_csv(tmp_path / "b.csv", second)
    for path in (a, b):
        assert load_reference(db.store, "employees", path).events_appended == 1
    head = db.store.head()[0]
    for path in (a, b, a, a, b):
        assert load_reference(db.store, "employees", path).events_appended == 0
    assert db.store.head()[0] == head


@pytest.mark.parametrize("blank", [0, 1])
def test_a_blank_exam_answer_is_rejected_by_row_and_column(
    backend_db: Database, tmp_path: Path, blank: int
) -> None:
    db = backend_db
    people(db, tmp_path)
    migrated(db, history_files(tmp_path / "history"))
    exam_answers(db, tmp_path)
    answers = [
        {"program_id": "h2", "employee_id": "emp.5", "question_id": "q1", "answer": "A"},
        {"program_id": "h2", "employee_id": "emp.5", "question_id": "q2", "answer": "B"},
    ]
    answers[blank]["answer"] = ""
    report = load_reference(db.store, "exam-answers", write_csv(tmp_path / "y.csv", answers))
    assert not report.imported and report.rows_rejected == 2
    where = f"y.csv:{blank + 2}"
    [own] = [r for r in report.rejected if r.where == where]
    assert own.reason == f"column answer is empty (question 'q{blank + 1}')"
    [other] = [r for r in report.rejected if r.where != where]
    assert other.reason == f"another answer of this exam is rejected ({where})"


def test_costs_and_benefits_are_sums_a_budget_could_hold(
    backend_db: Database, tmp_path: Path
) -> None:
    """12 digits before the point and 2 after, as a program's budget: a longer number, or a
    fraction of a cent, is the row's reason and nothing is recorded."""
    db = backend_db
    people_and_history(db, tmp_path)
    before = db.store.head()
    for amount in ("1000000000000", "12.345"):
        report = load_reference(db.store, "costs", costs_file(tmp_path, amount, correction="yes"))
        assert not report.imported
        assert f"amount: {amount} does not fit a sum of money" in report.rejected[0].reason
    benefit = [{"program_id": "h1", "line_id": "b1", "value": "9" * 15}]
    report = load_reference(db.store, "benefits", write_csv(tmp_path / "b.csv", benefit))
    assert not report.imported and "value: " + "9" * 15 in report.rejected[0].reason
    assert db.store.head() == before
    fine = load_reference(
        db.store, "costs", costs_file(tmp_path, "999999999999.99", correction="yes")
    )
    assert fine.imported, fine.rejected
