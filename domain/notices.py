"""What people are told (e-mail, webhook, outbox), in English and Simplified Chinese.

Pure, so the workflow composes notices deterministically: a notice's subject is English (as
the outbox and the channels have always shown it) and its body says it in English, then in
Simplified Chinese, since a notice cannot know which language its reader prefers. Parameters
are plain strings; user text (a title) only ever goes in as a parameter.
"""

from __future__ import annotations

#: (subject, body) by notice kind and language; ``{name}`` is a parameter.
TEXTS: dict[str, dict[str, tuple[str, str]]] = {
    "approval_requested": {
        "en": (
            "Waiting for you: approval of “{title}”",
            "Task {task_id} (step {step_id}) is in your inbox.",
        ),
        "zh-CN": ("待你审批:“{title}”", "任务 {task_id}(步骤 {step_id})已在你的待审批列表中。"),
    },
    "approval_requested.due": {
        "en": (
            "Waiting for you: approval of “{title}”",
            "Task {task_id} (step {step_id}) is in your inbox; due {due_at}.",
        ),
        "zh-CN": (
            "待你审批:“{title}”",
            "任务 {task_id}(步骤 {step_id})已在你的待审批列表中,截止 {due_at}。",
        ),
    },
    "program_approved": {
        "en": (
            "Approved: “{title}”",
            "Your program is approved: publish it to enrol its trainees.",
        ),
        "zh-CN": ("已批准:“{title}”", "你的培训项目已获批准:发布后学员即被报名。"),
    },
    "program_approved.by": {
        "en": (
            "Approved: “{title}”",
            "{approver} approved your program: publish it to enrol its trainees.",
        ),
        "zh-CN": ("已批准:“{title}”", "{approver} 批准了你的培训项目:发布后学员即被报名。"),
    },
    "program_approved.by_comment": {
        "en": (
            "Approved: “{title}”",
            "{approver} approved your program, commenting “{comment}”. Publish it to enrol"
            " its trainees.",
        ),
        "zh-CN": (
            "已批准:“{title}”",
            "{approver} 批准了你的培训项目,意见:“{comment}”。发布后学员即被报名。",
        ),
    },
    "program_rejected": {
        "en": ("Rejected: “{title}”", "{approver} rejected your program: {reason}"),
        "zh-CN": ("已驳回:“{title}”", "{approver} 驳回了你的培训项目:{reason}"),
    },
    "changes_requested": {
        "en": (
            "Changes requested: “{title}”",
            "{approver} asks for changes: {reason}. Revise it and submit it again.",
        ),
        "zh-CN": ("要求修改:“{title}”", "{approver} 要求修改:{reason}。请修订后重新提交。"),
    },
    "approval_reminder": {
        "en": (
            "Reminder: approval of “{title}” is waiting for you",
            "Task {task_id} is due {due_at}.",
        ),
        "zh-CN": ("提醒:“{title}”正在等待你审批", "任务 {task_id} 的截止时间为 {due_at}。"),
    },
    "approval_escalated": {
        "en": (
            "Escalated to you: approval of “{title}”",
            "Task {task_id} passed its SLA and is now yours to decide.",
        ),
        "zh-CN": ("已升级给你:“{title}”的审批", "任务 {task_id} 已超过 SLA,现在由你决定。"),
    },
    "approval_overdue": {
        "en": (
            "Overdue: approval of “{title}” is past its SLA",
            "Task {task_id} (step {step_id}) was due {due_at} and is still waiting for a decision.",
        ),
        "zh-CN": (
            "已逾期:“{title}”的审批已超过 SLA",
            "任务 {task_id}(步骤 {step_id})的截止时间为 {due_at},仍在等待决定。",
        ),
    },
    "prepare_materials": {
        "en": (
            "Prepare materials: {title} — session {session_id}",
            "Prepare materials: {title} — session {session_id}, starting {starts_at}.",
        ),
        "zh-CN": (
            "准备材料:{title} — 课次 {session_id}",
            "请为 {title} 的课次 {session_id} 准备材料,开始时间 {starts_at}。",
        ),
    },
    "attend_session": {
        "en": (
            "Today: {title} — session {session_id}",
            "Today: {title} — session {session_id}, starting {starts_at}.",
        ),
        "zh-CN": (
            "今天:{title} — 课次 {session_id}",
            "今天参加 {title} 的课次 {session_id},开始时间 {starts_at}。",
        ),
    },
}

LANGUAGES = ("en", "zh-CN")


def compose(kind: str, **params: object) -> tuple[str, str]:
    """The notice's subject (English) and its body in English, then Simplified Chinese."""
    values = {name: str(value) for name, value in params.items()}
    texts = TEXTS[kind]
    subject = texts["en"][0].format_map(values)
    body = texts["en"][1].format_map(values)
    zh_subject, zh_body = (text.format_map(values) for text in texts["zh-CN"])
    return subject, f"{body}{ZH_CN_SEPARATOR}{zh_subject}\n{zh_body}"


#: Between the English body and the Chinese subject of a composed body (``compose``).
ZH_CN_SEPARATOR = "\n\n"


def with_program(body: str, program_id: str) -> str:
    """A composed body that also names its program, in each of its languages ("Program X."
    after the English, "项目 X。" after the Chinese); a body not composed here gets one line."""
    if ZH_CN_SEPARATOR not in body:
        return f"{body}\nProgram {program_id}."
    english, chinese = body.split(ZH_CN_SEPARATOR, 1)
    return f"{english}\nProgram {program_id}.{ZH_CN_SEPARATOR}{chinese}\n项目 {program_id}。"


def body_in(body: str, lang: str) -> str:
    """The body of a composed notice in ``lang`` alone: the English part, or the Chinese one
    when it is asked for and ``body`` holds it; a body not composed here as it is."""
    if ZH_CN_SEPARATOR not in body:
        return body
    english, chinese = body.split(ZH_CN_SEPARATOR, 1)
    if lang != "zh-CN":
        return english
    return chinese.split("\n", 1)[1].strip() if "\n" in chinese else english


def subject_in(subject: str, body: str, lang: str) -> str:
    """The subject of a composed notice in ``lang``: the English ``subject`` unless Simplified
    Chinese is asked for and ``body`` holds it (the line after the English body)."""
    if lang != "zh-CN" or ZH_CN_SEPARATOR not in body:
        return subject
    said = body.split(ZH_CN_SEPARATOR, 1)[1].split("\n", 1)[0].strip()
    return said or subject
