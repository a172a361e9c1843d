"""An admin adds a company holiday; running programs take it up and their pending reminders
move (SettingsRefreshed in each program's log); a repeated save changes nothing more."""

from __future__ import annotations

import asyncio

from domain.program import ProgramState
from domain.reminders import Reminder
from tests.api.conftest import World, run
from workflows.program import TrainingProgramWorkflow


async def _prepare_due(world: World, program_id: str) -> Reminder:
    handle = world.h.env.client.get_workflow_handle(program_id)
    owed = await handle.query(TrainingProgramWorkflow.owed_reminders)
    return next(r for r in owed if r.kind == "prepare_materials")


def _refreshed(world: World, program_id: str) -> int:
    stream = world.h.db.store.read_stream(f"program-{program_id}")
    return sum(1 for r in stream if r.event_type == "SettingsRefreshed")


async def _until_refreshed(world: World, program_id: str, count: int) -> None:
    for _ in range(200):
        if _refreshed(world, program_id) >= count:
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"{program_id} did not take up the configuration")


async def test_a_new_company_holiday_moves_a_running_programs_reminder(world: World) -> None:
    await run(world, "cal-1", "published")
    before = await _prepare_due(world, "cal-1")
    holiday = before.due_at.date().isoformat()
    document = f"calendar:\n  company_holidays: ['{holiday}']\n"
    async with world.client("adm.qian") as admin:
        saved = await admin.put(
            "/api/v1/config", json={"document": document, "expected_version": 0}
        )
        assert saved.status_code == 200, saved.text
    await _until_refreshed(world, "cal-1", 1)
    after = await _prepare_due(world, "cal-1")
    for _ in range(100):  # the log has it; the workflow folds it once the append returns
        if after != before:
            break
        await asyncio.sleep(0.05)
        after = await _prepare_due(world, "cal-1")
    assert after.due_at.date() < before.due_at.date()  # the working day before the holiday
    handle = world.h.env.client.get_workflow_handle("cal-1")
    state: ProgramState = await handle.query(TrainingProgramWorkflow.state)
    assert holiday in {d.isoformat() for d in state.calendar.company_holidays}

    # The same configuration again (a new version, same content): nothing more is recorded.
    async with world.client("adm.qian") as admin:
        again = await admin.put(
            "/api/v1/config", json={"document": document + "\n", "expected_version": 1}
        )
        assert again.status_code == 200, again.text
    await asyncio.sleep(0.5)
    assert _refreshed(world, "cal-1") == 1
