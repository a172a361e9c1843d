"""The program workflow's activities: append its decided events, look up the admin's
configuration, deliver its notices."""

from __future__ import annotations

from collections import Counter
from typing import Any, TypeVar

import structlog
from pydantic import BaseModel
from temporalio import activity
from temporalio.exceptions import ApplicationError, ApplicationErrorCategory

from accounts.users import holding_role
from activities.admin_config import AdminConfig
from activities.channels import DeliveryFailed
from activities.config_versions import ConfigProvider, provider
from activities.contracts import (
    APPEND_EVENTS,
    DELIVER_NOTICE,
    DUPLICATE_EVENT,
    GRADE_EXAM,
    HAS_ONLINE_EXAM,
    INVALID_INPUT,
    POLICY_ERROR,
    PROGRAM_SETTINGS,
    RESOLVE_APPROVAL_ROUTE,
    STREAM_VERSION_CONFLICT,
    VERIFY_PLAN_PROOF,
    AppendEventsInput,
    AppendEventsOutput,
    Delivery,
    GradeExamInput,
    Notice,
    ProgramSettings,
    ProgramSettingsInput,
    VerifyPlanInput,
)
from activities.metrics import count_appends, count_deliveries
from activities.outbox import Notification, NotificationService
from audit.signing_keys import trusted_keys
from domain.approval import ApprovalRoute, PolicyError, ProgramFacts, unstaffable_step
from domain.evaluation import grade_exam as grade
from domain.events import EventEnvelope, ExamGrading, ExamItem, load_event
from domain.proofs import ProofRefused, verify_assertion
from domain.reference import CourseDefined, ProgramResourcesAssigned
from domain.refusals import DomainError, refused
from eventlog import DuplicateEventError, EventStore, NewEvent, StreamVersionConflict

log = structlog.get_logger(__name__)

T = TypeVar("T", bound=BaseModel)


def _invalid(message: str) -> ApplicationError:
    """Bad input (nothing recorded): benign, so the worker logs no traceback for it."""
    return ApplicationError(
        message, type=INVALID_INPUT, non_retryable=True, category=ApplicationErrorCategory.BENIGN
    )


def _keyed(error: DomainError | PolicyError, kind: str) -> ApplicationError:
    """A refusal with its code and params as the failure's details (said in the reader's
    language by whoever shows it); benign, so the worker logs no traceback for it."""
    return ApplicationError(
        str(error),
        error.code,
        error.params,
        type=kind,
        non_retryable=True,
        category=ApplicationErrorCategory.BENIGN,
    )


def _refusal(code: str, /, **params: object) -> ApplicationError:
    """The program's rules refuse, with the refusal's code."""
    return _keyed(refused(code, **params), "DomainError")


def _metadata(envelope: EventEnvelope, info: activity.Info) -> dict[str, Any]:
    """Who did it, as whom, through which workflow run and activity; and the person's proof."""
    metadata: dict[str, Any] = {
        "actor": envelope.actor,
        "role": envelope.role,
        "workflow_id": info.workflow_id,
        "run_id": info.workflow_run_id,
        "activity_id": info.activity_id,
    }
    if info.is_local:  # a local activity's id counts apart from ordinary ones' in its run
        metadata["local_activity"] = True
    if envelope.proof is not None:
        metadata["proof"] = envelope.proof
    if envelope.proved_by is not None:
        metadata["proved_by"] = str(envelope.proved_by)
    return metadata


