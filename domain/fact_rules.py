"""The admin's rules for the facts KPIs are counted from (admin configuration, ``facts:``).

They are fixed into a program when it is planned (``ProgramPlanned.fact_rules``), like the
reminder times, so a replay and an auditor see the rules the program ran under.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

DEFAULT_ENTRY_WINDOW_DAYS = 7


class ExamScoreRules(BaseModel):
    """``confirmation: required``: a score recorded from an exam taken elsewhere counts only
    once a second person confirms it (four-eyes)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    confirmation: Literal["none", "required"] = "none"


class FactRules(BaseModel):
    """How long after a session ends its attendance and completion are still entered on time
    (later entries need a reason and are marked late), and how exam scores are confirmed."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    entry_window_days: int = Field(default=DEFAULT_ENTRY_WINDOW_DAYS, ge=0, le=365)
    exam_scores: ExamScoreRules = ExamScoreRules()

    @property
    def scores_need_confirmation(self) -> bool:
        return self.exam_scores.confirmation == "required"
