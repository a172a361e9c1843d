"""Group commit of a program's evaluation actions (patch ``group-commit-of-trainee-actions``).

When a program's trainees answer its survey, or its specialist records their exam scores, the
actions reach the workflow together. One at a time, each waited for its own roster look-up
and its own append (two workflow tasks, ~20 ms of worker CPU each), in turn behind the
program's lock: a program took about 50 such actions a second. Here the actions waiting for the
lock are taken as one group: one roster look-up for all the people they name, the look-ups an
action needs (an online exam's grading) side by side, then each decided in turn on the state
the ones before it left, and everything decided appended in one step. Each action still gets
its own answer: a refusal fails only its own update and records nothing; the others go on.

A group never names a person twice (a second survey by the same trainee waits for the next
group, and is refused there by the facts the first one recorded), so the facts looked up once
for the group are the facts each action would have looked up alone. Runs recorded before the
patch replay one action at a time.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from domain.approval import ApprovalRoute
    from domain.commands import (
        ConfirmExamScore,
        ProgramCommand,
        RecordExamScore,
        SubmitExam,
        SubmitSurvey,
    )
    from domain.events import ExamGrading
    from domain.program import fold as fold_events
    from domain.program import role_for
    from domain.roster import RosterFacts, people_of
    from workflows.deciding import FACTS_CHECK, Deciding
    from workflows.inputs import ActionResult
    from workflows.lookups import VALIDATION_GRADING, VALIDATION_ROUTE, look_ups
    from workflows.roster import roster_facts_of

#: Patch marker: a program's waiting evaluation actions are decided and appended as a group.
GROUP_COMMIT = "group-commit-of-trainee-actions"
#: The actions that may share a group: each about one trainee, none changing what another
#: trainee's action is decided on (approvals, publishing, attendance stay one at a time).
GROUPED = (SubmitSurvey, SubmitExam, RecordExamScore, ConfirmExamScore)
#: Patch marker: a grouped action is answered as soon as its group is in the log (not after
#: waiting for the lock behind later work), and a group never takes actions that arrived after
#: work that is not grouped and still waits for its turn (an action, the deadline timers).
IN_ARRIVAL_ORDER = "grouped-actions-in-arrival-order"
#: Actions in one group at most: what they decide (an event or two each) is appended in one
#: step, far below ``workflows.recording.APPEND_CHUNK``.
GROUP_LIMIT = 200


@dataclass(eq=False)
class Ticket:
    """One waiting action and, once its group is done, its answer or its refusal."""

    command: ProgramCommand
    arrived: int = 0
    result: ActionResult | None = None
    error: BaseException | None = None
    decided: list[Any] = field(default_factory=list)

    @property
    def done(self) -> bool:
        return self.result is not None or self.error is not None


@dataclass(frozen=True)
class Prepared:
    """What an action is decided with, looked up before its group is decided."""

    roster: RosterFacts
    route: ApprovalRoute | None
    grading: ExamGrading | None
    strict: bool


class GroupCommit(Deciding):
    """Needs ``Deciding``'s decision and answer, and a lock every action takes."""

    _waiting: list[Ticket]
    _arrivals: int = 0
    """Actions and other work that wanted the lock, counted in the order they asked."""
    _barriers: set[int]
    """The arrival numbers of work that is not grouped and waits for the lock."""
    _in_arrival_order: bool = False

    def _groups(self, command: ProgramCommand) -> bool:
        """Whether ``command`` goes through a group (asks the patch only for such actions)."""
        return self._lean and isinstance(command, GROUPED) and workflow.patched(GROUP_COMMIT)

    def _arrive(self) -> int:
        self._arrivals += 1
        return self._arrivals

    @contextlib.asynccontextmanager
    async def _exclusive(self) -> AsyncIterator[None]:
        """The lock, for work that is not grouped: no group takes an action that arrived
        after it while it waits."""
        mark = self._arrive()
        self._barriers.add(mark)
        try:
            async with self._lock:
                self._barriers.discard(mark)
                yield
        finally:
            self._barriers.discard(mark)

    async def _act_in_group(self, command: ProgramCommand) -> ActionResult:
        """The first waiting action to get the lock decides every action waiting then; the
        others are answered when their group is in the log."""
        ticket = Ticket(command, arrived=self._arrive())
        self._waiting.append(ticket)
        if workflow.patched(IN_ARRIVAL_ORDER):
            self._in_arrival_order = True
            while not ticket.done:
                await workflow.wait_condition(lambda: ticket.done or not self._lock.locked())
                if not ticket.done:
                    async with self._lock:  # behind whoever queued for it first
                        if not ticket.done:
                            await self._commit_group()
        else:  # runs recorded before the marker answered after taking the lock
            async with self._lock:
                while not ticket.done:  # a group that left it out (its person was named before)
                    await self._commit_group()
        if ticket.error is not None:
            raise ticket.error
        assert ticket.result is not None
        return ticket.result

    def _take_group(self) -> list[Ticket]:
        """The waiting actions, in arrival order, that name no person an earlier one names
        (and, in order, arrived before any work still waiting for the lock); the others wait
        for the next group."""
        group: list[Ticket] = []
        named: set[str] = set()
        rest: list[Ticket] = []
        before = min(self._barriers, default=None) if self._in_arrival_order else None
        for ticket in self._waiting:
            people = set(people_of(ticket.command))
            late = before is not None and ticket.arrived > before
            if late or people & named or len(group) == GROUP_LIMIT:
                rest.append(ticket)
                continue
            group.append(ticket)
            named |= people
        self._waiting = rest
        return group

    async def _commit_group(self) -> None:
        group = self._take_group()
        before = self._state
        try:
            await self._decide_and_append(group)
        except BaseException as exc:
            # whatever failed (a look-up refused, a bug), every action of the group gets it
            # and nothing it decided stays folded unless appended: none waits forever
            if any(ticket.decided and ticket.result is None for ticket in group):
                self._state = before
            for ticket in group:
                if not ticket.done:
                    ticket.error = exc
            if not isinstance(exc, Exception):
                raise

    async def _decide_and_append(self, group: list[Ticket]) -> None:
        live: list[Ticket] = []
        for ticket in group:
            try:
                self._spend_nonce(ticket.command)
                # refused by the rules before anything is looked up, as one at a time
                self._decide(ticket.command, route=VALIDATION_ROUTE, grading=VALIDATION_GRADING)
            except Exception as exc:
                ticket.error = exc
            else:
                live.append(ticket)
        if not live:
            return
        roster = await roster_facts_of(
            self._state.program_id, self._version, [t.command for t in live]
        )
        prepared = await asyncio.gather(
            *(self._prepare(ticket.command, roster) for ticket in live), return_exceptions=True
        )
        before, holders_before = self._state, self._task_holders()
        decided: list[Ticket] = []
        for ticket, ready in zip(live, prepared, strict=True):
            if isinstance(ready, BaseException):
                ticket.error = ready
                continue
            try:
                events = self._decide(
                    ticket.command,
                    route=ready.route,
                    grading=ready.grading,
                    strict_facts=ready.strict,
                    roster=ready.roster,
                )
            except Exception as exc:
                ticket.error = exc
                continue
            ticket.decided = events
            decided.append(ticket)
            self._keep(fold_events(events, self._state) or self._state)  # the next decides on it
        await self._append_group(decided, before)
        await self._notify_after(holders_before, [e for t in decided for e in t.decided])
        self._changed = True

    async def _prepare(self, command: ProgramCommand, roster: RosterFacts) -> Prepared:
        """The look-ups ``command`` needs besides the roster (refused by the rules first)."""
        strict = workflow.patched(FACTS_CHECK)

        def dry_run(**stand_ins: Any) -> None:
            self._decide(command, strict_facts=strict, roster=roster, **stand_ins)

        route, grading = await look_ups(self._state, command, dry_run)
        return Prepared(roster, route, grading, strict)

    async def _append_group(self, decided: list[Ticket], before: Any) -> None:
        """Append what the group decided in one step; if that fails, every action of the group
        gets the failure and the state is what it was before the group."""
        envelopes = tuple(
            envelope
            for ticket in decided
            for envelope in self._envelopes(
                ticket.decided, ticket.command.actor, role_for(ticket.command), ticket.command
            )
        )
        if envelopes:
            try:
                await self._append(envelopes)
            except Exception as exc:
                self._state = before
                for ticket in decided:
                    ticket.error = exc
                return
        for ticket in decided:
            ticket.result = self._result(tuple(event.type for event in ticket.decided))
