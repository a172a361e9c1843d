"""Accounts: usernames unique whatever their case (the check before the insert, and the
database's case-blind index behind it for two creations at the same instant); a disabled
account's tokens revoked for good."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from sqlalchemy import Connection, insert, text
from sqlalchemy.exc import IntegrityError

import accounts.tables as accounts_tables
import accounts.users as accounts_users
from accounts.model import UserError, utc_now
from accounts.tables import users as users_table
from accounts.users import UserStore
from eventlog.engine import run_migrations
from services.database import Database
from tests.api.conftest import fast_hasher
from tests.conftest import BACKENDS
from tests.migrations.releases import empty_database


def test_a_look_alike_that_slips_past_the_check_is_refused_by_the_database(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = UserStore(database.engine, hasher=fast_hasher())
    store.create_user("alice", "a long password", ["trainee"])
    # The other writer's check ran before "alice" was committed: it saw nothing. Later
    # checks (after the database refused the insert) are the real one.
    real_check = accounts_users._no_look_alike
    calls: list[str] = []

    def check_too_early(conn: Connection, name: str) -> None:
        calls.append(name)
        if len(calls) > 1:
            real_check(conn, name)

    monkeypatch.setattr(accounts_users, "_no_look_alike", check_too_early)
    with pytest.raises(UserError) as refused:
        store.create_user("Alice", "a long password", ["trainee"])
    assert refused.value.key == "error.user_look_alike"
    assert calls == ["Alice", "Alice"]
    assert store.get("Alice") is None and store.get("alice") is not None


def test_the_index_holds_for_rows_written_past_the_store(database: Database) -> None:
    now = utc_now()
    row = {"display_name": "x", "password_hash": "x", "active": True}
    with database.engine.begin() as conn:
        conn.execute(
            insert(users_table).values(username="bob", created_at=now, updated_at=now, **row)
        )
    with pytest.raises(IntegrityError), database.engine.begin() as conn:
        conn.execute(
            insert(users_table).values(username="BOB", created_at=now, updated_at=now, **row)
        )


@pytest.mark.parametrize("backend", BACKENDS)
def test_an_old_database_holding_look_alikes_still_upgrades(
    backend: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Made before the check existed, ``carol`` and ``Carol`` both stay; the upgrade names them
    and leaves the index out rather than refusing to start."""
    folder = Path(accounts_tables.__file__).parent / "migrations"
    now = utc_now()
    row = {"display_name": "x", "password_hash": "x", "active": True}
    with empty_database(backend, tmp_path, "lookalikes") as engine:
        run_migrations(engine, folder, "api_schema_version", target="api_0004")
        with engine.begin() as conn:
            for name in ("carol", "Carol"):
                conn.execute(
                    insert(users_table).values(username=name, created_at=now, updated_at=now, **row)
                )
        with caplog.at_level(logging.WARNING, logger="trainops.migrations"):
            accounts_tables.migrate_users(engine)
        assert "carol" in caplog.text
        with engine.connect() as conn:
            version = conn.execute(text("SELECT version_num FROM api_schema_version")).scalar()
        assert version == "api_0007"


def test_disabling_an_account_revokes_its_tokens_for_good(database: Database) -> None:
    """Its tokens stop working when it is disabled, and stay stopped when it is enabled again:
    a token copied into some script back then must not come back to life."""
    journal: list[tuple[object, str]] = []
    store = UserStore(
        database.engine, hasher=fast_hasher(), journal=lambda e, a: journal.append((e, a))
    )
    store.create_user("dora", "a long password", ["trainee"])
    info, secret = store.issue_token("dora", "script")
    assert store.user_for_token(secret) is not None
    store.set_active("dora", False, actor="adm")
    store.set_active("dora", True, actor="adm")
    assert store.user_for_token(secret) is None
    assert [t.revoked_at is not None for t in store.list_tokens("dora")] == [True]
    revoked = [e for e, _ in journal if type(e).__name__ == "TokenRevoked"]
    assert [getattr(e, "token_id", None) for e in revoked] == [info.token_id]


@pytest.mark.parametrize(
    "bad", ["Eve\x1b[2J", "two\nlines", "tab\there", "bell\x07", "evil\u202egnp"]
)
def test_display_names_and_token_labels_are_one_printable_line(
    database: Database, bad: str
) -> None:
    """They are printed in tables and pages: an escape there would clear or recolour the screen
    of the admin who lists users."""
    store = UserStore(database.engine, hasher=fast_hasher())
    with pytest.raises(UserError) as refused:
        store.create_user("eve", "a long password", ["trainee"], display_name=bad)
    assert refused.value.key == "error.not_one_line" and store.get("eve") is None
    store.create_user("eve", "a long password", ["trainee"], display_name="Eve 伊芙 🎓 👩\u200d💻")
    with pytest.raises(UserError, match="label is one line"):
        store.issue_token("eve", bad)
    assert store.list_tokens("eve") == []


def test_a_sign_in_finds_the_expired_sessions_by_index(database: Database) -> None:
    """Each sign-in removes the sessions that have expired; on an index of ``expires_at``, not
    by reading every session ever started (a big employer's table of them)."""
    from datetime import timedelta

    store = UserStore(database.engine, hasher=fast_hasher())
    store.create_user("alice", "a long password", ["trainee"])
    store.start_session("alice", timedelta(seconds=-1))  # expired at once
    kept, _ = store.start_session("alice", timedelta(hours=1))
    with database.engine.begin() as conn:
        assert conn.execute(text("SELECT count(*) FROM api_sessions")).scalar_one() == 1
        delete = "DELETE FROM api_sessions WHERE expires_at < CURRENT_TIMESTAMP"
        if conn.dialect.name == "postgresql":
            conn.execute(text("SET LOCAL enable_seqscan = off"))  # use an index if there is one
            plan = " ".join(conn.execute(text(f"EXPLAIN {delete}")).scalars())
        else:
            plan = " ".join(str(r[-1]) for r in conn.execute(text(f"EXPLAIN QUERY PLAN {delete}")))
    assert "ix_api_sessions_expires_at" in plan, plan
    assert kept
