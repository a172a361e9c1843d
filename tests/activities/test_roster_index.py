"""The roster index answers the per-trainee rules as the fully folded state would, as of the
stream version it is asked about; publishing's enrolment appends the plan's roster in chunks and,
resumed after a crash midway, appends only the rest."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete
from temporalio.testing import ActivityEnvironment

from activities.contracts import EnrolPlanned, RosterQuery
from activities.roster_index import (
    RosterActivities,
    RosterIndex,
    enrolment_id,
    roster_facts,
    roster_heads,
)
from domain import commands as c
from domain import events as e
from domain.attendance import AttendeesRecorded
from domain.program import fold, start
from domain.roster import facts_from_state
from domain.state import ProgramState
from eventlog import NewEvent
from services.database import Database
from tests.activities.test_reminder_fanout import PLANNED_AS, specialist_rows
from tests.plans import one_session

AT = datetime(2027, 1, 4, 9, tzinfo=UTC)
STREAM = "program-p1"
TWO_SESSIONS = (e.Session(session_id="s1", starts_at=AT), e.Session(session_id="s2", starts_at=AT))
PLAN = start(
    one_session(
        "p1",
        "Safety",
        AT,
        tuple(f"t{n}" for n in range(6)),
        **PLANNED_AS | {"sessions": TWO_SESSIONS},
    )
)
REST: list[Any] = [
    e.ProgramPublished(),
    *(e.TraineeEnrolled(trainee=f"t{n}") for n in (3, 1, 0, 2, 4)),
    e.AttendanceRecorded(session_id="s1", attendees=("t0", "t1", "t2"), absentees=("t3", "t4")),
    AttendeesRecorded(session_id="s2", attendees=("t3",)),
    AttendeesRecorded(session_id="s2", attendees=("t1", "t4")),
    e.EvaluationOpened(closes_at=AT),
    e.SurveySubmitted(trainee="t0", scores={"overall": 80}),
    e.ExamScorePending(trainee="t1", score=70, recorded_by="spec", evidence="doc-1"),
    e.ExamScorePending(trainee="t2", score=60, recorded_by="spec", evidence="doc-2"),
    e.ExamSubmitted(
        trainee="t2", score=60, recorded_by="spec", evidence="doc-2", confirmed_by="boss"
    ),
]


def append(database: Database, events: list[Any], expected: int) -> int:
    return database.store.append(STREAM, expected, specialist_rows(events)).stream_version


def commands_about(person: str) -> list[Any]:
    return [
        c.EnrollTrainee(actor="spec", trainee=person),
        c.SubmitSurvey(actor=person, scores={"overall": 1}),
        c.RecordExamScore(actor="spec", trainee=person, score=1, evidence="x"),
        c.ConfirmExamScore(actor=person, trainee=person),
    ]


def test_facts_equal_the_folded_states_at_every_version_asked(database: Database) -> None:
    index = RosterIndex(database.store, page_size=2)
    folded: list[Any] = [PLAN]
    version = append(database, [PLAN], 0)
    # asked after each batch: the index folds only what it has not seen, up to the version asked
    for batch in (REST[:3], REST[3:7], REST[7:]):
        version = append(database, batch, version)
        folded += batch
        state = fold(folded)
        assert isinstance(state, ProgramState)
        for person in (*PLAN.trainees, "stranger"):
            for command in commands_about(person):
                query = RosterQuery(stream_id=STREAM, version=version, people=(person,))
                assert index.facts(query) == facts_from_state(state, command), (person, command)
        attendees = c.RecordAttendees(actor="spec", session_id="s2", attendees=("t1", "t3", "t0"))
        query = RosterQuery(stream_id=STREAM, version=version, people=attendees.attendees,
                            session_id="s2")  # fmt: skip
        assert index.facts(query) == facts_from_state(state, attendees)
        attendance = c.RecordAttendance(actor="spec", session_id="s2", attendees=("t1", "t4"))
        query = RosterQuery(stream_id=STREAM, version=version, people=("t1", "t4"), absentees=True)
        assert index.facts(query) == facts_from_state(state, attendance)


def test_the_index_is_derived_and_rebuilds_after_being_dropped(database: Database) -> None:
    version = append(database, [PLAN, *REST], 0)
    index = RosterIndex(database.store)
    query = RosterQuery(stream_id=STREAM, version=version, people=("t0", "t1", "t2"))
    before = index.facts(query)
    with database.engine.begin() as conn:
        conn.execute(delete(roster_facts))
        conn.execute(delete(roster_heads))
    assert index.facts(query) == before
    assert before.pending.keys() == {"t1"} and before.examined == {"t2"}


def test_publishing_enrols_the_plan_in_chunks_and_resumes_without_duplicates(
    database: Database,
) -> None:
    version = append(database, [PLAN, e.ProgramPublished()], 0)
    # an earlier attempt appended the first chunk (t0, t1) and died before answering
    first = [
        NewEvent.of(
            e.TraineeEnrolled(trainee=person),
            event_id=enrolment_id(STREAM, person),
            occurred_at=AT,
            metadata={"actor": "system", "role": "system"},
        )
        for person in ("t0", "t1")
    ]
    database.store.append(STREAM, version, first)
    roster = RosterActivities(database.store, chunk=2)
    request = EnrolPlanned(stream_id=STREAM, expected_version=version, occurred_at=AT)
    done = ActivityEnvironment().run(roster.enrol_planned, request)
    assert done.enrolled == len(PLAN.trainees)
    enrolled = [
        r.payload["trainee"]
        for r in database.store.read_stream(STREAM)
        if r.event_type == "TraineeEnrolled"
    ]
    assert sorted(enrolled) == sorted(PLAN.trainees)  # each once
    assert done.stream_version == version + len(PLAN.trainees)
    # run again (a retry after the answer was lost): nothing more is appended
    again = ActivityEnvironment().run(roster.enrol_planned, request)
    assert again.stream_version == done.stream_version and again.enrolled == len(PLAN.trainees)
