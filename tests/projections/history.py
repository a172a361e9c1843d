"""A generated log of many programs, decided by the real domain rules (no Temporal needed)."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from itertools import count
from typing import Any
from uuid import UUID

from domain import commands as c
from domain.events import Session
from domain.program import ProgramState, decide, evolve, fold, role_for, start
from eventlog import EventStore, NewEvent

T0 = datetime(2027, 1, 4, 9, 0, tzinfo=UTC)


def _append(
    store: EventStore,
    pid: str,
    version: int,
    events: list[Any],
    actor: str,
    role: str,
    at: datetime,
    ids: Any,
) -> int:
    new = [
        NewEvent.of(
            ev,
            event_id=UUID(int=next(ids)),
            occurred_at=at,
            metadata={"actor": actor, "role": role},
        )
        for ev in events
    ]
    return store.append(f"program-{pid}", version, new).stream_version


def generate(store: EventStore, programs: int = 12, seed: int = 3) -> None:
    """Programs in every outcome: rejected, cancelled, late, on time, still running."""
    rng = random.Random(seed)
    ids = count(1)
    task_ids = count(1)
    for n in range(programs):
        pid = f"g{n:02d}"
        now = T0 + timedelta(hours=n)
        plan = c.PlanProgram(
            program_id=pid,
            actor=f"spec{n % 3}",
            approvers=("boss",),
            title=f"Program {n}",
            planned_date=date(2027, 1, 20) + timedelta(days=n * 7),
            sessions=(Session(session_id="s1", starts_at=now + timedelta(days=5 + n * 7)),),
            trainees=tuple(f"e{k}" for k in range(rng.randint(3, 8))),
        )
        first = start(plan)
        version = _append(store, pid, 0, [first], plan.actor, "specialist", now, ids)
        state: ProgramState = evolve(None, first)
        script: list[Any] = [c.SubmitProgram(actor=plan.actor)]
        if n % 5 == 3:
            script.append(c.RejectProgram(actor="boss", reason="no"))
        else:
            script += [c.ApproveProgram(actor="boss"), c.PublishProgram(actor=plan.actor)]
            if n % 5 == 4:
                script.append(c.CancelProgram(actor=plan.actor, reason="ill"))
            elif n < programs - 2:
                present = tuple(t for t in plan.trainees if rng.random() < 0.8)
                script += [
                    c.RecordAttendance(actor=plan.actor, session_id="s1", attendees=present),
                    c.CompleteSession(actor=plan.actor, session_id="s1"),
                    c.CompleteExecution(actor=plan.actor),
                ]
        for command in script:
            now += timedelta(days=2 if isinstance(command, c.CompleteExecution) and n % 2 else 1)
            if isinstance(command, c.CompleteExecution):
                now = datetime.combine(plan.planned_date, T0.timetz()) + timedelta(days=n % 2)
            if isinstance(command, c.RecordAttendance):  # a session's facts, once it has begun
                now = max(now, plan.sessions[0].starts_at + timedelta(hours=2))
            decided = decide(state, command, now, lambda: f"task-{next(task_ids)}")
            version = _append(
                store, pid, version, decided, command.actor, role_for(command), now, ids
            )
            state = fold(decided, state) or state
