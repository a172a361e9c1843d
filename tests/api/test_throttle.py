"""Password guessing through the sign-in form is throttled; API tokens expire."""

from __future__ import annotations

from api.throttle import SignInThrottle
from tests.api.conftest import PASSWORD, World, csrf_of


def test_the_throttle_counts_failures_in_a_window() -> None:
    now = [0.0]
    throttle = SignInThrottle(max_failures=3, window_seconds=60, clock=lambda: now[0])
    for _ in range(2):
        throttle.failed("user:a")
    assert throttle.wait_seconds("user:a") == 0
    throttle.failed("user:a")
    assert throttle.wait_seconds("user:a", "ip:x") == 60
    now[0] = 45
    assert throttle.wait_seconds("user:a") == 15
    now[0] = 61
    assert throttle.wait_seconds("user:a") == 0
    throttle.failed("user:a")
    throttle.succeeded("user:a")
    assert throttle.wait_seconds("user:a") == 0


async def test_repeated_wrong_passwords_lock_the_form(world: World) -> None:
    async with world.client() as client:
        for _ in range(5):
            token = csrf_of((await client.get("/login")).text)
            wrong = await client.post(
                "/login", data={"username": "spec.li", "password": "nope", "csrf_token": token}
            )
            assert wrong.status_code == 303 and "failed=true" in wrong.headers["location"]
        token = csrf_of((await client.get("/login")).text)
        locked = await client.post(
            "/login", data={"username": "spec.li", "password": PASSWORD, "csrf_token": token}
        )
        assert locked.status_code == 429 and "too many failed attempts" in locked.text


async def test_api_tokens_expire(world: World) -> None:
    from datetime import timedelta

    _, short = world.users.issue_token("spec.li", "short", timedelta(seconds=-1))
    _, forever = world.users.issue_token("spec.li", "forever", None)
    async with world.client() as client:
        expired = await client.get("/api/v1/me", headers={"Authorization": f"Bearer {short}"})
        assert expired.status_code == 401
        ok = await client.get("/api/v1/me", headers={"Authorization": f"Bearer {forever}"})
        assert ok.status_code == 200
    async with world.client("spec.li") as li:
        issued = (await li.post("/api/v1/tokens", json={"label": "ci"})).json()
        assert issued["expires_at"] is not None
        listed = (await li.get("/api/v1/tokens")).json()
        assert any(t["label"] == "ci" and t["expires_at"] for t in listed)


def test_an_address_waits_only_after_many_failures_and_a_success_never_clears_it() -> None:
    """Five typos by one person behind an office's NAT lock that account, not the office; one
    address guessing across many accounts still waits."""
    throttle = SignInThrottle(
        max_failures=5, max_address_failures=12, window_seconds=60, clock=lambda: 0.0
    )
    for _ in range(5):
        throttle.failed("user:emp.2", "ip:office")
    assert throttle.wait_seconds("user:emp.2", "ip:office") == 60  # emp.2 waits
    assert throttle.wait_seconds("user:chen", "ip:office") == 0  # chen signs in
    throttle.succeeded("user:chen", "ip:office")
    for n in range(7):
        assert throttle.wait_seconds(f"user:guess{n}", "ip:office") == 0
        throttle.failed(f"user:guess{n}", "ip:office")
    assert throttle.wait_seconds("user:chen", "ip:office") == 60  # 12 failures at the address


async def test_one_persons_wrong_passwords_leave_the_form_open_to_others(world: World) -> None:
    async with world.client() as client:
        for _ in range(5):
            token = csrf_of((await client.get("/login")).text)
            await client.post(
                "/login", data={"username": "spec.li", "password": "nope", "csrf_token": token}
            )
        token = csrf_of((await client.get("/login")).text)
        other = await client.post(
            "/login", data={"username": "mgr.wang", "password": PASSWORD, "csrf_token": token}
        )
        assert other.status_code == 303 and "failed" not in other.headers["location"]


def test_made_up_usernames_do_not_grow_the_throttle_without_bound() -> None:
    """A guesser cycling through invented usernames leaves at most ``max_keys`` entries: old
    ones are dropped once they left the window, and the oldest goes when none has."""
    now = [0.0]
    throttle = SignInThrottle(max_keys=10, window_seconds=60, clock=lambda: now[0])
    for n in range(10):
        throttle.failed(f"user:made-up{n}")
    now[0] = 61  # all ten have left the window
    for n in range(10, 25):
        throttle.failed(f"user:made-up{n}")
    assert len(throttle._failures) == 10
    assert "user:made-up24" in throttle._failures and "user:made-up0" not in throttle._failures
    for _ in range(5):
        throttle.failed("user:victim")
    assert throttle.wait_seconds("user:victim") == 60  # a live count survives the pruning
