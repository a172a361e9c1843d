"""The validation report every import prints: rows read, accepted and rejected (with the
reason per row), what was appended, and, for a migration, the reconciled totals."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, computed_field

from eventlog import EventStore
from imports.common import AppendTally, Rejection, StreamPlan, write_plans
from imports.texts import in_english

#: Averages are compared to this many decimal places, exactly.
PLACES = Decimal("0.000001")


def exact(value: float | int | Decimal) -> Decimal:
    """A number as a Decimal: floats by their shortest repr, so 82.5 is 82.5, not 82.4999…"""
    if isinstance(value, Decimal):
        return value
    return Decimal(value) if isinstance(value, int) else Decimal(repr(float(value)))


def mean(values: list[float]) -> Decimal | None:
    """The mean to six places, computed in Decimal; None for no values."""
    if not values:
        return None
    return (sum((exact(v) for v in values), Decimal(0)) / len(values)).quantize(PLACES)


class Reconciliation(BaseModel):
    """One total computed from the file and again from the read models after the import.

    ``matches``: True or False once compared (exactly: Decimal); None when it was not (the
    program is not in the read models yet, or later loads changed it); ``reason`` says why."""

    program_id: str
    measure: str
    in_file: Decimal | None
    in_system: Decimal | None = None
    matches: bool | None = None
    reason: str = "not compared yet"
    reason_code: str = "import.not_compared"
    reason_params: dict[str, str] = {}


class ImportReport(BaseModel):
    source: str
    sha256: str
    read: dict[str, int] = {}
    accepted: dict[str, int] = {}
    rejected: list[Rejection] = []
    imported: bool = False
    events_appended: int = 0
    unchanged: int = 0
    streams_written: int = 0
    reconciliation: list[Reconciliation] = []
    message: str = ""
    """What became of the load, in English; ``message_code`` and ``message_params`` say the
    same by key (``imports.texts``) for another language."""
    message_code: str = ""
    message_params: dict[str, Any] = {}

    def says(self, code: str, /, **params: int) -> None:
        """The report's last words, by key and in English."""
        self.message_code, self.message_params = code, dict(params)
        self.message = in_english(code, params)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def rows_read(self) -> int:
        return sum(self.read.values())

    @computed_field  # type: ignore[prop-decorator]
    @property
    def rows_accepted(self) -> int:
        return sum(self.accepted.values())

    @computed_field  # type: ignore[prop-decorator]
    @property
    def rows_rejected(self) -> int:
        return len(self.rejected)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def reconciled(self) -> bool | None:
        checks = [r.matches for r in self.reconciliation if r.matches is not None]
        return None if not checks else all(checks)


def write_unless_refused(
    report: ImportReport,
    store: EventStore,
    plans: Sequence[StreamPlan],
    tally: AppendTally,
    progress: Callable[[int, int], None] | None,
    *,
    accept_valid: bool,
    programs: int | None = None,
) -> ImportReport:
    """All or nothing unless told otherwise: with a rejected row and no ``accept_valid``,
    nothing is written and the report says how to import the valid rows; else every plan is
    written in one transaction and the tally goes into the report (and, for a migration, how
    many ``programs`` it holds)."""
    if report.rejected and not accept_valid:
        report.says("import.nothing_imported", count=len(report.rejected))
        return report
    write_plans(store, plans, progress)
    report.imported = True
    report.events_appended, report.unchanged = tally.appended, tally.unchanged
    report.streams_written = tally.streams
    counts = {"appended": tally.appended, "streams": tally.streams, "unchanged": tally.unchanged}
    if programs is None:
        report.says("import.appended", **counts)
    else:
        report.says("import.programs_appended", programs=programs, **counts)
    return report
