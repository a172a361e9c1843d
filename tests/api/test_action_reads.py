"""A big program is read in pages: an action reads the program's summary and state, never its
timeline; the page and the API show the newest timeline lines with a way to the older ones; the
raw events come a page at a time. A program of 50,000 trainees has a timeline and a stream of
100,000 lines and more (read whole, about a second for each action and each page)."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import pytest

from projections import queries
from projections.tables import timeline
from tests.api.conftest import World, plan_body

LINES = queries.TIMELINE_PAGE + 50
FAR = 10**9  # positions past the real program's own lines


async def test_an_action_reads_no_timeline(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    async with world.client("spec.li") as li:
        planned = await li.post("/api/v1/programs", json=await plan_body(world.h, "reads-1"))
        assert planned.status_code == 201, planned.text
        page = await li.get("/api/v1/programs/reads-1")
        assert page.status_code == 200 and page.json()["timeline"], page.text

        read = queries.program_read
        asked: list[bool] = []

        def program_read(engine: Any, program_id: str, **options: Any) -> Any:
            asked.append(options.get("with_timeline", True))
            return read(engine, program_id, **options)

        monkeypatch.setattr(queries, "program_read", program_read)
        for action in ("submit", "withdraw"):
            done = await li.post(f"/api/v1/programs/reads-1/{action}")
            assert done.status_code == 200, done.text
        assert asked and not any(asked), asked


def _long_history(world: World, program_id: str) -> None:
    """``LINES`` more timeline lines for the program, as a long-running one would have."""
    at = datetime(2027, 1, 4, 9, tzinfo=UTC)
    rows = [
        {
            "position": FAR + k,
            "program_id": program_id,
            "stream_version": FAR + k,
            "occurred_at": at,
            "event_type": "TraineeEnrolled",
            "actor": "spec.li",
            "role": "specialist",
            "summary": f"enrolled t{k}",
            "message": None,
        }
        for k in range(LINES)
    ]
    with world.h.db.engine.begin() as conn:
        conn.execute(timeline.insert(), rows)


async def test_a_long_history_comes_a_page_at_a_time(world: World) -> None:
    async with world.client("spec.li") as li, world.client("aud.sun") as sun:
        planned = await li.post("/api/v1/programs", json=await plan_body(world.h, "long-1"))
        assert planned.status_code == 201, planned.text
        own = len((await li.get("/api/v1/programs/long-1")).json()["timeline"])
        _long_history(world, "long-1")

        detail = (await li.get("/api/v1/programs/long-1")).json()
        shown = [t["position"] for t in detail["timeline"]]
        assert len(shown) == queries.TIMELINE_PAGE and shown[-1] == FAR + LINES - 1
        assert detail["timeline_older"] == shown[0]
        older = await li.get(f"/api/v1/programs/long-1/timeline?before={shown[0]}")
        assert older.status_code == 200, older.text
        assert len(older.json()) == LINES - queries.TIMELINE_PAGE + own
        assert older.json()[-1]["position"] == shown[0] - 1
        assert older.headers.get("Timeline-Older") is None, "none older than the first page"
        newest = await li.get("/api/v1/programs/long-1/timeline")
        assert newest.headers["Timeline-Older"] == str(shown[0])
        for bad_before in ("zero", "0", str(10**30)):
            bad = await li.get(f"/api/v1/programs/long-1/timeline?before={bad_before}")
            assert bad.status_code == 422, (bad_before, bad.text)
        huge_page = await li.get(f"/programs/long-1?before={10**30}")
        assert huge_page.status_code in (401, 422), huge_page.status_code

        events = await sun.get("/api/v1/programs/long-1/events?limit=1")
        assert [e["stream_version"] for e in events.json()] == [1], events.text
        rest = await sun.get("/api/v1/programs/long-1/events?after_version=1")
        assert all(e["stream_version"] > 1 for e in rest.json())
        for bad_query in ("limit=100000", "limit=0", f"after_version={10**30}", "after_version=-1"):
            refused = await sun.get(f"/api/v1/programs/long-1/events?{bad_query}")
            assert refused.status_code == 422, (bad_query, refused.text)

    async with world.browser("spec.li") as browser:
        newest = await browser.get("/programs/long-1")
        assert newest.status_code == 200 and 'data-testid="older-history"' in newest.text
        back = await browser.get(f"/programs/long-1?before={shown[0]}")
        assert back.status_code == 200 and 'href="/programs/long-1#history-h"' in back.text
        assert 'data-testid="older-history"' not in back.text


async def test_an_auditors_page_pages_back_through_the_raw_events(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The auditor's program page shows the newest raw events with a link to the older ones
    (a 50,000-trainee program's stream holds 100,000 and more)."""
    from api.pages import programs as program_pages

    monkeypatch.setattr(program_pages, "PAGE_EVENTS", 2)
    async with world.client("spec.li") as li:
        planned = await li.post("/api/v1/programs", json=await plan_body(world.h, "raw-1"))
        assert planned.status_code == 201, planned.text
        for action in ("submit", "withdraw", "submit"):
            assert (await li.post(f"/api/v1/programs/raw-1/{action}")).status_code == 200
    versions = [r.stream_version for r in world.h.db.store.read_stream("program-raw-1")]
    assert len(versions) >= 4
    async with world.browser("aud.sun") as sun:
        newest = (await sun.get("/programs/raw-1")).text
        older_link = re.search(
            r'href="/programs/raw-1\?events_before=(\d+)#raw-h" data-testid="older-events"', newest
        )
        assert older_link, "no link to older events"
        before = int(older_link.group(1))
        assert before == versions[-2]  # the newest page holds the last two
        older = await sun.get(f"/programs/raw-1?events_before={before}")
        too_far = await sun.get("/programs/raw-1?events_before=99999999999")
        first = await sun.get("/programs/raw-1?events_before=1")  # none older: the way back
    assert older.status_code == 200
    raw = older.text.split('data-testid="raw-events"', 1)[1].split("</table>", 1)[0]
    assert raw.count("<tr><td") == 2 and 'href="/programs/raw-1#raw-h"' in older.text
    assert too_far.status_code == 422
    assert first.status_code == 200 and 'href="/programs/raw-1#raw-h"' in first.text
