"""``python -m bench`` (``make bench``): every benchmark module, one table.

    BENCH_EVENTS=100000 BENCH_ROUNDS=3 BENCH_URL=postgresql+psycopg://... python -m bench

Modules listed in ``MODULES`` that are present each contribute ``run(config) -> list[Row]``.
"""

from __future__ import annotations

import importlib
import time

from bench.table import Config, Row, render
from runtime.logging import configure_logging

MODULES = ("bench.reads_bench", "bench.writers_bench", "bench.eventlog_bench", "bench.cli_start")


def main() -> None:
    configure_logging("console", "warning")  # the table, not the projector's progress
    config = Config.from_environment()
    print(f"trainops benchmarks: {config.events:,} events, {config.rounds} rounds, PostgreSQL")
    rows: list[Row] = []
    for name in MODULES:
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
