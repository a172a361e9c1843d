"""One projection rebuild in a process of its own, so its peak memory is its own.

    python -m bench.rebuild_probe URL [--idle]

Before the rebuild the read models are emptied and analysed while empty (as ``vacuumdb -z``
or the usual ANALYZE after a restore leaves them): the case where cached plans once made a
rebuild quadratic. Prints one JSON line: events, seconds, this process's CPU seconds (the
Python side, apart from the database's; on a busy machine steadier than the wall clock), peak
resident memory in MB.
``--idle`` only opens the database: the floor the rebuild's memory is compared with.
"""

from __future__ import annotations

import json
import resource
import sys
import time

from sqlalchemy import text

from projections.catalog import ALL_PROJECTIONS
from services.database import open_database


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    url, idle = sys.argv[1], "--idle" in sys.argv[2:]
    db = open_database(url)
    try:
        if idle:
            print(json.dumps({"events": 0, "seconds": 0.0, "peak_mb": peak_mb()}))
            return
        with db.engine.begin() as conn:
            for projection in ALL_PROJECTIONS:
                for table in projection.tables:
                    conn.execute(table.delete())
        with db.engine.connect() as conn:
            conn.execute(text("COMMIT"))  # ANALYZE outside a transaction block
            for projection in ALL_PROJECTIONS:
                for table in projection.tables:
                    conn.execute(text(f"ANALYZE {table.name}"))
        started, cpu = time.perf_counter(), time.process_time()
        events = db.projector.rebuild()
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        print(
            json.dumps(
                {"events": events, "seconds": seconds, "cpu_seconds": cpu, "peak_mb": peak_mb()}
            )
        )
    finally:
        db.close()


if __name__ == "__main__":
    main()
