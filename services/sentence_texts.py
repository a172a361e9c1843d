"""Our validators' English sentences and the API's field names in Simplified Chinese.

A lower layer (``domain``) says what is wrong in English; the sentences it is known to say are
matched here and said in Chinese, the field named in words (never a dotted path such as
``sessions.0.starts_at``). ``services.validation_texts`` (pydantic's errors) and
``services.error_texts`` (an error passed on in English) both read it, so it reads neither.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

#: Where pydantic says the input came from (not part of the field's name).
SOURCES = frozenset({"body", "query", "path", "header", "cookie"})

#: Field names in Simplified Chinese; a field with no entry is named as the API names it.
FIELDS_ZH_CN: dict[str, str] = {
    "username": "用户名",
    "password": "密码",
    "roles": "角色",
    "display_name": "显示名称",
    "active": "启用",
    "label": "标签",
    "expires_in_days": "有效天数",
    "program_id": "项目编号",
    "title": "标题",
    "approvers": "审批人",
    "planned_date": "计划完成日期",
    "timezone": "时区",
    "sessions": "课次",
    "session_id": "课次编号",
    "starts_at": "开始时间",
    "duration_hours": "时长(小时)",
    "trainees": "学员",
    "trainee": "学员",
    "attendees": "出席人员",
    "scores": "分数",
    "score": "成绩",
    "answers": "答案",
    "evidence": "证明材料",
    "reason": "理由",
    "summary": "总结",
    "comment": "意见",
    "late_reason": "补录理由",
    "budget": "预算",
    "department": "部门",
    "region": "地区",
    "cost_per_trainee": "人均成本",
    "external_instructor": "外部讲师",
    "evaluation_window_days": "评估期(天)",
    "task_id": "任务编号",
    "token_id": "令牌编号",
    "to": "委托给",
    "note": "说明",
    "digest": "摘要",
    "position": "位置",
    "hash": "哈希",
    "taken_at": "记录时间",
    "file": "文件",
    "kind": "类型",
    # cli: the other fields a request may carry (issue 16: no raw field path in a zh error)
    "document": "配置文档",
    "expected_version": "基准版本",
    "min_new_events": "最少新事件数",
    "pass_mark": "及格分",
    "proof": "签名证明",
    "scope": "范围",
    "scopes": "范围",
    "thresholds": "阈值",
    "kpi": "指标",
    "period": "期间",
    "digests": "摘要",
    "check_seals": "核对封存",
    "version": "版本",
    "name": "名称",
    "specialist": "培训专员",
    "status": "状态",
    "start": "开始时间",
    "end": "结束时间",
    "session": "课次",
    "duration": "时长",
    "text": "文本",
    "(key)": "键名",
    "event_type": "事件类型",
    "since": "起始时间",
    "until": "截止时间",
}

#: Our validators' English sentences (``ValueError`` in ``domain``) as patterns, with their
#: Simplified Chinese; a named group fills the placeholder of the same name.
SENTENCES_ZH_CN: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern, re.DOTALL), chinese)
    for pattern, chinese in (
        (
            r"position (?P<position>\d+) is past the log's head \((?P<head>\d+)\)",
            "{position} 超出了日志的头({head})",
        ),
        (
            r"(?P<name>.+?) (?P<value>'.*') is not a date: write YYYY-MM-DD, e\.g\. 2027-03-20",
            "{value} 不是日期:请写成 YYYY-MM-DD,例如 2027-03-20",
        ),
        (
            r"(?P<name>.+?) (?P<value>'.*') is not a day of the calendar",
            "日历上没有 {value} 这一天",
        ),
        (
            r"(?P<name>.+?) (?P<value>\S+) is out of range: years (?P<first>\d+) to (?P<last>\d+)",
            "{value} 超出范围:年份应在 {first} 到 {last} 之间",
        ),
        (
            r"times must carry a UTC offset or time zone, e\.g\. (?P<example>\S+)",
            "时间必须带 UTC 偏移或时区,例如 {example}",
        ),
        (r"unknown IANA time zone (?P<value>.+)", "未知的 IANA 时区 {value}"),
        # ``runtime.settings``: where the data is kept
        (
            r"trainops keeps its data in SQLite or PostgreSQL: (?P<sqlite>\S+) or "
            r"(?P<postgresql>\S+)",
            "trainops 把数据保存在 SQLite 或 PostgreSQL 中:{sqlite} 或 {postgresql}",
        ),
        (
            r"an SQLite URL names a file: (?P<example>\S+)",
            "SQLite 的 URL 应指向一个文件:{example}",
        ),
        (
            r"unknown event type (?P<names>.+): types are named as in the log, e\.g\. "
            r"ProgramPlanned",
            "未知的事件类型 {names}:类型名与日志中的一致,例如 ProgramPlanned",
        ),
        (r"needs a time zone, e\.g\. (?P<example>\S+)", "需要时区,例如 {example}"),
        # a course's questions (``domain.reference``), before the general "must not repeat"
        (
            r"question (?P<question>'.*'): the answer key (?P<answer>'.*') is not one of its "
            r"choices",
            "题目 {question}:标准答案 {answer} 不是它的选项之一",
        ),
        (r"question (?P<question>'.*'): choices must not repeat", "题目 {question}:选项不能重复"),
        (r"question ids must be unique within a course", "同一课程中的题目编号不能重复"),
        (
            r"questions test unknown knowledge points: (?P<points>.+)",
            "题目考查了未知的知识点:{points}",
        ),
        (
            r"the scale's top \((?P<high>.+)\) must be above its bottom \((?P<low>.+)\)",
            "分值范围的上限({high})必须高于下限({low})",
        ),
        (r"(?P<what>.+) must not repeat", "不能重复"),
        (r"(?P<what>.+) must not be blank", "不能为空"),
        (r"(?P<what>.+) must be one line without control characters", "应为单行且不含控制字符"),
        (
            r"the specialist cannot also be an approver of their own program",
            "培训专员不能同时担任自己项目的审批人",
        ),
        (r"a survey needs an 'overall' score \(0-100\)", "问卷需要 overall 分数(0-100)"),
        (r"give either a score or the exam's answers", "请给出成绩或考试答案,二者只选其一"),
        (
            r"score (?P<score>\S+) is outside its scale (?P<scale>\S+)",
            "成绩 {score} 超出其分值范围 {scale}",
        ),
        (
            r"a plan names at most (?P<most>\d+) trainees \((?P<given>\d+) given\).*",
            "计划最多列出 {most} 名学员(现有 {given} 名);请少列一些,"
            "发布后再用名单文件为其余人员报名",
        ),
        (r"(?P<value>.+) is not a finite number", "{value} 不是有限的数"),
        (
            r"planned date (?P<planned>\S+) is before session (?P<session>\S+) on (?P<day>\S+) "
            r"\((?P<zone>[^)]+)\): .*",
            "计划完成日期 {planned} 早于课次 {session} 的日期 {day}({zone}):"
            "计划完成日期是项目应交付的日子,应在最后一次课次当天或之后",
        ),
        # ``domain.text``: the field is a dotted path, said in words (``path``)
        (
            r"(?P<path>\S+): contains (?P<code>U\+[0-9A-F]+) \(a control character or a lone "
            r"surrogate\) at position (?P<at>\d+); .*",
            "{path}的第 {at} 个字符 {code} 是控制字符或孤立代理项;"
            "文本只能包含可打印字符、制表符和换行",
        ),
        (
            r"(?P<path>\S+): contains (?P<code>U\+[0-9A-F]+) \(a bidirectional override\) at "
            r"position (?P<at>\d+); .*",
            "{path}的第 {at} 个字符 {code} 是双向文字控制符:它会让文字的显示顺序与存储顺序不同",
        ),
    )
)


def field_name(loc: Iterable[object], lang: str) -> str:
    """The field an error is about: ``sessions.0.starts_at`` in English, in words in Chinese
    (``课次第 1 项的开始时间``): never a dotted path in a Chinese sentence. A name with no
    Chinese (a score's name, ``overall``) is kept as typed."""
    parts = [part for part in loc if part not in SOURCES]
    if lang != "zh-CN":
        return ".".join(str(part) for part in parts) or "input"
    named = [
        f"第 {part + 1} 项" if isinstance(part, int) else FIELDS_ZH_CN.get(str(part), str(part))
        for part in parts
    ]
    return (
        "".join(
            part
            if index == 0 or part.startswith("第")
            else f"的{part}"
            if part in FIELDS_ZH_CN.values()
            else f"的 {part}"
            for index, part in enumerate(named)
        )
        or "输入"
    )


def sentence_in_chinese(english: str) -> str | None:
    """One of our validators' sentences in Chinese; None when it is not a known one."""
    english = english.removeprefix("Value error, ")
    for pattern, chinese in SENTENCES_ZH_CN:
        found = pattern.fullmatch(english)
        if found:
            words = found.groupdict()
            if "path" in words:
                loc = [int(p) if p.isdigit() else p for p in words["path"].split(".")]
                words["path"] = field_name(loc, "zh-CN")
            return chinese.format_map(words)
    return None
