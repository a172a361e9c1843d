"""Reference data: every change an event in its record's stream, unchanged rows append nothing;
online exams graded from the answer key."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from imports.reference import load_reference
from projections import kpi_queries
from services.database import Database, open_database
from tests.projections.evaluation_log import write_csv
from tests.projections.history import generate


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = open_database(f"sqlite:///{tmp_path / 'log.db'}")
    yield database
    database.close()


def test_changes_only(db: Database, tmp_path: Path) -> None:
    rows = [
        {"employee_id": "e1", "department": "sales"},
        {"employee_id": "e2", "department": "ops"},
    ]
    first = load_reference(db.store, "employees", write_csv(tmp_path / "e.csv", rows))
    assert first.events_appended == 2 and first.streams_written == 2
    again = load_reference(db.store, "employees", write_csv(tmp_path / "e.csv", rows))
    assert again.events_appended == 0 and again.unchanged == 2
    rows[1]["department"] = "sales"
    moved = load_reference(db.store, "employees", write_csv(tmp_path / "e.csv", rows))
    assert moved.events_appended == 1
    assert [r.event_type for r in db.store.read_stream("employee-e2")] == ["EmployeeRecorded"] * 2
    rows[1]["department"] = "ops"  # the very first file again: a re-run, which never undoes
    assert (
        load_reference(db.store, "employees", write_csv(tmp_path / "e.csv", rows)).events_appended
        == 0
    )
    rows.reverse()  # a new file saying it: a change, a new event
    assert (
        load_reference(db.store, "employees", write_csv(tmp_path / "e.csv", rows)).events_appended
        == 1
    )


def test_rejected_rows_block_the_file(db: Database, tmp_path: Path) -> None:
    rows = [{"employee_id": "e1", "metric": "sales", "period": "p", "value": "1"}]
    report = load_reference(db.store, "metrics", write_csv(tmp_path / "m.csv", rows))
    assert not report.imported and report.rejected[0].reason == "unknown employee 'e1'"
    bad = [{"employee_id": "e1", "hire_date": "2999-01-01"}, {"employee_id": "e2", "hire_date": ""}]
    partial = load_reference(
        db.store, "employees", write_csv(tmp_path / "e.csv", bad), accept_valid=True
    )
    assert partial.imported and partial.events_appended == 1
    assert "in the future" in partial.rejected[0].reason
    assert partial.rejected[0].key == "e1"  # a record of one row is named by its id


def test_a_record_given_twice_in_a_file_is_refused(db: Database, tmp_path: Path) -> None:
    """A trial: the same employee_id on two rows was accepted, the last row winning; refused
    instead, naming the row that gave it first, as a roster or an attendance file does."""
    rows = [
        {"employee_id": "e1", "department": "sales"},
        {"employee_id": "e2", "department": "ops"},
        {"employee_id": "e1", "department": "ops"},
    ]
    path = write_csv(tmp_path / "e.csv", rows)
    report = load_reference(db.store, "employees", path)
    assert not report.imported and report.events_appended == 0
    [twice] = report.rejected
    assert (twice.code, twice.key, twice.where) == ("import.record_twice", "e1", "e.csv:4")
    assert (
        twice.reason == "'e1' is given twice in this file (first at e.csv:2): give each record once"
    )
    assert not db.store.read_stream("employee-e1")
    from services.error_texts import say

    assert say(twice.code, twice.params, "zh-CN") == (
        "'e1' 在此文件中出现了两次(第一次在 e.csv:2):每条记录只能给出一次"
    )


def test_exam_answers_graded_into_mastery(db: Database, tmp_path: Path) -> None:
    generate(db.store)  # g00 has attendees
    db.projector.catch_up()
    attendee = next(
        p for p in kpi_queries.kpi_inputs(db.engine).programs if p.program_id == "g00"
    ).attendees[0]
    course = [
        {
            "course_id": "c1",
            "title": "T",
            "hours": 2,
            "knowledge_points": ["a", "b"],
            "questions": [
                {"question_id": "q1", "knowledge_point": "a", "answer": "A"},
                {"question_id": "q2", "knowledge_point": "b", "answer": "B"},
            ],
        }
    ]
    path = tmp_path / "courses.json"
    path.write_text(json.dumps(course), encoding="utf-8")
    assert load_reference(db.store, "courses", path).imported
    link = [{"program_id": "g00", "course_id": "c1", "instructor_id": "", "venue_id": ""}]
    assert load_reference(db.store, "assignments", write_csv(tmp_path / "a.csv", link)).imported
    twice = [
        {"program_id": "g00", "employee_id": attendee, "question_id": "q1", "answer": "A"},
        {"program_id": "g00", "employee_id": attendee, "question_id": "q1", "answer": "B"},
    ]  # the same question twice: refused, never "the last one wins" (issue 16)
    doubled = load_reference(db.store, "exam-answers", write_csv(tmp_path / "d.csv", twice))
    assert not doubled.imported
    first, second = doubled.rejected
    assert (first.code, second.code) == ("import.sibling_rejected", "import.named_twice")
    assert second.reason == f"question 'q1' is given twice in this record (first at {first.where})"
    assert first.key == second.key == f"g00/{attendee}"
    answers = [
        {"program_id": "g00", "employee_id": attendee, "question_id": "q1", "answer": "a"},
        {"program_id": "g00", "employee_id": attendee, "question_id": "q2", "answer": "C"},
        {"program_id": "g00", "employee_id": "nobody", "question_id": "q1", "answer": "A"},
    ]
    report = load_reference(
        db.store, "exam-answers", write_csv(tmp_path / "x.csv", answers), accept_valid=True
    )
    assert report.events_appended == 1 and "did not attend" in report.rejected[0].reason
    db.projector.catch_up()
    inputs = kpi_queries.kpi_inputs(db.engine)
    assert [e.score for e in inputs.exams if e.program_id == "g00"] == [50.0]
    assert sorted((i.item.knowledge_point, i.item.correct) for i in inputs.items) == [
        ("a", True),
        ("b", False),
    ]


def test_questions_with_their_text_and_choices(db: Database, tmp_path: Path) -> None:
    course = [{"course_id": "c1", "title": "T", "hours": 2}]
    assert load_reference(db.store, "courses", write_csv(tmp_path / "c.csv", course)).imported
    rows = [
        {
            "course_id": "c1",
            "question_id": "q1",
            "knowledge_point": "load",
            "answer": "Lower the forks",
            "text": "Before driving off?",
            "choices": "Raise the forks|Lower the forks",
        },
        {
            "course_id": "c1",
            "question_id": "q2",
            "knowledge_point": "emergency",
            "answer": "Dial 120",
            "text": "",
            "choices": "",
        },
    ]
    assert load_reference(db.store, "questions", write_csv(tmp_path / "q.csv", rows)).imported
    db.projector.catch_up()
    [q1, q2] = kpi_queries.kpi_inputs(db.engine).courses["c1"].questions
    assert (q1.text, q1.choices) == ("Before driving off?", ("Raise the forks", "Lower the forks"))
    assert (q2.text, q2.choices) == ("", ())
    wrong = [{**rows[0], "answer": "Honk"}]
    report = load_reference(db.store, "questions", write_csv(tmp_path / "w.csv", wrong))
    assert not report.imported and "not one of its choices" in report.rejected[0].reason


def test_a_compact_or_week_date_refuses_the_file_and_names_each_row(
    db: Database, tmp_path: Path
) -> None:
    rows = [
        {"employee_id": "e1", "department": "sales", "hire_date": "2024-03-01"},
        {"employee_id": "e2", "department": "ops", "hire_date": "20240301"},
        {"employee_id": "e3", "department": "ops", "hire_date": "2024-W09-5"},
    ]
    report = load_reference(db.store, "employees", write_csv(tmp_path / "e.csv", rows))
    assert report.imported is False and report.events_appended == 0
    reasons = " ".join(r.reason for r in report.rejected)
    assert "'20240301' is not a date" in reasons and "'2024-W09-5' is not a date" in reasons
    assert db.store.head()[0] == 0


def test_a_courses_file_carries_its_questions_as_a_json_cell(
    database: Database, tmp_path: Path
) -> None:
    """The documented `questions` column of a CSV file is JSON text; a cell that is not JSON is
    the row's reason, naming the column."""
    questions = [
        {"question_id": "q1", "knowledge_point": "load", "answer": "B", "choices": ["A", "B"]},
        {"question_id": "q2", "knowledge_point": "fire", "answer": "Call 119"},
    ]
    course = {"course_id": "c9", "title": "Forklift", "hours": 2}
    rows = [{**course, "questions": json.dumps(questions)}]
    loaded = load_reference(database.store, "courses", write_csv(tmp_path / "c.csv", rows))
    assert loaded.imported, loaded.rejected
    database.projector.catch_up()
    [q1, q2] = kpi_queries.kpi_inputs(database.engine).courses["c9"].questions
    assert (q1.answer, q1.choices, q2.answer) == ("B", ("A", "B"), "Call 119")
    broken = [{**course, "course_id": "c10", "questions": "[{'question_id': 'q1'"}]
    report = load_reference(database.store, "courses", write_csv(tmp_path / "b.csv", broken))
    assert not report.imported
    assert report.rejected[0].reason.startswith("questions: not valid JSON")


def test_a_bad_question_is_refused_on_its_own_row_only(database: Database, tmp_path: Path) -> None:
    course = [{"course_id": "c1", "title": "T", "hours": 2}]
    assert load_reference(database.store, "courses", write_csv(tmp_path / "c.csv", course)).imported
    good = {
        "course_id": "c1",
        "question_id": "q1",
        "knowledge_point": "load",
        "answer": "A",
        "choices": "",
    }
    bad = {**good, "question_id": "q2", "answer": "Honk", "choices": "A|B"}
    report = load_reference(database.store, "questions", write_csv(tmp_path / "q.csv", [good, bad]))
    reasons = {r.where: r.reason for r in report.rejected}
    assert not report.imported and len(reasons) == 2
    first, second = sorted(reasons)
    assert "not one of its choices" in reasons[second]
    assert reasons[first] == f"another question of this course is rejected ({second})"
