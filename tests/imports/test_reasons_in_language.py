"""Why an import refuses a row or a file is said in the reader's language: every rejected row
keeps its message key, parameters and pydantic's errors beside the English ``reason``, and the
edges say it in Simplified Chinese from them (issue 16)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import structlog

from api.translator import translator
from imports.common import FileProblem, Rejection
from imports.history import migrate_history
from imports.reference import load_reference
from imports.report import ImportReport
from projections import kpi_queries
from services.database import Database
from services.error_texts import say
from tests.projections.evaluation_log import write_csv
from tests.projections.history import generate

CHINESE = re.compile(r"[\u4e00-\u9fff]")
#: English words that must not be left in a Chinese sentence (ids and column names may be).
ENGLISH = re.compile(r"\b(?:is|are|not|unknown|another|rejected|column|should|must|the)\b")


def _said_in_chinese(report: ImportReport) -> list[Rejection]:
    """The report's rows as a Chinese reader gets them, each checked to be Chinese."""
    said = translator("zh-CN").report(report)
    assert CHINESE.search(said.message) and not ENGLISH.search(said.message), said.message
    for english, row in zip(report.rejected, said.rejected, strict=True):
        assert row.code, row
        assert row.problem and CHINESE.search(row.problem), row
        assert not ENGLISH.search(row.problem), (row.reason, row.problem)
        assert translator("en").rejected_row(english) == english.reason  # English unchanged
    return said.rejected


def test_every_reference_reason_reads_in_chinese(database: Database, tmp_path: Path) -> None:
    store = database.store
    reports = [
        load_reference(
            store,
            "employees",
            write_csv(
                tmp_path / "e.csv",
                [
                    {"employee_id": "e1", "hire_date": "2999-01-01"},  # in the future
                    {"employee_id": "e2", "hire_date": "01/02/2020"},  # not a date
                    {"employee_id": "e3", "hire_date": "2027-02-30"},  # not in the calendar
                    {"employee_id": "e4", "hire_date": "3001-01-01"},  # beyond our years
                    {"employee_id": "", "hire_date": ""},  # empty
                ],
            ),
        ),
        load_reference(
            store,
            "metrics",
            write_csv(
                tmp_path / "m.csv",
                [{"employee_id": "nobody", "metric": "sales", "period": "p", "value": "1"}],
            ),
        ),
        load_reference(
            store,
            "costs",
            write_csv(
                tmp_path / "c.csv",
                [
                    {
                        "program_id": "nope",
                        "line_id": "l1",
                        "category": "venue",
                        "amount": "1",
                        "correction": "perhaps",
                    },
                    {"program_id": "nope", "line_id": "l2", "category": "venue", "amount": "1"},
                ],
            ),
        ),
        load_reference(
            store,
            "courses",
            write_csv(
                tmp_path / "k.csv",
                [
                    {"course_id": "c1", "title": "T", "hours": "many", "questions": ""},
                    {"course_id": "c2", "title": "T", "hours": "2", "questions": "[oops"},
                ],
            ),
        ),
        load_reference(
            store,
            "questions",
            write_csv(
                tmp_path / "q.csv",
                [{"course_id": "c9", "question_id": "q1", "knowledge_point": "k", "answer": "A"}],
            ),
        ),
    ]
    said = [row for report in reports for row in _said_in_chinese(report)]
    codes = {row.code for row in said}
    days = [row for row in said if row.code.startswith("day.")]
    assert len(days) == 3 and all("hire_date" in (row.problem or "") for row in days), days
    assert {
        "day.not_a_date",
        "day.not_in_calendar",
        "day.out_of_range",
        "import.future_day",
        "import.empty_column",
        "import.unknown_employee",
        "import.correction",
        "import.unknown_program",
        "import.invalid_fields",
        "import.cell_not_json",
        "import.course_first",
    } <= codes, codes


def test_a_question_refused_by_its_model_names_the_field_in_chinese(
    database: Database, tmp_path: Path
) -> None:
    course = [{"course_id": "c1", "title": "T", "hours": 2}]
    assert load_reference(database.store, "courses", write_csv(tmp_path / "c.csv", course)).imported
    good = {"course_id": "c1", "question_id": "q1", "knowledge_point": "k", "answer": "A"}
    bad = {**good, "question_id": "q2", "answer": "Honk", "choices": "A|B"}
    rows = [{**good, "choices": ""}, bad]
    report = load_reference(database.store, "questions", write_csv(tmp_path / "q.csv", rows))
    said = {row.where: row for row in _said_in_chinese(report)}
    first, second = sorted(said)
    assert said[first].code == "import.sibling_rejected" and second in (said[first].problem or "")
    assert said[second].errors and "Honk" in (said[second].problem or "")


