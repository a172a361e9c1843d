"""Who a plan names can be put right: a plan the approval policy could never route is refused
as it is made, a draft's approvers and department can be revised, and text a person must
write in words is never only spaces."""

from __future__ import annotations

from tests.api.conftest import World, plan_body


async def test_a_plan_without_the_approvers_its_policy_step_needs_is_refused(world: World) -> None:
    """The built-in policy's one step takes the plan's approvers: a plan naming none would be
    stuck as a draft that can never be submitted, so it is refused now, recording nothing."""
    body = await plan_body(world.h, "no-approvers", approvers=[])
    async with world.client("spec.li") as li:
        before = world.head()
        refused = await li.post("/api/v1/programs", json=body)
        assert refused.status_code == 422, refused.text
        assert refused.json()["code"] == "policy.no_plan_approvers"
        assert refused.json()["params"] == {"step": "approval"}
        assert world.head() == before
        said = await li.post("/api/v1/programs", json=body, headers={"Accept-Language": "zh-CN"})
        assert "计划中指定的审批人" in said.json()["detail"], said.text


async def test_a_drafts_approvers_and_department_are_revised(world: World) -> None:
    body = await plan_body(world.h, "re-approvers", approvers=["mgr.wang"])
    keep = {k: body[k] for k in ("title", "planned_date", "trainees", "sessions")}
    path = "/api/v1/programs/re-approvers"
    async with world.client("spec.li") as li, world.client("lead.ma") as ma:
        assert (await li.post("/api/v1/programs", json=body)).status_code == 201
        before = world.head()
        for approvers, code in (
            (["spec.li"], "request.invalid"),  # the specialist approving their own program
            (["ghost"], "error.not_an_approver"),
            (["lead.ma", "lead.ma"], "request.invalid"),
        ):
            refused = await li.post(f"{path}/revise", json={**keep, "approvers": approvers})
            assert refused.status_code == 422, refused.text
            assert refused.json()["code"] == code, refused.text
        assert world.head() == before
        own = await li.post(f"{path}/revise", json={**keep, "approvers": ["spec.li"]})
        # a rule of the whole input is said once, never "invalid input: input: ..."
        assert own.json()["detail"] == (
            "invalid input: the specialist cannot also be an approver of their own program"
        )
        revised = await li.post(
            f"{path}/revise", json={**keep, "approvers": ["lead.ma"], "department": "HR"}
        )
        assert revised.status_code == 200, revised.text
        state = (await li.get(path)).json()["state"]
        assert state["approvers"] == ["lead.ma"]
        assert state["department"] == "HR"
        assert state["title"] == body["title"]  # what the revision left out stays
        assert (await li.post(f"{path}/submit")).status_code == 200
        state = (await li.get(path)).json()["state"]
        assert [t["assignee"] for t in state["tasks"].values()] == ["lead.ma"]
        assert (await ma.post(f"{path}/approve", json={})).status_code == 200


async def test_a_revision_without_approvers_keeps_them(world: World) -> None:
    body = await plan_body(world.h, "keep-approvers", approvers=["mgr.wang"])
    async with world.client("spec.li") as li:
        assert (await li.post("/api/v1/programs", json=body)).status_code == 201
        changed = {k: body[k] for k in ("planned_date", "trainees", "sessions")}
        revised = await li.post(
            "/api/v1/programs/keep-approvers/revise", json={**changed, "title": "Renamed"}
        )
        assert revised.status_code == 200, revised.text
        state = (await li.get("/api/v1/programs/keep-approvers")).json()["state"]
        assert state["approvers"] == ["mgr.wang"]
        assert state["department"] == body.get("department")


