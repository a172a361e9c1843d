"""A trainee's pages through a cookie session, on the real worker and projections: their own
trainings only, the survey and the online exam going through the workflow as the trainee, and
refusals that say why and record nothing."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

import httpx
import pytest

from domain.reference import CourseDefined, ProgramResourcesAssigned, Question, VenueDefined
from services.trainings import SCALE
from tests.api.conftest import PASSWORD, World, csrf_of, plan_body, run, session_started
from tests.conftest import record_reference

COURSE = CourseDefined(
    course_id="forklift-101",
    title="Forklift basics",
    hours=3,
    knowledge_points=("load", "emergency"),
    questions=(
        Question(
            question_id="q1",
            knowledge_point="load",
            answer="Lower the forks",
            text="What do you do before driving off?",
            choices=("Raise the forks", "Lower the forks", "Honk twice"),
        ),
        Question(
            question_id="q2",
            knowledge_point="emergency",
            answer="Dial 120 at once",
            text="Someone is hurt. What next?",
        ),
    ),
)


def trainee(world: World, username: str) -> None:
    world.users.create_user(username, PASSWORD, ("trainee",))
    world.tokens[username] = world.users.issue_token(username, "test")[1]


def logged(world: World, program_id: str, event_type: str) -> list[Any]:
    return [
        r
        for r in world.h.db.store.read_stream(f"program-{program_id}")
        if r.event_type == event_type
    ]


def state_of(page: httpx.Response, kind: str) -> str:
    found = re.search(rf'data-testid="ask-{kind}" data-state="(\w+)"', page.text)
    assert found, f"no {kind} on the page"
    return found.group(1)


async def test_a_trainee_sees_their_own_trainings_and_no_one_elses(world: World) -> None:
    trainee(world, "emp.2")
    record_reference(world.h.db.store, VenueDefined(venue_id="hall-b", name="Hall B, 3rd floor"))
    record_reference(
        world.h.db.store, ProgramResourcesAssigned(program_id="tr-mine", venue_id="hall-b")
    )
    await run(world, "tr-mine", "published", title="Forklift safety")
    await run(world, "tr-other", "published", title="Crane safety", trainees=["emp.2"])
    async with world.client("spec.li") as li:  # named on it, but not published: not enrolled
        await li.post("/api/v1/programs", json=await plan_body(world.h, "tr-draft", title="Draft"))
    plan = await plan_body(world.h, "x")
    local_start = datetime.fromisoformat(plan["sessions"][0]["starts_at"])

    async with world.client() as client:
        form = await client.get("/login")
        signed_in = await client.post(
            "/login",
            data={"username": "emp.1", "password": PASSWORD, "csrf_token": csrf_of(form.text)},
        )
        assert signed_in.headers["location"] == "/my/trainings"  # a trainee's home
        page = await client.get("/my/trainings")
        assert page.status_code == 200
        assert 'data-program="tr-mine"' in page.text and "Forklift safety" in page.text
        assert "tr-other" not in page.text and "Crane safety" not in page.text
        assert "tr-draft" not in page.text
        assert local_start.strftime("%Y-%m-%d %H:%M") in page.text  # the program's local time
        assert "Hall B, 3rd floor" in page.text
        assert state_of(page, "survey") == "later" and state_of(page, "exam") == "later"

        detail = await client.get("/my/trainings/tr-mine")
        assert detail.status_code == 200 and 'data-testid="venue">Hall B' in detail.text
        assert "Asia/Shanghai" in detail.text

        other = await client.get("/my/trainings/tr-other")
        assert other.status_code == 403 and "not enrolled" in other.text
        assert (await client.get("/programs/tr-other")).status_code == 403
        assert (await client.get("/my/trainings/nope")).status_code == 404

    async with world.client("emp.1") as api:
        listed = {p["program_id"] for p in (await api.get("/api/v1/programs")).json()}
        assert listed == {"tr-mine"}  # what they may read: enrolled (a draft naming them is not)

    async with world.browser("spec.li") as li:  # the page is for trainees only
        assert (await li.get("/my/trainings")).status_code == 403


async def test_survey_and_online_exam_through_the_pages(world: World) -> None:
    trainee(world, "emp.2")
    record_reference(world.h.db.store, COURSE)
    record_reference(
        world.h.db.store, ProgramResourcesAssigned(program_id="tr-eval", course_id="forklift-101")
    )
    await run(world, "tr-eval", "evaluating")

    async with world.browser("emp.1") as emp:
        home = await emp.get("/my/trainings")
        assert state_of(home, "survey") == "open" and state_of(home, "exam") == "open"
        assert "open until" in home.text

        form = await emp.get("/my/trainings/tr-eval/survey")
        assert form.status_code == 200
        for dimension in SCALE.dimensions:  # every dimension SubmitSurvey accepts
            assert f'name="{dimension}"' in form.text
        token = csrf_of(form.text)
        before = world.head()

        # Bad values: each error next to its field, nothing recorded.
        bad = await emp.post(
            "/my/trainings/tr-eval/survey",
            data={"csrf_token": token, "content": "150", "instructor": "lots"},
        )
        assert bad.status_code == 422
        assert 'data-testid="error-content"' in bad.text
        assert 'data-testid="error-instructor"' in bad.text
        assert 'data-testid="error-overall"' in bad.text  # required, and missing
        assert 'data-testid="error-format"' not in bad.text
        assert 'value="150"' in bad.text  # the form keeps what was typed
        assert "Nothing was recorded" in bad.text
        assert world.head() == before
        no_csrf = await emp.post("/my/trainings/tr-eval/survey", data={"overall": "90"})
        assert no_csrf.status_code == 403 and world.head() == before

        sent = await emp.post(
            "/my/trainings/tr-eval/survey",
            data={
                "csrf_token": token,
                "overall": "90",
                "content": "85",
                "instructor": "95",
                "format": "",
                "comment": "More practice time, please.",
            },
        )
        assert sent.status_code == 303, sent.text
        assert sent.headers["location"] == "/my/trainings/tr-eval?saved=survey"
        [survey] = logged(world, "tr-eval", "SurveySubmitted")
        assert survey.metadata["actor"] == "emp.1" and survey.metadata["role"] == "trainee"
        assert survey.payload["scores"] == {"overall": 90.0, "content": 85.0, "instructor": 95.0}
        assert survey.payload["comment"] == "More practice time, please."
        detail = await emp.get(sent.headers["location"])
        assert 'data-testid="saved"' in detail.text and state_of(detail, "survey") == "done"

        # A second survey is refused by the workflow, says why, records nothing.
        before = world.head()
        again = await emp.post(
            "/my/trainings/tr-eval/survey", data={"csrf_token": token, "overall": "10"}
        )
        assert again.status_code == 403
        assert "already submitted a survey" in again.text and "Nothing was recorded" in again.text
        assert world.head() == before

        # The exam: the questions, never the answer key.
        exam = await emp.get("/my/trainings/tr-eval/exam")
        assert "What do you do before driving off?" in exam.text
        assert 'value="Honk twice"' in exam.text and "Someone is hurt" in exam.text
        assert "Dial 120" not in exam.text
        unanswered = await emp.post(
            "/my/trainings/tr-eval/exam",
            data={"csrf_token": token, "answer.q1": "Lower the forks", "answer.q2": " "},
        )
        assert unanswered.status_code == 422
        assert 'data-testid="error-answer.q2"' in unanswered.text
        assert 'data-testid="error-answer.q1"' not in unanswered.text
        assert world.head() == before

        # Over the API too (`trainops program exam`): the one attempt is not spent on a typo
        # or a question left out; each refusal names it, in the reader's language.
        async with world.client("emp.1") as api:
            exam_url = "/api/v1/programs/tr-eval/exam"
            typo = await api.post(exam_url, json={"answers": {"q1": "Z", "q2": "call 911"}})
            assert typo.status_code == 422, typo.text
            assert typo.json()["code"] == "error.exam_not_a_choice"
            assert "question q1: 'Z' is not one of its choices" in typo.json()["detail"]
            partial = await api.post(
                exam_url,
                json={"answers": {"q1": "Lower the forks"}},
                headers={"Accept-Language": "zh-CN"},
            )
            assert partial.status_code == 422, partial.text
            assert partial.json()["detail"].endswith("(未回答:q2)")
        assert world.head() == before

        answered = await emp.post(
            "/my/trainings/tr-eval/exam",
            data={"csrf_token": token, "answer.q1": "Lower the forks", "answer.q2": "call 911"},
        )
        assert answered.status_code == 303, answered.text
        [taken] = logged(world, "tr-eval", "ExamSubmitted")
        assert taken.metadata["actor"] == "emp.1" and taken.metadata["role"] == "trainee"
        assert taken.payload["answers"] == {"q1": "Lower the forks", "q2": "call 911"}
        assert taken.payload["score"] == 50.0

        result = await emp.get("/my/trainings/tr-eval/exam")
        assert 'data-testid="exam-score">50<' in result.text
        assert 'data-testid="failed"' in result.text  # the default pass mark is 60
        graded = re.findall(r'<tr data-question="(q\d)">.*?(✓|✗)', result.text, re.S)
        assert graded == [("q1", "✓"), ("q2", "✗")]
        assert "Dial 120" not in result.text  # the key stays secret after grading too

        before = world.head()
        twice = await emp.post(
            "/my/trainings/tr-eval/exam",
            data={"csrf_token": token, "answer.q1": "Lower the forks", "answer.q2": "x"},
        )
        assert twice.status_code == 403 and "already has an exam result" in twice.text
        assert world.head() == before

    # emp.2 is enrolled but did not attend: the pages say so, and the workflow refuses.
    async with world.browser("emp.2") as absent:
        page = await absent.get("/my/trainings/tr-eval")
        assert state_of(page, "survey") == "absent"
        before = world.head()
        refused = await absent.post(
            "/my/trainings/tr-eval/survey",
            data={"csrf_token": csrf_of(page.text), "overall": "50"},
        )
        assert refused.status_code == 403 and "did not attend" in refused.text
        assert world.head() == before


async def test_refused_in_the_wrong_state_and_for_strangers(world: World) -> None:
    trainee(world, "emp.9")
    await run(world, "tr-exec", "executing")
    async with world.browser("emp.1") as emp:
        page = await emp.get("/my/trainings/tr-exec")
        assert state_of(page, "survey") == "later"
        assert "/my/trainings/tr-exec/survey" not in page.text  # no form offered
        form = await emp.get("/my/trainings/tr-exec/survey")
        assert 'data-testid="survey-form"' not in form.text
        before = world.head()
        early = await emp.post(
            "/my/trainings/tr-exec/survey",
            data={"csrf_token": csrf_of(page.text), "overall": "80"},
        )
        assert early.status_code == 403
        assert "cannot submit a survey for a program that is executing" in early.text
        early_exam = await emp.post(
            "/my/trainings/tr-exec/exam", data={"csrf_token": csrf_of(page.text), "score": "80"}
        )
        assert early_exam.status_code == 403 and "executing" in early_exam.text
        assert world.head() == before

    async with world.browser("emp.9") as stranger:
        home = await stranger.get("/my/trainings")
        assert 'data-testid="empty"' in home.text
        for path in ("/my/trainings/tr-exec", "/my/trainings/tr-exec/survey", "/programs/tr-exec"):
            assert (await stranger.get(path)).status_code == 403, path
        before = world.head()
        for path, data in [
            ("/my/trainings/tr-exec/survey", {"overall": "80"}),
            ("/my/trainings/tr-exec/exam", {"score": "80"}),
            ("/programs/tr-exec/survey", {"scores.overall": "80"}),
        ]:
            refused = await stranger.post(path, data={"csrf_token": csrf_of(home.text), **data})
            assert refused.status_code == 403, (path, refused.text)
        assert world.head() == before


async def test_trainees_never_see_each_others_scores(world: World) -> None:
    trainee(world, "emp.2")
    plan = await run(world, "tr-both", "published")
    await session_started(world, plan)
    async with world.client("spec.li") as li:
        for segment, body in [
            ("attendance", {"session_id": "s1", "attendees": ["emp.1", "emp.2"]}),
            ("complete-session", {"session_id": "s1"}),
            ("complete-execution", {}),
        ]:
            assert (await li.post(f"/api/v1/programs/tr-both/{segment}", json=body)).is_success
    async with world.client("emp.2") as emp2:
        done = await emp2.post("/api/v1/programs/tr-both/survey", json={"scores": {"overall": 96}})
        assert done.status_code == 200, done.text
        before = world.head()
        own = await emp2.post("/api/v1/programs/tr-both/exam", json={"score": 99})
        assert own.status_code == 403 and "do not report their own exam score" in own.text
        assert world.head() == before
    async with world.client("spec.li") as li:
        body = {"trainee": "emp.2", "score": 97, "evidence": "scan-7f3a"}
        recorded = await li.post("/api/v1/programs/tr-both/exam-score", json=body)
        assert recorded.status_code == 200, recorded.text

    async with world.client("emp.1") as emp1, world.browser("emp.1") as page:
        detail = (await emp1.get("/api/v1/programs/tr-both")).json()
        summaries = " ".join(t["summary"] for t in detail["timeline"])
        assert "emp.2" not in summaries.replace("emp.2 enrolled", "")
        timeline = (await emp1.get("/api/v1/programs/tr-both/timeline")).json()
        assert not {"SurveySubmitted", "ExamSubmitted"} & {t["event_type"] for t in timeline}
        for path in ("/programs/tr-both", "/my/trainings/tr-both", "/my/trainings/tr-both/exam"):
            html = (await page.get(path)).text
            # The scores as numbers on their own: not in a time (03:19:01.237), an attribute
            # (y1="96") or a log position (96 and 97 are beyond those the page shows).
            found = re.search(r"(?<![\w.:\"-])(96|97)(?![\w:\"-])", html)
            assert not found, (path, html[found.start() - 300 : found.end() + 50] if found else "")
    async with world.client("spec.li") as li:  # the program's specialist does see them
        timeline = (await li.get("/api/v1/programs/tr-both/timeline")).json()
        assert {"SurveySubmitted", "ExamSubmitted"} <= {t["event_type"] for t in timeline}


@pytest.mark.parametrize("lang", ["en", "zh-CN"])
async def test_the_trainee_pages_in_both_languages(world: World, lang: str) -> None:
    await run(world, "tr-lang", "evaluating")
    expected = {
        "/my/trainings": ("My trainings", "我的培训"),
        "/my/trainings/tr-lang/survey": ("Reaction survey", "培训满意度问卷"),
        "/my/trainings/tr-lang/exam": ("the specialist records the score", "成绩由培训专员"),
    }
    async with world.browser("emp.1") as emp:
        await emp.get(f"/lang/{lang}")
        for path, (english, chinese) in expected.items():
            page = await emp.get(path)
            assert page.status_code == 200 and f'lang="{lang}"' in page.text
            assert (chinese if lang == "zh-CN" else english) in page.text, path


async def test_a_trainee_sees_the_schedule_and_their_own_facts_only(world: World) -> None:
    """Not what the program costs, who approves it, its route, or who else takes part."""
    trainee(world, "emp.2")
    await run(world, "tr-private", "published", budget="12345.67", department="Logistics")
    async with world.client("spec.li") as li:
        own_view = (await li.get("/api/v1/programs/tr-private")).json()
    assert "12345.67" in str(own_view)  # the specialist sees it all
    assert "mgr.wang" in str(own_view)
    async with world.client("emp.1") as emp1, world.browser("emp.1") as page:
        detail = (await emp1.get("/api/v1/programs/tr-private")).json()
        listed = (await emp1.get("/api/v1/programs")).json()
        html = (await page.get("/programs/tr-private")).text
    assert detail["program"]["title"] == "Workplace safety"
    assert detail["state"]["sessions"], "the schedule is theirs to see"
    assert detail["state"]["enrolled"] == ["emp.1"]
    for seen in (str(detail), str(listed), html):
        assert "12345" not in seen
        assert "mgr.wang" not in seen
        assert "emp.2" not in seen
    assert not {"route", "tasks", "approvers", "budget"} & set(detail["state"])
    assert {t["event_type"] for t in detail["timeline"]} == {"ProgramPublished", "SessionScheduled"}


async def test_a_trainee_sees_a_program_only_once_it_is_published(world: World) -> None:
    """Named on a plan still under review, a trainee sees nothing of it: not in the list, not
    its page (403); from its publication on, it is theirs to see."""
    await run(world, "tr-draft", "approved")
    async with world.client("emp.1") as emp1, world.browser("emp.1") as page:
        listed = (await emp1.get("/api/v1/programs")).json()
        detail = await emp1.get("/api/v1/programs/tr-draft")
        html = await page.get("/programs/tr-draft")
    assert "tr-draft" not in str(listed)
    assert detail.status_code == 403 and html.status_code == 403
    async with world.client("spec.li") as li:
        published = await li.post("/api/v1/programs/tr-draft/publish", json={})
        assert published.status_code == 200, published.text
    async with world.client("emp.1") as emp1:
        assert (await emp1.get("/api/v1/programs/tr-draft")).status_code == 200
        assert "tr-draft" in str((await emp1.get("/api/v1/programs")).json())
