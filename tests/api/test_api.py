"""The HTTP API end to end: Temporal updates for commands, read models for reads, roles on every
endpoint, the signed-in user as the actor, and clear 4xx answers that record nothing."""

from __future__ import annotations

from typing import Any, get_args

import pytest

from domain import commands as c
from domain.streams import ACCOUNTS_STREAM as ACCOUNTS
from services.actions import ACTIONS
from tests.api.conftest import PASSWORD, World, csrf_of, plan_body, quarter, session_started


async def test_a_program_from_plan_to_kpis_over_http(world: World) -> None:
    h = world.h
    body = await plan_body(h, "http-1")
    async with world.client("spec.li") as li, world.client("mgr.wang") as wang:
        created = await li.post("/api/v1/programs", json=body)
        assert created.status_code == 201, created.text
        assert created.json()["projected"] is True
        shown = (await li.get("/api/v1/programs/http-1")).json()
        assert shown["program"]["status"] == "draft"
        assert shown["program"]["specialist"] == "spec.li"

        assert (await li.post("/api/v1/programs/http-1/submit")).status_code == 200
        inbox = (await wang.get("/api/v1/inbox")).json()
        assert [t["program_id"] for t in inbox] == ["http-1"]
        assert inbox[0]["overdue"] is False

        kpis = (await li.get("/api/v1/kpi")).json()
        assert kpis[0]["plan_completion_rate"]["denominator"] == 0
        counts = {k: kpis[0][k] for k in ("planned", "due", "completed", "on_track")}
        assert counts == {"planned": 0, "due": 0, "completed": 0, "on_track": 0}
        approved = await wang.post("/api/v1/programs/http-1/approve", json={"comment": "go"})
        assert approved.status_code == 200, approved.text
        assert approved.json()["status"] == "approved"
        assert (await wang.get("/api/v1/inbox")).json() == []

        assert (await li.post("/api/v1/programs/http-1/publish", json={})).status_code == 200
        await session_started(world, body)
        attended = await li.post(
            "/api/v1/programs/http-1/attendance", json={"session_id": "s1", "attendees": ["emp.1"]}
        )
        assert attended.status_code == 200, attended.text
        done = await li.post("/api/v1/programs/http-1/complete-session", json={"session_id": "s1"})
        assert done.status_code == 200, done.text
        finished = await li.post("/api/v1/programs/http-1/complete-execution")
        assert finished.json()["status"] == "evaluating"

        kpis = (
            await li.get("/api/v1/kpi", params={"period": quarter(body["planned_date"])})
        ).json()
        assert kpis[0]["plan_completion_rate"] == {
            "value": 1.0,
            "numerator": 1,
            "denominator": 1,
            "rating": "excellent",
        }
        assert kpis[0]["participation_rate"]["rating"] == "below"  # 1 of 2 attended

        timeline = (await li.get("/api/v1/programs/http-1/timeline")).json()
        actors = {t["event_type"]: t["actor"] for t in timeline}
        assert actors["ProgramSubmitted"] == "spec.li"
        assert actors["ApprovalGranted"] == "mgr.wang"


async def test_the_actor_is_the_signed_in_user_never_the_body(world: World) -> None:
    h = world.h
    async with world.client("spec.li") as li, world.client("mgr.wang") as wang:
        sneaky = await plan_body(h, "http-actor", actor="spec.zhao")
        refused = await li.post("/api/v1/programs", json=sneaky)
        assert refused.status_code == 422
        assert "actor" in refused.json()["detail"]
        assert (await li.post("/api/v1/programs", json=await plan_body(h, "http-actor"))).is_success
        before = world.head()
        spoof = await li.post("/api/v1/programs/http-actor/submit", json={"actor": "mgr.wang"})
        assert spoof.status_code == 422
        assert world.head() == before
        await li.post("/api/v1/programs/http-actor/submit")
        # Whatever the body says, the approval is recorded as mgr.wang's own.
        ok = await wang.post("/api/v1/programs/http-actor/approve", json={"comment": "fine"})
        assert ok.status_code == 200
        events = h.db.store.read_stream("program-http-actor")
        granted = [r for r in events if r.event_type == "ApprovalGranted"]
        assert granted[0].metadata["actor"] == "mgr.wang"


