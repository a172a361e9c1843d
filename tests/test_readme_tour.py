"""The README's tour runs as written: its shell blocks, taken from the README itself, against a
fresh embedded stack. A renamed command, a dropped flag or a refusal the tour does not expect
fails here, so the front door never shows a command that does not work. How a block is run,
and the only ways that differs from a person at a terminal: ``tests/doc_tour.py``."""

from __future__ import annotations

from pathlib import Path

from tests.doc_tour import WAIT_FOR_START, run_block, shell_blocks, tour_env


def tour_blocks() -> list[str]:
    """The README's shell blocks that drive trainops (not the `make` commands)."""
    blocks = [block.text for block in shell_blocks("README.md")]
    return [block for block in blocks if "trainops " in block and "make run" not in block]


def test_the_readme_has_a_tour_to_run() -> None:
    blocks = tour_blocks()
    assert len(blocks) >= 2, "the README's tour blocks were not found"
    assert any(WAIT_FOR_START in block for block in blocks), "the tour's wait moved"
    assert "'+2 minutes'" in "".join(blocks)


def test_the_readme_tour_runs_as_written(stack: dict[str, str], tmp_path: Path) -> None:
    env = tour_env(stack, tmp_path)
    output = ""
    for number, block in enumerate(tour_blocks(), start=1):
        output = run_block(block, env, tmp_path, f"the README's tour block {number}")
    assert "q1-safety" in output  # the auditor's proofs name the program's actions
