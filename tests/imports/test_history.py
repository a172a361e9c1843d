"""Historical migration: a file with good and bad rows, the report, idempotent re-import,
reconciliation, and clear errors for bad files."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from api.translator import translator
from imports.common import FileProblem
from imports.history import migrate_history, reconcile
from imports.reference import load_reference
from projections import kpi_queries, queries
from services.database import Database, open_database
from services.import_texts import MEASURES_ZH_CN
from tests.projections.evaluation_log import write_csv

NOW = datetime(2026, 6, 30, 12, tzinfo=UTC)


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = open_database(f"sqlite:///{tmp_path / 'log.db'}")
    people = [{"employee_id": f"emp.{k}", "department": "sales"} for k in range(1, 6)]
    report = load_reference(database.store, "employees", write_csv(tmp_path / "people.csv", people))
    assert report.imported
    yield database
    database.close()


def history_files(folder: Path) -> list[Path]:
    folder.mkdir(exist_ok=True)
    programs = [
        {
            "program_id": "h1",
            "title": "Safety",
            "specialist": "spec.li",
            "planned_date": "2026-01-20",
            "timezone": "Asia/Shanghai",
            "executed_on": "2026-01-19",
            "department": "ops",
        },
        {
            "program_id": "h2",
            "title": "Sales",
            "specialist": "spec.li",
            "planned_date": "2026-02-10",
            "timezone": "Asia/Shanghai",
            "executed_on": "2026-02-12",
            "department": "sales",
        },
        {
            "program_id": "h3",
            "title": "Later",
            "specialist": "spec.li",
            "planned_date": "2027-03-01",
            "timezone": "UTC",
            "executed_on": "",
            "department": "",
        },  # a future date
    ]
    sessions = [
        {"program_id": "h1", "session_id": "s1", "starts_at": "2026-01-15T09:30", "hours": "3"},
        {
            "program_id": "h2",
            "session_id": "s1",
            "starts_at": "2026-02-09T14:00+08:00",
            "hours": "2",
        },
        {"program_id": "h3", "session_id": "s1", "starts_at": "2027-02-01T09:00", "hours": "2"},
        {"program_id": "h3", "session_id": "s2", "starts_at": "2026-01-20T09:00", "hours": "2"},
    ]  # h3's rows: one with a mistake of its own (a future start), one without
    enrolments = [
        {"program_id": p, "employee_id": e}
        for p, e in [
            ("h1", "emp.1"),
            ("h1", "emp.2"),
            ("h1", "emp.3"),
            ("h2", "emp.4"),
            ("h2", "emp.5"),
            ("h2", "emp.99"),
        ]  # emp.99 is unknown
    ]
    attendance = [
        {"program_id": p, "session_id": "s1", "employee_id": e}
        for p, e in [("h1", "emp.1"), ("h1", "emp.2"), ("h2", "emp.4"), ("h2", "emp.5")]
    ]
    surveys = [
        {
            "program_id": "h1",
            "employee_id": "emp.1",
            "overall": "4",
            "content": "5",
            "scale_min": "1",
            "scale_max": "5",
        },
        {
            "program_id": "h1",
            "employee_id": "emp.2",
            "overall": "90",
            "content": "",
            "scale_min": "",
            "scale_max": "",
        },
        {
            "program_id": "h2",
            "employee_id": "emp.4",
            "overall": "120",
            "content": "80",
            "scale_min": "",
            "scale_max": "",
        },
        {
            "program_id": "h2",
            "employee_id": "emp.3",
            "overall": "80",
            "content": "",
            "scale_min": "",
            "scale_max": "",
        },
    ]
    exams = [
        {"program_id": "h1", "employee_id": "emp.1", "score": "75"},
        {"program_id": "h1", "employee_id": "emp.2", "score": "55"},
        {"program_id": "h3", "employee_id": "emp.1", "score": "90"},
    ]
    costs = [
        {"program_id": "h1", "line_id": "fees", "category": "fees", "amount": "1200.50"},
        {"program_id": "h1", "line_id": "food", "category": "catering", "amount": "80"},
    ]
    return [
        write_csv(folder / f"{kind}.csv", rows)
        for kind, rows in (
            ("programs", programs),
            ("sessions", sessions),
            ("enrolments", enrolments),
            ("attendance", attendance),
            ("surveys", surveys),
            ("exams", exams),
            ("costs", costs),
        )
    ]


def test_mixed_file_is_refused_whole_then_imported_valid_rows_once(
    db: Database, tmp_path: Path
) -> None:
    files = history_files(tmp_path / "history")
    head = db.store.head()[0]
    report = migrate_history(db.store, files, now=NOW)
    assert not report.imported and db.store.head()[0] == head  # nothing imported
    assert report.rows_read == 26
    reasons = {(r.where, r.reason) for r in report.rejected}
    assert (
        "programs.csv:4",
        "planned_date 2027-03-01 is in the future (today is 2026-06-30)",
    ) in reasons
    # A row of a rejected program says its own mistake first; one without says the program's.
    assert any(w == "sessions.csv:4" and "2027-02-01" in r and "future" in r for w, r in reasons)
    assert any(
        w == "sessions.csv:5" and "program 'h3' was rejected (programs.csv:4)" in r
        for w, r in reasons
    )
    assert any(w == "enrolments.csv:7" and "unknown employee 'emp.99'" in r for w, r in reasons)
    assert any(
        w == "surveys.csv:4" and "overall 120" in r and "out of range" in r for w, r in reasons
    )
    assert any(w == "surveys.csv:5" and "did not attend" in r for w, r in reasons)
    assert any(w == "costs.csv:3" and "catering" in r for w, r in reasons)
    assert report.rows_rejected == 8 and report.rows_accepted == 18
    assert "nothing imported" in report.message
    said = translator("zh-CN").report(report)  # every reason, and the last words, in Chinese
    assert all(re.search("[\u4e00-\u9fff]", r.problem or "") for r in said.rejected)
    assert said.message.startswith("8 行被拒绝")

    imported = migrate_history(db.store, files, accept_valid=True, now=NOW)
    assert imported.imported and imported.events_appended > 0
    db.projector.catch_up()
    assert translator("zh-CN").report(imported).reconciliation[0].reason == "尚未比较"
    checked = reconcile(db.engine, imported)
    assert checked.reconciled is True
    assert {r.measure for r in checked.reconciliation} == set(MEASURES_ZH_CN)
    totals = {(r.program_id, r.measure): r.in_system for r in checked.reconciliation}
    assert totals[("h1", "attendees")] == 2 and totals[("h1", "enrolled")] == 3
    # emp.1 answered 4 of 1..5 -> 75, emp.2 90
    assert totals[("h1", "average survey score")] == Decimal("82.5")
    assert totals[("h1", "costs")] == Decimal("1200.50")
    programs = {p["program_id"]: p for p in queries.list_programs(db.engine)}
    assert programs["h1"]["status"] == "closed" and programs["h1"]["on_time"]
    assert not programs["h2"]["on_time"] and "h3" not in programs

    head = db.store.head()[0]
    again = migrate_history(db.store, files, accept_valid=True, now=NOW)
    assert again.imported and again.events_appended == 0 and db.store.head()[0] == head

    cards = kpi_queries.kpi_report(db.engine, period="2026-Q1", specialist="spec.li")
    kpis = {k.kpi: k for k in cards[0].kpis if k.headline}
    assert (kpis["exam_pass_rate"].numerator, kpis["exam_pass_rate"].denominator) == (1, 2)
    assert (kpis["plan_completion"].numerator, kpis["plan_completion"].denominator) == (2, 2)


def test_a_program_already_in_the_log_is_not_overwritten(db: Database, tmp_path: Path) -> None:
    files = history_files(tmp_path / "a")
    assert migrate_history(db.store, files, accept_valid=True, now=NOW).imported
    edited = history_files(tmp_path / "b")
    edited[0].write_text(edited[0].read_text().replace("Safety", "Safety v2"), encoding="utf-8")
    report = migrate_history(db.store, edited, accept_valid=True, now=NOW)
    assert any("already in the log (not from this file)" in r.reason for r in report.rejected)


def test_json_input(db: Database, tmp_path: Path) -> None:
    document = {
        "programs": [
            {
                "program_id": "j1",
                "title": "T",
                "specialist": "spec.li",
                "planned_date": "2026-03-01",
                "executed_on": "2026-03-01",
            }
        ],
        "sessions": [
            {
                "program_id": "j1",
                "session_id": "s1",
                "starts_at": "2026-03-01T09:00+00:00",
                "hours": 2,
            }
        ],
        "enrolments": [{"program_id": "j1", "employee_id": "emp.1"}],
        "attendance": [{"program_id": "j1", "session_id": "s1", "employee_id": "emp.1"}],
        "exams": [{"program_id": "j1", "employee_id": "emp.1", "score": 61}],
    }
    path = tmp_path / "history.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    report = migrate_history(db.store, [path], now=NOW)
    assert report.imported and not report.rejected, report.rejected


def test_bad_files_get_clear_errors(db: Database, tmp_path: Path) -> None:
    gbk = tmp_path / "programs.csv"
    gbk.write_bytes(
        "program_id,title,specialist,planned_date\np1,安全培训,spec.li,2026-01-01\n".encode("gbk")
    )
    with pytest.raises(FileProblem, match=r"not UTF-8 .*GBK"):
        migrate_history(db.store, [gbk], now=NOW)
    missing = tmp_path / "sessions.csv"
    missing.write_text("program_id,session_id,start\n", encoding="utf-8")
    with pytest.raises(
        FileProblem, match=r"missing column.*starts_at, hours; unknown column.*start"
    ):
        migrate_history(db.store, [missing], now=NOW)
    huge = tmp_path / "programs.csv"  # one field over the csv module's 128 KiB limit
    huge.write_text("program_id,title,specialist,planned_date\np1," + "x" * 200_000)
    with pytest.raises(FileProblem, match=r"programs.csv:\d+: not a CSV file this import can"):
        migrate_history(db.store, [huge], now=NOW)
    unnamed = tmp_path / "data.csv"
    unnamed.write_text("a\n", encoding="utf-8")
    with pytest.raises(FileProblem, match="file name must say its kind"):
        migrate_history(db.store, [unnamed], now=NOW)


def test_a_compact_start_is_refused_naming_the_row(db: Database, tmp_path: Path) -> None:
    files = history_files(tmp_path / "h")
    sessions = files[1]
    sessions.write_text(
        sessions.read_text(encoding="utf-8").replace("2026-01-15T09:30", "20260115T0930"),
        encoding="utf-8",
    )
    report = migrate_history(db.store, files, now=NOW)
    assert not report.imported
    assert any(
        r.where == "sessions.csv:2" and "'20260115T0930' is not a date and time" in r.reason
        for r in report.rejected
    ), report.rejected
