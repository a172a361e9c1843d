"""``python -m bench`` (``make bench``): every benchmark module, one table.

    BENCH_EVENTS=100000 BENCH_ROUNDS=3 BENCH_URL=postgresql+psycopg://... python -m bench

Modules listed in ``MODULES`` that are present each contribute ``run(config) -> list[Row]``.
``BENCH_OPEN_PROGRAMS=5000`` adds the open-programs run (``bench.open_programs_bench``; about
half an hour, so not by default).
"""

from __future__ import annotations

import importlib
import os
import time

from bench.table import Config, Row, render
from runtime.logging import configure_logging

MODULES = (
    "bench.reads_bench",
    "bench.writers_bench",
    "bench.eventlog_bench",
    "bench.cli_start",
    "bench.action_latency",
    "bench.class_answers",
)


def main() -> None:
    configure_logging("console", "warning")  # the table, not the projector's progress
    config = Config.from_environment()
    print(f"trainops benchmarks: {config.events:,} events, {config.rounds} rounds, PostgreSQL")
    rows: list[Row] = []
    modules: tuple[str, ...] = MODULES
    if os.environ.get("BENCH_OPEN_PROGRAMS"):
        modules = (*MODULES, "bench.open_programs_bench")
    for name in modules:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            continue
        started = time.perf_counter()
        print(f"{name} …")
        rows += module.run(config)
        print(f"{name}: {time.perf_counter() - started:.0f} s")
    print()
    print(render(rows))


if __name__ == "__main__":
    main()