def test_an_exam_against_a_course_with_no_key_is_a_rejected_row(
    database: Database, tmp_path: Path
) -> None:
    """A rule's refusal while grading (no answer key) rejects the row, by its rule's code; it
    once escaped as an internal error that failed the whole load."""
    generate(database.store)  # g00 has attendees
    database.projector.catch_up()
    attendee = next(
        p for p in kpi_queries.kpi_inputs(database.engine).programs if p.program_id == "g00"
    ).attendees[0]
    course = [{"course_id": "c1", "title": "T", "hours": 2}]
    assert load_reference(database.store, "courses", write_csv(tmp_path / "c.csv", course)).imported
    link = [{"program_id": "g00", "course_id": "c1"}]
    assert load_reference(
        database.store, "assignments", write_csv(tmp_path / "a.csv", link)
    ).imported
    answers = [{"program_id": "g00", "employee_id": attendee, "question_id": "q1", "answer": "A"}]
    report = load_reference(database.store, "exam-answers", write_csv(tmp_path / "x.csv", answers))
    assert not report.imported and report.rejected[0].code == "exam.no_answer_key"
    assert "no answer key" in report.rejected[0].reason
    _said_in_chinese(report)


def test_migration_reasons_read_in_chinese(database: Database, tmp_path: Path) -> None:
    program = {"title": "T", "specialist": "spec.li", "planned_date": "2026-01-05"}
    programs = [
        {"program_id": "h1", **program, "timezone": ""},
        {"program_id": "h1", **program, "timezone": ""},
        {"program_id": "h2", **program, "timezone": "Mars/Olympus"},
    ]
    sessions = [
        {"program_id": "h1", "session_id": "s1", "starts_at": "yesterday", "hours": "2"},
        {"program_id": "h1", "session_id": "s2", "starts_at": "2026-01-05T09:00", "hours": "99"},
        {"program_id": "h2", "session_id": "s1", "starts_at": "2026-01-05T09:00", "hours": "2"},
    ]
    paths = [
        write_csv(tmp_path / "programs.csv", programs),
        write_csv(tmp_path / "sessions.csv", sessions),
    ]
    report = migrate_history(database.store, paths)
    codes = {row.code for row in _said_in_chinese(report)}
    assert {
        "import.program_twice",
        "import.unknown_zone",
        "import.not_a_time",
        "import.out_of_range",
        "import.program_rejected",
    } <= codes, codes


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("e.csv", "employee_id,name\n".encode("gbk") + "e1,李雷\n".encode("gbk")),
        ("e.csv", b"employee_id,shoe_size\ne1,42\n"),
        ("e.json", b'{"employee_id": "e1"}'),
        ("e.json", b"[{"),
    ],
)
def test_a_file_refused_whole_reads_in_chinese(tmp_path: Path, name: str, data: bytes) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(FileProblem) as refused:
        load_reference(None, "employees", path)  # type: ignore[arg-type]  # refused first
    chinese = say(refused.value.code, refused.value.params, "zh-CN")
    assert chinese and CHINESE.search(chinese) and not ENGLISH.search(chinese), chinese
    assert say(refused.value.code, refused.value.params, "en") == str(refused.value)


def test_data_migrate_says_its_rejected_rows_in_chinese(
    database: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A migration runs in the command line's own process: its report is said there, in the
    chosen language (a load's report comes so from the server)."""
    from typer.testing import CliRunner

    from runtime.settings import get_settings
    from tests.imports.test_history import history_files
    from trainops.cli import app

    monkeypatch.setenv("TRAINOPS_DATABASE_URL", str(database.engine.url))
    monkeypatch.setenv("TRAINOPS_LANG", "zh-CN")
    get_settings.cache_clear()
    saved = structlog.get_config()  # the command quiets the logs
    try:
        result = CliRunner().invoke(app, ["data", "migrate", *map(str, history_files(tmp_path))])
    finally:
        structlog.configure(**saved)
        get_settings.cache_clear()
    said = " ".join(result.stdout.split())
    assert result.exit_code == 1, result.output
    assert "行被拒绝" in said and "已被拒绝" in said, said
    assert "nothing imported" not in said and "was rejected" not in said
