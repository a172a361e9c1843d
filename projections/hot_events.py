"""The three most frequent program events folded without a state copy per event.

Enrolments, survey answers and exam results are about 85% of a log (one of each per trainee
and program). ``domain.evolve`` copies the whole ``ProgramState`` for each, and the timeline
line goes through the generic message dispatch; a rebuild of a million events spent most of
its fold there. Here each such event only notes what it adds (a name appended to the enrolled,
a name added to a set) and writes its timeline row directly; ``settle`` brings the state up to
date with one copy, before any other event of that program is folded and at the end of the
batch. The result is the state ``evolve`` gives and the rows ``fold_into`` writes, field for
field and byte for byte (``tests/projections/test_hot_events.py`` folds both ways).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from json.encoder import encode_basestring
from typing import Any

from domain import events as e
from eventlog.records import RecordedEvent
from projections.event_messages import encode, parts
from projections.event_texts import stored_summary


@dataclass(slots=True)
class Pending:
    """What a program's hot events added since its state was last settled."""

    enrolled: list[str] = field(default_factory=list)
    surveyed: set[str] = field(default_factory=set)
    examined: set[str] = field(default_factory=set)


ENROLLED, SURVEYED, EXAMINED = 1, 2, 3
#: The hot event types (exactly these classes: a subclass takes the general path).
HOT: dict[type[Any], int] = {
    e.TraineeEnrolled: ENROLLED,
    e.SurveySubmitted: SURVEYED,
    e.ExamSubmitted: EXAMINED,
}


def settle(fields: dict[str, Any], pending: Pending) -> None:
    """The state after the pending events, in one copy (what ``evolve`` gives one at a time)."""
    state = fields["state"]
    update: dict[str, Any] = {}
    if pending.enrolled:
        update["enrolled"] = (*state.enrolled, *pending.enrolled)
    if pending.surveyed:
        update["surveyed"] = state.surveyed | pending.surveyed
    if pending.examined:
        done = pending.examined
        update["examined"] = state.examined | done
        update["pending_scores"] = {k: v for k, v in state.pending_scores.items() if k not in done}
    if update:
        fields["state"] = state.model_copy(update=update)


def _line(kind: int, event: Any) -> tuple[str, str]:
    """The timeline's summary and stored message, as ``parts``, ``stored_summary`` and
    ``encode`` make them (``json.dumps`` with its default separators)."""
    trainee = str(event.trainee)
    quoted = encode_basestring(trainee)
    if kind == ENROLLED:
        return (
            f"{trainee} enrolled",
            f'[["event.TraineeEnrolled", {{"trainee": {quoted}}}]]',
        )
    if kind == SURVEYED:
        overall = str(event.scores.get("overall"))
        return (
            f"survey from {trainee}: overall {overall}",
            f'[["event.SurveySubmitted", {{"trainee": {quoted},'
            f' "overall": {encode_basestring(overall)}}}]]',
        )
    if event.recorded_by is not None:  # a score from elsewhere: its provenance too
        message = parts(event)
        return stored_summary(message), encode(message)
    score = f"{event.score:g}"
    return (
        f"exam of {trainee}: {score}",
        f'[["event.ExamSubmitted", {{"trainee": {quoted}, "score": "{score}"}}]]',
    )


def fold_hot(
    fields: dict[str, Any], pending: Pending, recorded: RecordedEvent, event: Any, kind: int
) -> dict[str, Any]:
    """Fold one hot event into a program's fields (which have a state) and ``pending``;
    returns its timeline row."""
    if kind == ENROLLED:
        pending.enrolled.append(event.trainee)
    elif kind == SURVEYED:
        pending.surveyed.add(event.trainee)
    else:
        pending.examined.add(event.trainee)
    fields["last_position"] = recorded.position
    fields["updated_at"] = recorded.occurred_at
    summary, message = _line(kind, event)
    metadata = recorded.metadata
    return {
        "position": recorded.position,
        "program_id": fields["state"].program_id,
        "stream_version": recorded.stream_version,
        "occurred_at": recorded.occurred_at,
        "event_type": recorded.event_type,
        "actor": str(metadata.get("actor", "")),
        "role": str(metadata.get("role", "")),
        "summary": summary,
        "message": message,
    }
