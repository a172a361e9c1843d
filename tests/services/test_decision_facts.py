"""What an approver decides on: the specialist's earlier programs are those that went through
approval and were planned for no later than this one (issue 16: drafts, rejected and later
programs were counted)."""

from __future__ import annotations

from typing import Any

import pytest

from projections import queries
from services import reads


def test_earlier_programs_are_approved_ones_planned_before(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rows: list[dict[str, Any]] = [
        {"program_id": "this", "status": "submitted", "planned_date": "2027-05-01"},
        {"program_id": "done", "status": "closed", "planned_date": "2027-01-10",
         "executed": True, "on_time": True},
        {"program_id": "late", "status": "feedback", "planned_date": "2027-02-10",
         "executed": True, "on_time": False},
        {"program_id": "next", "status": "approved", "planned_date": "2027-05-01"},
        {"program_id": "draft", "status": "draft", "planned_date": "2027-01-01"},
        {"program_id": "no", "status": "rejected", "planned_date": "2027-01-02"},
        {"program_id": "after", "status": "closed", "planned_date": "2027-09-01",
         "executed": True, "on_time": True},
    ]  # fmt: skip
    asked: list[Any] = []

    def list_programs(engine: object, specialist: str) -> list[dict[str, Any]]:
        asked.append(specialist)
        return rows

    monkeypatch.setattr(queries, "list_programs", list_programs)
    summary = {"program_id": "this", "specialist": "li", "planned_date": "2027-05-01"}
    state = {"budget": "1000", "trainees": ["a", "b", "c"], "sessions": {"s1": {}}}
    facts = reads.decision_facts(None, summary, state)  # type: ignore[arg-type]
    assert asked == ["li"]
    assert (facts["specialist_programs"], facts["specialist_executed"]) == (3, 2)
    assert facts["specialist_on_time"] == 1
    assert facts["cost_per_trainee"] == "333.33"


def test_the_budget_has_two_decimals_and_none_given_is_none() -> None:
    assert reads.budget_shown("1200.5") == "1200.50"
    assert reads.budget_shown("0") is None
    assert reads.budget_shown(None) is None
