"""Facts that cannot be inflated, from the pages: the admin turns on four-eyes for exam scores in
the versioned configuration, the specialist records a score with its evidence, an approver
confirms it, and a late session entry asks for its reason."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from api.dependencies import LANG_COOKIE
from api.pages import people
from tests.api.conftest import (
    World,
    attendance_refused,
    emp_1_attended,
    post_form,
    run,
    session_started,
)
from tests.conftest import until

FOUR_EYES = "facts:\n  entry_window_days: 2\n  exam_scores:\n    confirmation: required\n"


def logged(world: World, program_id: str) -> list[tuple[str, dict[str, object], str]]:
    return [
        (r.event_type, r.payload, str(r.metadata["actor"]))
        for r in world.h.db.store.read_stream(f"program-{program_id}")
    ]


async def test_a_score_is_recorded_with_evidence_and_confirmed_by_a_second_person(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with world.client("adm.qian") as admin:
        saved = await admin.put(
            "/api/v1/config",
            json={"document": FOUR_EYES, "comment": "four-eyes on scores", "expected_version": 0},
        )
        assert saved.status_code == 200, saved.text
    await run(world, "fx-1", "evaluating")
    planned = logged(world, "fx-1")[0][1]
    assert planned["fact_rules"] == {
        "entry_window_days": 2,
        "exam_scores": {"confirmation": "required"},
    }

    async with world.browser("spec.li") as li:
        page = await li.get("/programs/fx-1")
        assert 'data-testid="act-exam-score"' in page.text
        assert '<option value="emp.1">' in page.text and '<option value="emp.2">' not in page.text
        before = world.head()
        blank = await post_form(
            li, "/programs/fx-1/exam-score", page.text, trainee="emp.1", score="64"
        )
        assert blank.status_code == 422 and "evidence" in blank.text
        assert world.head() == before
        recorded = await post_form(
            li,
            "/programs/fx-1/exam-score",
            page.text,
            trainee="emp.1",
            score="64",
            evidence="HR-EXAM-2027-118",
        )
        assert recorded.status_code == 303, recorded.text
    kind, payload, actor = logged(world, "fx-1")[-1]
    assert (kind, actor, payload["recorded_by"]) == ("ExamScorePending", "spec.li", "spec.li")

    async with world.browser("emp.1") as emp:
        mine = await emp.get("/my/trainings/fx-1")
        assert 'data-testid="ask-exam" data-state="pending"' in mine.text
    async with world.client("emp.1") as emp_api:
        state = (await emp_api.get("/api/v1/programs/fx-1")).json()["state"]
        assert "pending_scores" not in state  # a trainee never reads scores awaiting confirmation
        timeline = (await emp_api.get("/api/v1/programs/fx-1/timeline")).json()
        assert "ExamScorePending" not in {t["event_type"] for t in timeline}

    async with world.browser("mgr.wang") as wang:
        monkeypatch.setattr(people, "PEOPLE_ON_PAGE", 0)  # more awaiting than a page shows
        capped = await wang.get("/programs/fx-1")
        assert 'data-testid="more-pending"' in capped.text
        assert 'data-testid="pending-emp.1"' not in capped.text
        monkeypatch.undo()
        page = await wang.get("/programs/fx-1")
        assert "HR-EXAM-2027-118" in page.text and 'data-testid="pending-emp.1"' in page.text
        assert 'data-testid="more-pending"' not in page.text
        confirmed = await post_form(
            wang, "/programs/fx-1/confirm-exam-score", page.text, trainee="emp.1"
        )
        assert confirmed.status_code == 303, confirmed.text
    kind, payload, actor = logged(world, "fx-1")[-1]
    assert (kind, actor, payload["confirmed_by"]) == ("ExamSubmitted", "mgr.wang", "mgr.wang")
    async with world.client("spec.li") as li_api:
        timeline = (await li_api.get("/api/v1/programs/fx-1/timeline")).json()
        assert any(
            t["summary"] == "exam of emp.1: 64 (recorded by spec.li, evidence HR-EXAM-2027-118,"
            " confirmed by mgr.wang)"
            for t in timeline
        )


async def test_a_late_entry_asks_for_its_reason_on_the_page(world: World) -> None:
    async with world.client("adm.qian") as admin:
        saved = await admin.put(
            "/api/v1/config", json={"document": FOUR_EYES, "expected_version": 0}
        )
        assert saved.status_code == 200, saved.text
    plan = await run(world, "fx-late", "published")
    await session_started(world, plan)
    ends = datetime.fromisoformat(plan["sessions"][0]["starts_at"]) + timedelta(hours=3)
    await until(world.h.env, ends + timedelta(days=2, minutes=1))
    async with world.browser("spec.li") as li:
        page = await li.get("/programs/fx-late")
        assert "needed more than 2 days after the session ended" in page.text
        before = world.head()
        await attendance_refused(li, "fx-late", page.text, "give the reason (late_reason)")
        li.cookies.set(LANG_COOKIE, "zh-CN")  # the same refusal, in the reader's language
        await attendance_refused(li, "fx-late", page.text, "请填写理由")
        li.cookies.set(LANG_COOKIE, "en")
        assert world.head() == before
        recorded = await emp_1_attended(
            li, "fx-late", page.text, late_reason="paper sign-in sheet arrived by post"
        )
        assert recorded.status_code == 303, recorded.text
        page = await li.get("/programs/fx-late")
        late = "attendance of session s1: 1 of 2 (entered late: paper sign-in sheet arrived by post"
        assert late + ")" in page.text
