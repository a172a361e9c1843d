"""Every released schema, with the data its own code wrote, upgrades to the current one and
then equals a fresh install; a schema newer than the code is refused with a clear message.

The snapshots under ``releases/`` were made by ``snapshot.py`` from each release's commit (the
commits are those of the stored workflow histories: see CHANGELOG.md).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from accounts.users import UserStore
from eventlog import EventStore
from eventlog.engine import SchemaTooNew
from eventlog.verify import verify_log
from projections.runner import ProjectionRunner
from services.database import migrate_all
from tests.migrations.releases import (
    RELEASES,
    empty_database,
    load_release,
    revisions,
    row_counts,
)
from tests.migrations.schema import schema_of

BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


def rows_of(engine: Engine, query: str) -> list[tuple[object, ...]]:
    with engine.connect() as conn:
        return sorted(tuple(row) for row in conn.execute(text(query)))


def test_every_released_version_has_a_snapshot() -> None:
    """A release in the changelog without a snapshot would go untested."""
    changelog = (Path(__file__).parents[2] / "CHANGELOG.md").read_text(encoding="utf-8")
    released = {
        line.split()[1].rsplit(".", 1)[0]
        for line in changelog.splitlines()
        if line.startswith("## ") and "unreleased" not in line
    }
    stored = {json.loads((r / "release.json").read_text())["version"] for r in RELEASES}
    assert released == stored
    for release in RELEASES:
        assert {p.name for p in release.iterdir()} >= {"sqlite.sql.gz", "postgresql.sql.gz"}


@pytest.mark.parametrize("release", RELEASES, ids=[r.name for r in RELEASES])
@pytest.mark.parametrize("backend", BACKENDS)
def test_a_released_schema_with_data_upgrades_to_a_fresh_install(
    backend: str, release: Path, tmp_path: Path
) -> None:
    with (
        empty_database(backend, tmp_path, "fresh") as fresh,
        empty_database(backend, tmp_path, "upgraded") as upgraded,
    ):
        migrate_all(fresh)
        load_release(upgraded, release)
        before = row_counts(upgraded)
        assert before["events"] > 100 and before["api_users"] > 0  # the snapshot carries data
        assert revisions(upgraded) != revisions(fresh)  # ...and an older schema

        migrate_all(upgraded)

        assert revisions(upgraded) == revisions(fresh)
        assert schema_of(upgraded) == schema_of(fresh)
        after = row_counts(upgraded)
        assert {t: after[t] for t in before} == before  # nothing lost on the way
        store = EventStore(upgraded)
        report = verify_log(store)
        assert report.ok, report.problems
        assert report.checked == before["events"]
        assert UserStore(upgraded).authenticate("admin", "correct horse battery staple")

        projector = ProjectionRunner(store)
        programs = after["rm_programs"]
        # filled by the migration as a rebuild fills them
        attended = rows_of(upgraded, "SELECT * FROM rm_attendance")
        departments = rows_of(upgraded, "SELECT program_id, department FROM rm_programs")
        assert projector.rebuild() == before["events"]
        assert rows_of(upgraded, "SELECT * FROM rm_attendance") == attended
        assert rows_of(upgraded, "SELECT program_id, department FROM rm_programs") == departments
        status = projector.status()
        assert (status.lag, status.quarantined) == (0, 0)
        assert row_counts(upgraded)["rm_programs"] == programs > 0

        migrate_all(upgraded)  # and again: at head nothing changes
        assert schema_of(upgraded) == schema_of(fresh)


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_schema_newer_than_the_code_is_refused_with_a_message(
    backend: str, tmp_path: Path
) -> None:
    with empty_database(backend, tmp_path, "newer") as engine:
        migrate_all(engine)
        with engine.begin() as conn:
            conn.execute(
                text("UPDATE read_models_schema_version SET version_num = 'read_models_0099'")
            )
        with pytest.raises(
            SchemaTooNew, match="read_models_schema_version is at read_models_0099"
        ) as refused:
            migrate_all(engine)
        newest = str(refused.value).split("newest this version knows is ", 1)[1].split(";")[0]
        assert newest.startswith("read_models_") and newest == _read_models_head()
        assert revisions(engine)["read_models_schema_version"] == ["read_models_0099"]  # left alone


def _read_models_head() -> str:
    """The read models' newest migration, from their own script directory."""
    from alembic.script import ScriptDirectory

    import projections

    versions = Path(projections.__file__).parent / "migrations"
    head = ScriptDirectory(str(versions)).get_current_head()
    assert head is not None
    return head
