"""One projector process, as ``trainops projector`` runs it but with a small batch, for the
failover test: ``python -m tests.projections.projector_process URL BATCH_SIZE``.

It logs (JSON, one line each) "projector leading" or "projector standing by"; SIGTERM stops it.
"""

from __future__ import annotations

import signal
import sys
import threading

from eventlog import EventStore
from eventlog.engine import make_engine
from projections.runner import ProjectionRunner
from runtime.logging import configure_logging


def main() -> None:
    url, batch_size = sys.argv[1], int(sys.argv[2])
    configure_logging("json", "info")
    engine = make_engine(url)  # migrated already: starting takes no lock the test may hold
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        ProjectionRunner(EventStore(engine), batch_size=batch_size).run_forever(stop, 0.05)
    finally:
        engine.dispose()


if __name__ == "__main__":
    main()
