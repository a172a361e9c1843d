"""The validation report every import prints: rows read, accepted and rejected (with the
reason per row), what was appended, and, for a migration, the reconciled totals."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, computed_field

from imports.common import Rejection


class Reconciliation(BaseModel):
    """One total computed from the file and again from the read models after the import."""

    program_id: str
    measure: str
    in_file: Any
    in_system: Any = None

    @computed_field  # type: ignore[prop-decorator]
    @property
    def matches(self) -> bool | None:
        if self.in_system is None:
            return None
        if isinstance(self.in_file, float) or isinstance(self.in_system, float):
            return abs(float(self.in_file) - float(self.in_system)) < 1e-9
        return bool(self.in_file == self.in_system)


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