async def test_four_eyes_holds_over_http(world: World) -> None:
    h = world.h
    # lead.ma is both a specialist and an approver: they still cannot approve their own program.
    async with world.client("lead.ma") as ma:
        body = await plan_body(h, "http-4eyes", approvers=["mgr.wang"])
        assert (await ma.post("/api/v1/programs", json=body)).status_code == 201
        assert (await ma.post("/api/v1/programs/http-4eyes/submit")).status_code == 200
        before = world.head()
        refused = await ma.post("/api/v1/programs/http-4eyes/approve", json={})
        assert refused.status_code == 403
        assert refused.json()["detail"].startswith("refused:")
        # The rule that refused, by code with its parameters, for a client's own words.
        assert refused.json()["code"] == "task.four_eyes_own_submission"
        assert refused.json()["params"] == {"actor": "lead.ma"}
        assert world.head() == before
        own = await plan_body(h, "http-own", approvers=["lead.ma"])
        assert (await ma.post("/api/v1/programs", json=own)).status_code == 422


async def test_approvers_and_delegates_must_be_active_approvers(world: World) -> None:
    """A typo in an approver's name would leave the program waiting on a task no one sees: a
    plan or a delegation naming someone who is not an active approver is a 422, recording
    nothing."""
    h = world.h
    world.users.set_active("mgr.chen", False)
    async with world.client("spec.li") as li, world.client("mgr.wang") as wang:
        before = world.head()
        for names in (["nobody"], ["mgr.wang", "spec.zhao"], ["mgr.chen"]):
            body = await plan_body(h, "http-ghost", approvers=names)
            refused = await li.post("/api/v1/programs", json=body)
            assert refused.status_code == 422, refused.text
            assert refused.json()["code"] == "error.not_an_approver"
            assert "mgr.wang" not in refused.json()["params"]["usernames"]
        assert world.head() == before
        body = await plan_body(h, "http-real", approvers=["mgr.wang"])
        assert (await li.post("/api/v1/programs", json=body)).status_code == 201
        assert (await li.post("/api/v1/programs/http-real/submit")).status_code == 200
        before = world.head()
        ghost = await wang.post("/api/v1/programs/http-real/delegate", json={"to": "ghost"})
        assert ghost.status_code == 422, ghost.text
        assert ghost.json()["params"] == {"usernames": "'ghost'"}
        assert world.head() == before
        handed = await wang.post("/api/v1/programs/http-real/delegate", json={"to": "lead.ma"})
        assert handed.status_code == 200, handed.text


