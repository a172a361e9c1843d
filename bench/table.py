"""One table for every benchmark: each row a measured figure against a baseline measured in the
same run, the ratio, its run-to-run spread, and the target it is held to.

A benchmark module contributes rows by exposing ``run(config: Config) -> list[Row]``
(``bench.reads_bench``, ``bench.writers_bench``); ``python -m bench`` runs them all and prints
one table. ``timed`` runs a piece of work several times and keeps every duration, so a row
can say how much the figure moved between rounds. A row whose target is not met says, beside
its verdict, what stands in the way (``OBSTACLES``: what the profiles and the docs found), so
the table alone tells a reader why a figure is where it is.
"""

from __future__ import annotations

import gc
import os
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Literal

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


@dataclass(frozen=True)
class Config:
    """What every benchmark module is given: where PostgreSQL is, how big a log to generate,
    how many timed rounds (``BENCH_URL``, ``BENCH_EVENTS``, ``BENCH_ROUNDS``)."""

    url: str = DEFAULT_URL
    events: int = 100_000
    rounds: int = 3

    @classmethod
    def from_environment(cls) -> Config:
        return cls(
            url=os.environ.get("BENCH_URL", DEFAULT_URL),
            events=int(os.environ.get("BENCH_EVENTS", "100000")),
            rounds=max(1, int(os.environ.get("BENCH_ROUNDS", "3"))),
        )


@dataclass(frozen=True)
class Timing:
    """Every round's duration in seconds."""

    seconds: tuple[float, ...]

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    @property
    def spread(self) -> float:
        """(slowest - fastest) / median: how much the figure moved between rounds."""
        return (max(self.seconds) - min(self.seconds)) / self.median if self.median else 0.0


def timed(work: Callable[[], object], rounds: int, *, warmup: bool = True) -> Timing:
    """Run ``work`` ``rounds`` times (after one untimed run), collecting garbage beforehand so
    no round pays for another's."""
    if warmup:
        work()
    seconds: list[float] = []
    for _ in range(rounds):
        gc.collect()
        started = time.perf_counter()
        work()
        seconds.append(time.perf_counter() - started)
    return Timing(tuple(seconds))


Direction = Literal["at most", "at least"]

#: What stands in the way of each target, shown beside a row's verdict when the target is not
#: met (docs/performance.md has the measurements behind each).
OBSTACLES: dict[str, str] = {
    "writers": "hash chain: appends from every process take turns on the log_head row (held "
    "for the call's statements, not its flush); ~120 µs of client CPU an append",
    "threads": "the threads' appends share one group commit, which waits for the batch ahead "
    "of it to flush under the head row lock",
    "batches": "client-side hashing (~5.5 µs an event) and the head row update per batch",
    "read all": "two JSON documents decoded per row into records",
    "rebuild": "~48 µs of Python (rows read and validated, fold, COPY) and ~36 µs of database CPU "
    "(rows, indexes, keys deleted in the same transaction) an event, against 10 µs",
    "kpi": "scorecards built in Python (115-210 ms at 100k events); measured right after the "
    "rebuild rounds, slower than on read models the projector built (1.4-1.8x)",
    "inbox": "SQLAlchemy's per-statement cost (check-out, rows made dicts) on a sub-ms query",
    "program page": "the pool's pre-ping at check-out (a third round trip) and the rows made "
    "dicts, against two bare psycopg queries of under a millisecond",
    "verify": "SHA-256 over two canonical JSON encodings recomputed per event",
    "cli": "read commands skip typer (trainops.quick); left: the standard library they need "
    "(re for json, socket, urllib.parse: ~10 ms) and the request",
    "demo": "one process's CPU: ~1 s of imports, the SDK's per-activation work (its sandboxed "
    "payload visitor) for 834 activities, ~0.9 s evaluation inputs and KPI report",
    "open programs": "opening costs ~85 ms of worker CPU a program (sandboxed workflow code); "
    "the run's time budget ran out first",
}


@dataclass(frozen=True)
class Row:
    """One line of the table. ``ratio`` is measured / baseline (time against time, or a rate
    against a rate, as ``unit`` says); ``target`` is the ratio it must stay ``direction``."""

    name: str
    measured: str
    baseline: str
    ratio: float | None
    spread: float | None = None
    target: float | None = None
    direction: Direction = "at most"
    note: str = ""
    extra: dict[str, str] = field(default_factory=dict)
    obstacle: str = ""
    """What stands in the way of the target (usually from ``OBSTACLES``), shown if not met."""

    @property
    def met(self) -> bool | None:
        if self.ratio is None or self.target is None:
            return None
        if self.direction == "at most":
            return self.ratio <= self.target
        return self.ratio >= self.target

    def cells(self) -> list[str]:
        target = (
            ""
            if self.target is None
            else f"{'≤' if self.direction == 'at most' else '≥'} {self.target:g}×"
        )
        verdict = {True: "met", False: "NOT met", None: ""}[self.met]
        if self.met is False:
            verdict += f": {self.obstacle or 'what stands in the way is not named'}"
        return [
            self.name,
            self.measured,
            self.baseline,
            "" if self.ratio is None else f"{self.ratio:.2f}×",
            "" if self.spread is None else f"±{self.spread * 50:.0f}%",
            target,
            verdict,
            self.note,
        ]


HEADER = [
    "what",
    "measured",
    "baseline (same run)",
    "ratio",
    "spread",
    "target",
    "verdict (not met: what stands in the way)",
    "note",
]


def render(rows: Sequence[Row]) -> str:
    """A Markdown table (also what the README shows)."""
    lines = [HEADER, *(row.cells() for row in rows)]
    widths = [max(len(line[i]) for line in lines) for i in range(len(HEADER))]

    def show(cells: list[str]) -> str:
        return "| " + " | ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)) + " |"

    rule = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    return "\n".join([show(lines[0]), rule, *(show(line) for line in lines[1:])])


def seconds(value: float) -> str:
    return f"{value * 1000:.1f} ms" if value < 1 else f"{value:.2f} s"
