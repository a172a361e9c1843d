"""A program's people over the API: a program's read names them only while they are few (at
50,000 its state was megabytes: every enrolled, attending, surveyed and examined person), and
``/programs/{id}/trainees`` lists them a page at a time, each with what they did, a trainee
only themselves."""

from __future__ import annotations

from api.rest.schemas import TraineeOut
from domain.listings import TRAINEE_FIELDS
from services.roster_reads import PEOPLE_INLINE, PER_PERSON
from tests.api.conftest import World, run
from tests.api.test_program_files import upload
from tests.services.test_programs_bulk import employees


async def test_a_small_program_lists_its_people_inline_and_a_page_at_a_time(world: World) -> None:
    await run(world, "people-1", "executing")  # emp.1 and emp.2 enrolled, emp.1 attended s1
    async with world.client("spec.li") as li:
        detail = (await li.get("/api/v1/programs/people-1")).json()
        assert detail["people_listed"] is True
        assert detail["state"]["enrolled"] == ["emp.1", "emp.2"]

        first = (await li.get("/api/v1/programs/people-1/trainees", params={"limit": 1})).json()
        assert first == {
            "trainees": [
                {
                    "trainee": "emp.1",
                    "planned": True,
                    "enrolled": True,
                    "attended": ["s1"],
                    "surveyed": False,
                    "examined": False,
                    "score_pending": False,
                }
            ],
            "total": 2,
            "next_after": "emp.1",
        }
        rest = await li.get("/api/v1/programs/people-1/trainees", params={"after": "emp.1"})
        assert [r["trainee"] for r in rest.json()["trainees"]] == ["emp.2"]
        assert rest.json()["trainees"][0]["attended"] == []
        assert rest.json()["next_after"] is None

        for bad in ({"limit": 0}, {"limit": 1001}, {"after": "a b"}, {"after": "x" * 101}):
            refused = await li.get("/api/v1/programs/people-1/trainees", params=bad)
            assert refused.status_code == 422, (bad, refused.text)
        missing = await li.get("/api/v1/programs/no-such/trainees")
        assert missing.status_code == 404
    async with world.client("spec.zhao") as zhao:  # not theirs
        assert (await zhao.get("/api/v1/programs/people-1/trainees")).status_code == 403
    async with world.client("emp.1") as trainee:  # only themselves, never who else takes part
        own = (await trainee.get("/api/v1/programs/people-1/trainees")).json()
        assert [r["trainee"] for r in own["trainees"]] == ["emp.1"]
        assert own["total"] == 1


async def test_a_program_of_more_than_a_thousand_people_pages_them(world: World) -> None:
    people = [f"staff.{n:04d}@example.com" for n in range(PEOPLE_INLINE)]
    employees(world.h.db, people)
    await run(world, "people-big", "published")  # emp.1 and emp.2 enrolled
    roster = ("employee_id\n" + "\n".join(people) + "\n").encode()
    async with world.client("spec.li") as li:
        sent = await upload(li, "people-big/roster", roster)
        assert sent.status_code == 200, sent.text
        answer = await li.get("/api/v1/programs/people-big")
        detail = answer.json()
        assert detail["people_listed"] is False
        assert not set(PER_PERSON) & set(detail["state"]), "left out, not emptied"
        assert detail["state"]["sessions"] and detail["state"]["budget"]  # the plan stays
        assert len(answer.content) < 64 * 1024, len(answer.content)
        older = detail["timeline_older"]  # 1,000 enrolments: the newest 200 lines, then older
        assert older is not None and len(detail["timeline"]) == 200
        page = (await li.get("/api/v1/programs/people-big", params={"before": older})).json()
        assert all(e["position"] < older for e in page["timeline"]) and page["timeline"]

        everyone = ["emp.1", "emp.2", *people]
        seen: list[str] = []
        after: str | None = None
        pages = 0
        while True:
            params = {"limit": 1000} | ({} if after is None else {"after": after})
            page = (await li.get("/api/v1/programs/people-big/trainees", params=params)).json()
            pages += 1
            assert page["total"] == len(everyone)
            seen += [r["trainee"] for r in page["trainees"]]
            assert all(r["enrolled"] for r in page["trainees"])
            after = page["next_after"]
            if after is None:
                break
        assert pages == 2 and seen == sorted(everyone)

    async with world.client("emp.1") as trainee:  # a trainee's read of it is their own still
        own = (await trainee.get("/api/v1/programs/people-big")).json()
        assert own["people_listed"] is True and own["state"]["enrolled"] == ["emp.1"]


def test_the_listed_fields_are_the_api_models() -> None:
    assert tuple(TraineeOut.model_fields) == TRAINEE_FIELDS
