"""docs/integrators.md lists every action exactly as the code defines it (one fact, one
place: the table is generated from the command models)."""

from __future__ import annotations

from pathlib import Path

from services.actions import ACTIONS, actions_table

DOC = Path(__file__).parents[2] / "docs" / "integrators.md"


def test_the_actions_table_matches_the_code() -> None:
    text = DOC.read_text()
    start = text.index("<!-- actions-table:start -->\n") + len("<!-- actions-table:start -->\n")
    end = text.index("<!-- actions-table:end -->")
    assert text[start:end] == actions_table(), (
        "docs/integrators.md is stale: paste services.actions.actions_table() between the markers"
    )
    for action in ACTIONS.values():
        assert f"| `{action.segment}` | `{action.kind}` |" in text
