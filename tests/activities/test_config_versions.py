"""Configuration versions in the log: validated before saving, refused whole, never overwritten
by a stale editor, and picked up by a ``ConfigSource`` without a restart."""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime
from pathlib import Path
from uuid import uuid4

import pytest

from activities.admin_config import ConfigFileError
from activities.config_versions import (
    ConfigConflict,
    ConfigSource,
    current_version,
    history,
    save_version,
)
from domain.events import ConfigurationChanged
from domain.streams import CONFIG_STREAM
from eventlog import NewEvent
from services.database import Database

FILE_POLICY = """\
approval:
  name: from-the-file
  department_managers: {sales: mgr.file}
  steps:
    - id: manager
      name: Manager
      approvers: {department_manager: true}
"""
SAVED_POLICY = FILE_POLICY.replace("from-the-file", "saved").replace("mgr.file", "mgr.saved")


@pytest.fixture
def config_file(tmp_path: Path) -> Path:
    path = tmp_path / "trainops.yaml"
    path.write_text(FILE_POLICY, encoding="utf-8")
    return path


def test_the_file_is_in_force_until_the_first_save(database: Database, config_file: Path) -> None:
    current = current_version(database.store, config_file)
    assert (current.version, current.source, current.document) == (0, str(config_file), FILE_POLICY)
    assert current_version(database.store, None).source == "built-in defaults"
    assert ConfigSource(database.store, config_file)().approval.name == "from-the-file"


def test_a_saved_version_is_recorded_with_who_why_and_a_digest(
    database: Database, config_file: Path
) -> None:
    saved = save_version(
        database.store, SAVED_POLICY, actor="admin.zhou", expected_version=0, comment="new manager"
    )
    assert (saved.version, saved.changed_by, saved.comment) == (1, "admin.zhou", "new manager")
    [recorded] = database.store.read_stream(CONFIG_STREAM)
    assert recorded.event_type == "ConfigurationChanged"
    assert recorded.metadata["actor"] == "admin.zhou"
    assert recorded.payload["document"] == SAVED_POLICY
    assert recorded.payload["sha256"] == saved.sha256
    assert [v.version for v in history(database.store)] == [1]
    assert current_version(database.store, config_file).document == SAVED_POLICY


#: Documents that are not a configuration, and the message that says why.
INVALID = [
    ("approval: [unclosed", "line 1, column 11: not valid YAML: this [ is never closed"),
    (FILE_POLICY + "  surprise: 1\n", "line 8 (approval.surprise)"),
    ("notifications:\n  routes:\n    - channel: pigeon\n", "unknown channel 'pigeon'"),
    ("- just\n- a list\n", "the top level must be a mapping"),
]
#: Documents that would crash or stall the YAML parser, and the message that refuses them.
PARSER_TRAPS = [
    ("calendar: {company_holidays: [2027-02-30]}", "is not a day"),
    ("approval: " + "[" * 400 + "]" * 400, "nested too deeply"),
    ("a: &a [1, 1]\nb: [*a, *a]\n", "aliases (*name) are not allowed"),
]


@pytest.mark.parametrize(("document", "message"), INVALID + PARSER_TRAPS)
def test_an_invalid_or_parser_trapping_document_is_refused_and_records_nothing(
    database: Database, document: str, message: str
) -> None:
    with pytest.raises(ConfigFileError, match=re.escape(message)):
        save_version(database.store, document, actor="admin.zhou", expected_version=0)
    assert database.store.stream_version(CONFIG_STREAM) == 0


def test_a_stale_editor_cannot_overwrite_a_newer_version(database: Database) -> None:
    save_version(database.store, FILE_POLICY, actor="admin.a", expected_version=0)
    save_version(database.store, SAVED_POLICY, actor="admin.b", expected_version=1)
    with pytest.raises(ConfigConflict, match="version 2 was saved after version 1"):
        save_version(database.store, FILE_POLICY, actor="admin.a", expected_version=1)
    assert [v.changed_by for v in history(database.store)] == ["admin.a", "admin.b"]


def test_one_saved_version_is_read_alone(database: Database) -> None:
    """The "no change" check of a save reads the version it is based on, not every version."""
    for n, document in enumerate((FILE_POLICY, SAVED_POLICY, FILE_POLICY)):
        save_version(database.store, document, actor=f"admin.{n}", expected_version=n)

    [second] = history(database.store, only=2)
    assert (second.version, second.document, second.changed_by) == (2, SAVED_POLICY, "admin.1")
    assert history(database.store, only=0) == history(database.store, only=4) == []
    assert [v.version for v in history(database.store)] == [1, 2, 3]


def test_a_source_follows_saved_versions_and_parses_each_once(
    database: Database, config_file: Path
) -> None:
    source = ConfigSource(database.store, config_file)
    first = source()
    assert source() is first  # nothing saved: the same parsed configuration
    save_version(database.store, SAVED_POLICY, actor="admin.zhou", expected_version=0)
    second = source()
    assert second.approval.name == "saved" and source() is second


def test_an_empty_document_is_refused(database: Database) -> None:
    for empty in ("", "  \n", "# only a comment\n\n"):
        with pytest.raises(ConfigFileError, match="the document is empty"):
            save_version(database.store, empty, actor="admin.zhou", expected_version=0)
    assert database.store.stream_version(CONFIG_STREAM) == 0


def test_a_version_this_worker_cannot_read_leaves_the_last_good_one_in_force(
    database: Database, config_file: Path
) -> None:
    """A newer release may save a field this worker's models do not know yet."""
    source = ConfigSource(database.store, config_file)
    save_version(database.store, SAVED_POLICY, actor="admin.zhou", expected_version=0)
    assert source().approval.name == "saved"
    unknown = SAVED_POLICY + "future_section: {}\n"
    event = ConfigurationChanged(
        version=2, document=unknown, sha256=hashlib.sha256(unknown.encode()).hexdigest()
    )
    database.store.append(
        CONFIG_STREAM,
        1,
        [
            NewEvent.of(
                event,
                event_id=uuid4(),
                occurred_at=datetime.now(UTC),
                metadata={"actor": "admin.zhou", "role": "admin"},
            )
        ],
    )
    assert source().approval.name == "saved"
    with pytest.raises(ConfigFileError, match="future_section"):
        ConfigSource(database.store, config_file)()  # a fresh worker refuses to start


def test_resending_a_save_that_landed_is_a_no_op(database: Database) -> None:
    first = save_version(
        database.store, SAVED_POLICY, actor="admin.zhou", expected_version=0, comment="why"
    )
    again = save_version(
        database.store, SAVED_POLICY, actor="admin.zhou", expected_version=0, comment="why"
    )
    assert (again.version, again.sha256) == (first.version, first.sha256)
    assert database.store.stream_version(CONFIG_STREAM) == 1
    with pytest.raises(ConfigConflict):  # someone else's save on the same base is a conflict
        save_version(database.store, SAVED_POLICY, actor="admin.li", expected_version=0)
