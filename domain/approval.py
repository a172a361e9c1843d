"""Approval policies and the tasks they create, as approvers of Camunda or Flowable expect them.

A *policy* (admin configuration) is a list of steps, each applying to a program when its
condition holds. At submission the policy is *resolved* into a *route*: the concrete steps, with
people and groups spelled out, recorded in the log so an auditor sees exactly what applied.
Steps run in series; inside a step, approvers act in parallel and the step completes when its
quorum of approvals is reached.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError

from domain.refusals import REFUSALS

PersonId = Annotated[str, Field(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9._@-]+$")]
Name = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._-]+$")]
WorkingDays = Annotated[float, Field(gt=0, le=365, multiple_of=0.5)]

SYSTEM = "system"


class ProgramFacts(BaseModel):
    """What policy conditions look at."""

    model_config = ConfigDict(frozen=True)

    department: str | None
    budget: Decimal
    external_instructor: bool
    plan_approvers: tuple[str, ...]
    specialist: str | None = None
    """Who submits it: the four-eyes rule keeps them out of every step."""


class StepCondition(BaseModel):
    """All given conditions must hold; an empty condition always holds."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    budget_above: Decimal | None = None
    external_instructor: bool | None = None
    departments: tuple[str, ...] | None = None

    def describe(self) -> str:
        """In words, for pages and tables (never a Python dict)."""
        return "; ".join(text.format_map(params) for text, params in self.phrases())

    def phrases(self) -> list[tuple[str, dict[str, str]]]:
        """``describe``'s parts as (text with ``{name}`` parameters, parameters): what a
        catalog translates before the parameters are filled."""
        parts: list[tuple[str, dict[str, str]]] = []
        if self.budget_above is not None:
            parts.append(("budget above {amount}", {"amount": f"{self.budget_above:,}"}))
        if self.external_instructor is not None:
            said = "external instructor" if self.external_instructor else "own instructor"
            parts.append((said, {}))
        if self.departments:
            parts.append(("departments {names}", {"names": ", ".join(self.departments)}))
        return parts or [("always", {})]

    def holds(self, facts: ProgramFacts) -> bool:
        if self.budget_above is not None and not facts.budget > self.budget_above:
            return False
        if (
            self.external_instructor is not None
            and facts.external_instructor != self.external_instructor
        ):
            return False
        return self.departments is None or facts.department in self.departments