async def test_a_title_or_a_reason_of_only_spaces_is_refused(world: World) -> None:
    body = await plan_body(world.h, "blank-1")
    async with world.client("spec.li") as li, world.client("mgr.wang") as wang:
        before = world.head()
        blank = await li.post("/api/v1/programs", json={**body, "title": " \t "})
        assert blank.status_code == 422, blank.text
        assert blank.json()["code"] == "error.blank_text"
        assert blank.json()["params"] == {"field": "title"}
        assert world.head() == before
        zh = await li.post(
            "/api/v1/programs", json={**body, "title": "  "}, headers={"Accept-Language": "zh-CN"}
        )
        assert zh.json()["detail"].startswith("标题为空"), zh.text
        assert (await li.post("/api/v1/programs", json=body)).status_code == 201
        assert (await li.post("/api/v1/programs/blank-1/submit")).status_code == 200
        before = world.head()
        reason = await wang.post("/api/v1/programs/blank-1/reject", json={"reason": "   "})
        assert reason.status_code == 422, reason.text
        assert reason.json()["params"] == {"field": "reason"}
        assert world.head() == before


async def test_a_session_or_task_the_program_does_not_have_is_not_found(world: World) -> None:
    """Issue 16: an unknown session or task id was a 403 "refused" (exit 3), as if a rule
    forbade it; it is a 404 (exit 4), recording nothing."""
    body = await plan_body(world.h, "missing-1")
    async with world.client("spec.li") as li, world.client("mgr.wang") as wang:
        assert (await li.post("/api/v1/programs", json=body)).status_code == 201
        assert (await li.post("/api/v1/programs/missing-1/submit")).status_code == 200
        before = world.head()
        task = await wang.post("/api/v1/programs/missing-1/approve", json={"task_id": "nope"})
        assert task.status_code == 404, task.text
        assert task.json()["code"] == "task.not_open"
        # not found, not refused: said without "refused:", in either language
        assert task.json()["detail"] == "no open approval task 'nope' on this program"
        zh = await wang.post(
            "/api/v1/programs/missing-1/approve",
            json={"task_id": "nope"},
            headers={"Accept-Language": "zh-CN"},
        )
        assert zh.json()["detail"] == "此项目上没有待处理的审批任务 'nope'", zh.text
        assert world.head() == before
        # the start of its id, as the timeline shows it (eight characters), names the task
        (open_task,) = [t["task_id"] for t in (await wang.get("/api/v1/inbox")).json()]
        short = await wang.post(
            "/api/v1/programs/missing-1/approve", json={"task_id": open_task[:8]}
        )
        assert short.status_code == 200, short.text
        assert (await li.post("/api/v1/programs/missing-1/publish")).status_code == 200
        before = world.head()
        session = await li.post(
            "/api/v1/programs/missing-1/reschedule",
            json={"session_id": "s9", "starts_at": body["sessions"][0]["starts_at"]},
        )
        assert session.status_code == 404, session.text
        assert session.json()["code"] == "program.no_such_session"
        assert world.head() == before


async def test_an_approver_sees_a_plan_from_its_submission_on(world: World) -> None:
    """Issue 16: an approver's program list showed other specialists' drafts naming them."""
    body = await plan_body(world.h, "draft-1", approvers=["mgr.wang"])
    async with world.client("spec.li") as li, world.client("mgr.wang") as wang:
        assert (await li.post("/api/v1/programs", json=body)).status_code == 201
        listed = [p["program_id"] for p in (await wang.get("/api/v1/programs")).json()]
        assert "draft-1" not in listed
        assert (await li.post("/api/v1/programs/draft-1/submit")).status_code == 200
        listed = [p["program_id"] for p in (await wang.get("/api/v1/programs")).json()]
        assert "draft-1" in listed


async def test_a_feedback_or_a_token_label_of_spaces_is_refused(world: World) -> None:
    """A trial: `program feedback --summary "   "` closed the program with an empty
    feedback, and `tokens create --label "   "` stored the label `api`."""
    from tests.api.conftest import run

    await run(world, "blank-fb", "evaluating")
    async with world.client("spec.li") as li:
        assert (await li.post("/api/v1/programs/blank-fb/close-evaluation")).status_code == 200
        before = world.head()
        blank = await li.post("/api/v1/programs/blank-fb/feedback", json={"summary": "   "})
        assert blank.status_code == 422, blank.text
        assert blank.json()["detail"].startswith("the summary is blank"), blank.text
        assert world.head() == before
        label = await li.post("/api/v1/tokens", json={"label": "   "})
        assert label.status_code == 422, label.text
        assert "the label is blank" in label.json()["detail"], label.text
