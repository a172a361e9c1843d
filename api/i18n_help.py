"""Simplified Chinese for the command line's ``--help``: each command's help by its path (the
words after ``trainops``; "" is ``trainops`` itself), each option's and argument's help by its
English text (most options, like ``--json``, say the same in many commands), and click's own
headings. ``trainops.lazy`` puts them in place when help is shown in zh-CN; a test checks that
every command and option has its text here.

Imports nothing: ``trainops --help`` reads it without the pages' catalog.

Over 400 lines on purpose: a table, one entry per command and option, kept whole so the test
that every command has its zh-CN help reads one place.
"""

from __future__ import annotations

#: Click's section headings and its own ``--help`` option, as a help page starts a line.
HEADINGS_ZH_CN: dict[str, str] = {
    "Usage:": "用法:",
    "Arguments:": "参数:",
    "Options:": "选项:",
    "Commands:": "命令:",
}

#: Each command's help (its docstring) by the words that reach it.
COMMAND_HELP_ZH_CN: dict[str, str] = {
    "": "trainops 命令行:运行服务栈,处理培训项目,查看待审批任务和 KPI,审计。",
    "up": "启动内嵌服务栈:Temporal 开发服务器 + worker + 投影器(Ctrl-C 全部停止)。",
    "worker": "只运行 Temporal worker(连接 TRAINOPS_TEMPORAL_ADDRESS)。",
    "projector": "只运行保持读模型最新的投影器。",
    "health": (
        "若本容器的 worker 或投影器在 --max-age 秒内有心跳,以 0 退出(它的健康检查;"
        "心跳文件为 TRAINOPS_HEARTBEAT_FILE)。"
    ),
    "demo": "在时间跳跃服务器上运行一个逼真的季度的培训项目,并打印 KPI。",
    "login": "登录一次;之后的命令以你的身份执行(令牌以 0600 权限保存)。",
    "logout": "在服务器上吊销已保存的令牌并将其删除。",
    "whoami": "命令行以谁的身份、在哪个服务器上执行。",
    "setup": "为全新安装创建首位管理员(设置码只能使用一次,有效一小时)。",
    "program": "计划并执行培训项目。",
    "program create": "以已登录的培训专员身份计划新项目(初始为草稿)。",
    "program submit": "提交草稿以供审批。",
    "program approve": "通过你的某个任务批准(不能批准自己的提交;每人一个步骤)。",
    "program reject": "驳回已提交的项目;项目随之结束。",
    "program request-changes": "将已提交的项目退回给其培训专员;重新提交时审批策略再次运行。",
    "program withdraw": "撤回你的提交(回到草稿);未完成的审批任务随之撤回。",
    "program claim": "认领分派给你所在组的任务。",
    "program unclaim": "将已认领的任务交还给其所在组。",
    "program delegate": "委派你的任务;受托人处理后任务回到你这里。",
    "program resolve": "作为受托人:附上你的意见,将任务交还给其所有者。",
    "program reassign": "作为管理员:把任务改派给他人。",
    "program revise": "修改草稿或被退回修改的项目;未指定的部分保持不变。",
    "program publish": "发布已批准的项目:学员被报名,提醒被安排。",
    "program enroll": "为已发布的项目再报名一名学员。",
    "program reschedule": "调整课次时间(其提醒随之调整);不带时区偏移的时间按项目时区理解。",
    "program attend": "记录课次的出勤(课次开始后);其他已报名的人记为缺勤。",
    "program attendance": "按签到表或设备导出文件记录课次的出勤:文件中的每个人记为出席。",
    "program enrol": "按名单文件为项目报名每一个人(先检查整个文件;再次运行即从中断处继续)。",
    "program complete-session": "将课次标记为已举行(课次开始后)。",
    "program complete": "完成执行(所有课次已举行);评估窗口随之开启。",
    "program survey": "以学员身份提交反应问卷(至少需要 overall=…)。",
    "program exam": "以学员身份参加在线考试:答案按课程的标准答案评分。",
    "program exam-score": "作为培训专员:录入在别处参加的考试成绩及其凭证。",
    "program confirm-exam-score": "由另一人确认已录入的考试成绩,使其计入(四眼原则)。",
    "program close-evaluation": "提前关闭评估窗口(它也会自行关闭)。",
    "program feedback": "填写培训专员的反馈;项目随之关闭。",
    "program cancel": "取消尚未完成执行的项目;其提醒随之停止。",
    "program show": "按你的可见范围显示项目的状态和时间线;时间按项目时区显示。",
    "program list": "你可以查看的培训项目(或某位培训专员的项目)。",
    "program trainees": "项目的学员,分页显示(默认每页 200 人,可用 --limit 调整)及每人的记录。",
    "inbox": "你的审批任务:分配给你、分派给你所在组或委派给你的任务。",
    "notifications": "发件箱中的通知,最新的在前。",
    "kpi": "KPI 报告,通过 API 获取(请先 `trainops login`;你的角色决定可见的计分卡)。",
    "kpi report": (
        "按培训专员、部门、组织和季度列出所有已评级的 KPI:执行、L1 满意度、L2 通过率与掌握度、"
        "L3/L4 成效、ROI 和资源。"
    ),
    "kpi execution": "只列出各培训专员各季度的执行 KPI,不评级(审计导出包中 ``kpis.json`` 的格式)。",
    "kpi explain": (
        "下钻:计分卡上的数值及其背后的每个事件,附日志位置。\n\n"
        "没有该计分卡或 KPI 时以 4 退出(消息会列出该计分卡的 KPI)。"
    ),
    "audit": "通过 API 审计(请先以审计员身份 `trainops login`):查看历史、校验日志、重放、导出。",
    "audit history": "谁在何时、在哪个工作流运行中做了什么:直接来自日志的事件。",
    "audit verify": (
        "检查哈希链、头部、封存和你保存的摘要(以及见证方保存的封存)。\n\n"
        "若有任何问题,以 1 退出并指出第一个被篡改、缺失或顺序错乱的事件。"
    ),
    "audit digest": (
        "校验日志,然后打印其摘要(位置 + 哈希),以便保存在系统之外。\n\n日志未通过校验时以 1 退出。"
    ),
    "audit seal": (
        "立即封存(审计员和管理员):服务器校验日志,用其封存密钥保存日志头部的签名封存,"
        "并交给见证方。\n\n"
        "worker 也会按计划封存(TRAINOPS_SEAL_EVERY_MINUTES)。"
        "日志未通过校验或见证方拒绝时以 1 退出。"
    ),
    "audit seals": "已保存的封存,最早的在前。",
    "audit replay": (
        "由日志重建读模型,并与在线读模型逐行比较。\n\n"
        "服务器在临时数据库中重建;有任何差异时以 1 退出。给出 --as-of-position 或 --as-of 时,"
        "改为显示截至该时刻的 KPI 和培训项目(`trainops kpi report --as-of-position` "
        "按当时的情况为每个 KPI 评级)。"
    ),
    "audit workflows": (
        "用当前代码重放每个项目工作流的历史,并与日志对照。\n\n"
        "服务器向 Temporal 获取历史。任一运行重放失败(代码变更破坏了进行中的项目),"
        "或历史与日志不一致时,以 1 退出。"
    ),
    "audit export": (
        "下载一个独立脚本即可校验的完整导出包。\n\n"
        "包含 events.jsonl、HASH_FORMULA、digest.json 和 kpis.json,写入新目录或 .tar.gz;"
        "README 中的独立脚本无需 trainops 即可校验它。"
    ),
    "audit proofs": (
        "检查每个人的每项已记录操作都带有有效的签名证明。\n\n"
        "每个证明都按日志中公布的密钥检查:签名、操作人、项目、操作、内容和时间。"
        "若有未证明或错误的证明,以 1 退出并指出其位置。"
    ),
    "data": "导入参考数据、L3/L4 指标、成本和考试答案;迁移历史记录。",
    "data load": (
        "以已登录的管理员身份,通过 API 导入一个参考数据文件(或指标、研究、成本、收益、考试答案)。"
        "每条有变化的记录都作为带有你的证明的事件追加;未变化的记录被跳过。服务器以任务方式导入:"
        "此命令等待其完成,进度显示在 stderr(Ctrl-C 只停止等待,不停止导入)。"
    ),
    "data job": (
        "导入任务的状态和进度;完成后显示其报告(退出码同 `data load`)或失败原因。"
        "其所有者和管理员可以查看。"
    ),
    "data migrate": (
        "将历史培训记录作为事件导入,并生成校验报告(运维人员的一次性操作,直接针对数据库运行;"
        "事件的角色为 ``migration``)。只要有任何行被拒绝就不导入任何内容(除非 --accept-valid);"
        "再次导入不会改变任何内容。"
    ),
    "config": "管理员的配置:检查文件、将其应用为新版本、查看历史。",
    "config check": "校验配置文件或当前生效的配置,并给出摘要;问题会指出所在行。",
    "config apply": (
        "以已登录的管理员身份(通过 API)将文件作为下一版本生效:先整体校验,有问题则整体拒绝,"
        "连同操作人和原因记录在事件日志中。worker 在下一个活动时采用它。"
    ),
    "config history": "每个已保存的版本:操作人、时间、原因,以及文档的 SHA-256。",
    "config show": "按保存时的原样打印某个版本的 YAML(例如用于编辑后再次 ``apply``)。",
    "users": "用户及其角色(培训专员、审批人、审计员、管理员、学员);仅限管理员。",
    "users create": "创建拥有一个或多个角色的用户。",
    "users list": "所有用户、他们的角色以及是否可以登录。",
    "users roles": "替换用户的角色。",
    "users password": "设置用户的密码(其所有登录会话随之退出)。",
    "users disable": "禁止用户登录(其会话结束;令牌失效)。",
    "users enable": "允许已停用的用户再次登录。",
    "tokens": "你的个人 API 令牌。",
    "tokens create": "为脚本创建新令牌,带有到期时间,角色不超过你的角色;只显示一次。",
    "tokens list": "你的令牌(从不显示其密钥)。",
    "tokens revoke": "吊销你的某个令牌(管理员:任何人的令牌)。",
    "keys": "签名密钥:API 为每个人的操作签名;worker 和审计员进行校验。",
    "keys generate": (
        "为 TRAINOPS_SIGNING_KEY 打印一个新的 Ed25519 私钥(其 32 字节种子的 base64)。\n\n"
        "请保密(放在密钥库中,不要放在 compose 文件里)。轮换:用新密钥启动 API;"
        "它会在日志中公布其公钥;然后停用旧密钥(旧密钥过去的证明仍可校验)。"
    ),
    "keys list": "日志中公布的公钥,以及它们的停用情况(如有)。",
    "certs": "trainops 进程与 Temporal 之间双向 TLS 所用的证书。",
    "certs generate": (
        "一个私有 CA、Temporal 前端的服务器证书和 trainops 的客户端证书。\n\n"
        "将 ca.pem 和 trainops 的 client.pem、client-key.pem 写入 DIR;ca-key.pem 写入 --ca-dir;"
        "server.pem、server-key.pem 写入 --server-dir;每处都写入 ca.pem(密钥权限 0600)。"
        "已有文件会被保留,除非使用 --force,因此重启的一次性服务绝不会替换正在使用的证书。"
        "请将 TRAINOPS_TEMPORAL_TLS_CA_FILE/_CERT_FILE/_KEY_FILE 指向 ca.pem、client.pem 和 "
        "client-key.pem。"
    ),
    "db": "数据库:以所有者身份迁移,限制应用角色的权限,维护。",
    "db migrate": (
        "以所有者身份创建或升级所有表(TRAINOPS_MIGRATION_DATABASE_URL,否则 TRAINOPS_DATABASE_URL)。"
    ),
    "db grant-app-role": (
        "只授予 ROLE 应用所需的权限(PostgreSQL;以所有者身份运行)。\n\n"
        "ROLE 可以向 events 和 log_seals 追加并读取它们,但不能更新、删除或清空它们;"
        "它可以移动 log_head,读取版本表,读写读模型、发件箱和用户。"
        "它在该 schema 上的其他权限均被撤销。"
    ),
    "db record-maintenance": (
        "docs/log-maintenance.md 的第 1 步:修改日志之前,先在日志中记录原因和内容。"
    ),
    "db backup": "以所有者身份将数据库备份到 DIR/trainops-<UTC 时间>.dump(.sqlite)。",
    "db restore": (
        "以所有者身份将 SOURCE 恢复到空数据库,然后校验哈希链并由恢复后的日志重建读模型。"
        "恢复后的日志未通过校验时以 1 退出。"
    ),
    "log": "运维人员对事件日志的直接检查(需要数据库凭据;审计员请用 `trainops audit verify`)。",
    "log verify": (
        "检查整个哈希链;若有任何内容被篡改,以 1 退出并指出第一个问题。\n\n"
        "这是运维人员的工具:它直接打开数据库(TRAINOPS_DATABASE_URL),因此需要数据库凭据,"
        "而不是登录;审计员请用 `trainops audit verify`。\n\n"
        "使用 --witness DIR 时:还会检查见证方保存的每个封存(签名、其位置上的哈希、日志长度、"
        "仍在 log_seals 中);见 docs/log-integrity.md。"
    ),
    "projections": "维护读模型。",
    "projections status": "投影器的进度:位置、落后量,以及它不得不搁置的事件。",
    "projections retry": "原因修复后,再次处理被隔离的事件。",
    "projections rebuild": (
        "清空读模型,并将整个日志重放到其中(在一个事务中:新读模型完成之前,旧读模型继续提供服务)。"
    ),
}

