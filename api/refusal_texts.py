"""The program rules' refusals in Simplified Chinese, by the code ``domain.refusals`` gives
each (the English text is there). A test keeps the codes and parameters of both equal.

A refusal's parameters may hold names the product gave (a program's state, an action's
``kind``, what is recorded about a session); ``in_chinese`` puts those into words from
``NAMES_ZH_CN`` so that no raw ``complete_execution`` shows inside a Chinese sentence."""

from __future__ import annotations

from collections.abc import Mapping

ZH_CN: dict[str, str] = {
    "task.none_open_for_actor": "{actor!r} 在此项目上没有待处理的审批任务",
    "task.unknown_command": "未知的任务命令 {command}",
    "task.four_eyes_submitter": "{subject} 提交了此项目,不能审批它(四眼原则)",
    "task.four_eyes_same_step": "{subject} 已批准过此步骤",
    "task.four_eyes_other_step": "{subject} 已批准过步骤 {p0!r};一人不能批准两个步骤",
    "task.delegated_elsewhere": ("任务 {task_id} 已委托给 {assignee!r};处理完成后交回给 {owner!r}"),
    "task.not_candidate_of_group": "{actor!r} 不是任务 {task_id}({group})的候选人",
    "task.not_open": "此项目上没有待处理的审批任务 {task_id!r}",
    "task.held_as_delegate": "你作为受托人持有任务 {task_id}:请将其交回给 {owner!r}",
    "task.assigned_to_another": "任务 {task_id} 已分配给 {assignee!r},而不是 {actor!r}",
    "task.four_eyes_own_submission": "{actor!r} 提交了此项目,不能审批它(四眼原则)",
    "task.claim_not_group_task": "任务 {task_id} 已分配给个人,而不是某个组",
    "task.claim_already_claimed": "任务 {task_id} 已被 {assignee!r} 认领",
    "task.claim_not_candidate": "{actor!r} 不是任务 {task_id} 的候选人",
    "task.claim_holds_step": "{actor!r} 已持有此步骤的一个任务",
    "task.unclaim_not_claimed": "{actor!r} 没有认领任务 {task_id}",
    "task.unclaim_delegated": "任务 {task_id} 已委托出去;请等待受托人交回",
    "task.delegate_not_holder": "只有任务 {task_id} 的持有人可以委托它{hint}",
    "task.delegate_already_delegated": "任务 {task_id} 已委托给 {assignee!r}",
    "task.delegate_to_oneself": "任务不能委托给自己",
    "task.resolve_not_delegated": "任务 {task_id} 没有委托给 {actor!r}",
    "task.reassign_not_admin": (
        "只有项目审批路线中指定的管理员({admins}:提交时审批策略的 approval.admins)可以改派"
        "其任务,{actor!r} 不是;路线中没有管理员时,请培训专员撤回项目后重新提交"
    ),
    "task.reassign_same_person": "任务 {task_id} 已分配给 {to!r}",
    "facts.trainee_reports_score": (
        "学员不能自行填报考试成绩:线下考试的成绩由项目的培训专员凭证明材料录入(exam_score)"
    ),
    "facts.before_session_start": "课次 {session_id!r} 于 {when} 开始:开始前不能登记其{what}",
    "facts.late_without_reason": (
        "课次 {session_id!r} 于 {when} 结束,已超过 {days} 天:"
        "其{what}属于补录,请填写理由(late_reason)"
    ),
    "facts.evaluation_closed": "评估期已于 {when} 结束",
    "facts.already_examined": "{trainee!r} 已有考试成绩",
    "facts.score_already_pending": "{trainee!r} 的考试成绩已在等待复核确认",
    "facts.score_without_attendance": "{trainee!r} 没有参加此项目:没有可录入的考试",
    "facts.no_pending_score": "没有 {trainee!r} 的待复核考试成绩",
    "facts.confirm_own_score": "{actor!r} 录入了此成绩:必须由另一人复核确认",
    "facts.confirm_by_specialist": "项目的培训专员不能复核本项目的考试成绩",
    "facts.confirm_by_trainee": "{actor!r} 是此项目的学员,不能复核成绩",
    "program.unknown_command": "未知的命令 {command}",
    "program.unknown_event": "未知的事件 {command}",
    "program.sessions_in_past": (
        "课次 {p0} 的开始时间已过去(现在 {now}):请提前安排课次;"
        "历史记录请用 `trainops data migrate` 导入"
    ),
    "program.not_allowed_in_status": (
        "项目当前状态为{value},不能执行“{action}”(允许的状态:{names})"
    ),
    "program.no_such_session": "此项目中没有课次 {session_id!r}(现有课次:{known})",
    "program.session_already_completed": "课次 {session_id!r} 已完成",
    "program.not_the_specialist": (
        "只有项目的培训专员 {specialist!r} 可以执行此操作,{actor!r} 不可以"
    ),
    "program.evaluate_without_attendance": "{actor!r} 没有参加此项目,不能评价它",
    "program.stream_without_plan": "项目的事件流必须以 ProgramPlanned 开始,而不是 {type}",
    "program.already_enrolled": "{trainee!r} 已报名",
    "program.already_enrolled_many": "{trainees} 已报名",
    "program.reschedule_to_past": "课次只能改到将来的时间",
    "program.session_started": (
        "课次 {session_id} 已经开始:不能再改期(请记录其出勤,或在开始前修订计划)"
    ),
    "program.attendees_not_enrolled": "未报名此项目:{p0}",
    "program.attendees_already_recorded": "已记录出席此课次:{p0}",
    "program.attendance_already_recorded": "课次 {session_id!r} 的出勤已登记",
    "program.complete_without_attendance": "请先登记课次 {session_id!r} 的出勤,再完成该课次",
    "program.sessions_not_completed": "尚未完成的课次:{p0}",
    "program.survey_already_submitted": "{actor!r} 已提交过问卷",
    "program.exam_already_submitted": (
        "{actor!r} 在此项目上已有考试成绩(在线考试或专员录入的纸质考试成绩);考试只计一次"
    ),
    "exam.no_course": (
        "项目 {program_id!r} 没有可用于在线考试评分的课程:"
        "请管理员先分配课程(参考数据,类型 assignments)"
    ),
    "exam.course_not_defined": "参考数据中没有定义课程 {course_id!r}",
    "exam.no_answer_key": "课程 {course_id!r} 没有可用于评分的标准答案",
    "exam.unknown_questions": "作答的题目不在课程中:{questions}",
    "day.not_a_date": "{name} {value!r} 不是日期:请写成 YYYY-MM-DD,例如 2027-03-20",
    "day.not_in_calendar": "{name} {value!r} 不是日历上的日期",
    "day.out_of_range": "{name} {day} 超出范围:年份须在 {first} 到 {last} 之间",
    "program.exam_without_grading": "考试答案必须按课程的标准答案评分",
    "policy.no_department": "步骤 {step!r} 需要部门经理审批,但计划未指定部门:请为项目指定部门",
    "policy.no_manager": "步骤 {step!r} 需要部门经理审批,但部门 {department!r} 没有配置经理",
    "policy.no_plan_approvers": "步骤 {step!r} 需要计划中指定的审批人",
    "policy.quorum_short": "步骤 {step!r}:法定人数为 {quorum},但只有 {approvers} 名审批人",
    "policy.cannot_staff": (
        "步骤 {step!r} 需要 {quorum} 名既未提交此项目、也不审批其他步骤的审批人,其 {eligible} "
        "名候选人无法满足(四眼原则);请管理员在审批策略中扩大该步骤的审批人或降低法定人数"
    ),
}

