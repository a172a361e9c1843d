"""The first admin through the setup page and the JSON API: one use case behind both, so a
refusal reads the same and a typo in the name does not use up the code."""

from __future__ import annotations

import httpx

from services.database import Database
from tests.api.conftest import csrf_of
from tests.api.live import live_api

PASSWORD = "a long first-admin password"


def test_the_page_and_the_api_share_the_first_admin_rules(database: Database) -> None:
    with live_api(database) as live, httpx.Client(base_url=live.url) as browser:
        assert live.setup_code is not None
        form = browser.get("/setup")
        assert form.status_code == 200
        token = csrf_of(form.text)

        def submit(code: str, username: str) -> httpx.Response:
            fields = {"code": code, "username": username, "password": PASSWORD}
            return browser.post("/setup", data=fields | {"csrf_token": token})

        wrong = submit("not-the-code", "root")
        assert wrong.status_code == 403 and "wrong or expired setup code" in wrong.text
        typo = browser.post(
            "/api/v1/setup",
            json={"code": live.setup_code, "username": "root admin", "password": PASSWORD},
        )
        assert typo.status_code == 422 and "a username is" in typo.json()["detail"]
        made = submit(live.setup_code, "root")  # the typo did not spend the code
        assert made.status_code == 303 and made.headers["location"] == "/login"
        assert live.users.has_admin()
        again = browser.post(
            "/api/v1/setup", json={"code": live.setup_code, "username": "two", "password": PASSWORD}
        )
        assert again.status_code == 409 and "has an admin already" in again.json()["detail"]
        assert browser.get("/setup", follow_redirects=False).status_code in (302, 303, 307)
