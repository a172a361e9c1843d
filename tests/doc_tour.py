"""Shell blocks of the README and the manual, run as a user would type them.

A page marks each ``sh`` block that a test runs with an HTML comment on the line before it,
invisible on GitHub and in the built manual:

- ``<!-- tour: STEP as PERSON -->``: ``tests/test_docs_tour.py`` runs it as step STEP, in the
  order that test lists, in PERSON's own terminal (their own credentials file);
- ``<!-- not run: REASON -->``: shown, not run, and the reason says why (another test covers
  it, or it needs what a fresh stack does not have).

Three things differ from a person at a terminal, and only these: passwords come on stdin
(``--password-stdin``) instead of a prompt, the setup code is the one the stack printed, and a
session starts 100 seconds ahead instead of two minutes (the text cuts the time to the minute,
so it lies 40 to 100 seconds ahead; the script waits for it where the text says attendance is
accepted from the session's start on).
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from tests.embedded_stack import PASSWORD, TRAINOPS

ROOT = Path(__file__).resolve().parents[1]
SHELL_BLOCK = re.compile(r"^```sh\n(.*?)^```", re.MULTILINE | re.DOTALL)
MARKER = re.compile(r"<!--\s*(tour|not run):\s*(.*?)\s*-->\s*\n\s*\Z")
TOUR_STEP = re.compile(r"^(?P<step>[\w-]+) as (?P<person>[\w.-]+)$")
ASKS_PASSWORD = re.compile(r"trainops (setup|login|users create)\b")
ASSIGNMENT = re.compile(r"^([A-Z][A-Z0-9_]*)=", re.MULTILINE)
WAIT_FOR_START = "# attendance is accepted from the session's start on"


@dataclass(frozen=True)
class ShellBlock:
    page: str
    text: str
    marker: str | None  # "tour", "not run" or None
    detail: str  # "STEP as PERSON" for a tour step, the reason for "not run"

    @property
    def step(self) -> tuple[str, str] | None:
        """(step, person) of a tour block whose marker is well formed."""
        found = TOUR_STEP.match(self.detail) if self.marker == "tour" else None
        return (found["step"], found["person"]) if found else None


def shell_blocks(page: str) -> list[ShellBlock]:
    """Every ``sh`` block of a page (a path from the repository's root), with its marker."""
    text = (ROOT / page).read_text(encoding="utf-8")
    blocks = []
    for match in SHELL_BLOCK.finditer(text):
        marker = MARKER.search(text[: match.start()][-300:])
        kind, detail = (marker[1], marker[2]) if marker else (None, "")
        blocks.append(ShellBlock(page, match[1], kind, detail))
    return blocks


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


def tour_env(stack: dict[str, str], home: Path) -> dict[str, str]:
    """The stack's environment for a user whose home is ``home``, with trainops on the PATH."""
    env = {**stack, "HOME": str(home), "TOUR_PASSWORD": PASSWORD}
    env["PATH"] = f"{Path(TRAINOPS).parent}:{env['PATH']}"
    return env


def run_block(
    script: str, env: dict[str, str], cwd: Path, where: str, terminal: Path | None = None
) -> str:
    """Run one block's script with bash, stopping at the first failing command; its stdout.

    ``terminal`` is the file that keeps one person's shell variables from block to block (a
    plan's ``START`` is still set when the same person records attendance), as their open
    terminal would."""
    commands = as_script(script)
    if terminal is not None:
        names = sorted(set(ASSIGNMENT.findall(script)))
        keep = "".join(f"printf '%s=%q\\n' {n} \"${n}\" >> {terminal}\n" for n in names)
        commands = f"if [[ -f {terminal} ]]; then source {terminal}; fi\n{commands}\n{keep}"
    bash = ["bash", "-c", "set -euo pipefail\nset -x\n" + commands]
    done = subprocess.run(
        bash, env=env, cwd=cwd, capture_output=True, text=True, timeout=240, check=False
    )
    assert done.returncode == 0, (
        f"a command of {where} failed:\n{done.stderr[-3000:]}\n{done.stdout[-1500:]}"
    )
    return done.stdout
