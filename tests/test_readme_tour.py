"""The README's tour runs as written: its shell blocks, taken from the README itself, against a
fresh embedded stack. A renamed command, a dropped flag or a refusal the tour does not expect
fails here, so the front door never shows a command that does not work.

Three things differ from a person at a terminal, and only these: passwords come on stdin
(``--password-stdin``) instead of a prompt, the setup code is the one the stack printed, and the
session starts 100 seconds ahead instead of two minutes (the tour cuts the time to the minute, so
it lies 40 to 100 seconds ahead; the test waits for it where the tour says attendance is
accepted from the session's start on).
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from tests.embedded_stack import PASSWORD, TRAINOPS

README = Path(__file__).resolve().parents[1] / "README.md"
SHELL_BLOCK = re.compile(r"^```sh\n(.*?)^```", re.MULTILINE | re.DOTALL)
ASKS_PASSWORD = re.compile(r"trainops (setup|login|users create)\b")
WAIT_FOR_START = "# attendance is accepted from the session's start on"


def tour_blocks() -> list[str]:
    """The README's shell blocks that drive trainops (not the `make` commands)."""
    blocks = SHELL_BLOCK.findall(README.read_text(encoding="utf-8"))
    return [block for block in blocks if "trainops " in block and "make run" not in block]


def as_script(block: str) -> str:
    """The block as bash runs it unattended (see the module docstring for the differences)."""
    lines = []
    for line in block.splitlines():
        command, hash_, comment = line.partition("  #")
        if ASKS_PASSWORD.search(command):
            line = f'{command.rstrip()} --password-stdin <<<"$TOUR_PASSWORD"'
            line += f"  #{comment}" if hash_ else ""
        if line.startswith(WAIT_FOR_START):
            line = 'wait=$(( $(date -d "$START" +%s) - $(date +%s) + 2 ))\n'
            line += "if ((wait > 0)); then sleep $wait; fi"
        lines.append(line)
    script = "\n".join(lines)
    script = script.replace("<the code>", '"$SETUP_CODE"')
    return script.replace("'+2 minutes'", "'+100 seconds'")


def test_the_readme_has_a_tour_to_run() -> None:
    blocks = tour_blocks()
    assert len(blocks) >= 2, "the README's tour blocks were not found"
    assert any(WAIT_FOR_START in block for block in blocks), "the tour's wait moved"
    assert "'+2 minutes'" in "".join(blocks)


def test_the_readme_tour_runs_as_written(stack: dict[str, str], tmp_path: Path) -> None:
    env = {**stack, "HOME": str(tmp_path), "TOUR_PASSWORD": PASSWORD}
    env["PATH"] = f"{Path(TRAINOPS).parent}:{env['PATH']}"
    for block in tour_blocks():
        script = "set -euo pipefail\nset -x\n" + as_script(block)
        done = subprocess.run(
            ["bash", "-c", script],
            env=env,
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=240,
            check=False,
        )
        assert done.returncode == 0, (
            f"a README command failed:\n{done.stderr[-3000:]}\n{done.stdout[-1500:]}"
        )
    assert "q1-safety" in done.stdout  # the auditor's proofs name the program's actions
