"""Reference-data loads as jobs: answered at once, followed to their report, readable only by
their owner and admins, never wedging the API, and marked failed when a restart cut them off.

No timings: a load is held at a known point (``Gate``) while the test looks at the API."""

from __future__ import annotations

import asyncio
import threading
from datetime import UTC, datetime
from html import unescape
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.exc import OperationalError

from api.app import create_app
from imports.reference import load_reference
from imports.report import ImportReport
from services.error_texts import say
from services.imports_jobs import INTERRUPTED, NEVER_STARTED, ImportJobs, import_jobs
from tests.api.conftest import World, csrf_of
from tests.api.test_data_api import finished


class Gate:
    """A loader that stops until the test releases it: while checking rows (at row 500), or
    with ``writing`` inside the import's transaction (at its first chunk of events written;
    on SQLite no other writer gets in then, see ``services.imports_jobs``)."""

    def __init__(self, *, writing: bool = False) -> None:
        self.reached, self.release = threading.Event(), threading.Event()
        self.writing = writing

    def loader(self, store: Any, kind: str, path: Path, **options: Any) -> ImportReport:
        progress = options.pop("progress")
        last = [0]

        def held(done: int, total: int) -> None:
            progress(done, total)
            here = done < last[0] if self.writing else done >= 500
            if here and not self.reached.is_set():
                self.reached.set()
                assert self.release.wait(120), "the test never released the load"
            last[0] = done

        return load_reference(store, kind, path, progress=held, **options)

    async def wait(self) -> None:
        assert await asyncio.to_thread(self.reached.wait, 120), "the load never got there"


def jobs_of(world: World) -> ImportJobs:
    jobs: ImportJobs = world.app.state.services.import_jobs
    return jobs


def employees(count: int) -> str:
    return "employee_id,department\n" + "".join(f"e{k},dept{k % 7}\n" for k in range(count))


async def test_a_job_is_queued_runs_and_succeeds_with_its_report(world: World) -> None:
    gate = Gate()
    jobs_of(world).loader = gate.loader
    async with world.client("adm.qian") as admin:
        first = await admin.post(
            "/api/v1/data/employees", files={"file": ("a.csv", employees(1500), "text/csv")}
        )
        assert first.status_code == 202, first.text
        assert first.json()["status"] == "queued"
        assert first.headers["location"] == f"/api/v1/jobs/{first.json()['job_id']}"
        await gate.wait()
        second = await admin.post(
            "/api/v1/data/employees", files={"file": ("b.csv", employees(3), "text/csv")}
        )
        running = (await admin.get(first.headers["location"])).json()
        assert running["status"] == "running" and running["started_at"] is not None
        assert running["finished_at"] is None and running["report"] is None
        assert 0 < running["done"] < running["total"], "progress while it runs"
        queued = (await admin.get(second.headers["location"])).json()
        assert queued["status"] == "queued", "one load at a time: the second waits"
        gate.release.set()
        done = await finished(admin, first)
        assert done["status"] == "succeeded" and done["error"] is None
        assert done["done"] == done["total"] == 1500
        assert done["started_at"] <= done["finished_at"]
        report = done["report"]
        assert report["events_appended"] == 1500 and report["imported"] is True
        assert report["source"] == "a.csv" and report["rows_rejected"] == 0
        assert (await finished(admin, second))["report"]["unchanged"] == 3


async def test_a_file_with_bad_rows_is_a_finished_job_naming_every_bad_row(world: World) -> None:
    bad = "employee_id,department\ne1,sales\n,ops\ne3,x\n,hr\n"
    before = world.head()
    async with world.client("adm.qian") as admin:
        answer = await admin.post(
            "/api/v1/data/employees", files={"file": ("bad.csv", bad, "text/csv")}
        )
        job = await finished(admin, answer)
    assert job["status"] == "succeeded", "a validation report, as a load always answered"
    report = job["report"]
    assert report["imported"] is False and world.head() == before
    assert [r["where"] for r in report["rejected"]] == ["bad.csv:3", "bad.csv:5"]
    assert "nothing imported" in report["message"]


async def test_a_load_that_fails_is_a_failed_job_saying_why(world: World) -> None:
    def gone(*_: Any, **__: Any) -> ImportReport:
        raise OperationalError("INSERT INTO events", None, Exception("connection lost"))

    jobs_of(world).loader = gone
    async with world.client("adm.qian") as admin:
        answer = await admin.post(
            "/api/v1/data/employees", files={"file": ("e.csv", employees(2), "text/csv")}
        )
        job = await finished(admin, answer)
    assert job["status"] == "failed" and job["report"] is None
    assert "database is unavailable" in job["error"] and "nothing was loaded" in job["error"]