async def test_refusals_are_403_with_a_reason_and_record_nothing(world: World) -> None:
    h = world.h
    async with (
        world.client("spec.li") as li,
        world.client("spec.zhao") as zhao,
        world.client("mgr.chen") as chen,
        world.client("mgr.wang") as wang,
        world.client("aud.sun") as sun,
        world.client("emp.1") as emp,
        world.client() as anonymous,
    ):
        await li.post("/api/v1/programs", json=await plan_body(h, "http-authz"))
        await li.post("/api/v1/programs/http-authz/submit")
        before = world.head()

        assert (await anonymous.get("/api/v1/programs")).status_code == 401
        bad_token = await anonymous.get("/api/v1/me", headers={"Authorization": "Bearer tro_x_y"})
        assert bad_token.status_code == 401

        # Another specialist neither sees nor acts on it.
        assert (await zhao.get("/api/v1/programs")).json() == []
        seen = await zhao.get("/api/v1/programs/http-authz")
        assert seen.status_code == 403 and "may not see" in seen.json()["detail"]
        cancel = await zhao.post("/api/v1/programs/http-authz/cancel", json={"reason": "mine now"})
        assert cancel.status_code == 403
        assert "only the program's specialist" in cancel.json()["detail"]

        # An approver without a task on it is refused by the workflow.
        not_theirs = await chen.post("/api/v1/programs/http-authz/approve", json={})
        assert not_theirs.status_code == 403, not_theirs.text
        # Approvers do not plan; specialists do not approve.
        planned = await wang.post("/api/v1/programs", json=await plan_body(h, "http-x"))
        assert planned.status_code == 403 and "specialist role" in planned.json()["detail"]
        approve = await li.post("/api/v1/programs/http-authz/approve", json={})
        assert approve.status_code == 403 and "approver role" in approve.json()["detail"]

        # The auditor reads everything and changes nothing.
        assert (await sun.get("/api/v1/programs/http-authz")).status_code == 200
        assert (await sun.get("/api/v1/programs/http-authz/events")).status_code == 200
        assert (await sun.get("/api/v1/log/verify")).json()["ok"] is True
        assert (await sun.get("/api/v1/kpi")).status_code == 200
        for path, body in [
            ("/api/v1/programs/http-authz/cancel", {"reason": "audit"}),
            ("/api/v1/programs/http-authz/approve", {}),
            ("/api/v1/programs", await plan_body(h, "http-y")),
        ]:
            response = await sun.post(path, json=body)
            assert response.status_code == 403, (path, response.text)

        # Raw log, verification and admin endpoints are not for specialists.
        assert (await li.get("/api/v1/programs/http-authz/events")).status_code == 403
        assert (await li.get("/api/v1/log/verify")).status_code == 403
        assert (await li.get("/api/v1/users")).status_code == 403
        assert (await li.post("/api/v1/projections/rebuild")).status_code == 403
        other_kpis = await li.get("/api/v1/kpi", params={"specialist": "spec.zhao"})
        assert other_kpis.status_code == 403
        # A trainee planned for it sees nothing of it before it is published, nor runs it.
        assert (await emp.get("/api/v1/programs/http-authz")).status_code == 403
        emp_cancel = await emp.post("/api/v1/programs/http-authz/cancel", json={"reason": "no"})
        assert emp_cancel.status_code == 403

        assert world.head() == before, "a refused request must record nothing"


async def test_bad_input_is_a_clear_4xx_never_a_500(world: World) -> None:
    h = world.h
    async with world.client("spec.li") as li:
        cases = [
            await plan_body(h, "bad-1", timezone="Mars/Olympus"),
            await plan_body(h, "bad-2", trainees=[]),
            await plan_body(
                h, "bad-3", sessions=[{"session_id": "s1", "starts_at": "2030-01-01T09:00"}]
            ),
            await plan_body(h, "bad id!"),
            {"title": "no id"},
        ]
        for body in cases:
            response = await li.post("/api/v1/programs", json=body)
            assert response.status_code == 422, response.text
            assert response.json()["detail"].startswith("invalid input")
        assert (await li.post("/api/v1/programs", content=b"{not json")).status_code == 422
        assert (await li.get("/api/v1/programs/nope")).status_code == 404
        assert (await li.post("/api/v1/programs/nope/submit")).status_code == 404
        assert (await li.get("/api/v1/programs/bad%20id")).status_code == 422
        await li.post("/api/v1/programs", json=await plan_body(h, "dup"))
        again = await li.post("/api/v1/programs", json=await plan_body(h, "dup"))
        assert again.status_code == 409 and "already exists" in again.json()["detail"]
        # Wrong state is refused by the workflow's validator.
        early = await li.post("/api/v1/programs/dup/publish")
        assert early.status_code == 403 and "draft" in early.json()["detail"]
        assert (await li.get("/api/v1/kpi", params={"period": "2027-Q5"})).status_code == 422


