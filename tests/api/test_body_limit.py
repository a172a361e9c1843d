"""A request body is read only up to its limit: 2 MiB by default, the upload limit and its
framing for file uploads. Beyond it the answer is 413 with a message, before the body is read
(a declared length) or as soon as it passes the limit (a chunked body), and nothing is queued
or recorded."""

from __future__ import annotations

from collections.abc import AsyncIterator

from api.rest.data import MAX_UPLOAD_BYTES
from tests.api.conftest import World

MIB = 1024 * 1024


async def _chunks(total: int, size: int = 64 * 1024) -> AsyncIterator[bytes]:
    sent = 0
    while sent < total:
        yield b" " * min(size, total - sent)
        sent += size


async def test_an_oversized_json_body_is_413_and_records_nothing(world: World) -> None:
    limit = world.settings.api_max_request_bytes
    before = world.head()
    async with world.client("spec.li") as li:
        declared = await li.post(
            "/api/v1/programs",
            content=b'{"title": "' + b"a" * limit + b'"}',
            headers={"Content-Type": "application/json"},
        )
        assert declared.status_code == 413, declared.text
        assert "detail" in declared.json()
        streamed = await li.post(
            "/api/v1/programs",
            content=_chunks(limit + MIB),
            headers={"Content-Type": "application/json"},
        )
        assert streamed.status_code == 413, streamed.text
        # the same code and the same limit whichever way the body came
        for answer in (declared, streamed):
            assert answer.json()["code"] == "http.content_too_large"
            assert answer.json()["params"] == {"limit": limit}
        # in the reader's language, whichever way the body came (a trial: English only)
        zh = {"Content-Type": "application/json", "Accept-Language": "zh-CN"}
        for content in (b'{"title": "' + b"a" * limit + b'"}', _chunks(limit + MIB)):
            chinese = await li.post("/api/v1/programs", content=content, headers=zh)
            assert chinese.status_code == 413, chinese.text
            assert chinese.json()["detail"] == "请求体大于 2.0 MiB;未读取或记录任何内容"
            assert chinese.json()["params"] == {"limit": limit}
        assert declared.json()["detail"].startswith("the request body is larger than 2.0 MiB")
        small = await li.post(
            "/api/v1/programs", content=b"{", headers={"Content-Type": "application/json"}
        )
        assert small.status_code == 422  # under the limit, the usual clear refusal
    assert world.head() == before


async def test_uploads_have_their_own_larger_limit(world: World) -> None:
    async with world.client("adm.qian") as admin:
        big_but_allowed = await admin.post(
            "/api/v1/data/employees",
            files={"file": ("employees.csv", b"x" * (3 * MIB), "text/csv")},
        )
        # read whole, then judged on its content: one 3 MiB field is no CSV this import reads
        assert big_but_allowed.status_code == 422, big_but_allowed.text
        assert "not a CSV file this import can read" in big_but_allowed.json()["detail"]
        too_big = await admin.post(
            "/api/v1/data/employees",
            files={"file": ("employees.csv", b"x" * (MAX_UPLOAD_BYTES + MIB), "text/csv")},
        )
        assert too_big.status_code == 413, too_big.text
