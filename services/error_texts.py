"""Why a use case refused, in English and Simplified Chinese, by the key ``services.errors``
gives each error (``{name}`` is a parameter, raw data; ``{name!r}`` where the text quotes it,
so a client reading ``params`` gets ``nope``, not ``'nope'``). The English text is what
``str(error)`` says (logs, the API's ``detail``); the API also sends the key as ``code`` with
the ``params``, and the pages and the command line say it in the reader's language from here.
A test keeps both languages' keys and parameters equal.

It lives in ``services`` so both edges (``api`` pages, ``trainops`` command line) read it.
It passes 400 lines because it is a catalog (every key twice, once a language), not logic.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterable, Mapping

from accounts.texts import ACCOUNT_EN
from activities.config_texts import CONFIG_EN
from audit.key_texts import KEY_EN
from domain.plain_problems import bound_as_written
from domain.refusals import params_data
from imports.texts import IMPORT_EN
from services.import_texts import IMPORT_PHRASES_ZH_CN, IMPORT_ZH_CN
from services.sentence_texts import FIELDS_ZH_CN, sentence_in_chinese
from services.yaml_texts import yaml_problem_in_chinese

#: Every service error's English text by key; the lower layers' errors (accounts,
#: configuration documents, keys) keep their English where they are raised and join here.
EN: dict[str, str] = {
    # ---- passed through from a lower layer, which said it in English only
    "error.detail": "{detail}",
    # ---- programs
    "error.no_program": "no program {program_id!r}",
    "error.no_programs": "no program {program_ids}",
    "error.program_exists": "refused: a program with id {program_id!r} already exists",
    "error.request_decided": (
        "refused: this request (its Idempotency-Key) was decided before and nothing it did is "
        "in the log; reload program {program_id!r} to see where it stands"
    ),
    "error.no_database": (
        "no trainops database at {path}: run this where `trainops up` keeps its data, or set "
        "TRAINOPS_DATABASE_URL"
    ),
    "startup.temporal_unreachable": (
        "cannot connect to Temporal at {address} after {attempts} attempt(s): {reason}"
    ),
    "startup.temporal_unreachable_tls": (
        "cannot connect to Temporal at {address} over TLS after {attempts} attempt(s): {reason}"
    ),
    "error.task_left_waiting": (
        "task {task_id} of program {program_id} was {username}'s and now waits on no one: "
        "trainops program reassign {program_id} --task {task_id} --to APPROVER"
    ),
    "error.task_left_waiting_no_admin": (
        "task {task_id} of program {program_id} was {username}'s and now waits on no one, and "
        "the program's approval route names no admin who could reassign it: give {username} "
        "the approver role back, or the specialist withdraws the program and submits it again"
    ),
    "error.time_skipped": (
        "{when} does not exist in {zone}: the clocks skip it that day; choose another time"
    ),
    "error.exam_unanswered": (
        "answer every question before sending: the exam is taken once (unanswered: {questions})"
    ),
    "error.exam_not_a_choice": (
        "question {question}: {answer!r} is not one of its choices ({choices}); the exam is "
        "taken once, so nothing was sent"
    ),
    "error.unknown_trainees": (
        "not a recorded employee or a trainee's account: {usernames}; nothing was recorded: "
        "an admin records them as employees (`trainops data load employees`) or creates their "
        "accounts with the trainee role (`trainops users create NAME --role trainee`)"
    ),
    "error.cannot_open_database": (
        "cannot open the trainops database at {where} ({reason}): check TRAINOPS_DATABASE_URL, "
        "and that the server runs"
    ),
    "error.program_not_projected": (
        "program {program_id!r} is recorded but not in the read models yet: "
        "ask again in a few seconds"
    ),
    "error.program_quarantined": (
        "program {program_id!r} is recorded but its read model is missing: "
        "see `trainops projections status`"
    ),
    "error.program_not_readable": (
        "{username} may not see program {program_id!r}: they are not enrolled in it and are "
        "not its specialist, one of its approvers or an auditor"
    ),
    "error.not_the_specialist": (
        "only the program's specialist {specialist!r} may do this ({doing}), not {username!r}"
    ),
    "error.not_an_approver": (
        "no active approver named {usernames}: an admin creates the account (`trainops users "
        "create`), grants the approver role (`trainops users roles`) or enables it "
        "(`trainops users enable`)"
    ),
    "error.not_enrolled": "{username} is not enrolled in program {program_id!r}",
    # ---- people and accounts
    "error.role_needed": "{doing} needs {needed}; {username} has: {held}",
    "error.no_token": "no active token {token_id!r} of yours",
    "error.admin_lockout": "admins cannot lock themselves out; ask another admin",
    "error.self_grant": (
        "{username} may not grant themselves {roles}: another admin must make that change"
    ),
    "error.too_many_attempts": "too many failed attempts: try again in {minutes} minutes",
    "error.admin_exists": "trainops has an admin already: ask them for an account",
    "error.wrong_setup_code": (
        "wrong or expired setup code: use the one trainops printed at its last start "
        "(restart it for a new one)"
    ),
    # ---- KPIs
    "error.own_scorecards_only": "{username} may read only their own scorecards",
    "error.own_kpis_only": "{username} may read only their own KPIs (auditors read all)",
    "error.own_notifications_only": "{username} may read only their own notifications",
    "error.own_specialist_scorecards_only": (
        "{username} may read only their own specialist scorecards"
    ),
    "error.no_scorecard": "no {scope} scorecard {name!r} for {period}",
    "error.no_kpi_on_scorecard": "no KPI {kpi!r} on that scorecard; it has: {known}",
    # ---- configuration and data loads
    "error.no_config_version": "there is no saved version {version}",
    "error.unknown_import_kind": "unknown kind {kind!r}; one of: {kinds}",
    "error.import_suffix": "upload a .csv or .json file",
    "error.import_too_large": "the file is larger than {mebibytes} MiB",
    # ---- bulk actions from a file
    "error.roster_refused": "roster refused, nothing was recorded: {rows}",
    "error.roster_too_big": (
        "the file is refused, nothing was recorded: {size} bytes is over the {limit}-byte limit"
    ),
    "error.roster_not_utf8": (
        "the file is refused, nothing was recorded: it is not UTF-8 text (byte {byte}); save it "
        "as CSV UTF-8"
    ),
    "error.roster_too_many": (
        "the file is refused, nothing was recorded: {count} people is over the {limit}-people limit"
    ),
    "error.roster_names_nobody": "the file is refused, nothing was recorded: it names nobody",
    "error.roster_not_csv": (
        "the file is refused, nothing was recorded: line {line} cannot be read as CSV (a field "
        "over 128 KiB, as a quote left open makes one)"
    ),
    "error.sender_changed": (
        "stopped: {username} is no longer an active user with the {role} role (changed while "
        "the file was sent)"
    ),
    "error.upload_unknown_part": (
        "the upload is refused, nothing was recorded: it holds parts this address does not "
        "take ({names}); send the file as the part named file"
    ),
    "error.roster_many_files": (
        "the upload is refused, nothing was recorded: it holds {count} files; send one file a "
        "request"
    ),
    "row.where": "row {row} {value!r}: {problem}",
    "row.more": "and {count} more",
    "row.not_an_id": "not an employee id",
    "row.duplicate": "duplicate of row {first}",
    "row.unknown_employee": "unknown employee id",
    "row.not_enrolled": "not enrolled in this program",
    "error.no_session": "no session {session_id!r} in program {program_id!r} (known: {known})",
    "error.plan_too_many_trainees": (
        "a plan names at most {most:,} trainees ({given:,} given); nothing was recorded: plan "
        "with fewer and enrol everyone else from a roster file once it is published: trainops "
        "program enrol {program_id} --file roster.csv"
    ),
    "error.attendance_too_many": (
        "one attendance names at most {most:,} attendees ({given:,} given); nothing was "
        "recorded: record session {session_id}'s attendance from a file: trainops program "
        "attendance {program_id} {session_id} --file sheet.csv (POST /api/v1/bulk/programs/"
        "{program_id}/sessions/{session_id}/attendance)"
    ),
    "error.attendance_too_big": (
        "program {program_id} has {enrolled:,} trainees enrolled and one attendance records at "
        "most {most:,} (attendees and absentees together); nothing was recorded: record its "
        "attendance from a file: trainops program attendance {program_id} {session_id} --file "
        "sheet.csv"
    ),
    "error.no_import_job": "there is no import job {job_id!r}",
    "error.import_job_not_yours": ("import job {job_id} is {owner}'s; only they and admins see it"),
    "error.job_interrupted": "interrupted: the import was rolled back; run it again",
    "error.job_never_started": (
        "interrupted before it started: nothing was imported; run it again"
    ),
    "error.job_log_refused": (
        "the log refused the load ({detail}); nothing was loaded, run it again"
    ),
    "error.job_database_down": (
        "the database is unavailable (restarting?); nothing was loaded (one transaction), run it "
        "again"
    ),
    "error.job_internal": "internal error ({kind}); nothing was loaded (one transaction)",
    # ---- Temporal
    "error.temporal_timeout": (
        "{what} was not confirmed in time; it may still be recorded: reload to check "
        "(if it never appears, the worker log says why)"
    ),
    "error.temporal_refused": "Temporal refused the call ({status})",
    "error.temporal_not_configured": "no Temporal client configured",
    "error.temporal_unreachable": "cannot reach Temporal at {address}",
    "error.cannot_seal": "this server cannot seal: {reason}; the worker seals on its schedule",
    # ---- a process that cannot start (``runtime.startup`` writes its own English, the same)
    "startup.database_unreachable": (
        "the database at {where} does not answer after {attempts} attempt(s): {reason}"
    ),
    "startup.port_in_use": "port {port} is in use by another program: set {setting}",
    "startup.api_secret_key": (
        "TRAINOPS_API_SECRET_KEY must be set to {least} or more random characters "
        "(e.g. `python -c 'import secrets; print(secrets.token_urlsafe(32))'`)"
    ),
    **ACCOUNT_EN,
    "config.inactive_person.group": (
        "group {group} names {username}, who is not an active user with the approver role"
    ),
    "config.inactive_person.manager": (
        "the manager of department {department}, {username}, is not an active user with the "
        "approver role"
    ),
    "config.inactive_person.step": (
        "step {step} names {username}, who is not an active user with the approver role"
    ),
    "config.inactive_person.escalation": (
        "step {step} escalates to {username}, who is not an active user with the approver role"
    ),
    "config.inactive_person.admins": (
        "admins names {username}, who is not an active user with the admin role"
    ),
    "config.step_unstaffable": (
        "step {step!r} can never reach its quorum of {quorum} when the steps before it apply too: "
        "only {eligible} of its approvers remain once each earlier step has its own (nobody "
        "approves two steps); a program it applies to is refused at submission"
    ),
    "config.inactive_people_hint": (
        "a task for them would wait on no one: create them (trainops users create), give them "
        "the role (trainops users roles) or enable them, or correct the names"
    ),
    "error.config_unchanged": (
        "no change: version {version}, in force, is this document already; nothing was saved"
    ),
    "error.attendance_nothing_to_add": (
        "the attendance of session {session_id} of program {program_id} is recorded already: "
        "name the people to add to it"
    ),
    "error.session_too_short": (
        "session {session_id} of program {program_id}: {given:g} hours is shorter than the "
        "shortest session, {least:g} hours (15 minutes); nothing was recorded"
    ),
    "error.nothing_to_revise": (
        "nothing to revise: program {program_id} is already planned like this; nothing was recorded"
    ),
    "error.blank_text": "the {field} is blank: write it in words; nothing was recorded",
    "warning.sessions_started": (
        "session(s) {sessions} started already: their reminders are not sent; record their "
        "attendance"
    ),
    "warning.after_planned_date": (
        "session {session_id} now starts on {day}, after the planned date {planned}: the "
        "program will count as delivered late"
    ),
    "error.past_the_head": "position {position} is past the log's head ({head})",
    "error.unchanged_needs_comment": (
        "program {program_id} is sent back unchanged: say why in a comment (--comment); nothing "
        "was recorded"
    ),
    "error.task_not_in_inbox": (
        "task {task_id!r} is not open in your inbox (decided or withdrawn?)"
    ),
    "error.choose_decision": "choose a decision",
    "error.unknown_kpi": "unknown KPI {kpi!r}; one of: {known}",
    "error.drill_down_needs": (
        "a KPI drill-down needs scope, name (not for the organisation) and period"
    ),
    "error.no_scorecard_row": "no {kpi} on the {scope} scorecard of {name} for {period}",
    "error.unknown_status_filter": "unknown status {status!r}",
    "error.no_action": "no action {segment!r}",
    "error.signin_form_expired": "the sign-in form expired: reload the page and try again",
    "error.no_language": "no language {code!r}",
    # cli: the audit's conflicts and Temporal's absence, keyed (issue 16)
    "error.log_not_intact": (
        "the log does not verify ({count} problem(s); first: {kind} at position {position}: "
        "{detail})"
    ),
    "error.log_not_intact_bare": "the log does not verify",
    "error.witness_refused": "a witness refused the seal: {detail}",
    **CONFIG_EN,
    **KEY_EN,
    **IMPORT_EN,
}

ZH_CN: dict[str, str] = {
    "error.detail": "{detail}",
    "error.no_program": "没有培训项目 {program_id!r}",
    "error.no_programs": "没有培训项目 {program_ids}",
    "error.program_exists": "已拒绝: 编号为 {program_id!r} 的培训项目已存在",
    "error.request_decided": (
        "已拒绝: 此请求(其 Idempotency-Key)此前已处理,日志中没有它的记录;"
        "请重新加载培训项目 {program_id!r} 查看现状"
    ),
    "error.no_database": (
        "{path} 处没有 trainops 数据库:请在 `trainops up` 保存数据的目录中运行,或设置 "
        "TRAINOPS_DATABASE_URL"
    ),
    "startup.temporal_unreachable": (
        "尝试 {attempts} 次后仍无法连接 {address} 上的 Temporal:{reason}"
    ),
    "startup.temporal_unreachable_tls": (
        "尝试 {attempts} 次后仍无法通过 TLS 连接 {address} 上的 Temporal:{reason}"
    ),
    "error.task_left_waiting": (
        "项目 {program_id} 的任务 {task_id} 原属 {username},现在无人处理:"
        "trainops program reassign {program_id} --task {task_id} --to APPROVER"
    ),
    "error.task_left_waiting_no_admin": (
        "项目 {program_id} 的任务 {task_id} 原属 {username},现在无人处理,且项目的审批路线中"
        "没有可以改派它的管理员:请恢复 {username} 的审批人角色,或由培训专员撤回项目后重新提交"
    ),
    "error.time_skipped": "{zone} 没有 {when} 这个时刻:当天时钟跳过了它(夏令时),请另选时间",
    "error.exam_unanswered": "请先回答所有题目再提交:考试只能参加一次(未回答:{questions})",
    "error.attendance_nothing_to_add": (
        "培训项目 {program_id} 的课次 {session_id} 已记录出勤:请指明要补记的人员"
    ),
    "error.session_too_short": (
        "培训项目 {program_id} 的课次 {session_id}:{given:g} 小时短于最短课次 {least:g} 小时"
        "(15 分钟);未记录任何内容"
    ),
    "error.nothing_to_revise": "无需修订:培训项目 {program_id} 的计划已是如此;未记录任何内容",
    "error.blank_text": "{field}为空:请用文字填写;未记录任何内容",
    "warning.sessions_started": "课次 {sessions} 已经开始:不会发送其提醒;请记录其出勤",
    "warning.after_planned_date": (
        "课次 {session_id} 现于 {day} 开始,晚于计划日期 {planned}:该项目将计为延期交付"
    ),
    "error.past_the_head": "位置 {position} 超出了日志的头({head})",
    "error.unchanged_needs_comment": (
        "培训项目 {program_id} 的修订未作任何修改:"
        "请在意见中说明保持原样的原因(--comment);未记录任何内容"
    ),
    "error.task_not_in_inbox": "任务 {task_id!r} 不在你的待办中(已决定或已撤回?)",
    "error.choose_decision": "请选择一个决定",
    "error.unknown_kpi": "未知的 KPI {kpi!r};可选:{known}",
    "error.drill_down_needs": "KPI 下钻需要范围、名称(组织范围除外)和期间",
    "error.no_scorecard_row": "{name} 在 {period} 的{scope}记分卡上没有 {kpi}",
    "error.unknown_status_filter": "未知的状态 {status!r}",
    "error.no_action": "没有操作 {segment!r}",
    "error.signin_form_expired": "登录表单已过期:请重新加载页面再试",
    "error.no_language": "没有语言 {code!r}",
    "error.exam_not_a_choice": (
        "题目 {question}:{answer!r} 不是它的选项之一({choices});考试只能参加一次,因此未提交"
    ),
    "error.unknown_trainees": (
        "既不是已登记的员工,也不是具有学员角色的账号:{usernames};未记录任何内容:请管理员先登记"
        "员工(`trainops data load employees`),或创建具有学员角色的账号(`trainops users create "
        "NAME --role trainee`)"
    ),
    "error.cannot_open_database": (
        "无法打开 {where} 处的 trainops 数据库({reason}):请检查 TRAINOPS_DATABASE_URL,"
        "以及数据库服务器是否在运行"
    ),
    "error.program_not_projected": "项目 {program_id!r} 已记录,但读模型尚未更新:请几秒后再试",
    "error.program_quarantined": (
        "项目 {program_id!r} 已记录,但缺少其读模型:请查看 `trainops projections status`"
    ),
    "error.program_not_readable": (
        "{username} 不能查看项目 {program_id!r}:此人未报名该项目,也不是其专员、审批人或审计员"
    ),
    "error.not_the_specialist": (
        "只有项目的培训专员 {specialist!r} 可以执行此操作({doing}),{username!r} 不可以"
    ),
    "error.not_an_approver": (
        "没有名为 {usernames} 的有效审批人:请管理员创建账号(`trainops users create`)、"
        "授予审批人角色(`trainops users roles`)或启用账号(`trainops users enable`)"
    ),
    "error.not_enrolled": "{username} 没有报名项目 {program_id!r}",
    "error.role_needed": "{doing}需要{needed};{username} 拥有的角色:{held}",
    "error.bad_username": (
        "用户名由 1–100 个字母、数字或 . _ @ - 组成(它是培训项目使用的人员标识,例如 spec.li)"
    ),
    "error.unknown_roles": "未知角色 {named};可用角色为 {known}",
    "error.account_without_roles": ("新账号至少需要一个角色({known});要禁止某人使用,请停用其账号"),
    "error.short_password": "密码至少需要 {least} 个字符",
    "error.long_password": "密码最多 {most} 个字符",
    "error.user_exists": "用户 {username!r} 已存在",
    "error.user_look_alike": (
        "用户 {existing!r} 已存在,{username!r} 与之仅大小写不同:"
        "读起来相同的两个名字会被混淆,请换一个名字"
    ),
    "error.no_user": "没有用户 {username!r}",
    "error.roles_not_held": "{username} 没有角色 {roles}",
    "error.token_without_roles": "令牌至少需要一个角色",
    "error.roles_all_taken": "账号至少保留一个角色({known});要禁止某人使用,请停用其账号",
    "error.blank_label": "标签为空:请写明令牌的用途,或不填",
    "error.not_one_line": (
        "{field} 应为一行可打印文字:其中含有 U+{code}(控制字符,如终端转义序列或换行)"
    ),
    "error.no_token": "你没有有效的令牌 {token_id!r}",
    "error.admin_lockout": "管理员不能把自己锁在系统之外;请找另一位管理员",
    "error.self_grant": "{username} 不能给自己授予 {roles}:必须由另一位管理员进行此更改",
    "error.too_many_attempts": "失败次数过多:请 {minutes} 分钟后再试",
    "error.admin_exists": "trainops 已有管理员:请向其申请账户",
    "error.wrong_setup_code": (
        "设置码错误或已过期:请使用 trainops 上次启动时打印的设置码(重启可获得新的设置码)"
    ),
    "error.own_scorecards_only": "{username} 只能查看自己的计分卡",
    "error.own_kpis_only": "{username} 只能查看自己的 KPI(审计员可查看全部)",
    "error.own_notifications_only": "{username} 只能查看自己的通知",
    "error.own_specialist_scorecards_only": "{username} 只能查看自己的培训专员计分卡",
    "error.no_scorecard": "没有 {period} 的 {scope} 计分卡 {name!r}",
    "error.no_kpi_on_scorecard": "该计分卡上没有 KPI {kpi!r};现有:{known}",
    "error.no_config_version": "没有保存的版本 {version}",
    "error.unknown_import_kind": "未知的类型 {kind!r};可选:{kinds}",
    "error.import_suffix": "请上传 .csv 或 .json 文件",
    "error.import_too_large": "文件大于 {mebibytes} MiB",
    "error.roster_refused": "名单被拒绝,未记录任何内容:{rows}",
    "error.roster_too_big": "文件被拒绝,未记录任何内容:{size} 字节超过 {limit} 字节的上限",
    "error.roster_not_utf8": (
        "文件被拒绝,未记录任何内容:它不是 UTF-8 文本(第 {byte} 字节);请另存为 CSV UTF-8"
    ),
    "error.roster_too_many": "文件被拒绝,未记录任何内容:{count} 人超过 {limit} 人的上限",
    "error.roster_names_nobody": "文件被拒绝,未记录任何内容:文件中没有任何人",
    "error.roster_not_csv": (
        "文件被拒绝,未记录任何内容:第 {line} 行无法按 CSV 读取"
        "(某个字段超过 128 KiB,未闭合的引号会造成这种情况)"
    ),
    "error.sender_changed": (
        "已停止:{username} 已不再是具有 {role} 角色的有效用户(在发送文件期间被更改)"
    ),
    "error.upload_unknown_part": (
        "上传被拒绝,未记录任何内容:其中有此地址不接受的部分({names});"
        "请将文件作为名为 file 的部分发送"
    ),
    "error.roster_many_files": (
        "上传被拒绝,未记录任何内容:其中有 {count} 个文件;每次请求请只发送一个文件"
    ),
    "row.where": "第 {row} 行 {value!r}:{problem}",
    "row.more": "另有 {count} 行",
    "row.not_an_id": "不是员工编号",
    "row.duplicate": "与第 {first} 行重复",
    "row.unknown_employee": "未知的员工编号",
    "row.not_enrolled": "未报名此培训项目",
    "error.no_session": "培训项目 {program_id!r} 中没有课次 {session_id!r}(已有:{known})",
    "error.plan_too_many_trainees": (
        "一个计划最多列出 {most:,} 名学员(提交了 {given:,} 名):未记录任何内容。请减少计划中的"
        "学员,发布后从名单文件报名其余学员:trainops program enrol {program_id} --file roster.csv"
    ),
    "error.attendance_too_many": (
        "一次出勤记录最多列出 {most:,} 名出勤者(提交了 {given:,} 名):未记录任何内容。请从文件"
        "记录课次 {session_id} 的出勤:trainops program attendance {program_id} {session_id} "
        "--file sheet.csv(POST /api/v1/bulk/programs/{program_id}/sessions/{session_id}/"
        "attendance)"
    ),
    "error.attendance_too_big": (
        "培训项目 {program_id} 已报名 {enrolled:,} 人,"
        "超过单次出勤记录的上限({most:,} 人,出勤与缺勤合计):未记录任何内容,请从文件记录:"
        "trainops program attendance {program_id} {session_id} --file sheet.csv"
    ),
    "error.no_import_job": "没有导入任务 {job_id!r}",
    "error.import_job_not_yours": "导入任务 {job_id} 属于 {owner};只有其本人和管理员可以查看",
    "error.job_interrupted": "已中断:本次导入已回滚;请重新运行",
    "error.job_never_started": "开始前已中断:未导入任何数据;请重新运行",
    "error.job_log_refused": "日志拒绝了本次导入({detail});未导入任何数据,请重新运行",
    "error.job_database_down": "数据库不可用(正在重启?);未导入任何数据(一个事务),请重新运行",
    "error.job_internal": "内部错误({kind});未导入任何数据(一个事务)",
    "error.temporal_timeout": (
        "{what} 未能及时确认;它可能仍会被记录:请刷新查看(若始终未出现,worker 日志会说明原因)"
    ),
    "error.temporal_refused": "Temporal 拒绝了调用({status})",
    "error.temporal_not_configured": "未配置 Temporal 客户端",
    "error.temporal_unreachable": "无法连接 {address} 上的 Temporal",
    "error.cannot_seal": "本服务器无法封存:{reason};worker 会按计划封存",
    "startup.database_unreachable": ("{where} 上的数据库在尝试 {attempts} 次后仍无应答:{reason}"),
    "startup.port_in_use": "端口 {port} 被其他程序占用:请设置 {setting}",
    "startup.api_secret_key": (
        "必须把 TRAINOPS_API_SECRET_KEY 设为至少 {least} 个随机字符"
        "(例如 `python -c 'import secrets; print(secrets.token_urlsafe(32))'`)"
    ),
    # ---- configuration documents (activities.config_texts)
    "config.cannot_read": "{source}:无法读取({reason})",
    "config.not_text": (
        "{source},第 {line} 行:含有 NUL 字节(字符 0):这不是文本文件;"
        "配置应为以 UTF-8 保存的 YAML 文本"
    ),
    "config.control_character": (
        "{source},第 {line} 行:YAML 中不允许控制字符 {character};请删除它(配置应为纯 UTF-8 文本)"
    ),
    "config.not_yaml_at": "{source},第 {line} 行第 {column} 列:不是有效的 YAML({problem})",
    "config.not_closed_before": (
        "{source},第 {line} 行第 {column} 列:不是有效的 YAML:这里的 {opener} 在第 {later} 行之前"
        "没有闭合(缺少 {closer})"
    ),
    "config.not_closed_at": (
        "{source},第 {line} 行第 {column} 列:不是有效的 YAML:这里的 {opener} 没有闭合"
        "(文档结束前没有对应的 {closer})"
    ),
    "config.not_yaml": "{source}:不是有效的 YAML({detail})",
    "config.alias": "{source},第 {line} 行:配置中不允许使用别名(*name)",
    "config.bad_value": "{source}:有一个值无法读取({detail})",
    "config.no_such_day": (
        "{source},第 {line} 行:日历上没有 {value!r} 这一天(或这个时刻);"
        "日期请写成 YYYY-MM-DD,例如 2027-02-28"
    ),
    "config.too_deep": "{source}:嵌套层级过深",
    "config.not_mapping": "{source}:顶层必须是映射(键: 值)",
    "config.invalid_at": "{source},第 {line} 行({path}):{problem}",
    "config.invalid": "{source},顶层({path}):{problem}",
    "config.invalid_at_more": "{source},第 {line} 行({path}):{problem};其后还有 {more} 个问题",
    "config.invalid_more": "{source},顶层({path}):{problem};其后还有 {more} 个问题",
    "config.too_long": "文档超过 {limit} 个字符",
    "config.inactive_person.group": "组 {group} 中的 {username} 不是具有审批人角色的在用用户",
    "config.inactive_person.manager": (
        "部门 {department} 的经理 {username} 不是具有审批人角色的在用用户"
    ),
    "config.inactive_person.step": "步骤 {step} 指定的 {username} 不是具有审批人角色的在用用户",
    "config.inactive_person.escalation": (
        "步骤 {step} 升级给 {username},但其不是具有审批人角色的在用用户"
    ),
    "config.inactive_person.admins": "admins 中的 {username} 不是具有管理员角色的在用用户",
    "config.step_unstaffable": (
        "当之前的步骤也适用时,步骤 {step!r} 永远无法达到法定人数 {quorum}:"
        "每个先前步骤各占其审批人后,只剩 {eligible} 名(同一人不能审批两个步骤);"
        "适用它的项目在提交时会被拒绝"
    ),
    "config.inactive_people_hint": (
        "发给他们的任务将无人处理:请创建用户(trainops users create)、授予角色"
        "(trainops users roles)或启用他们,或更正名字"
    ),
    "error.config_unchanged": "无变化:生效的版本 {version} 已是此文档;未保存任何内容",
    "config.empty": "文档为空:保存它会使内置默认值生效",
    "config.no_base_version": "没有版本 {expected}:当前生效的是版本 {actual}",
    "config.saved_meanwhile": (
        "版本 {actual} 在此更改所基于的版本 {expected} 之后已被保存:请刷新,重新应用你的更改后再保存"
    ),
    # ---- signing and seal keys (audit.key_texts)
    "key.retired": "密钥 {key_id} 已停用:请配置新密钥(`trainops keys generate`)",
    "key.not_published": "没有已公布的签名密钥 {key_id!r}",
    "key.not_ed25519": "{where} 不是 Ed25519 私钥(应为 PEM,或 32 字节种子的 base64)",
    "key.other_type": "{where} 中是其他类型的密钥;需要 Ed25519 密钥",
    "key.no_signing_key": (
        "没有签名密钥:请设置 TRAINOPS_SIGNING_KEY(32 字节 Ed25519 种子的 base64;"
        "`trainops keys generate` 可生成)或 TRAINOPS_SIGNING_KEY_FILE"
    ),
    "key.no_seal_key": (
        "没有封存密钥:请设置 TRAINOPS_SEAL_KEY(32 字节 Ed25519 种子的 base64)"
        "或 TRAINOPS_SEAL_KEY_FILE"
    ),
    # cli: the audit's conflicts and Temporal's absence, keyed (issue 16)
    "error.log_not_intact": (
        "日志未通过校验(共 {count} 个问题;第一个:位置 {position} 处的 {kind}:{detail})"
    ),
    "error.log_not_intact_bare": "日志未通过校验",
    "error.witness_refused": "见证方拒绝了这次封存:{detail}",
    **IMPORT_ZH_CN,
}

#: ``domain.plain_problems.PATTERNS_EN`` in Simplified Chinese: what a pattern means.
PATTERNS_ZH_CN: dict[str, str] = {
    r"^[A-Za-z0-9._-]+$": "只能包含字母、数字、“.”、“_”和“-”(不含空格)",
    r"^[A-Za-z0-9._@-]+$": "只能包含字母、数字、“.”、“_”、“@”和“-”(不含空格)",
    r"^[A-Za-z0-9][A-Za-z0-9._-]*$": "应以字母或数字开头,且只包含字母、数字、“.”、“_”和“-”",
    r"^\d{4}-Q[1-4]$": "应为季度,例如 2026-Q4",
    r"^(\d{4}-Q[1-4])?$": "应为季度,例如 2026-Q4",
    r"^[0-9a-f]+$": "应为十六进制数字(0-9、a-f)",
    r"^[0-9a-f]{16}$": "应为 16 位十六进制数字(0-9、a-f)",
    r"^[0-9a-f]{32}$": "应为 32 位十六进制数字(0-9、a-f)",
    r"^[0-9a-f]{64}$": "应为 64 位十六进制数字(0-9、a-f)",
    r"^[!-~]+$": "只能包含可打印的 ASCII 字符(不含空格)",
    r"^https?://": "应以 http:// 或 https:// 开头",
    r"^[A-Za-z_][A-Za-z0-9_]*$": "应为环境变量名(字母、数字和“_”,不以数字开头)",
}


def pattern_in_chinese(params: Mapping[str, object]) -> str | None:
    """What the pattern in a ``string_pattern_mismatch``'s context means, in Chinese (None:
    a pattern without words)."""
    return PATTERNS_ZH_CN.get(str(params.get("pattern", "")))


#: A configuration value's problem (pydantic's error ``type``) in Simplified Chinese, filled
#: from the error's context; a type with no entry keeps pydantic's English words.
PROBLEMS_ZH_CN: dict[str, str] = {
    "value_error": "{error}",
    "missing": "缺少此项",
    "extra_forbidden": "不认识的设置项(拼写错误?)",
    "query.unknown": "不认识的查询参数;此地址接受:{known}",
    "query.none": "不认识的查询参数;此地址不接受查询参数",
    "query.repeated": "重复给出;此参数只接受一个值",
    "int_type": "应为整数",
    "int_parsing": "应为整数",
    "int_from_float": "应为整数",
    "float_type": "应为数字",
    "float_parsing": "应为数字",
    "bool_type": "应为 true 或 false",
    "bool_parsing": "应为 true 或 false",
    "string_type": "应为文本",
    "date_type": "应为日期,例如 2027-01-15",
    "date_parsing": "应为日期,例如 2027-01-15",
    "date_from_datetime_parsing": "应为日期,例如 2027-01-15",
    "date_from_datetime_inexact": "应为日期(不含时间),例如 2027-01-15",
    "time_type": "应为时间,例如 09:00",
    "time_parsing": "应为时间,例如 09:00",
    "dict_type": "应为映射(键: 值)",
    "list_type": "应为列表",
    "tuple_type": "应为列表",
    "model_type": "应为映射(键: 值)",
    "literal_error": "应为以下之一:{expected}",
    "enum": "应为以下之一:{expected}",
    "union_tag_invalid": "{discriminator} 应为以下之一:{expected_tags}(现为 {tag})",
    "union_tag_not_found": "缺少 {discriminator}",
    "greater_than": "应大于 {gt}",
    "greater_than_equal": "应不小于 {ge}",
    "less_than": "应小于 {lt}",
    "less_than_equal": "应不大于 {le}",
    "string_too_short": "至少需要 {min_length} 个字符",
    "string_too_long": "最多 {max_length} 个字符",
    "too_short": "至少需要 {min_length} 项",
    "too_long": "最多 {max_length} 项",
    "string_pattern_mismatch": "不符合格式 {pattern}",
    "datetime_type": "应为日期时间,例如 2027-01-15T09:00+08:00",
    "datetime_parsing": "应为日期时间,例如 2027-01-15T09:00+08:00",
    "datetime_from_date_parsing": "应为日期时间,例如 2027-01-15T09:00+08:00",
    "timezone_aware": "应带 UTC 偏移或时区,例如 2027-01-15T09:00+08:00",
    "json_invalid": "不是有效的 JSON",
    "json_type": "应为 JSON 文本",
    "finite_number": "应为有限的数",
    "decimal_parsing": "应为数字,例如 12000.00(不带千位分隔符)",
    "decimal_type": "应为数字",
    "decimal_max_places": "最多 {decimal_places} 位小数",
    "decimal_max_digits": "最多 {max_digits} 位数字",
    "decimal_whole_digits": "小数点前最多 {whole_digits} 位",
    "multiple_of": "不符合要求的倍数",
    "uuid_parsing": "应为 UUID",
    "url_parsing": "应为网址(URL)",
    "url_scheme": "网址的协议应为以下之一:{expected_schemes}",
    "string_unicode": "应为有效的 Unicode 文本",
    "bytes_type": "应为文本",
    "set_type": "应为列表",
    "frozen_set_type": "应为列表",
    "is_instance_of": "类型不对",
    # the configuration's own rules (``PydanticCustomError`` types in domain/ and activities/)
    "setting.approvers_one_way": (
        "请只用一种方式指定审批人:people、group、department_manager 或 plan_approvers"
    ),
    "setting.quorum_exceeds_people": "法定人数 {quorum} 超过了指定的 {people} 人",
    "setting.escalate_needs_sla": "escalate_to 需要 sla_working_days(何时升级)",
    "setting.auto_reject_before_sla": "auto_reject_after_working_days 必须晚于时限(SLA)",
    "setting.step_ids_unique": "步骤 id 必须唯一",
    "setting.unknown_group": "步骤 '{step}' 引用了未知的组 '{group}'",
    "setting.quorum_exceeds_group": (
        "步骤 '{step}':法定人数 {quorum} 超过了组 '{group}' 的 {members} 名成员"
    ),
    "setting.webhook_url_key": (
        "webhook 的 url 不能包含密钥(查询字符串或凭据):"
        "请把完整 URL 放进环境变量,并用 url_env 指定其名称"
    ),
    "setting.webhook_one_url": (
        "webhook 需要 url(不含密钥)或 url_env(保存含密钥 URL 的环境变量名)二者之一"
    ),
    "setting.unknown_channel": "路由引用了未知的渠道 '{channel}'",
    "setting.unknown_region": "没有地区 '{region}' 的公共假日日历(请使用 ISO 3166 代码)",
    "setting.excellent_below_meets": "excellent({excellent})低于 meets({meets})",
    "setting.unknown_kpis": "未知的 KPI {named};KPI 有:{known}",
    "setting.share_as_fraction": (
        "{kpi} 是比例,应写作小数:{written} 永远无法达到;{written} % 请写作 {fraction}"
    ),
}

#: What Temporal was asked to confirm (``services.errors.temporal_errors``): "[the] KIND of
#: 'PROGRAM'", KIND a program action (``services.actions``) or "plan".
WHAT = re.compile(r"^(?:the )?(?P<kind>[a-z_ ]+) of (?P<program>'.*')$", re.DOTALL)


#: Keys whose text is a lower layer's English words as they are (in Chinese when
#: ``services.validation_texts`` knows the sentence).
PASSED_THROUGH = frozenset({"error.detail", "import.detail", "import.invalid_fields"})

#: Fixed English phrases that go into a parameter (what was being done), in
#: Simplified Chinese; a parameter with no entry here stays as it is.
PHRASES_ZH_CN: dict[str, str] = {
    "the configuration": "配置",
    "plan": "计划",
    "none": "无",
    "reading the configuration": "查看配置",
    "changing the configuration": "修改配置",
    "checking a configuration": "检查配置",
    "reading KPIs": "查看 KPI 数据",
    "reading KPI scorecards": "查看 KPI 计分卡",
    "planning a program": "计划培训项目",
    "revising a program": "修改培训项目",
    "managing users": "管理用户",
    "listing users": "列出用户",
    "creating users": "创建用户",
    "changing users": "修改用户",
    "loading reference data": "导入参考数据",
    "taking part in trainings": "参加培训",
    "reading an approval inbox": "查看审批收件箱",
    "deciding on approval tasks": "处理审批任务",
    "verifying the log": "校验日志",
    "reading the history": "查看历史",
    "taking a digest": "生成摘要",
    "reading the seals": "查看封存",
    "replaying the log": "重放日志",
    "replaying the log as of a moment": "重放某一时刻的日志",
    "replaying workflows": "重放工作流",
    "checking the actors' proofs": "核对操作者的签名证明",
    "exporting the log": "导出日志",
    "sealing the log": "封存日志",
    "retrying quarantined events": "重试隔离的事件",
    "retiring a signing key": "停用签名密钥",
    "rebuilding the read models": "重建读模型",
    "reading the raw event log": "查看原始事件日志",
    "reading the projector's status": "查看投影器状态",
    "auditing": "审计",
    # what a program action does (``ProgramAction.kind`` with spaces), for the role and owner checks
    "approve": "批准",
    "attendance": "记录出勤",
    "attendance batch": "批量记录出勤",
    "cancel": "取消",
    "claim": "认领",
    "close evaluation": "关闭评估",
    "complete execution": "完成执行",
    "complete session": "完成课次",
    "confirm exam score": "确认考试成绩",
    "delegate": "委派",
    "enroll": "报名",
    "enroll many": "批量报名",
    "exam": "参加考试",
    "exam score": "录入考试成绩",
    "feedback": "提交反馈",
    "publish": "发布",
    "reassign": "改派",
    "reject": "驳回",
    "request changes": "要求修改",
    "reschedule": "改期",
    "resolve": "处理任务",
    "revise": "修改",
    "submit": "提交",
    "survey": "提交问卷",
    "unclaim": "放弃认领",
    "withdraw": "撤回",
    **IMPORT_PHRASES_ZH_CN,
}


def _phrase(value: str) -> str:
    """A parameter in Chinese when it is one of our fixed phrases (or several joined by
    " or "); as it is otherwise (a name, an id, a lower layer's words)."""
    if value in PHRASES_ZH_CN:
        return PHRASES_ZH_CN[value]
    parts = value.split(" or ")
    if len(parts) > 1 and all(part in PHRASES_ZH_CN for part in parts):
        return "或".join(PHRASES_ZH_CN[part] for part in parts)
    return value


def _what(value: str) -> str:
    """What Temporal did not confirm in Chinese: "项目 'p' 的计划"; as it is when it is not
    one of ours."""
    found = WHAT.match(value)
    kind = found and PHRASES_ZH_CN.get(found["kind"].replace("_", " "))
    return f"项目 {found['program']} 的{kind}" if found and kind else value


def _in_chinese(params: dict[str, object], key: str = "") -> dict[str, object]:
    """The parameters in Chinese: fixed phrases, what Temporal did not confirm, and a
    configuration value's problem from its type."""
    values = {
        name: _phrase(value) if isinstance(value, str) else value for name, value in params.items()
    }
    if isinstance(values.get("what"), str):
        values["what"] = _what(str(values["what"]))
    problem = PROBLEMS_ZH_CN.get(str(params.get("problem_type", "")))
    if params.get("problem_type") == "string_pattern_mismatch":
        problem = pattern_in_chinese(params) or problem
    if problem is not None:
        bounds = {name: bound_as_written(value) for name, value in params.items()}
        with contextlib.suppress(KeyError, ValueError, IndexError):
            values["problem"] = problem.format_map(bounds)
    if key == "error.blank_text":  # a field's name
        values["field"] = FIELDS_ZH_CN.get(str(params.get("field")), params.get("field"))
    if key == "config.not_yaml_at":  # the parser's English problem
        values["problem"] = yaml_problem_in_chinese(str(params.get("problem", "")))
    if key in PASSED_THROUGH:  # a lower layer's English: in Chinese when it is a known sentence
        said = sentence_in_chinese(str(params.get("detail", "")))
        if said is not None:
            values["detail"] = said
    return values


#: A service error's parameters as its JSON body and its templates take them.
as_data = params_data


#: A role's name in a sentence, per language. Role parameters (``ROLE_PARAMS``) carry role ids
#: joined by "," (data an API client can read); the words are chosen when the text is said.
ROLE_WORDS: dict[str, dict[str, str]] = {
    "en": {
        "specialist": "the specialist role",
        "approver": "the approver role",
        "auditor": "the auditor role",
        "admin": "the admin role",
        "trainee": "the trainee role",
    },
    "zh-CN": {
        "specialist": "培训专员角色",
        "approver": "审批人角色",
        "auditor": "审计员角色",
        "admin": "管理员角色",
        "trainee": "学员角色",
    },
}
#: How a list of roles reads, per language: (between the roles one needs, when none is held).
ROLE_JOINS = {"en": (" or ", "none"), "zh-CN": ("或", "无")}
#: Keys whose ``needed`` (any one of these roles) and ``held`` (the roles one has) parameters
#: are role ids joined by ",".
ROLE_PARAMS = frozenset({"error.role_needed"})


def roles_param(roles: Iterable[str]) -> str:
    """Role ids as a parameter's data: "admin,auditor" ("" for none)."""
    return ",".join(roles)


def _role_words(values: dict[str, object], lang: str) -> dict[str, object]:
    """``needed`` and ``held`` in ``lang``'s words: "the admin role or the auditor role"."""
    words = ROLE_WORDS[lang]
    either, none = ROLE_JOINS[lang]
    needed = [role for role in str(values.get("needed", "")).split(",") if role]
    held = [role for role in str(values.get("held", "")).split(",") if role]
    return values | {
        "needed": either.join(words.get(role, role) for role in needed),
        "held": ", ".join(held) or none,
    }


def say(key: str, params: Mapping[str, object], lang: str) -> str | None:
    """The error ``key`` in ``lang`` ("en" unless "zh-CN") with ``params`` filled; None when
    the key is not a service error's or its parameters do not fit (the caller keeps the
    English words)."""
    lang = "zh-CN" if lang == "zh-CN" else "en"
    template = (ZH_CN if lang == "zh-CN" else EN).get(key)
    if template is None:
        return None
    values = as_data(params)
    if key in ROLE_PARAMS:
        values = _role_words(values, lang)
    if lang == "zh-CN":
        values = _in_chinese(values, key)
    try:
        return template.format_map(values)
    except (KeyError, ValueError, IndexError):
        return None