class ProgramActivities:
    """Holds what the worker wires in: the store, the notifier and the admin configuration
    (fixed, or a ``ConfigSource`` that follows the versions admins save)."""

    def __init__(
        self,
        store: EventStore,
        notifier: NotificationService,
        config: AdminConfig | ConfigProvider | None = None,
    ) -> None:
        self.store = store
        self.notifier = notifier
        self._config: ConfigProvider = provider(config, AdminConfig())

    @property
    def config(self) -> AdminConfig:
        """The configuration in force now."""
        return self._config()

    @activity.defn(name=APPEND_EVENTS)
    def append_events(self, request: AppendEventsInput) -> AppendEventsOutput:
        info = activity.info()
        new_events = [
            NewEvent(
                event_id=envelope.event_id,
                event_type=envelope.event_type,
                schema_version=envelope.schema_version,
                payload=envelope.payload,
                occurred_at=envelope.occurred_at,
                metadata=_metadata(envelope, info),
            )
            for envelope in request.envelopes
        ]
        bound = log.bind(workflow_id=info.workflow_id, actor=request.envelopes[0].actor)
        try:
            result = self.store.append(request.stream_id, request.expected_version, new_events)
        except StreamVersionConflict as exc:
            count_appends("conflict", len(new_events))
            bound.warning("append refused", reason="version conflict")
            raise ApplicationError(
                str(exc), type=STREAM_VERSION_CONFLICT, non_retryable=True
            ) from exc
        except DuplicateEventError as exc:
            count_appends("duplicate", len(new_events))
            bound.warning("append refused", reason="duplicate event ids")
            raise ApplicationError(str(exc), type=DUPLICATE_EVENT, non_retryable=True) from exc
        count_appends("replayed" if result.replayed else "appended", len(new_events))
        bound.info(
            "events appended",
            # counted by type: a batch may hold 1,000 events
            events=dict(Counter(e.event_type for e in new_events)),
            position=result.last_position,
            replayed=result.replayed,
        )
        return AppendEventsOutput(
            stream_version=result.stream_version,
            last_position=result.last_position,
            replayed=result.replayed,
        )

    @activity.defn(name=PROGRAM_SETTINGS)
    def program_settings(self, request: ProgramSettingsInput) -> ProgramSettings:
        config = self.config
        try:
            calendar = config.calendar.for_region(request.region).resolved(request.years)
        except ValueError as exc:  # retrying cannot make an unknown region known
            raise ApplicationError(str(exc), type="InvalidInput", non_retryable=True) from exc
        return ProgramSettings(
            calendar=calendar, reminder_rules=config.reminders, fact_rules=config.facts
        )

    @activity.defn(name=RESOLVE_APPROVAL_ROUTE)
    def resolve_approval_route(self, facts: ProgramFacts) -> ApprovalRoute:
        try:
            route = self.config.approval.resolve(facts)
            if not route.admins:  # a policy naming none (the built-in one): the admins there
                # are now, so a task whose approver left can still be handed on
                route = route.model_copy(
                    update={"admins": holding_role(self.store.engine, "admin")}
                )
            short = unstaffable_step(route, facts.specialist)
            if short is not None:  # it would wait for ever: refused now, nothing recorded
                step, eligible = short
                raise PolicyError(
                    "policy.cannot_staff", step=step.step_id, quorum=step.quorum, eligible=eligible
                )
            return route
        except PolicyError as exc:  # a refusal to configure, said in the reader's language
            raise _keyed(exc, POLICY_ERROR) from exc

    @activity.defn(name=GRADE_EXAM)
    def grade_exam(self, request: GradeExamInput) -> ExamGrading:
        """Grade online exam answers against the answer key of the program's course, as the
        reference data in the log stands now."""
        assigned = self._latest(f"resources-{request.program_id}", ProgramResourcesAssigned)
        if assigned is None or assigned.course_id is None:
            raise _refusal("exam.no_course", program_id=request.program_id)
        course = self._latest(f"course-{assigned.course_id}", CourseDefined)
        if course is None:
            raise _refusal("exam.course_not_defined", course_id=assigned.course_id)
        try:
            score, items = grade(course, request.answers)
        except DomainError as exc:  # answers that do not fit the course: bad input, keyed
            raise _keyed(exc, INVALID_INPUT) from exc
        except ValueError as exc:
            raise _invalid(str(exc)) from exc
        return ExamGrading(
            course_id=course.course_id,
            score=score,
            items=tuple(ExamItem.model_validate(item.model_dump()) for item in items),
        )

    @activity.defn(name=VERIFY_PLAN_PROOF)
    def verify_plan_proof(self, request: VerifyPlanInput) -> str:
        """Why the plan's actor assertion does not prove it ("" when it does)."""
        try:
            verify_assertion(
                request.plan.proof,
                request.plan,
                workflow_id=request.workflow_id,
                now=request.now,
                keys=trusted_keys(self.store),
            )
        except ProofRefused as exc:
            log.bind(workflow_id=request.workflow_id).warning("plan refused", reason=str(exc))
            return str(exc)
        return ""

    @activity.defn(name=HAS_ONLINE_EXAM)
    def has_online_exam(self, program_id: str) -> bool:
        """Whether the program's course has questions to answer online: then a trainee's exam
        is graded from their answers, and a reported score is refused."""
        assigned = self._latest(f"resources-{program_id}", ProgramResourcesAssigned)
        if assigned is None or assigned.course_id is None:
            return False
        course = self._latest(f"course-{assigned.course_id}", CourseDefined)
        return course is not None and bool(course.questions)

    def _latest(self, stream_id: str, kind: type[T]) -> T | None:
        found: T | None = None
        for row in self.store.read_stream(stream_id):
            event = load_event(row.event_type, row.schema_version, row.payload)
            if isinstance(event, kind):
                found = event
        return found

    @activity.defn(name=DELIVER_NOTICE)
    def deliver_notice(self, notice: Notice) -> Delivery:
        info = activity.info()
        ids: list[str] = []
        failures: list[str] = []
        for recipient in notice.recipients:
            try:
                ids.append(
                    self.notifier.send(
                        Notification.copy_for(notice, recipient), attempt=info.attempt
                    )
                )
            except DeliveryFailed as exc:
                failures.append(str(exc))
        count_deliveries("delivered", len(ids))
        count_deliveries("failed", len(failures))
        log.bind(workflow_id=info.workflow_id).info(
            "notice delivered", kind=notice.kind, delivered=len(ids), failed=len(failures)
        )
        if failures:
            # Delivered recipients are skipped on the retry (their ledger rows are delivered).
            raise ApplicationError(
                f"{len(failures)} of {len(notice.recipients)} deliveries failed: {failures[0]}",
                type="DeliveryFailed",
            )
        return Delivery(notification_ids=tuple(ids))
