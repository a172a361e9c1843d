"""The manual's daily jobs run as written: the shell blocks of the pages people work from
(getting started, specialists, approvers, trainees, administrators), taken from the pages
themselves, run in the order of a program's life against one fresh embedded stack, each person
in their own terminal. A page cannot show a command that does not work, and every command block
on these pages is either run here or says why not (``tests/doc_tour.py`` has the markers)."""

from __future__ import annotations

from pathlib import Path

from tests.doc_tour import ShellBlock, run_block, shell_blocks, tour_env

#: The pages whose commands people type every day; every sh block on them is marked.
PAGES = (
    "docs/getting-started.md",
    "docs/administrators.md",
    "docs/specialists.md",
    "docs/approvers.md",
    "docs/trainees.md",
)

#: The steps, in the order a program lives through them.
ORDER = (
    "first-admin",
    "configure",
    "plan",
    "delegate",
    "resolve",
    "approve",
    "publish-and-deliver",
    "answer-survey",
    "evaluate-and-close",
    "read-kpis",
)


def all_blocks() -> list[ShellBlock]:
    return [block for page in PAGES for block in shell_blocks(page)]


def tour_steps() -> dict[str, tuple[ShellBlock, str]]:
    steps: dict[str, tuple[ShellBlock, str]] = {}
    for block in all_blocks():
        if block.step is not None:
            step, person = block.step
            assert step not in steps, f"step {step!r} is marked twice ({block.page})"
            steps[step] = (block, person)
    return steps


def test_every_command_block_on_these_pages_is_run_or_says_why_not() -> None:
    blocks = all_blocks()
    assert len(blocks) >= len(ORDER)
    unmarked = [f"{b.page}: {b.text.splitlines()[0]}" for b in blocks if b.marker is None]
    assert unmarked == [], "mark each block <!-- tour: STEP as PERSON --> or <!-- not run: … -->"
    malformed = [b.detail for b in blocks if b.marker == "tour" and b.step is None]
    assert malformed == [], "a tour marker reads <!-- tour: STEP as PERSON -->"
    reasonless = [b.page for b in blocks if b.marker == "not run" and len(b.detail) < 10]
    assert reasonless == [], "a block that is not run says why"


def test_every_tour_step_is_in_the_order_once() -> None:
    assert sorted(tour_steps()) == sorted(ORDER)


def test_the_daily_jobs_run_as_written(stack: dict[str, str], tmp_path: Path) -> None:
    steps = tour_steps()
    outputs: dict[str, str] = {}
    for step in ORDER:
        block, person = steps[step]
        env = tour_env(stack, tmp_path)
        env["TRAINOPS_CREDENTIALS_FILE"] = str(tmp_path / f"{person}.credentials.json")
        where, terminal = f"{block.page} (step {step})", tmp_path / f"{person}.terminal"
        outputs[step] = run_block(block.text, env, tmp_path, where, terminal)
    assert "-> closed" in outputs["evaluate-and-close"]
    assert "participation rate" in outputs["read-kpis"]
