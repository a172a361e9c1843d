"""Load reference data and evaluation inputs from CSV/JSON into the log.

Kinds (columns in brackets are optional; lists in a CSV cell are separated by ``|``):

- ``employees``: employee_id, [name, department, region, manager, hire_date]
- ``courses``: course_id, title, hours, [knowledge_points, target_departments,
  target_trainees, questions (JSON only: objects with question_id, knowledge_point, answer,
  [text, choices])]
- ``questions``: course_id, question_id, knowledge_point, answer, [text, choices] (replaces the
  course's key; what the online exam shows: the question's text and, for multiple choice, the
  choices the key must be one of)
- ``instructors``: instructor_id, period, available_hours, [name]
- ``venues``: venue_id, period, slots, [name, capacity]
- ``assignments``: program_id, [course_id, instructor_id, venue_id]
- ``studies``: study_id, program_id, level (L3/L4), metric, pre_period, post_period,
  [higher_is_better, trained, control]
- ``metrics``: employee_id, metric, period, value, [source]
- ``costs``: program_id, line_id, category, amount, [note, correction]
- ``benefits``: program_id, line_id, value, [description, isolation, confidence, correction]
- ``exam-answers``: program_id, employee_id, question_id, answer (graded with the course key)

Every change becomes an event in the record's own stream; an unchanged record appends nothing,
nor does a record this very file already wrote (a re-run never undoes a later change); a cost
or benefit line already recorded changes only by a row with ``correction=yes``. A file with any
rejected row appends nothing unless ``accept_valid`` is given; what is appended is appended in
one transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from domain.refusals import DomainError
from eventlog import EventStore
from imports.common import AppendTally, FileProblem, Rejection, Wanted, plan_streams, read_streams
from imports.files import Row, read_table, sha256_of
from imports.kinds import KINDS, Kind, Lookup
from imports.problems import ImportProblem, RowError
from imports.report import ImportReport, write_unless_refused

__all__ = ["KINDS", "Lookup", "load_reference"]

#: What a ``correction`` cell may say to mark a row as a deliberate change of a money line.
YES, NO = frozenset({"yes", "y", "true", "1"}), frozenset({"no", "n", "false", "0"})


def _checked(kind: Kind, group: Sequence[Row]) -> list[tuple[Row, RowError]]:
    """Rows of a group that cannot be read on their own: an empty required cell, named by its
    column (and by the row's question or period within the group), too many cells, or a
    question or period given a second time (never "the last one wins")."""
    bad: list[tuple[Row, RowError]] = []
    first: dict[object, str] = {}
    for row in group:
        missing = [c for c in kind.required if row.cells.get(c) is None]
        named_as = kind.names(row)
        if named_as is not None and named_as in first:
            label, name = named_as
            bad.append(
                (row, RowError("import.named_twice", label=label, name=name, row=first[named_as]))
            )
        elif named_as is not None:
            first[named_as] = row.where
        if bad and bad[-1][0] is row:
            continue
        if "__extra__" in row.cells:
            bad.append((row, RowError("import.extra_cells")))
        elif missing:
            several = len(missing) > 1
            named = kind.names(row)
            if named is None:
                code = "import.empty_columns" if several else "import.empty_column"
                bad.append((row, RowError(code, columns=missing)))
            else:
                code = "import.empty_columns_of" if several else "import.empty_column_of"
                label, name = named
                bad.append((row, RowError(code, columns=missing, label=label, name=name)))
    return bad


def record_key(kind: Kind, row: Row) -> str:
    """What a report names a row's record by: its group (``p1/emp.1`` for an exam's answers)
    or, for a record of one row, its first column (the employee's, the course's id)."""
    group = kind.group(row)
    if group == row.where:
        return str(row.cells.get(kind.required[0]) or "")
    parts = group if isinstance(group, tuple) else (group,)
    return "/".join(str(part) for part in parts if part is not None)


def _correction(rows: Sequence[Row]) -> bool:
    value = rows[0].cells.get("correction")
    if value is None or value is False or str(value).strip().lower() in NO:
        return False
    if value is True or str(value).strip().lower() in YES:
        return True
    raise RowError("import.correction", value=value)


def load_reference(
    store: EventStore,
    kind: str,
    path: Path,
    *,
    accept_valid: bool = False,
    actor: str = "import",
    now: datetime | None = None,
    proof: dict[str, Any] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ImportReport:
    """Validate every row of ``path`` as ``kind``, then append the changes (see module doc)
    in one transaction. ``proof``: the signed request of the person loading it, kept on every
    event it appends. ``progress(done, total)``: rows checked, then events written."""
    spec = KINDS.get(kind)
    if spec is None:
        raise FileProblem("import.unknown_kind", kind=kind, kinds=", ".join(KINDS))
    data = path.read_bytes()
    rows = read_table(path, kind, spec.required, spec.optional, data=data)
    report = ImportReport(source=str(path), sha256=sha256_of(data), read={kind: len(rows)})
    groups: dict[object, list[Row]] = {}
    for row in rows:
        groups.setdefault(spec.group(row), []).append(row)

    def reject(
        group: Sequence[Row], reason: ImportProblem, own: dict[str, ImportProblem] | None = None
    ) -> None:
        for row in group:
            key = record_key(spec, row)
            why = (own or {}).get(row.where, reason)
            report.rejected.append(Rejection.of(row, kind, key, why))

    def sibling(where: str) -> RowError:
        return RowError("import.sibling_rejected", noun=spec.noun, row=where)

    look = Lookup(store)
    wanted: dict[str, list[Wanted]] = {}
    #: (stream, record key) -> the row that first gave it: a second row giving the same record
    #: is refused, never "the last one wins"
    given: dict[tuple[str, object], str] = {}
    done = 0
    for group in groups.values():
        done += len(group)
        if progress is not None:
            progress(done, len(rows))
        bad = _checked(spec, group)
        if bad:
            reject(group, sibling(bad[0][0].where), {row.where: why for row, why in bad})
            continue
        try:
            correction = _correction(group)
            built = [
                (stream_id, spec.key(event), event) for stream_id, event in spec.build(group, look)
            ]
            earlier = next((given[(s, k)] for s, k, _ in built if (s, k) in given), None)
            if earlier is not None:
                raise RowError(
                    "import.record_twice", record=record_key(spec, group[0]), row=earlier
                )
            for stream_id, key, event in built:
                given.setdefault((stream_id, key), group[0].where)
                wanted.setdefault(stream_id, []).append(Wanted(event, tuple(group), correction))
        except RowError as exc:
            if exc.where is None or len(group) == 1:
                reject(group, exc)
            else:
                reject(group, sibling(exc.where), {exc.where: exc})
        except (ValidationError, ValueError, DomainError) as exc:
            reject(group, RowError.of(exc))
    metadata: dict[str, Any] = {
        "actor": actor,
        "role": "import",
        "source": path.name,
        "sha256": report.sha256,
    }
    if proof is not None:
        metadata["proof"] = proof
    tally = AppendTally()
    recorded = read_streams(store, wanted, spec.key)
    plans, refused = plan_streams(
        recorded, wanted, spec.key, metadata, tally, guard=spec.guard, now=now
    )
    for want, reason in refused:
        reject(want.rows, reason)
    refused_rows = {r.where for r in report.rejected}
    report.accepted = {kind: sum(1 for row in rows if row.where not in refused_rows)}
    return write_unless_refused(report, store, plans, tally, progress, accept_valid=accept_valid)
