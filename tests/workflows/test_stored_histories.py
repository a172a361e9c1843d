"""Every history recorded by an earlier version replays with today's workflow code.

The histories under ``histories/`` were recorded with ``histories/capture.py`` from the commit
their folder names. A change that would make a running program take another path on replay (a
new activity, a different timer, a decision made differently) fails here; make it behind
``workflow.patched(...)`` instead.
"""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
from temporalio.client import WorkflowHistory
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.worker import Replayer

from trainops.worker import WORKFLOWS
from workflows.sandbox import sandbox_runner

STORED = sorted((Path(__file__).parent / "histories").glob("*/*.json.gz"))


def test_histories_of_at_least_two_versions_are_stored() -> None:
    assert len({path.parent.name for path in STORED}) >= 2


@pytest.mark.parametrize("path", STORED, ids=lambda p: f"{p.parent.name}/{p.name}")
async def test_a_stored_history_replays(path: Path) -> None:
    history = WorkflowHistory.from_json(
        path.name.removesuffix(".json.gz"), gzip.decompress(path.read_bytes()).decode()
    )
    replayer = Replayer(
        workflows=WORKFLOWS,
        workflow_runner=sandbox_runner(),
        data_converter=pydantic_data_converter,
    )
    await replayer.replay_workflow(history)
