"""What goes in and out of ``TrainingProgramWorkflow``: its input (and what a continued-as-new
run carries), an action's result, and the parsing of an ``act`` payload into a command."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, TypeAdapter, ValidationError
from temporalio import workflow
from temporalio.exceptions import ApplicationError

with workflow.unsafe.imports_passed_through():
    from activities.contracts import MOVING_ON, UNAUTHENTICATED
    from domain.commands import PlanProgram, ProgramCommand
    from domain.state import ProgramState
    from domain.streams import program_stream
    from workflows.roster import RosterHead

_COMMANDS: TypeAdapter[ProgramCommand] = TypeAdapter(ProgramCommand)


def parse_command(payload: Any) -> ProgramCommand:
    """A command from an update payload; a clear ``ApplicationError`` when it is malformed."""
    try:
        return _COMMANDS.validate_python(payload)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc'][1:]) or 'command'}: {err['msg']}"
            for err in exc.errors()
        )
        raise ApplicationError(
            f"invalid input: {problems}", type="InvalidInput", non_retryable=True
        ) from exc


def stream_id_for(program_id: str) -> str:
    return program_stream(program_id)


def unauthenticated(reason: str) -> ApplicationError:
    return ApplicationError(reason, type=UNAUTHENTICATED, non_retryable=True)


def moving_on() -> ApplicationError:
    """The refusal of an action that arrives while the run drains before continuing as new."""
    return ApplicationError(
        "the program is moving to a new run; send the action again", type=MOVING_ON
    )


class CarriedState(BaseModel):
    """What a continued-as-new run needs: the folded state and the stream version."""

    model_config = ConfigDict(frozen=True)

    state: ProgramState
    stream_version: int
    spent: dict[str, str] = {}
    """Nonces of actor assertions used within their validity, as digests by the minute they
    may be forgotten (``domain.nonces``): a replayed request stays refused."""
    nonces: dict[str, datetime] = {}
    """The same as runs carried them until 0.4 (nonce and issue time; ~8 times the size): read
    from runs that continued as new before, never written."""
    roster: RosterHead | None = None
    """A run without per-trainee lists (``workflows.roster``): how many are enrolled."""
    take_up_settings: bool = False
    """An admin saved a configuration the run had not taken up yet (its signal came while
    the run was moving on): the next run takes it up first."""


class ProgramWorkflowInput(BaseModel):
    model_config = ConfigDict(frozen=True)

    plan: PlanProgram
    carried: CarriedState | None = None
    history_soft_limit: int | None = None
    """Continue-as-new once history has this many events (the server's suggestion also counts)."""


class ActionResult(BaseModel):
    model_config = ConfigDict(frozen=True)

    program_id: str
    status: str
    stream_version: int
    last_position: int
    events: tuple[str, ...]
