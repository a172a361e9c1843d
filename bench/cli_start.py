"""Start-up of the command line against the interpreter's own: ``python -c pass`` as the baseline.

    .venv/bin/python -m bench.cli_start [--rounds N]

Measured in one run, taking turns (so a loaded machine weighs on all alike): ``python -c pass``
(the same interpreter in an empty virtual environment: its own start, as in the image);
``trainops --help``; ``trainops program list --json``, a read command, against a stand-in API
(a stdlib HTTP server in this process that answers at once, so the figure is the command line's
own cost, not the server's). Each is a fresh process, as a person runs it. Prints the median and
spread (min-max) of each, and its ratio to the interpreter's start. Target (issue 14): a read
command within 3x the interpreter's start.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import threading
import time
import venv
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

TARGET = 3.0
ROOT = Path(__file__).resolve().parent.parent
#: The demo quarter's target (issue 14), in seconds.
DEMO_TARGET_SECONDS = 5.0
PROGRAMS = [
    {
        "program_id": f"prog-{n}",
        "title": f"Program {n}",
        "specialist": "sam",
        "status": "published",
        "planned_date": "2027-01-15",
        "enrolled": 20,
    }
    for n in range(20)
]


class _Api(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = json.dumps(PROGRAMS).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: the bench prints its own table."""


def _time(command: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, check=False)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed: {done.stderr.decode()[-500:]}")
    return elapsed


def _bare_python(where: str) -> str:
    """The same interpreter in a virtual environment of its own, holding nothing: its start is
    the interpreter's own, as in the image. (The development install's environment runs the
    editable-install hook at every start, 12-14 ms here, which doubled the baseline.)"""
    venv.EnvBuilder(with_pip=False, symlinks=True).create(where)
    return str(Path(where) / "bin" / "python")


def _installed_trainops(where: str) -> str:
    """``trainops`` as ``pip install .`` leaves it, as in the image: its packages on a plain
    path and the script pip writes. The development install runs setuptools' editable-install
    hook at every start (pathlib and importlib.util for its finder, 2-4 ms here), which no
    installed command pays. Same code and dependencies: a ``.pth`` names this checkout and
    the development environment's site-packages (whose own ``.pth`` hooks Python does not run
    for a path named this way)."""
    python = _bare_python(where)
    installed = sysconfig.get_paths(vars={"base": where, "platbase": where})["purelib"]
    development = sysconfig.get_paths()["purelib"]
    Path(installed, "trainops-checkout.pth").write_text(f"{ROOT}\n{development}\n")
    script = Path(where, "bin", "trainops")
    script.write_text(
        f"#!{python}\nimport sys\nfrom trainops.entry import main\n"
        "if __name__ == '__main__':\n    sys.exit(main())\n"
    )
    script.chmod(0o755)
    return str(script)


def measure(rounds: int) -> dict[str, list[float]]:
    """Every command's durations (seconds), taking turns, after one warm-up run each."""
    bare = tempfile.TemporaryDirectory(prefix="bench-bare-python-")
    installed = tempfile.TemporaryDirectory(prefix="bench-installed-trainops-")
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Api)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    trainops = _installed_trainops(installed.name)
    env = {
        **os.environ,
        "TRAINOPS_SERVER": f"http://127.0.0.1:{server.server_address[1]}",
        "TRAINOPS_TOKEN": "tro_bench_token",
        # No credentials file: the token above is the only one.
        "TRAINOPS_CREDENTIALS_FILE": str(Path(os.devnull).with_name("no-trainops-credentials")),
    }
    # An installed command line has its bytecode (pip compiles it): a shell that says not to
    # write it would have every run compile trainops' modules anew, a cost no user pays.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    commands = {
        "python -c pass": [_bare_python(bare.name), "-c", "pass"],
        "trainops --help": [trainops, "--help"],
        "trainops program list --json": [trainops, "program", "list", "--json"],
    }
    for command in commands.values():  # warm the file cache and the bytecode
        _time(command, env)
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(rounds):
        for name, command in commands.items():
            times[name].append(_time(command, env))
    server.shutdown()
    bare.cleanup()
    installed.cleanup()
    return times


def demo_seconds(rounds: int) -> list[float]:
    """``trainops demo --json`` from a fresh process, as a person runs it: the quarter on the
    time-skipping server, start to finish (with its bytecode written, as ``measure``)."""
    trainops = str(Path(sys.executable).with_name("trainops"))
    env = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}
    return [_time([trainops, "demo", "--json"], env) for _ in range(rounds)]


def run(config: Any) -> list[Any]:
    """Rows for ``python -m bench``'s common table: the command line's start against the
    interpreter's, and the demo quarter against its target of 5 s."""
    table = importlib.import_module("bench.table")
    times = measure(max(5, config.rounds))
    base = statistics.median(times["python -c pass"])
    rows = []
    for name in ("trainops --help", "trainops program list --json"):
        found = times[name]
        rows.append(
            table.Row(
                name=f"`{name}` start",
                measured=f"{statistics.median(found) * 1000:.0f} ms",
                baseline=f"python -c pass {base * 1000:.0f} ms",
                ratio=statistics.median(found) / base,
                spread=(max(found) - min(found)) / statistics.median(found),
                target=TARGET if "list" in name else None,
                obstacle=table.OBSTACLES["cli"],
            )
        )
    demo = demo_seconds(config.rounds)
    middle = statistics.median(demo)
    rows.append(
        table.Row(
            name="demo quarter (`trainops demo`)",
            measured=f"{middle:.1f} s",
            baseline=f"target {DEMO_TARGET_SECONDS:g} s",
            ratio=middle / DEMO_TARGET_SECONDS,
            spread=(max(demo) - min(demo)) / middle,
            target=1.0,
            obstacle=table.OBSTACLES["demo"],
        )
    )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    times = measure(parser.parse_args().rounds)
    base = statistics.median(times["python -c pass"])
    print(f"{'command':<32}{'median ms':>10}{'min-max ms':>16}{'x python':>10}")
    for name, found in times.items():
        median = statistics.median(found)
        spread = f"{min(found) * 1000:.0f}-{max(found) * 1000:.0f}"
        print(f"{name:<32}{median * 1000:>10.0f}{spread:>16}{median / base:>10.2f}")
    read = statistics.median(times["trainops program list --json"]) / base
    verdict = "met" if read <= TARGET else "NOT met"
    print(f"target: a read command within {TARGET:g}x python -c pass: {verdict} ({read:.2f}x)")


if __name__ == "__main__":
    main()