#: Each option's and argument's help by its English text.
OPTION_HELP_ZH_CN: dict[str, str] = {
    "Show this message and exit.": "显示此帮助并退出。",
    "A CSV or a plain list: employee ids in the first column (a header row and blank lines are "
    "skipped).": "CSV 或纯文本名单:第一列为员工编号(跳过标题行和空行)。",
    "Print the version.": "打印版本。",
    "Language of the messages (default: TRAINOPS_LANG, then the locale: LC_ALL, LC_MESSAGES, "
    "LANG). --json is the same in every language.": (
        "消息的语言(默认:TRAINOPS_LANG,然后是区域设置:LC_ALL、LC_MESSAGES、LANG)。"
        "--json 在任何语言下都相同。"
    ),
    "Install completion for the current shell.": "为当前 shell 安装命令补全。",
    "Show completion for the current shell, to copy it or customize the installation.": (
        "显示当前 shell 的命令补全脚本,以便复制或自定义安装。"
    ),
    "Serve the Temporal Web UI.": "提供 Temporal 网页界面。",
    "Seconds a heartbeat stays fresh.": "心跳保持有效的秒数。",
    "Print JSON instead of a table.": "打印 JSON 而不是表格。",
    "Where to keep the demo's log (default: a temp file).": "演示日志的保存位置(默认:临时文件)。",
    "The trainops API, e.g. https://trainops.example.com.": (
        "trainops API 地址,例如 https://trainops.example.com。"
    ),
    "Your username.": "你的用户名。",
    "Read the password from the first stdin line.": "从标准输入的第一行读取密码。",
    "Read an API token from stdin instead.": "改为从标准输入读取 API 令牌。",
    "How long the new token lives.": "新令牌的有效期。",
    "Print JSON.": "打印 JSON。",
    "The one-time setup code `trainops up` printed.": "`trainops up` 打印的一次性设置码。",
    "The first admin's username.": "首位管理员的用户名。",
    "A unique program id.": "唯一的项目编号。",
    "Date it should be delivered by (YYYY-MM-DD).": "应交付的日期(YYYY-MM-DD)。",
    "ID@WHEN[/HOURS], repeatable.": "ID@时间[/小时],可重复。",
    "A planned trainee, repeatable.": "计划的学员,可重复。",
    "Approver the plan names (repeatable).": "计划指定的审批人(可重复)。",
    "IANA time zone of the program.": "项目的 IANA 时区。",
    "Holiday calendar region, e.g. CN (ISO 3166).": "节假日日历地区,例如 CN(ISO 3166)。",
    "Budget, e.g. 12000.00": "预算,例如 12000.00",
    "Evaluation window in days.": "评估窗口的天数。",
    "Print JSON instead of text.": "打印 JSON 而不是文本。",
    "Task id, or its first 8 characters as timelines show it (default: your only open task).": (
        "任务编号,或时间线上显示的前 8 个字符(默认:你唯一的待办任务)。"
    ),
    "Task id, or its first 8 characters as timelines show it.": (
        "任务编号,或时间线上显示的前 8 个字符。"
    ),
    "The approver who takes the task over.": "接手此任务的审批人。",
    "Who should look at it.": "应由谁查看。",
    "Replaces all sessions.": "替换全部课次。",
    "Replaces all trainees.": "替换全部学员。",
    "Replaces the plan's approvers (repeatable).": "替换计划中的审批人(可重复)。",
    "A trainee who attended, repeatable.": "出勤的学员,可重复。",
    "Why this is entered after the entry window (it is marked late-entered).": (
        "为何在录入窗口之后录入(将被标记为补录)。"
    ),
    "DIMENSION=0..100, e.g. overall=90.": "维度=0..100,例如 overall=90。",
    "QUESTION=ANSWER of the online exam, repeatable.": "在线考试的 题目=答案,可重复。",
    "Whose exam it was.": "是谁的考试。",
    "The score, 0-100.": "分数,0-100。",
    "The result's document id or SHA-256 hash.": "成绩单的文档编号或 SHA-256 哈希。",
    "Whose score.": "是谁的成绩。",
    "Times in UTC instead of the program's time zone.": "时间以 UTC 显示,而不是项目时区。",
    "table (default), json or csv (every field; for scripts).": (
        "table(默认)、json 或 csv(全部字段;供脚本使用)。"
    ),
    "Whose (admins; default: yours).": "谁的(管理员可指定;默认:你的)。",
    "Only people whose ids sort after this one.": "只列出编号排在此编号之后的人。",
    "People a page.": "每页人数。",
    "Only timeline lines before this position.": "只显示此日志位置之前的时间线记录。",
    "A quarter, e.g. 2027-Q1.": "季度,例如 2027-Q1。",
    "Only this specialist's cards.": "只看此培训专员的计分卡。",
    "Only this department's cards.": "只看此部门的计分卡。",
    "specialist, department or organisation (repeatable).": (
        "specialist、department 或 organisation(可重复)。"
    ),
    "YAML/JSON file: {kpi: {meets, excellent}}, optional pass_mark; rates this answer instead "
    "of the server's thresholds. Shares as fractions (0.8 for 80 %), satisfaction 0-100, ROI in "
    "percent.": (
        "YAML/JSON 文件:{kpi: {meets, excellent}},可含 pass_mark;"
        "用它而不是服务器的阈值为本次结果评级。比例写作小数(80 % 写 0.8),"
        "满意度 0-100,ROI 用百分数。"
    ),
    "As the log stood at this position.": "按日志在此位置时的状态。",
    "As the log stood at this instant (ISO 8601 with offset).": (
        "按日志在此时刻的状态(ISO 8601,带时区偏移)。"
    ),
    "e.g. satisfaction, exam_pass_rate, roi_percent.": (
        "例如 satisfaction、exam_pass_rate、roi_percent。"
    ),
    "specialist, department or organisation.": "specialist、department 或 organisation。",
    "The specialist, the department, or 'all'.": "培训专员、部门,或 'all'。",
    "e.g. 2027-Q1.": "例如 2027-Q1。",
    "A dimension, knowledge point, study, course, …": "维度、知识点、研究、课程……",
    "Only this program's events.": "只看此项目的事件。",
    "Only events this person did or is named in.": "只看此人所做或涉及此人的事件。",
    "From this time (ISO, with offset).": "从此时间起(ISO,带时区偏移)。",
    "Up to this time (ISO, with offset).": "到此时间为止(ISO,带时区偏移)。",
    "Which time --since/--until compare with.": "--since/--until 与哪个时间比较。",
    "Only this event type (repeatable).": "只看此事件类型(可重复)。",
    "Output format.": "输出格式。",
    "Write to this file, not stdout.": "写入此文件,而不是标准输出。",
    "At most this many events.": "最多这么多个事件。",
    "A digest file kept earlier; the log must still extend it (repeatable).": (
        "之前保存的摘要文件;日志必须仍是它的延续(可重复)。"
    ),
    "Check the stored seals too.": "同时检查已保存的封存。",
    "Also check the seals this witness directory kept.": "同时检查此见证目录保存的封存。",
    "Print JSON instead of tables.": "打印 JSON 而不是表格。",
    "Also save the digest to this file.": "同时将摘要保存到此文件。",
    "Seal only if at least this many events came since the last seal.": (
        "只有自上次封存以来至少有这么多新事件时才封存。"
    ),
    "Rebuild the read models as they stood at this position.": "按此位置时的状态重建读模型。",
    "…or as of this instant (events recorded by then; ISO, with offset).": (
        "……或截至此时刻(此前记录的事件;ISO,带时区偏移)。"
    ),
    "List at most this many.": "最多列出这么多。",
    "Only this program (repeatable; default: all).": "只看此项目(可重复;默认:全部)。",
    "Show each history beside the events it appended.": "将每段历史与其追加的事件并排显示。",
    "A new directory, or a .tar.gz file.": "一个新目录,或一个 .tar.gz 文件。",
    "Export events 1..N (default: all).": "导出事件 1..N(默认:全部)。",
    "One of: employees, courses, questions, instructors, venues, assignments, studies, "
    "metrics, costs, benefits, exam-answers.": (
        "以下之一:employees、courses、questions、instructors、venues、assignments、studies、"
        "metrics、costs、benefits、exam-answers。"
    ),
    "A CSV or JSON file.": "一个 CSV 或 JSON 文件。",
    "Import the valid rows even if some are rejected (default: none).": (
        "即使有行被拒绝,也导入有效的行(默认:都不导入)。"
    ),
    "Print the report as JSON.": "以 JSON 打印报告。",
    "The id `data load` printed.": "`data load` 打印的编号。",
    "Print the job as JSON.": "以 JSON 打印任务。",
    "programs.csv, sessions.csv, enrolments.csv, attendance.csv, surveys.csv, exams.csv, "
    "costs.csv, or one JSON file with an array per kind.": (
        "programs.csv、sessions.csv、enrolments.csv、attendance.csv、surveys.csv、exams.csv、"
        "costs.csv,或一个每种类型一个数组的 JSON 文件。"
    ),
    "A file to check (default: the configuration in force).": "要检查的文件(默认:当前生效的配置)。",
    "The reviewed YAML file to put in force.": "要生效的、已审阅的 YAML 文件。",
    "Why: shown in the history.": "原因:显示在历史中。",
    "Refuse unless this is the version in force (default: whichever is).": (
        "除非当前生效的是此版本,否则拒绝(默认:无论哪个版本)。"
    ),
    "A saved version (default: the one in force).": "一个已保存的版本(默认:当前生效的版本)。",
    "A role (specialist, approver, auditor, admin, trainee); repeat for several.": (
        "一个角色(specialist、approver、auditor、admin、trainee);多个角色请重复。"
    ),
    "What the token is for.": "令牌的用途。",
    "Days until it expires.": "到期前的天数。",
    "Where to write the PEM files.": "PEM 文件的写入位置。",
    "A name (or IP) the Temporal frontend is reached by; repeat for several. Default: "
    "temporal, localhost, 127.0.0.1.": (
        "访问 Temporal 前端所用的名称(或 IP);多个请重复。默认:temporal、localhost、127.0.0.1。"
    ),
    "Validity in days (1-3650).": "有效天数(1-3650)。",
    "Replace certificates already there.": "替换已有的证书。",
    "Where the CA's key goes (default DIR); keep it from every service.": (
        "CA 密钥的位置(默认 DIR);不要让任何服务拿到它。"
    ),
    "Where Temporal's server certificate and key go (default DIR).": (
        "Temporal 服务器证书和密钥的位置(默认 DIR)。"
    ),
    "The role the application connects as.": "应用连接数据库所用的角色。",
    "The schema of the tables (default: the owner's current).": (
        "表所在的 schema(默认:所有者当前的)。"
    ),
    "Also CREATE on the database, for `audit replay`'s scratch schemas (--no-replay-schemas: "
    "replay needs --scratch-url then).": (
        "同时授予数据库上的 CREATE,供 `audit replay` 的临时 schema 使用"
        "(--no-replay-schemas:此时重放需要 --scratch-url)。"
    ),
    "Why the log must change (at least 10 characters).": "日志为何必须修改(至少 10 个字符)。",
    "Who does it (person id).": "由谁执行(人员编号)。",
    "An SQL statement you are about to run (repeatable).": "你将要执行的一条 SQL 语句(可重复)。",
    "…or the file of statements you are about to run.": "……或你将要执行的语句文件。",
    "The change ticket or legal reference.": "变更工单或法律依据。",
    "Where backups are written.": "备份的写入位置。",
    "Keep running: a backup every this many hours.": "持续运行:每隔这么多小时备份一次。",
    "How many of the newest backups to keep.": "保留最新的多少个备份。",
    "A file `trainops db backup` wrote.": "`trainops db backup` 写出的文件。",
    "With --witness: trust only this seal key.": "与 --witness 一起使用:只信任此封存密钥。",
    # cfg:
    "Port of the web pages and API (default: TRAINOPS_API_PORT).": (
        "网页和 API 的端口(默认:TRAINOPS_API_PORT)。"
    ),
    "Address the web pages and API listen on (default: TRAINOPS_API_HOST).": (
        "网页和 API 监听的地址(默认:TRAINOPS_API_HOST)。"
    ),
}

