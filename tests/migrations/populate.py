"""Fill a database with a release's own code: run as a script with that release's checkout
first on ``PYTHONPATH`` (``snapshot.py`` does this), never imported by the tests.

    python tests/migrations/populate.py DATABASE_URL

The demo quarter's first programs run on a time-skipping Temporal server (events, reminders,
notices in the outbox, read models), then an admin account and a token are added, so every
table a migration may touch has rows.
"""

from __future__ import annotations

import asyncio
import importlib.util
import sys
import tempfile
from pathlib import Path

CAPTURE = Path(__file__).parents[1] / "workflows" / "histories" / "capture.py"


def main(url: str) -> None:
    spec = importlib.util.spec_from_file_location("capture", CAPTURE)
    assert spec is not None and spec.loader is not None
    capture = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(capture)
    out = Path(tempfile.mkdtemp(prefix="trainops-populate-"))
    asyncio.run(capture.capture(out, programs=4, database_url=url))

    try:  # the layout since 0.4 (runtime, services, accounts), else the release's own
        from accounts.users import UserStore
        from services.database import open_database
    except ImportError:
        from api.users import UserStore  # type: ignore[no-redef,import-not-found,unused-ignore]
        from trainops.database import open_database  # type: ignore[no-redef,import-not-found,unused-ignore]

    database = open_database(url)
    try:
        users = UserStore(database.engine)
        users.create_user("admin", "correct horse battery staple", ["admin"], "The Admin")
        users.create_user("spec", "correct horse battery staple", ["specialist"])
        users.issue_token("admin", "release fixture")
        database.projector.catch_up()
    finally:
        database.close()


if __name__ == "__main__":
    main(sys.argv[1])