async def test_tokens_and_users_over_the_api(world: World) -> None:
    async with world.client("adm.qian") as admin, world.client("spec.li") as li:
        made = await admin.post(
            "/api/v1/users",
            json={"username": "new.one", "password": "a long password", "roles": ["approver"]},
        )
        assert made.status_code == 201, made.text
        dup = await admin.post(
            "/api/v1/users",
            json={"username": "new.one", "password": "a long password", "roles": ["trainee"]},
        )
        assert dup.status_code == 409
        look_alike = await admin.post(
            "/api/v1/users",
            json={"username": "New.One", "password": "a long password", "roles": ["trainee"]},
        )
        assert look_alike.status_code == 409, look_alike.text
        assert look_alike.json()["code"] == "error.user_look_alike"
        assert "differs from it only in case" in look_alike.json()["detail"]
        assert world.users.get("New.One") is None
        weak = await admin.post("/api/v1/users", json={"username": "x", "password": "short"})
        assert weak.status_code == 422
        bad_role = await admin.post(
            "/api/v1/users",
            json={"username": "y", "password": "a long password", "roles": ["god"]},
        )
        assert bad_role.status_code == 422
        changed = await admin.patch("/api/v1/users/new.one", json={"roles": ["auditor"]})
        assert changed.json()["roles"] == ["auditor"]
        locked_out = await admin.patch("/api/v1/users/adm.qian", json={"active": False})
        assert locked_out.status_code == 403

        issued = (await li.post("/api/v1/tokens", json={"label": "script"})).json()
        secret = issued["token"]
        async with world.client() as script:
            auth = {"Authorization": f"Bearer {secret}"}
            assert (await script.get("/api/v1/me", headers=auth)).json()["username"] == "spec.li"
            assert all("token" not in t for t in (await li.get("/api/v1/tokens")).json())
            gone = await li.delete(f"/api/v1/tokens/{issued['token_id']}")
            assert gone.status_code == 204
            assert (await script.get("/api/v1/me", headers=auth)).status_code == 401
        assert (await li.delete(f"/api/v1/tokens/{issued['token_id']}")).status_code == 404

        disabled = await admin.patch("/api/v1/users/spec.li", json={"active": False})
        assert disabled.json()["active"] is False
        assert (await li.get("/api/v1/me")).status_code == 401


def test_every_program_command_has_a_route() -> None:
    union = get_args(c.ProgramCommand)[0]
    kinds = {cls.model_fields["kind"].default for cls in get_args(union)}
    assert kinds == set(ACTIONS)
    for action in ACTIONS.values():
        assert "actor" not in action.body.model_fields
        assert "kind" not in action.body.model_fields


async def test_openapi_documents_every_action(world: World) -> None:
    async with world.client() as anonymous:
        schema = (await anonymous.get("/api/openapi.json")).json()
    paths = schema["paths"]
    for action in ACTIONS.values():
        operation = paths[f"/api/v1/programs/{{program_id}}/{action.segment}"]["post"]
        assert {"401", "403", "404", "422"} <= set(operation["responses"])
    assert (
        "bearerAuth" in str(schema["components"]["securitySchemes"])
        or schema["components"]["securitySchemes"]
    )


async def test_an_admin_never_grants_themselves_a_role_another_admin_must(world: World) -> None:
    world.users.create_user("adm.zhao", PASSWORD, ("admin",))
    world.tokens["adm.zhao"] = world.users.issue_token("adm.zhao", "test")[1]
    changes = len(world.h.db.store.read_stream(ACCOUNTS))
    async with world.client("adm.qian") as qian, world.browser("adm.qian") as page:
        own = await qian.patch("/api/v1/users/adm.qian", json={"roles": ["admin", "auditor"]})
        assert own.status_code == 403, own.text
        assert "may not grant themselves auditor" in own.json()["detail"]
        form = await page.get("/admin/users")
        by_page = await page.post(
            "/admin/users/adm.qian",
            data={
                "csrf_token": csrf_of(form.text),
                "roles": ["admin", "specialist"],
                "active": "on",
            },
        )
        assert by_page.status_code == 403 and "another admin" in by_page.text
    assert world.users.get("adm.qian").roles == {"admin"}  # type: ignore[union-attr]
    assert len(world.h.db.store.read_stream(ACCOUNTS)) == changes  # refused: nothing recorded
    async with world.client("adm.zhao") as zhao:
        granted = await zhao.patch("/api/v1/users/adm.qian", json={"roles": ["admin", "auditor"]})
        assert granted.status_code == 200, granted.text
    assert world.users.get("adm.qian").roles == {"admin", "auditor"}  # type: ignore[union-attr]
    async with world.client("adm.qian") as qian:  # dropping one's own role needs no one
        dropped = await qian.patch("/api/v1/users/adm.qian", json={"roles": ["admin"]})
        assert dropped.status_code == 200, dropped.text


