"""The account page issues API tokens like the API does: limited to some of the owner's roles
and with a chosen expiry; a role the owner lacks is refused and no token is created."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import httpx

from tests.api.conftest import World, csrf_of


async def _issue(client: httpx.AsyncClient, **fields: str | list[str]) -> httpx.Response:
    page = await client.get("/account")
    return await client.post("/account/tokens", data={"csrf_token": csrf_of(page.text), **fields})


def _secret(html: str) -> str:
    found = re.search(r'data-testid="new-token">([^<]+)<', html)
    assert found, "no new token on the page"
    return found.group(1)


async def test_the_account_page_offers_the_owners_roles_and_expiries(world: World) -> None:
    async with world.browser("lead.ma") as ma:
        page = await ma.get("/account")
    assert 'name="roles" value="approver" checked' in page.text
    assert 'name="roles" value="specialist" checked' in page.text
    assert 'value="admin"' not in page.text, "only roles the owner holds are offered"
    assert re.findall(r'<option value="(\d+)"', page.text) == ["7", "30", "90"]
    assert '<option value="90" selected>' in page.text


async def test_a_token_limited_to_one_role_with_a_short_expiry(world: World) -> None:
    before = datetime.now(UTC)
    async with world.browser("lead.ma") as ma:
        done = await _issue(ma, label="reports", roles=["specialist"], expires_in_days="7")
        assert done.status_code == 200, done.text
        secret = _secret(done.text)
        everything = await _issue(ma, label="all", roles=["approver", "specialist"])
        assert everything.status_code == 422 and "expiry" in everything.text
        everything = await _issue(
            ma, label="all", roles=["approver", "specialist"], expires_in_days="30"
        )
        assert everything.status_code == 200
    tokens = {t.label: t for t in world.users.list_tokens("lead.ma")}
    assert tokens["reports"].roles == ("specialist",)
    assert tokens["all"].roles is None, "all of the owner's roles: as the API's default"
    expires = tokens["reports"].expires_at
    assert expires is not None
    assert before + timedelta(days=7) <= expires <= datetime.now(UTC) + timedelta(days=7)
    headers = {"Authorization": f"Bearer {secret}"}
    async with world.client() as api:
        me = await api.get("/api/v1/me", headers=headers)
        assert me.status_code == 200 and me.json()["roles"] == ["specialist"]
        approving = await api.get("/api/v1/inbox", headers=headers)
        assert approving.status_code == 403, "the token cannot act as an approver"


async def test_a_role_the_owner_lacks_is_refused_and_nothing_is_issued(world: World) -> None:
    held = len(world.users.list_tokens("spec.li"))
    async with world.browser("spec.li") as li:
        admin = await _issue(li, label="x", roles=["specialist", "admin"], expires_in_days="90")
        assert admin.status_code == 422
        assert "spec.li does not hold the role(s) admin" in admin.text
        assert 'data-testid="new-token"' not in admin.text
        none = await _issue(li, label="x", expires_in_days="90")
        assert none.status_code == 422 and "at least one role" in none.text
        forever = await _issue(li, label="x", roles=["specialist"], expires_in_days="3650")
        assert forever.status_code == 422 and "choose an expiry of 7, 30, 90 days" in forever.text
        # a label too long is refused as the API refuses it, never cut to 100 and saved
        long = await _issue(li, label="x" * 340, roles=["specialist"], expires_in_days="7")
        assert long.status_code == 422 and "label: must have at most 100 characters" in long.text
        assert 'data-testid="new-token"' not in long.text
        forged = await li.post(
            "/account/tokens",
            data={"csrf_token": "forged", "roles": "specialist", "expires_in_days": "7"},
        )
        assert forged.status_code == 403
    assert len(world.users.list_tokens("spec.li")) == held


async def test_an_oversized_request_to_a_page_that_reads_no_body_acts_not(world: World) -> None:
    """The adversary's try: a page action that takes no form (revoking a token, its CSRF token
    in the header) sent with a declared body over the limit is refused as a page, and the route
    never runs (the limit once let the route run when it would not read the body)."""
    limit = world.settings.api_max_request_bytes
    async with world.browser("lead.ma") as ma:
        issued = await _issue(ma, label="kept", roles=["specialist"], expires_in_days="7")
        assert issued.status_code == 200, issued.text
        (token,) = [t for t in world.users.list_tokens("lead.ma") if t.label == "kept"]
        page = await ma.get("/account")
        refused = await ma.post(
            f"/account/tokens/{token.token_id}/revoke",
            content=b"x" * (limit + 1),
            headers={"X-CSRF-Token": csrf_of(page.text), "Content-Type": "text/plain"},
        )
    assert refused.status_code == 413, refused.text
    assert refused.headers["content-type"].startswith("text/html")
    assert "the request body is larger than 2.0 MiB" in refused.text
    (still,) = [t for t in world.users.list_tokens("lead.ma") if t.label == "kept"]
    assert still.revoked_at is None
