"""Record the Temporal histories of the demo quarter, to replay against every later version.

    python -m tests.workflows.histories.capture OUT_DIR

Run it with the code of a release (e.g. a worktree of that commit first on PYTHONPATH); the
files it writes (one gzipped JSON history per program) are committed under this folder, and
``test_stored_histories`` replays them all with today's code: a change to the workflow that
would break a running program fails CI instead of production.

The demo's quarter loop is copied here on purpose, not imported: this script must also run
against an older release's ``trainops.demo``, which may have no helper to call, so it keeps only
what every release has (``Quarter``, ``_next_quarter_start``).
"""

from __future__ import annotations

import asyncio
import gzip
import sys
import tempfile
from datetime import timedelta
from itertools import groupby
from pathlib import Path
from typing import Any

from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment

from runtime.temporal_bins import test_server_path
from services.database import open_database
from services.program_client import ProgramClient
from trainops.worker import build_worker


def _client(env: WorkflowEnvironment, store: Any) -> ProgramClient:
    """A client for this code version: signing where the version signs actions."""
    try:
        from audit.signing_keys import publish_key
        from services.signing import Signer
    except ImportError:
        return ProgramClient(env.client, "capture")
    signer = Signer.generate()
    publish_key(store, signer.trusted_key())
    return ProgramClient(env.client, "capture", signer, env.get_current_time)


async def capture(out: Path, programs: int = 12, database_url: str | None = None) -> list[str]:
    """Run the demo quarter's first ``programs`` programs and write their histories to ``out``;
    the log and read models go to ``database_url`` (default: a throwaway SQLite file)."""
    from trainops import demo  # after the worker: older versions import in that order

    out.mkdir(parents=True, exist_ok=True)
    if database_url is None:
        workdir = Path(tempfile.mkdtemp(prefix="trainops-capture-"))
        database_url = f"sqlite:///{workdir / 'capture.db'}"
    database = open_database(database_url)
    env = await WorkflowEnvironment.start_time_skipping(
        data_converter=pydantic_data_converter, test_server_existing_path=test_server_path()
    )
    written = []
    try:
        client = _client(env, database.store)  # publishes its key before the worker loads keys
        async with build_worker(env.client, "capture", database.store, database.outbox):
            # The demo's own loop, repeated: an older release's ``demo`` may have no helper.
            start = demo._next_quarter_start(await env.get_current_time())
            quarter = demo.Quarter(client, start)
            for index in range(programs):
                quarter.program(index)
            # steps due at one instant together, as people act (a class answering its survey):
            # the histories hold the groups a program decided them in
            for at, due in groupby(sorted(quarter.steps), key=lambda step: step.at):
                now = await env.get_current_time()
                if at > now:
                    await env.sleep(at - now)
                await asyncio.gather(*(step.run() for step in due))
            await env.sleep(timedelta(days=1))
            ids = sorted(
                {
                    r.stream_id.removeprefix("program-")
                    for r in database.store.read_all()
                    if r.stream_id.startswith("program-")
                }
            )
            for program_id in ids:
                history = await env.client.get_workflow_handle(program_id).fetch_history()
                target = out / f"{program_id}.json.gz"
                target.write_bytes(gzip.compress(history.to_json().encode(), mtime=0))
                written.append(target.name)
    finally:
        await env.shutdown()
        database.close()
    return written


if __name__ == "__main__":
    names = asyncio.run(capture(Path(sys.argv[1])))
    print(f"{len(names)} histories written to {sys.argv[1]}")
