"""Creating the first admin with the setup code: the use case the HTTP API and the setup page
share. Every refusal records nothing and says why."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from pydantic import BaseModel

from accounts.users import UserStore
from api.throttle import SignInThrottle
from domain.accounts import FirstAdminCreated, UserCreated
from services.accounts import SETUP_CODE_LIFETIME, SetupCode, create_first_admin
from services.database import Database
from services.errors import Conflict, Forbidden, Invalid, TooManyAttempts
from tests.api.conftest import fast_hasher

PASSWORD = "correct horse battery"


@pytest.fixture
def journal() -> list[tuple[BaseModel, str]]:
    return []


@pytest.fixture
def users(database: Database, journal: list[tuple[BaseModel, str]]) -> UserStore:
    return UserStore(
        database.engine, hasher=fast_hasher(), journal=lambda e, a: journal.append((e, a))
    )


def first_admin(
    users: UserStore, setup: SetupCode | None, throttle: SignInThrottle, code: str, **given: str
) -> object:
    details = {"username": "root", "password": PASSWORD} | given
    return create_first_admin(users, setup, throttle, client="ip:127.0.0.1", code=code, **details)


def test_the_right_code_makes_the_first_admin_once(
    users: UserStore, journal: list[tuple[BaseModel, str]]
) -> None:
    setup, throttle = SetupCode(), SignInThrottle()
    admin = first_admin(users, setup, throttle, setup.code, display_name="Root")
    assert admin == users.get("root") and users.has_admin()
    assert [type(event) for event, _ in journal] == [UserCreated, FirstAdminCreated]
    assert {actor for _, actor in journal} == {"root"}
    with pytest.raises(Conflict, match="has an admin already"):
        first_admin(users, SetupCode(), throttle, setup.code, username="second")
    assert users.get("second") is None and len(journal) == 2


def test_a_wrong_or_expired_code_is_refused_and_repeated_failures_wait(
    users: UserStore, journal: list[tuple[BaseModel, str]]
) -> None:
    throttle = SignInThrottle(max_failures=3)
    expired = SetupCode(now=datetime.now(UTC) - SETUP_CODE_LIFETIME - timedelta(seconds=1))
    with pytest.raises(Forbidden, match="wrong or expired setup code"):
        first_admin(users, expired, throttle, expired.code)
    setup = SetupCode()
    for _ in range(2):
        with pytest.raises(Forbidden, match="wrong or expired setup code"):
            first_admin(users, setup, throttle, "not-the-code")
    with pytest.raises(TooManyAttempts, match="try again in"):
        first_admin(users, setup, throttle, setup.code)  # even the right code must wait
    assert not users.has_admin() and journal == []


def test_a_bad_username_or_password_does_not_use_up_the_code(
    users: UserStore, journal: list[tuple[BaseModel, str]]
) -> None:
    setup, throttle = SetupCode(), SignInThrottle()
    with pytest.raises(Invalid, match="a username is"):
        first_admin(users, setup, throttle, setup.code, username="not a name")
    with pytest.raises(Invalid, match="at least 10 characters"):
        first_admin(users, setup, throttle, setup.code, password="short")
    assert journal == [] and not users.has_admin()
    assert setup.usable
    first_admin(users, setup, throttle, setup.code)
    assert users.has_admin()


def test_without_a_setup_code_nobody_becomes_admin(users: UserStore) -> None:
    with pytest.raises(Forbidden):
        first_admin(users, None, SignInThrottle(), "anything")
    assert not users.has_admin()