async def test_an_action_on_an_ended_program_names_its_state(world: World) -> None:
    """A rejected (or closed, cancelled) program's workflow is gone: the refusal still says
    what the rules say, with the state, never that the program does not exist."""
    async with world.client("spec.li") as li, world.client("mgr.wang") as wang:
        await li.post("/api/v1/programs", json=await plan_body(world.h, "ended-1"))
        await li.post("/api/v1/programs/ended-1/submit")
        rejected = await wang.post("/api/v1/programs/ended-1/reject", json={"reason": "no"})
        assert rejected.status_code == 200, rejected.text
        before = world.head()
        again = await wang.post("/api/v1/programs/ended-1/approve", json={})
        withdrawn = await li.post("/api/v1/programs/ended-1/withdraw", json={})
    for answer in (again, withdrawn):
        assert answer.status_code == 403, answer.text
        assert answer.json()["code"] == "program.not_allowed_in_status"
        assert answer.json()["params"]["value"] == "rejected"
        assert "does not exist" not in answer.json()["detail"]
    assert world.head() == before


async def test_only_known_people_are_enrolled(world: World) -> None:
    """One rule for the plan, a single enrolment and a roster file: a recorded employee or an
    active user with the trainee role; a misspelt name is refused and nothing is recorded."""
    from services.trainees import unknown_trainees

    before = world.head()
    async with world.client("spec.li") as li:
        body = await plan_body(world.h, "ghosts", trainees=["emp.1", "ghost.one"])
        planned = await li.post("/api/v1/programs", json=body)
        assert planned.status_code == 422, planned.text
        assert planned.json()["code"] == "error.unknown_trainees"
        assert "'ghost.one'" in planned.json()["detail"] and "emp.1" not in planned.json()["detail"]
        assert world.head() == before
        await li.post("/api/v1/programs", json=await plan_body(world.h, "ghosts"))
        before = world.head()
        enrolled = await li.post("/api/v1/programs/ghosts/enroll", json={"trainee": "ghost.two"})
        assert enrolled.status_code == 422, enrolled.text
        assert world.head() == before
    # emp.1 has a trainee's account, emp.2 an employee record (tests.api.conftest)
    store = world.h.db.store
    assert unknown_trainees(store, ["emp.1", "emp.2", "ghost.one"]) == {"ghost.one"}
    world.users.set_active("emp.1", False)
    assert unknown_trainees(store, ["emp.1"]) == {"emp.1"}


async def test_a_mistyped_status_filter_is_said_not_an_empty_list(world: World) -> None:
    async with world.client("spec.li") as li, world.browser("spec.li") as page:
        listed = await li.get("/api/v1/programs?status=zzz")
        shown = await page.get("/programs?status=zzz")
        fine = await li.get("/api/v1/programs?status=draft")
    assert listed.status_code == 422 and "status" in listed.json()["detail"]
    assert shown.status_code == 422 and "unknown status" in shown.text
    assert fine.status_code == 200


async def test_taking_the_approver_role_away_names_the_tasks_left_waiting(world: World) -> None:
    """Allowed (people change jobs), but never silent: each task only they could decide is
    named with the command that gives it to someone else."""
    async with world.client("spec.li") as li:
        await li.post("/api/v1/programs", json=await plan_body(world.h, "left-1"))
        submitted = await li.post("/api/v1/programs/left-1/submit")
        assert submitted.status_code == 200, submitted.text
    [task] = world.inbox("mgr.wang")
    async with world.client("adm.qian") as admin:
        changed = await admin.patch("/api/v1/users/mgr.wang", json={"roles": ["auditor"]})
        unrelated = await admin.patch("/api/v1/users/mgr.chen", json={"active": False})
    assert changed.status_code == 200, changed.text
    [warning] = changed.json()["warnings"]
    assert f"task {task['task_id']} of program left-1 was mgr.wang's" in warning
    assert f"trainops program reassign left-1 --task {task['task_id']}" in warning
    assert unrelated.json()["warnings"] == []  # chen holds no task