#: typer's own words that it passes to ``gettext`` (the ``[required]`` and ``[default: …]`` of
#: a help line, section names, two usage errors), by their English msgid; ``trainops.lazy``
#: hands typer these when the command line speaks zh-CN.
TYPER_ZH_CN: dict[str, str] = {
    "Options": "选项",
    "Commands": "命令",
    "Arguments": "参数",
    "required": "必填",
    "default: {default}": "默认:{default}",
    "env var: {var}": "环境变量:{var}",
    "(dynamic)": "(动态)",
    "Aborted!": "已中止!",
    "Missing command.": "缺少命令。",
    "No such command {name!r}.": "没有命令 {name!r}。",
}

#: typer's suggestion after an unknown command ("… Did you mean 'a', 'b'?"), in zh-CN.
SUGGESTION_ZH_CN = "{message}。你是不是想用 {suggestions}?"

#: The frame of a usage error (typer's click writes it in English only).
USAGE_FRAME_ZH_CN: dict[str, str] = {
    "Try '{command} {option}' for help.": "运行 '{command} {option}' 查看帮助。",
    "Error: {message}": "错误: {message}",
}

#: A usage error's message as typer's click words it (a pattern over the whole message) and
#: its Simplified Chinese; a named group fills the placeholder of the same name, and
#: ``{message}`` is itself said again from this table (a value's problem inside "Invalid
#: value for …"). A message no pattern matches is shown as it is.
USAGE_ERRORS_ZH_CN: tuple[tuple[str, str], ...] = (
    (r"Missing argument (?P<hint>.+?)\.(?P<rest>.*)", "缺少参数 {hint}。{rest}"),
    (r"Missing option (?P<hint>.+?)\.(?P<rest>.*)", "缺少选项 {hint}。{rest}"),
    (r"Missing parameter (?P<hint>.+?)\.(?P<rest>.*)", "缺少参数 {hint}。{rest}"),
    (r"Missing parameter: (?P<name>.*)", "缺少参数:{name}"),
    (
        r"No such option: (?P<name>\S+) \(Possible options: (?P<possible>.+)\)",
        "没有选项 {name}(你是不是想用:{possible})",
    ),
    (r"No such option: (?P<name>.+)", "没有选项 {name}"),
    (r"Invalid value for (?P<hint>.+?): (?P<message>.+)", "{hint} 的值无效:{message}"),
    (r"Invalid value: (?P<message>.+)", "无效的值:{message}"),
    (r"Got unexpected extra argument\(s\) \((?P<args>.*)\)", "多余的参数({args})"),
    (r"Option (?P<name>'.+') requires an argument\.", "选项 {name} 需要一个值。"),
    (r"Option (?P<name>'.+') requires (?P<n>\d+) arguments\.", "选项 {name} 需要 {n} 个值。"),
    (r"Option (?P<name>'.+') does not take a value\.", "选项 {name} 不接受值。"),
    (r"Argument (?P<name>'.+') takes (?P<n>\d+) values\.", "参数 {name} 需要 {n} 个值。"),
    (r"Takes (?P<n>\d+) values but (?P<given>\d+) given\.", "需要 {n} 个值,但给了 {given} 个。"),
    (
        r"(?P<n>\d+) values are required, but (?P<given>\d+) given\.",
        "需要 {n} 个值,但给了 {given} 个。",
    ),
    (r"(?P<value>.+) is not a valid (?:integer|int)\.", "{value} 不是有效的整数。"),
    (r"(?P<value>.+) is not a valid float\.", "{value} 不是有效的数字。"),
    (r"(?P<value>.+) is not a valid UUID\.", "{value} 不是有效的 UUID。"),
    (
        r"(?P<value>.+) is not a valid boolean\. Recognized values: (?P<states>.+)",
        "{value} 不是有效的布尔值。可用的值:{states}",
    ),
    (r"(?P<value>.+) is not in the range (?P<range>.+)\.", "{value} 不在范围 {range} 内。"),
    (r"(?P<value>.+) is not one of (?P<choices>.+)\.", "{value} 不是以下之一:{choices}。"),
    (
        r"(?P<value>.+) does not match the formats (?P<formats>.+)\.",
        "{value} 不符合以下任一格式:{formats}。",
    ),
    (r"File (?P<path>.+) does not exist\.", "文件 {path} 不存在。"),
    (r"Directory (?P<path>.+) does not exist\.", "目录 {path} 不存在。"),
    (r"Path (?P<path>.+) does not exist\.", "路径 {path} 不存在。"),
    (r"(?:File|Directory|Path) (?P<path>.+) is a file\.", "{path} 是文件,不是目录。"),
    (r"(?:File|Directory|Path) (?P<path>.+) is a directory\.", "{path} 是目录,不是文件。"),
    (r"(?:File|Directory|Path) (?P<path>.+) is not readable\.", "{path} 不可读。"),
    (r"(?:File|Directory|Path) (?P<path>.+) is not writable\.", "{path} 不可写。"),
)