async def test_only_the_owner_and_admins_read_a_job(world: World) -> None:
    async with world.client("adm.qian") as admin, world.client("spec.li") as li:
        answer = await admin.post(
            "/api/v1/data/employees", files={"file": ("e.csv", employees(2), "text/csv")}
        )
        await finished(admin, answer)
        other = await li.get(answer.headers["location"])
        assert other.status_code == 403 and "adm.qian" in other.json()["detail"]
        unknown = await admin.get("/api/v1/jobs/0123456789abcdef0123456789abcdef")
        assert unknown.status_code == 404
        anonymous = await world.client().get(answer.headers["location"])
        assert anonymous.status_code == 401


async def test_the_api_answers_while_a_large_load_runs(world: World) -> None:
    gate = Gate(writing=True)
    jobs = jobs_of(world)
    jobs.loader, jobs.every_seconds = gate.loader, 0.0
    async with world.client("adm.qian") as admin:
        answer = await admin.post(
            "/api/v1/data/employees", files={"file": ("big.csv", employees(20_000), "text/csv")}
        )
        await gate.wait()  # the load is inside its transaction, holding the writer's lock
        assert (await admin.get("/healthz")).status_code == 200
        me = await admin.get("/api/v1/me")
        assert me.status_code == 200 and me.json()["username"] == "adm.qian"
        still = (await admin.get(answer.headers["location"])).json()
        assert still["status"] == "running", "the answers came while the load was running"
        if world.h.db.engine.dialect.name != "sqlite":  # the row itself follows the progress
            with world.h.db.engine.connect() as conn:
                row = conn.execute(select(import_jobs.c.done, import_jobs.c.total)).one()
            assert row.total == 20_000 and row.done > 0
        gate.release.set()
        job = await finished(admin, answer)
    assert job["status"] == "succeeded" and job["report"]["events_appended"] == 20_000


async def test_a_job_cut_off_by_a_restart_is_failed_and_can_run_again(world: World) -> None:
    engine = world.h.db.engine
    common = {"owner": "adm.qian", "kind": "employees", "source": "e.csv", "done": 5, "total": 9}
    with engine.begin() as conn:
        for job_id, status in (("a" * 32, "running"), ("b" * 32, "queued")):
            conn.execute(
                insert(import_jobs).values(
                    job_id=job_id, status=status, created_at=datetime.now(UTC), **common
                )
            )
    restarted = create_app(world.settings, database=world.h.db, users=world.users)
    async with world.client("adm.qian") as admin:
        for job_id, key in (("a" * 32, INTERRUPTED), ("b" * 32, NEVER_STARTED)):
            job = (await admin.get(f"/api/v1/jobs/{job_id}")).json()
            assert job["status"] == "failed" and job["error"] == say(key, {}, "en")
            assert job["error_code"] == key and job["finished_at"] is not None
            chinese = {"Accept-Language": "zh-CN"}
            said = (await admin.get(f"/api/v1/jobs/{job_id}", headers=chinese)).json()
            assert said["error"] == say(key, {}, "zh-CN") and "中断" in said["error"]
    restarted.state.services.import_jobs.shutdown()
    async with world.client("adm.qian") as admin:
        again = await admin.post(
            "/api/v1/data/employees", files={"file": ("e.csv", employees(9), "text/csv")}
        )
        job = await finished(admin, again)
    assert job["status"] == "succeeded" and job["report"]["events_appended"] == 9


async def test_the_page_follows_the_job_to_its_report(world: World) -> None:
    gate = Gate()
    jobs_of(world).loader = gate.loader
    bad = employees(600) + ",nobody\n"
    async with world.browser("adm.qian") as page:
        form = await page.get("/admin/data")
        assert form.status_code == 200 and 'data-testid="data-form"' in form.text
        posted = await page.post(
            "/admin/data",
            data={"csrf_token": csrf_of(form.text), "kind": "employees"},
            files={"file": ("staff.csv", bad, "text/csv")},
        )
        assert posted.status_code == 303, posted.text
        location = posted.headers["location"]
        await gate.wait()
        running = (await page.get(location)).text
        assert 'http-equiv="refresh"' in running and 'data-testid="job-progress"' in running
        gate.release.set()
        for _ in range(2000):
            shown = (await page.get(location)).text
            if 'http-equiv="refresh"' not in shown:
                break
            await asyncio.sleep(0.02)
        assert 'data-testid="job-report"' in shown and "nothing imported" in shown
        assert "staff.csv:602" in shown, "every rejected row is listed"
        # the page names its checkbox, never the command line's flag (issue 16)
        assert "--accept-valid" not in shown and "Load the valid rows even if" in unescape(shown)
        gbk = await page.post(
            "/admin/data",
            data={"csrf_token": csrf_of(form.text), "kind": "employees"},
            files={"file": ("e.csv", "employee_id\n销售\n".encode("gbk"), "text/csv")},
        )
        assert gbk.status_code == 422 and "not UTF-8" in gbk.text
    async with world.browser("spec.li") as other:
        assert (await other.get(location)).status_code == 403
