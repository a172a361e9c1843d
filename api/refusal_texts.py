"""The program rules' refusals in Simplified Chinese, by the code ``domain.refusals`` gives
each (the English text is there). A test keeps the codes and parameters of both equal."""

from __future__ import annotations

ZH_CN: dict[str, str] = {
    "approval_flow.has_no_open_approval": "{actor} 在此项目上没有待处理的审批任务",
    "approval_flow.unknown_task_command": "未知的任务命令 {command}",
    "approval_flow.submitted_program_and_cannot": "{subject} 提交了此项目,不能审批它(四眼原则)",
    "approval_flow.already_approved_step": "{subject} 已批准过此步骤",
    "approval_flow.already_approved_step_one": "{subject} 已批准过步骤 {p0};一人不能批准两个步骤",
    "approval_flow.task_delegated_comes_back": (
        "任务 {task_id} 已委托给 {assignee};处理完成后交回给 {owner}"
    ),
    "approval_flow.not_candidate_for_task": "{actor} 不是任务 {task_id}({group})的候选人",
    "approval_flow.no_open_approval_task": "此项目上没有待处理的审批任务 {task_id}",
    "approval_flow.you_hold_task_as": "你作为受托人持有任务 {task_id}:请将其交回给 {owner}",
    "approval_flow.task_assigned_not": "任务 {task_id} 已分配给 {assignee},而不是 {actor}",
    "approval_flow.submitted_program_and_cannot2": "{actor} 提交了此项目,不能审批它(四眼原则)",
    "approval_flow.task_assigned_person_not": "任务 {task_id} 已分配给个人,而不是某个组",
    "approval_flow.task_already_claimed_by": "任务 {task_id} 已被 {assignee} 认领",
    "approval_flow.not_candidate_for_task2": "{actor} 不是任务 {task_id} 的候选人",
    "approval_flow.already_holds_task_step": "{actor} 已持有此步骤的一个任务",
    "approval_flow.has_not_claimed_task": "{actor} 没有认领任务 {task_id}",
    "approval_flow.task_delegated_wait_until": "任务 {task_id} 已委托出去;请等待受托人交回",
    "approval_flow.only_holder_task_may": "只有任务 {task_id} 的持有人可以委托它{hint}",
    "approval_flow.task_already_delegated": "任务 {task_id} 已委托给 {assignee}",
    "approval_flow.task_cannot_be_delegated": "任务不能委托给自己",
    "approval_flow.task_not_delegated": "任务 {task_id} 没有委托给 {actor}",
    "approval_flow.only_admin_approval_policy": "只有审批策略的管理员可以改派任务,{actor} 不是",
    "approval_flow.task_already_assigned": "任务 {task_id} 已分配给 {to}",
    "facts.trainees_do_not_report": (
        "学员不能自行填报考试成绩:线下考试的成绩由项目的培训专员凭证明材料录入(exam_score)"
    ),
    "facts.session_starts_at_cannot": "课次 {session_id} 于 {when} 开始:开始前不能登记其 {what}",
    "facts.session_ended_at_more": (
        "课次 {session_id} 于 {when} 结束,已超过 {days} 天:"
        "其 {what} 属于补录,请填写理由(late_reason)"
    ),
    "facts.evaluation_window_closed_at": "评估期已于 {when} 结束",
    "facts.already_has_exam_result": "{trainee} 已有考试成绩",
    "facts.exam_score_already_awaiting": "{trainee} 的考试成绩已在等待复核确认",
    "facts.did_not_attend_program": "{trainee} 没有参加此项目:没有可录入的考试",
    "facts.no_exam_score_awaiting": "没有 {trainee} 的待复核考试成绩",
    "facts.recorded_score_second_person": "{actor} 录入了此成绩:必须由另一人复核确认",
    "facts.program_s_specialist_cannot": "项目的培训专员不能复核本项目的考试成绩",
    "facts.trainee_program_and_cannot": "{actor} 是此项目的学员,不能复核成绩",
    "program.unknown_command": "未知的命令 {command}",
    "program.unknown_event": "未知的事件 {command}",
    "program.session_s_start_in": (
        "课次 {p0} 的开始时间已过去(现在 {now}):请提前安排课次;"
        "历史记录请用 `trainops data migrate` 导入"
    ),
    "program.cannot_program_that_allowed": (
        "项目当前状态为 {value},不能执行 {action}(允许的状态:{names})"
    ),
    "program.no_session_in_program": "此项目中没有课次 {session_id}(现有课次:{known})",
    "program.session_already_completed": "课次 {session_id} 已完成",
    "program.only_program_s_specialist": (
        "只有项目的培训专员 {specialist} 可以执行此操作,{actor} 不可以"
    ),
    "program.did_not_attend_program": "{actor} 没有参加此项目,不能评价它",
    "program.program_stream_must_start": "项目的事件流必须以 ProgramPlanned 开始,而不是 {type}",
    "program.already_enrolled": "{trainee} 已报名",
    "program.session_can_only_be": "课次只能改到将来的时间",
    "program.not_enrolled_in_program": "未报名此项目:{p0}",
    "program.attendance_session_already_recorded": "课次 {session_id} 的出勤已登记",
    "program.record_attendance_session_before": "请先登记课次 {session_id} 的出勤,再完成该课次",
    "program.sessions_not_completed_yet": "尚未完成的课次:{p0}",
    "program.already_submitted_survey": "{actor} 已提交过问卷",
    "program.already_submitted_exam": "{actor} 已提交过考试",
    "program.exam_answers_must_be": "考试答案必须按课程的标准答案评分",
}