#: A program's states (``domain.state.ProgramStatus``) in Simplified Chinese: in refusals, and
#: wherever a page or the command line shows a status (``api.i18n`` takes them from here).
STATUS_ZH_CN: dict[str, str] = {
    "draft": "草稿",
    "submitted": "待审批",
    "changes_requested": "待修改",
    "approved": "已批准",
    "rejected": "已驳回",
    "published": "已发布",
    "executing": "执行中",
    "evaluating": "评估中",
    "feedback": "待反馈",
    "closed": "已结束",
    "cancelled": "已取消",
}

#: The names a refusal's parameters carry, in Simplified Chinese: program states
#: (``domain.state.ProgramStatus``), actions (a command's ``kind``) and what is recorded about
#: a session (``domain.facts.WHAT``).
NAMES_ZH_CN: dict[str, str] = {
    # states
    **STATUS_ZH_CN,
    # actions
    "revise": "修改",
    "submit": "提交审批",
    "withdraw": "撤回",
    "approve": "批准",
    "reject": "驳回",
    "request_changes": "要求修改",
    "claim": "认领任务",
    "unclaim": "放弃认领",
    "delegate": "委派任务",
    "resolve": "交回任务",
    "reassign": "改派任务",
    "publish": "发布",
    "enroll": "报名",
    "enroll_many": "批量报名",
    "reschedule": "调整课次时间",
    "attendance": "出勤",
    "attendance_batch": "批量登记出勤",
    "complete_session": "完成课次",
    "complete_execution": "完成执行",
    "survey": "提交问卷",
    "exam": "参加考试",
    "exam_score": "录入考试成绩",
    "confirm_exam_score": "确认考试成绩",
    "close_evaluation": "结束评估",
    "feedback_action": "填写反馈",
    "cancel": "取消项目",
    # what is recorded about a session ("attendance" is above)
    "completion": "完成情况",
}

#: The parameters that hold such names (``names``: several, joined by ", ").
NAMED_PARAMETERS = ("value", "action", "what")


def in_chinese(params: Mapping[str, object]) -> dict[str, str]:
    """``params`` with the product's names in Chinese; any other value (a person, an id, a
    time) as it is."""
    values = {name: str(value) for name, value in params.items()}
    for name in NAMED_PARAMETERS:
        if name in values:
            values[name] = _action_name(values[name]) if name == "action" else _name(values[name])
    if "names" in values:
        values["names"] = "、".join(_name(part) for part in values["names"].split(", "))
    if "subject" in values:  # "the delegate 'liu'" (``domain.approval_flow``): whose role
        for english, chinese in SUBJECTS_ZH_CN.items():
            if values["subject"].startswith(english):
                values["subject"] = chinese + values["subject"].removeprefix(english)
    return values


#: The roles a four-eyes refusal names its subject by.
SUBJECTS_ZH_CN = {"the delegate ": "受托人 ", "the new assignee ": "新处理人 "}


def _name(value: str) -> str:
    return NAMES_ZH_CN.get(value, value)


def _action_name(value: str) -> str:
    """An action's name: ``feedback`` is also a state, so the action has its own entry."""
    return NAMES_ZH_CN["feedback_action"] if value == "feedback" else _name(value)
