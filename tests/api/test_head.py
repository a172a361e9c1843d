"""HEAD answers wherever GET does, with GET's status and headers and no body; it is never a
405, and a method a route does not have is still one."""

from __future__ import annotations

import pytest

from tests.api.conftest import World


@pytest.mark.parametrize(
    "path", ["/programs", "/account", "/api/v1/programs", "/api/openapi.json", "/static/style.css"]
)
async def test_head_answers_as_get_without_a_body(world: World, path: str) -> None:
    async with world.client("spec.li") as li:
        got = await li.get(path)
        head = await li.head(path)
    assert got.status_code == 200, got.text[:300]
    assert head.status_code == 200, head.text[:300]
    assert head.content == b""
    assert got.content  # so the empty HEAD says something
    assert head.headers["content-type"] == got.headers["content-type"]
    if "content-length" in got.headers:
        assert head.headers["content-length"] == got.headers["content-length"]


async def test_head_of_what_does_not_exist_is_404_and_other_methods_stay_405(world: World) -> None:
    async with world.client("spec.li") as li:
        missing = await li.head("/api/v1/programs/no-such-program")
        wrong_method = await li.put("/api/v1/inbox")
    assert missing.status_code == 404
    assert missing.content == b""
    assert wrong_method.status_code == 405