class Approvers(BaseModel):
    """Exactly one way of naming who approves a step."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    people: tuple[PersonId, ...] = ()
    group: Name | None = None
    department_manager: bool = False
    plan_approvers: bool = False

    def describe(self) -> str:
        """In words, for pages and tables (never a Python dict)."""
        text, params = self.phrase()
        return text.format_map(params)

    def phrase(self) -> tuple[str, dict[str, str]]:
        """``describe`` as (text with ``{name}`` parameters, parameters), for a catalog."""
        if self.people:
            return "{people}", {"people": ", ".join(self.people)}
        if self.group is not None:
            return "group {group}", {"group": self.group}
        if self.department_manager:
            return "the department's manager", {}
        return "the plan's approvers", {}

    @model_validator(mode="after")
    def _exactly_one(self) -> Approvers:
        given = sum(
            [
                bool(self.people),
                self.group is not None,
                self.department_manager,
                self.plan_approvers,
            ]
        )
        if given != 1:
            raise PydanticCustomError(
                "setting.approvers_one_way",
                "name the approvers one way: people, group, department_manager or plan_approvers",
            )
        return self


class PolicyStep(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    id: Name
    name: Annotated[str, Field(min_length=1, max_length=200)]
    when: StepCondition = StepCondition()
    approvers: Approvers
    quorum: Annotated[int, Field(ge=1, le=20)] = 1
    sla_working_days: WorkingDays | None = None
    escalate_to: PersonId | None = None
    auto_reject_after_working_days: WorkingDays | None = None

    @model_validator(mode="after")
    def _consistent(self) -> PolicyStep:
        if self.approvers.people and self.quorum > len(self.approvers.people):
            raise PydanticCustomError(
                "setting.quorum_exceeds_people",
                "quorum {quorum} exceeds the {people} people named",
                {"quorum": self.quorum, "people": len(self.approvers.people)},
            )
        if self.escalate_to is not None and self.sla_working_days is None:
            raise PydanticCustomError(
                "setting.escalate_needs_sla",
                "escalate_to needs sla_working_days (when to escalate)",
            )
        if (
            self.auto_reject_after_working_days is not None
            and self.sla_working_days is not None
            and self.auto_reject_after_working_days <= self.sla_working_days
        ):
            raise PydanticCustomError(
                "setting.auto_reject_before_sla",
                "auto_reject_after_working_days must be later than the SLA",
            )
        return self


#: The default policy's SLA: approvers are reminded half-way through it.
DEFAULT_SLA_WORKING_DAYS = 3


#: The built-in step's name; summaries and pages show it in the reader's language.
DEFAULT_STEP_NAME = "Approval by the plan's approvers"


@dataclass(frozen=True)
class NamedPerson:
    """A person the policy names: ``kind`` says where (group, manager, step, escalation,
    admins), ``where`` names it (the group, the department or the step)."""

    kind: str
    username: str
    role: str
    where: dict[str, str]


class ApprovalPolicy(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = "default"
    groups: dict[Name, Annotated[tuple[PersonId, ...], Field(min_length=1)]] = {}
    department_managers: dict[str, PersonId] = {}
    admins: tuple[PersonId, ...] = ()
    steps: tuple[PolicyStep, ...] = (
        PolicyStep(
            id="approval",
            name=DEFAULT_STEP_NAME,
            approvers=Approvers(plan_approvers=True),
            sla_working_days=DEFAULT_SLA_WORKING_DAYS,
        ),
    )

    @model_validator(mode="after")
    def _references_exist(self) -> ApprovalPolicy:
        ids = [step.id for step in self.steps]
        if len(set(ids)) != len(ids):
            raise PydanticCustomError("setting.step_ids_unique", "step ids must be unique")
        for step in self.steps:
            group = step.approvers.group
            if group is not None:
                if group not in self.groups:
                    raise PydanticCustomError(
                        "setting.unknown_group",
                        "step '{step}' names unknown group '{group}'",
                        {"step": step.id, "group": group},
                    )
                if step.quorum > len(self.groups[group]):
                    raise PydanticCustomError(
                        "setting.quorum_exceeds_group",
                        "step '{step}': quorum {quorum} exceeds the {members} members of '{group}'",
                        {
                            "step": step.id,
                            "quorum": step.quorum,
                            "members": len(self.groups[group]),
                            "group": group,
                        },
                    )
        return self

    def people_named(self) -> list[NamedPerson]:
        """Everyone the policy names, where, and the role they need: a name that is no active
        user with that role would leave a task waiting on no one (the configuration check warns;
        users may still be created after the configuration)."""
        named = [
            NamedPerson("group", person, "approver", {"group": group})
            for group, members in self.groups.items()
            for person in members
        ]
        named += [
            NamedPerson("manager", person, "approver", {"department": department})
            for department, person in self.department_managers.items()
        ]
        for step in self.steps:
            named += [
                NamedPerson("step", person, "approver", {"step": step.id})
                for person in step.approvers.people
            ]
            if step.escalate_to is not None:
                named.append(
                    NamedPerson("escalation", step.escalate_to, "approver", {"step": step.id})
                )
        named += [NamedPerson("admins", person, "admin", {}) for person in self.admins]
        return named

    def resolve(self, facts: ProgramFacts) -> ApprovalRoute:
        """The concrete route for one program; ``PolicyError`` when it cannot be staffed."""
        steps: list[RouteStep] = []
        for step in self.steps:
            if not step.when.holds(facts):
                continue
            group: str | None = None
            if step.approvers.group is not None:
                group = step.approvers.group
                candidates = self.groups[group]
            elif step.approvers.department_manager:
                manager = self.department_managers.get(facts.department or "")
                if manager is None and not facts.department:
                    raise PolicyError("policy.no_department", step=step.id)
                if manager is None:
                    raise PolicyError(
                        "policy.no_manager", step=step.id, department=facts.department
                    )
                candidates = (manager,)
            elif step.approvers.plan_approvers:
                candidates = facts.plan_approvers
                if not candidates:
                    raise PolicyError("policy.no_plan_approvers", step=step.id)
            else:
                candidates = step.approvers.people
            if step.quorum > len(candidates):
                raise PolicyError(
                    "policy.quorum_short",
                    step=step.id,
                    quorum=step.quorum,
                    approvers=len(candidates),
                )
            steps.append(
                RouteStep(
                    step_id=step.id,
                    name=step.name,
                    candidates=candidates,
                    group=group,
                    quorum=step.quorum,
                    sla_working_days=step.sla_working_days,
                    escalate_to=step.escalate_to,
                    auto_reject_after_working_days=step.auto_reject_after_working_days,
                )
            )
        return ApprovalRoute(policy=self.name, steps=tuple(steps), admins=self.admins)


def unstaffable_step(route: ApprovalRoute, excluded: str | None) -> tuple[RouteStep, int] | None:
    """The first step that cannot reach its quorum under the four-eyes rule, and how many could
    decide it: ``excluded`` (the submitter) decides none, and nobody approves two steps, so
    every step needs ``quorum`` people of its own. A matching of people to the steps' seats
    (Kuhn's augmenting paths; a route has a few steps of a few people) finds whether there is
    one; None when the route can be completed."""
    seats = [(index, step) for index, step in enumerate(route.steps) for _ in range(step.quorum)]
    holder: dict[str, int] = {}  # person -> the seat they take

    def seat(number: int, seen: set[str]) -> bool:
        for person in route.steps[seats[number][0]].candidates:
            if person == excluded or person in seen:
                continue
            seen.add(person)
            if person not in holder or seat(holder[person], seen):
                holder[person] = number
                return True
        return False

    for number, (_, step) in enumerate(seats):
        if not seat(number, set()):
            eligible = len({p for p in step.candidates if p != excluded})
            return step, eligible
    return None


def unstaffable_policy_step(policy: ApprovalPolicy) -> tuple[PolicyStep, int] | None:
    """A step of ``policy`` that can never reach its quorum when every step with named people
    or a group applies to a program (nobody approves two steps), and how many could decide it;
    steps of a department manager or of the plan's approvers depend on the program and are
    left out. Checked when a configuration is saved, as a warning."""
    known = [s for s in policy.steps if s.approvers.people or s.approvers.group is not None]
    route = ApprovalRoute(
        policy=policy.name,
        steps=tuple(
            RouteStep(
                step_id=s.id,
                name=s.name,
                candidates=s.approvers.people or policy.groups.get(s.approvers.group or "", ()),
                quorum=s.quorum,
            )
            for s in known
        ),
    )
    short = unstaffable_step(route, None)
    if short is None:
        return None
    return next(s for s in known if s.id == short[0].step_id), short[1]


class PolicyError(Exception):
    """A policy that cannot route this program; the message says what to configure, ``code``
    and ``params`` say it for a catalog (``domain.refusals``; the reader's language)."""

    def __init__(self, code: str, /, **params: object) -> None:
        values = {name: str(value) for name, value in params.items()}
        super().__init__(REFUSALS[code].format_map(values))
        self.code, self.params = code, values


class RouteStep(BaseModel):
    model_config = ConfigDict(frozen=True)

    step_id: str
    name: str
    candidates: tuple[str, ...]
    group: str | None = None
    quorum: int = 1
    sla_working_days: float | None = None
    escalate_to: str | None = None
    auto_reject_after_working_days: float | None = None


class ApprovalRoute(BaseModel):
    model_config = ConfigDict(frozen=True)

    policy: str
    steps: tuple[RouteStep, ...]
    admins: tuple[str, ...] = ()


class Task(BaseModel):
    """One approval task. A group task has candidates and no assignee until someone claims it;
    a delegated task is held by the delegate until they resolve it back to its owner."""

    model_config = ConfigDict(frozen=True)

    task_id: str
    step_id: str
    candidates: tuple[str, ...]
    group: str | None = None
    assignee: str | None = None
    owner: str | None = None
    delegation: Literal["pending"] | None = None
    requested_at: datetime | None = None
    remind_at: datetime | None = None
    due_at: datetime | None = None
    auto_reject_at: datetime | None = None
    reminded: bool = False
    escalated: bool = False
    overdue_noticed: bool = False

    def may_act(self, person: str) -> bool:
        """Whether ``person`` holds this task, or may take it from its group."""
        if self.assignee is not None:
            return self.assignee == person
        return person in self.candidates

    @property
    def holders(self) -> tuple[str, ...]:
        """Who sees the task in their inbox."""
        return (self.assignee,) if self.assignee is not None else self.candidates
