"""History: who did what, when, in which workflow run, filtered and written as JSONL or CSV."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta

from audit.history import (
    CSV_COLUMNS,
    HistoryEntry,
    HistoryFilter,
    iter_history,
    write_csv,
    write_jsonl,
)
from services.database import Database


def test_a_programs_history_says_who_what_when_and_which_run(demo: Database) -> None:
    entries = list(iter_history(demo.store, HistoryFilter(program_id="2027Q1-01")))
    stream = demo.store.read_stream("program-2027Q1-01")
    assert [e.position for e in entries] == [r.position for r in stream]
    planned = entries[0]
    assert planned.event_type == "ProgramPlanned"
    assert (planned.actor, planned.role, planned.program_id) == (
        "spec.li",
        "specialist",
        "2027Q1-01",
    )
    assert planned.workflow_id == "2027Q1-01" and planned.run_id and planned.activity_id
    assert planned.summary.startswith("planned")
    assert planned.hash == stream[0].hash


def test_a_person_is_found_as_actor_and_as_trainee(demo: Database) -> None:
    everything = list(iter_history(demo.store))
    plan = next(e for e in everything if e.event_type == "ProgramPlanned")
    trainee = plan.payload["trainees"][0]
    mine = list(iter_history(demo.store, HistoryFilter(person=trainee)))
    assert mine and all(e.involvement for e in mine)
    enrolled_at = {  # in every program that enrols them, not only the first
        e.stream_id: e.stream_version
        for e in everything
        if e.event_type == "TraineeEnrolled" and e.payload["trainee"] == trainee
    }
    reminded = [  # recorded by reference: a count and a digest, the roster version
        e.position
        for e in everything
        if e.event_type == "ReminderSent"
        and e.stream_id in enrolled_at
        and e.payload["kind"] == "attend_session"
        and e.payload["roster_version"] >= enrolled_at[e.stream_id]
    ]
    assert reminded
    expected = [
        e.position
        for e in everything
        if e.actor == trainee or f'"{trainee}"' in json.dumps(e.payload) or e.position in reminded
    ]
    assert [e.position for e in mine] == expected
    assert {"trainee", "recipient"} <= {role for e in mine for role in e.involvement}
    assert all("recipient" in e.involvement for e in mine if e.position in reminded)
    specialist = list(iter_history(demo.store, HistoryFilter(person=plan.payload["specialist"])))
    assert any(
        "recipient" in e.involvement and e.payload["kind"] == "prepare_materials"
        for e in specialist
        if e.event_type == "ReminderSent"
    )
    approver = list(iter_history(demo.store, HistoryFilter(person="mgr.wang")))
    assert any("actor" in e.involvement for e in approver)


def test_time_range_type_and_limit(demo: Database) -> None:
    everything = list(iter_history(demo.store))
    since = everything[10].occurred_at
    until = since + timedelta(days=3)
    window = list(iter_history(demo.store, HistoryFilter(since=since, until=until)))
    assert window and all(since <= e.occurred_at <= until for e in window)
    assert len(window) == sum(since <= e.occurred_at <= until for e in everything)

    recorded = everything[20].recorded_at
    by_recording = list(
        iter_history(demo.store, HistoryFilter(until=recorded, time_field="recorded_at"))
    )
    assert by_recording[-1].recorded_at <= recorded and len(by_recording) >= 21

    exams = list(iter_history(demo.store, HistoryFilter(event_types=frozenset({"ExamSubmitted"}))))
    assert exams and {e.event_type for e in exams} == {"ExamSubmitted"}
    assert len(list(iter_history(demo.store, HistoryFilter(limit=7)))) == 7


def test_json_lines_and_csv(demo: Database) -> None:
    where = HistoryFilter(program_id="2027Q1-02")
    out = io.StringIO()
    count = write_jsonl(iter_history(demo.store, where), out)
    lines = out.getvalue().splitlines()
    assert count == len(lines) > 5
    assert [HistoryEntry.model_validate_json(line) for line in lines] == list(
        iter_history(demo.store, where)
    )

    out = io.StringIO()
    assert write_csv(iter_history(demo.store, where), out) == count
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert list(rows[0]) == CSV_COLUMNS and len(rows) == count
    assert json.loads(rows[0]["payload"])["program_id"] == "2027Q1-02"

    # A spreadsheet opens the export: a cell that would start a formula is text there.
    first = next(iter(iter_history(demo.store, where)))
    out = io.StringIO()
    write_csv([first.model_copy(update={"summary": "=HYPERLINK(1)"})], out)
    [row] = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert row["summary"] == "'=HYPERLINK(1)" and row["hash"] == first.hash


def test_history_reads_as_the_timelines_do_not_as_the_stored_summaries(demo: Database) -> None:
    """An auditor reads the display wording (reminders, counts of one, instants labelled),
    never the frozen stored summaries (e.g. 'prepare_materials reminder for s1 sent to 1')."""
    everything = list(iter_history(demo.store))
    reminders = [e.summary for e in everything if e.event_type == "ReminderSent"]
    assert reminders and all(s.startswith("reminder to ") for s in reminders), reminders[:3]
    scheduled = next(e.summary for e in everything if e.event_type == "SessionScheduled")
    assert scheduled.endswith(" UTC") and " scheduled at " in scheduled
    assert not [e.summary for e in everything if "(1 sessions)" in e.summary]


def test_an_account_names_its_holder_in_words_not_field_names() -> None:
    """``audit history --person emp.1`` says emp.1 is the account a UserCreated made, not
    "display_name username"."""
    from types import SimpleNamespace
    from typing import cast

    from audit.history import involvement
    from eventlog.records import RecordedEvent

    row = SimpleNamespace(
        metadata={"actor": "admin"},
        payload={"username": "emp.1", "display_name": "emp.1", "roles": ["trainee"]},
    )
    assert involvement(cast(RecordedEvent, row), "emp.1") == ["account"]
    assert involvement(cast(RecordedEvent, row), "admin") == ["actor"]
