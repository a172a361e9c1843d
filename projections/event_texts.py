"""The texts of event summaries by message key: English and Simplified Chinese, and their rendering.

``{name}`` is a parameter that ``projections.event_messages`` fills (user text only ever goes in
as a parameter). A test keeps both languages' keys and parameters equal. Rendering a stored
message needs nothing else, so the command line renders timelines from here without the domain.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any

from domain.instants import instant_text

#: A message part: a key and its parameters (plain strings).
Part = tuple[str, dict[str, str]]

#: Every key's English template ({name} is a parameter).
EN: dict[str, str] = {
    "event.ProgramPlanned": "planned “{title}” for {planned_date} ({sessions} sessions)",
    "event.ProgramPlanned.one": "planned “{title}” for {planned_date} (1 session)",
    "event.ProgramRevised": "revised the plan",
    "event.ProgramRevised.comment": "revised: {comment}",
    "event.ProgramSubmitted": "submitted revision {revision} for approval",
    "event.ApprovalStepStarted": "approval step “{name}” started (quorum {quorum})",
    "event.ApprovalRequested": "approval task {task} for {who}",
    "event.ApprovalRequested.group": "approval task {task} for group {group}",
    "event.ApprovalStepCompleted": "approval step {step} completed",
    "event.TaskClaimed": "{by} claimed task {task}",
    "event.TaskUnclaimed": "{by} returned task {task} to its group",
    "event.TaskDelegated": "{owner} delegated task {task} to {delegate}",
    "event.TaskResolved": "{delegate} resolved task {task} back to {owner}",
    "event.TaskReassigned": "{by} reassigned task {task} to {assignee}",
    "event.TaskEscalated": "task {task} escalated to {assignee} (SLA passed)",
    "event.TaskReminderSent.overdue": "SLA passed: overdue notice for task {task} sent to {to}",
    "event.TaskReminderSent": "SLA reminder for task {task} sent to {to}",
    "event.SubmissionWithdrawn": "{by} withdrew the submission",
    "event.ApprovalGranted": "{approver} approved",
    "event.ApprovalRejected": "{approver} rejected: {reason}",
    "event.ApprovalRejected.automatic": "rejected automatically: {reason}",
    "event.ChangesRequested": "{approver} requested changes: {reason}",
    "event.ApprovalTaskWithdrawn": "task {task} withdrawn",
    "event.SessionRescheduled": "session {session} moved to {starts_at}",
    "event.SettingsRefreshed": (
        "took up the configuration in force (calendar: {days} company day(s) set)"
    ),
    "event.SettingsRefreshed.one": (
        "took up the configuration in force (calendar: 1 company day set)"
    ),
    "event.ReminderSent.prepare_materials": (
        "prepare_materials reminder for {session} sent to {count}"
    ),
    "event.ReminderSent.attend_session": "attend_session reminder for {session} sent to {count}",
    "event.AttendanceRecorded": "attendance of {session}: {attended}/{total}",
    "event.AttendeesRecorded": "attendance of {session}: {count} more recorded",
    "event.ProgramExecuted.on_time": "executed on time",
    "event.ProgramExecuted.late": "executed late (planned {planned_date})",
    "event.ProgramCancelled": "cancelled: {reason}",
    "event.ProgramApproved": "approved",
    "event.ProgramPublished": "published",
    "event.TraineeEnrolled": "{trainee} enrolled",
    "event.SessionScheduled": "session {session} at {starts_at}",
    "event.SessionCompleted": "session {session} held",
    "event.EvaluationOpened": "evaluation open until {closes_at}",
    "event.SurveySubmitted": "survey from {trainee}: overall {overall}",
    "event.ExamSubmitted": "exam of {trainee}: {score}",
    "event.ExamScorePending": "exam score of {trainee}: {score} awaiting confirmation",
    "event.EvaluationClosed": "evaluation closed",
    "event.EvaluationClosed.deadline": "evaluation closed at its deadline",
    "event.FeedbackSubmitted": "feedback: {summary}",
    "event.ProgramClosed": "closed",
    "event.NotificationAttempted.delivered": (
        "notice {notice} to {recipient} by {channel} delivered (attempt {attempt})"
    ),
    "event.NotificationAttempted.failed": (
        "notice {notice} to {recipient} by {channel} failed (attempt {attempt})"
    ),
    "event.ConfigurationChanged": "configuration version {version} put in force",
    "event.SigningKeyPublished": "signing key {key_id} published",
    "event.SigningKeyRetired": "signing key {key_id} retired from {retired_at}",
    "event.LogMaintenance": "log maintenance announced ({statements} statement(s))",
    "event.LogMaintenance.one": "log maintenance announced (1 statement)",
    "event.FirstAdminCreated": "first admin {username} created with the setup code",
    "event.UserCreated": "user {username} created (roles: {roles})",
    "event.UserRolesChanged": "roles of {username} set to: {roles}",
    "event.UserActiveChanged.on": "{username} enabled",
    "event.UserActiveChanged.off": "{username} disabled",
    "event.PasswordChanged": "password of {username} changed",
    "event.TokenIssued": "API token {token} issued to {username}",
    "event.TokenRevoked": "API token {token} of {username} revoked",
    "event.CourseDefined": "course {course_id} defined: “{title}”",
    "event.InstructorDefined": "instructor {instructor_id} defined",
    "event.VenueDefined": "venue {venue_id} defined",
    "event.EmployeeRecorded": "employee {employee_id} recorded",
    "event.ProgramResourcesAssigned": "resources assigned to program {program_id}",
    "event.ExamGraded": "exam of {trainee} graded: {score}",
    "event.MetricRecorded": "{metric} of {employee_id} for {period}: {value}",
    "event.EffectStudyDefined": "{level} study {study_id} of program {program_id} defined",
    "event.ProgramCostRecorded": "cost line {line_id} of program {program_id}: {amount}",
    "event.ProgramBenefitRecorded": "benefit line {line_id} of program {program_id}: {value}",
    # suffixes
    "event.with_comment": ": {comment}",
    "event.late": " (entered late: {reason})",
    "event.recorded_by": " (recorded by {by}, evidence {evidence})",
    "event.recorded_confirmed": (
        " (recorded by {by}, evidence {evidence}, confirmed by {confirmed})"
    ),
    "event.unknown": "{type}",
}

#: The same keys in Simplified Chinese.
ZH_CN: dict[str, str] = {
    "event.ProgramPlanned": "计划了“{title}”,计划完成日期 {planned_date}({sessions} 个课次)",
    "event.ProgramPlanned.one": "计划了“{title}”,计划完成日期 {planned_date}(1 个课次)",
    "event.ProgramRevised": "修改了计划",
    "event.ProgramRevised.comment": "修改了计划:{comment}",
    "event.ProgramSubmitted": "提交第 {revision} 版审批",
    "event.ApprovalStepStarted": "审批步骤“{name}”开始(法定人数 {quorum})",
    "event.ApprovalRequested": "审批任务 {task} 交给 {who}",
    "event.ApprovalRequested.group": "审批任务 {task} 交给组 {group}",
    "event.ApprovalStepCompleted": "审批步骤“{step}”已完成",
    "event.ApprovalStepCompleted.named": "审批步骤“{name}”已完成",
    "event.TaskClaimed": "{by} 认领了任务 {task}",
    "event.TaskUnclaimed": "{by} 将任务 {task} 退回给组",
    "event.TaskDelegated": "{owner} 将任务 {task} 委托给 {delegate}",
    "event.TaskResolved": "{delegate} 将任务 {task} 交回给 {owner}",
    "event.TaskReassigned": "{by} 将任务 {task} 改派给 {assignee}",
    "event.TaskEscalated": "任务 {task} 已升级给 {assignee}(超过 SLA)",
    "event.TaskReminderSent.overdue": "已超过 SLA:任务 {task} 的逾期通知已发送给 {to}",
    "event.TaskReminderSent": "任务 {task} 的 SLA 提醒已发送给 {to}",
    "event.SubmissionWithdrawn": "{by} 撤回了审批申请",
    "event.ApprovalGranted": "{approver} 已批准",
    "event.ApprovalRejected": "{approver} 已驳回:{reason}",
    "event.ApprovalRejected.automatic": "已自动驳回:{reason}",
    "event.ChangesRequested": "{approver} 要求修改:{reason}",
    "event.ApprovalTaskWithdrawn": "任务 {task} 已撤回",
    "event.SessionRescheduled": "课次 {session} 改到 {starts_at}",
    "event.SettingsRefreshed": "采用了当前生效的配置(日历:{days} 个公司假日或调休工作日)",
    "event.SettingsRefreshed.one": "采用了当前生效的配置(日历:1 个公司假日或调休工作日)",
    "event.ReminderSent.prepare_materials": "课次 {session} 的备课提醒已发送给 {count} 人",
    "event.ReminderSent.prepare_materials.one": "课次 {session} 的备课提醒已发送给 1 人",
    "event.ReminderSent.attend_session": "课次 {session} 的上课提醒已发送给 {count} 名学员",
    "event.ReminderSent.attend_session.one": "课次 {session} 的上课提醒已发送给 1 名学员",
    "event.AttendanceRecorded": "课次 {session} 出勤:{attended}/{total}",
    "event.AttendeesRecorded": "课次 {session} 出勤:新增 {count} 人",
    "event.ProgramExecuted.on_time": "已按时执行",
    "event.ProgramExecuted.late": "已逾期执行(计划 {planned_date})",
    "event.ProgramCancelled": "已取消:{reason}",
    "event.ProgramApproved": "已批准",
    "event.ProgramPublished": "已发布",
    "event.TraineeEnrolled": "{trainee} 已报名",
    "event.SessionScheduled": "课次 {session} 安排在 {starts_at}",
    "event.SessionCompleted": "课次 {session} 已举行",
    "event.EvaluationOpened": "评估开放至 {closes_at}",
    "event.SurveySubmitted": "{trainee} 提交了问卷:总体 {overall}",
    "event.ExamSubmitted": "{trainee} 的考试成绩:{score}",
    "event.ExamScorePending": "{trainee} 的考试成绩 {score} 等待复核确认",
    "event.EvaluationClosed": "评估已结束",
    "event.EvaluationClosed.deadline": "评估已按截止时间结束",
    "event.FeedbackSubmitted": "反馈:{summary}",
    "event.ProgramClosed": "已结束",
    "event.NotificationAttempted.delivered": (
        "通知 {notice} 经 {channel} 发送给 {recipient}:已送达(第 {attempt} 次)"
    ),
    "event.NotificationAttempted.failed": (
        "通知 {notice} 经 {channel} 发送给 {recipient}:失败(第 {attempt} 次)"
    ),
    "event.ConfigurationChanged": "配置第 {version} 版已生效",
    "event.SigningKeyPublished": "签名密钥 {key_id} 已发布",
    "event.SigningKeyRetired": "签名密钥 {key_id} 自 {retired_at} 起停用",
    "event.LogMaintenance": "已公告日志维护({statements} 条语句)",
    "event.LogMaintenance.one": "已公告日志维护(1 条语句)",
    "event.FirstAdminCreated": "已用初始化码创建首位管理员 {username}",
    "event.UserCreated": "已创建用户 {username}(角色:{roles})",
    "event.UserRolesChanged": "{username} 的角色设为:{roles}",
    "event.UserActiveChanged.on": "{username} 已启用",
    "event.UserActiveChanged.off": "{username} 已停用",
    "event.PasswordChanged": "{username} 的密码已修改",
    "event.TokenIssued": "已为 {username} 签发 API 令牌 {token}",
    "event.TokenRevoked": "{username} 的 API 令牌 {token} 已吊销",
    "event.CourseDefined": "已定义课程 {course_id}:“{title}”",
    "event.InstructorDefined": "已定义讲师 {instructor_id}",
    "event.VenueDefined": "已定义场地 {venue_id}",
    "event.EmployeeRecorded": "已登记员工 {employee_id}",
    "event.ProgramResourcesAssigned": "已为项目 {program_id} 分配资源",
    "event.ExamGraded": "{trainee} 的考试已评分:{score}",
    "event.MetricRecorded": "{employee_id} 在 {period} 的 {metric}:{value}",
    "event.EffectStudyDefined": "已定义项目 {program_id} 的 {level} 研究 {study_id}",
    "event.ProgramCostRecorded": "项目 {program_id} 的成本项 {line_id}:{amount}",
    "event.ProgramBenefitRecorded": "项目 {program_id} 的收益项 {line_id}:{value}",
    "event.with_comment": ":{comment}",
    "event.late": "(补录:{reason})",
    "event.recorded_by": "(录入人 {by},证明材料 {evidence})",
    "event.recorded_confirmed": "(录入人 {by},证明材料 {evidence},复核人 {confirmed})",
    "event.unknown": "{type}",
}

#: How English reads on screen where it differs from ``EN``: the stored summaries keep EN's
#: words forever (``stored_summary``), so better wording for people goes here, never there.
#: A ``.one`` key here says a count of one (``COUNTED``); ZH_CN has each of these keys too.
SHOWN_EN: dict[str, str] = {
    "event.ApprovalStepCompleted": "approval step “{step}” completed",
    "event.ApprovalStepCompleted.named": "approval step “{name}” completed",
    "event.ReminderSent.prepare_materials": (
        "reminder to prepare session {session} sent to {count} people"
    ),
    "event.ReminderSent.prepare_materials.one": (
        "reminder to prepare session {session} sent to 1 person"
    ),
    "event.ReminderSent.attend_session": (
        "reminder to attend session {session} sent to {count} trainees"
    ),
    "event.ReminderSent.attend_session.one": (
        "reminder to attend session {session} sent to 1 trainee"
    ),
    "event.SettingsRefreshed": (
        "took up the configuration in force (calendar: {days} company holidays or make-up "
        "working days)"
    ),
    "event.SettingsRefreshed.one": (
        "took up the configuration in force (calendar: 1 company holiday or make-up working day)"
    ),
    "event.LogMaintenance": "log maintenance announced ({statements} statements)",
    "event.AttendanceRecorded": "attendance of session {session}: {attended} of {total}",
    "event.AttendeesRecorded": "attendance of session {session}: {count} more recorded",
    "event.SessionScheduled": "session {session} scheduled at {starts_at}",
}

CATALOG: dict[str, dict[str, str]] = {"en": {**EN, **SHOWN_EN}, "zh-CN": ZH_CN}


def _make_encode() -> Callable[[Any], str]:
    """``json.dumps(..., ensure_ascii=False)`` of a message list, with its C encoder built once
    (``JSONEncoder.encode`` builds one per call and keeps a circular-reference table: a rebuild
    encodes a message per event). Same text; ``encode`` where the accelerator is missing."""
    encoder = json.JSONEncoder(ensure_ascii=False)
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None:
        return encoder.encode
    chunks = make(
        None,
        encoder.default,
        json.encoder.encode_basestring,
        None,
        encoder.key_separator,
        encoder.item_separator,
        False,
        False,
        True,
    )

    def encode(value: Any) -> str:
        return "".join(chunks(value, 0))

    return encode


_encode = _make_encode()


#: Names the product itself gives (the built-in approval policy and its step,
#: ``domain.approval``) in each language but English: wherever such a name appears (an event's
#: summary, the inbox, the route, the configuration) it is shown in the reader's language at
#: render time; names people give stay as written.
BUILT_IN_NAMES: dict[str, dict[str, str]] = {
    "zh-CN": {
        "Approval by the plan's approvers": "由计划指定的审批人审批",
        "default": "默认",
    },
}

#: Keys rows stored before a change still carry, read as what the key is now.
LEGACY: dict[str, Part] = {
    "event.ApprovalStepStarted.builtin": (
        "event.ApprovalStepStarted",
        {"name": "Approval by the plan's approvers"},
    ),
}


def built_in(name: str, lang: str) -> str:
    """``name`` in ``lang`` when the product gave it; as written when a person did."""
    return BUILT_IN_NAMES.get(lang, {}).get(name, name)


#: Parameters that hold an instant (stored as ISO 8601 in UTC): shown in the program's zone.
INSTANT_PARAMS = frozenset({"starts_at", "closes_at", "retired_at"})

#: Keys whose text counts something: the count's parameter; ``KEY.one`` says it for one.
COUNTED = {
    "event.ProgramPlanned": "sessions",
    "event.SettingsRefreshed": "days",
    "event.LogMaintenance": "statements",
    "event.ReminderSent.prepare_materials": "count",
    "event.ReminderSent.attend_session": "count",
}


def _shown(name: str, value: str, lang: str, zone: str | None, utc: bool) -> str:
    if name in INSTANT_PARAMS:
        try:
            return instant_text(value, zone, utc=utc)
        except ValueError:
            return value
    return built_in(value, lang)


#: Keys whose event names a thing by its id only (a step: ``approval``), with that parameter and
#: the one its name goes in: when whoever reads the row adds the name (``services.reads``, from
#: the program's route), ``KEY.named`` says it by name. Never stored: the row keeps the id.
NAMED = {"event.ApprovalStepCompleted": ("step", "name")}


def _template(table: dict[str, str], key: str, params: dict[str, str]) -> str:
    if params.get(COUNTED.get(key, "")) == "1":
        key = f"{key}.one"
    elif key in NAMED and NAMED[key][1] in params:
        key = f"{key}.named"
    return table.get(key, CATALOG["en"].get(key, key))


def render(
    message: Sequence[Part], lang: str = "en", zone: str | None = None, *, utc: bool = False
) -> str:
    """The parts as one line in ``lang`` (English for a language or key it does not know); a
    parameter that is a built-in name is in ``lang`` too, an instant in ``zone`` (labelled;
    UTC without one)."""
    table = CATALOG.get(lang, EN)
    return "".join(
        _template(table, key, params).format_map(
            {name: _shown(name, value, lang, zone, utc) for name, value in params.items()}
        )
        for key, params in message
    )


def stored_summary(message: Sequence[Part]) -> str:
    """The English summary a timeline row keeps (``summary``), exactly as rows have always been
    written: instants as stored, counts as numbers. A rebuilt read model must equal the live
    one (``audit replay``), so this text never changes; people read ``render``'s."""
    return "".join(EN.get(key, key).format_map(params) for key, params in message)


def encode(message: Sequence[Part]) -> str:
    """The stored form of a message (a timeline row keeps it beside its English summary)."""
    return _encode([[key, params] for key, params in message])


def decode(stored: str | None) -> list[Part] | None:
    """A stored message, or None for a row written before messages were kept."""
    if not stored:
        return None
    try:
        message = [
            (str(key), {str(k): str(v) for k, v in params.items()})
            for key, params in json.loads(stored)
        ]
    except (ValueError, TypeError, AttributeError):
        return None
    return [
        (LEGACY[key][0], {**LEGACY[key][1], **params}) if key in LEGACY else (key, params)
        for key, params in message
    ]