async def test_a_policy_naming_no_admins_takes_the_admins_there_are(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A trial: under a policy naming no admins (the built-in one) a task whose approver left
    could be handed on by no one, and the warning gave a `reassign` that could only be refused.
    Such a route now names the active admins at its submission; one recorded without any (as
    before) has its warning say the way out, and the refusal too."""
    plain = (
        "approval:\n  name: plain\n  steps:\n    - id: a\n      name: A\n"
        "      approvers: {plan_approvers: true}\n"
    )
    async with world.client("adm.qian") as admin:
        saved = await admin.put(
            "/api/v1/config", json={"document": plain, "expected_version": 0, "comment": "x"}
        )
        assert saved.status_code == 200, saved.text
    async with world.client("spec.li") as li:
        for program in ("left-2", "left-3"):
            if program == "left-3":  # as a route recorded before admins were taken up
                monkeypatch.setattr("activities.program_activities.holding_role", lambda *_: ())
            await li.post("/api/v1/programs", json=await plan_body(world.h, program))
            assert (await li.post(f"/api/v1/programs/{program}/submit")).status_code == 200
    tasks = {t["program_id"]: t["task_id"] for t in world.inbox("mgr.wang")}
    async with world.client("adm.qian") as admin:
        changed = await admin.patch("/api/v1/users/mgr.wang", json={"roles": ["auditor"]})
        said = {w.split(" of program ")[1].split(" ")[0]: w for w in changed.json()["warnings"]}
        assert f"trainops program reassign left-2 --task {tasks['left-2']}" in said["left-2"]
        assert "names no admin who could reassign it" in said["left-3"], said
        handed = await admin.post(
            "/api/v1/programs/left-2/reassign", json={"task_id": tasks["left-2"], "to": "mgr.chen"}
        )
        refused = await admin.post(
            "/api/v1/programs/left-3/reassign", json={"task_id": tasks["left-3"], "to": "mgr.chen"}
        )
    assert handed.status_code == 200, handed.text
    assert refused.status_code == 403, refused.text
    assert "with none named there, the specialist withdraws" in refused.json()["detail"]


async def test_an_action_reads_the_programs_row_once(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Role, ownership, an ended program, the time zone of a revision and an attendance's size
    are all checked against one read of the program's row, not one read each."""
    from projections import queries

    body = await plan_body(world.h, "reads-once")
    async with world.client("spec.li") as li:
        assert (await li.post("/api/v1/programs", json=body)).status_code == 201
        read = queries.program_summary
        reads: list[str] = []

        def counted(engine: Any, program_id: str) -> Any:
            reads.append(program_id)
            return read(engine, program_id)

        monkeypatch.setattr(queries, "program_summary", counted)
        revise = {k: body[k] for k in ("planned_date", "trainees", "sessions")}
        revised = await li.post(
            "/api/v1/programs/reads-once/revise", json=revise | {"title": "Read once"}
        )
        assert revised.status_code == 200, revised.text
    assert reads.count("reads-once") == 1


async def test_taking_every_role_away_is_refused_as_creating_without_one_is(world: World) -> None:
    """A trial: saving a user on the Users page with every role unticked left them with none
    (200), though creating one without a role is refused; both are refused, nothing changed."""
    async with world.client("adm.qian") as admin:
        none = await admin.patch("/api/v1/users/mgr.chen", json={"roles": []})
        after = (await admin.get("/api/v1/users")).json()
    assert none.status_code == 422, none.text
    assert "disable the account instead" in none.json()["detail"]
    (chen,) = [u for u in after if u["username"] == "mgr.chen"]
    assert chen["roles"] == ["approver"], chen
