"""Simplified Chinese for the command line's own words (errors, warnings, headings, labels,
prompts); kept beside ``api.i18n``, which merges it. The English text is the key; ``{name}`` is
a parameter the command line fills after translating. Headings are keyed by the field's name
(what ``--json`` calls it).

Over 400 lines on purpose: one table of words, the command line's whole vocabulary in one
place, so a test can check that every English text has its translation."""

from __future__ import annotations

CLI_ZH_CN: dict[str, str] = {
    # ---- the frame of every answer
    "error:": "错误:",
    "warning:": "警告:",
    "ok": "正常",
    "FAILED": "失败",
    "not found": "未找到",
    "none": "无",
    "(no roles listed: the token acts with its owner's roles, as they are when it is used)": (
        "(未列出角色:该令牌使用其所有者在使用时所持有的角色)"
    ),
    "unknown language {value}: en or zh-CN": "未知的语言 {value}:可选 en 或 zh-CN",
    "argument {number} is not UTF-8 text; trainops reads its command line as UTF-8": (
        "第 {number} 个参数不是 UTF-8 文本;trainops 以 UTF-8 读取命令行"
    ),
    "TRAINOPS_LANG={value} is not a language trainops speaks ({known}); the messages "
    "are in the locale's language or English": (
        "TRAINOPS_LANG={value} 不是 trainops 支持的语言({known});消息将使用区域设置的语言或英语"
    ),
    # ---- talking to the API
    "{path} can be read by others (mode {mode}): run `chmod 600 {path}` or "
    "`trainops login` again": "{path} 可被他人读取(权限 {mode}):请运行 `chmod 600 {path}` "
    "或重新 `trainops login`",
    "cannot read {path}: {reason}; run `trainops login` again": (
        "无法读取 {path}:{reason};请重新运行 `trainops login`"
    ),
    "cannot read {path}: it is a folder; run `trainops login` again": (
        "无法读取 {path}:它是一个文件夹;请重新运行 `trainops login`"
    ),
    "cannot read {path}: not what `trainops login` writes; run it again": (
        "无法读取 {path}:这不是 `trainops login` 写入的内容;请重新运行它"
    ),
    "the token in {source} is not a trainops token": "{source} 中的令牌不是 trainops 令牌",
    (
        "the token in {source} holds spaces or control characters; copy it again "
        "(it is not shown here)"
    ): "{source} 中的令牌含有空格或控制字符;请重新复制(此处不显示令牌)",
    (
        "{server} holds a user name or password: trainops signs in with a token "
        "(`trainops login`); give the server's address alone"
    ): "{server} 含有用户名或密码:trainops 使用令牌登录(`trainops login`);请只给出服务器地址",
    "{path} exists; it is not overwritten: choose a new file name": (
        "{path} 已存在;不会覆盖它:请换一个文件名"
    ),
    "--json prints to stdout: leave out --format and --output, or --json": (
        "--json 输出到标准输出:请去掉 --format 和 --output,或去掉 --json"
    ),
    "not signed in: run `trainops login` (or set TRAINOPS_TOKEN)": (
        "尚未登录:请运行 `trainops login`(或设置 TRAINOPS_TOKEN)"
    ),
    "{server} is not an http(s) URL: `--server` or TRAINOPS_SERVER": (
        "{server} 不是 http(s) 地址:请检查 `--server` 或 TRAINOPS_SERVER"
    ),
    "cannot reach trainops at {server} ({reason}); is it running (`make run`)? "
    "`--server` or TRAINOPS_SERVER": "无法连接 {server} 上的 trainops({reason});"
    "它是否在运行(`make run`)?请检查 `--server` 或 TRAINOPS_SERVER",
    "not visible yet: {detail}": "暂不可见:{detail}",
    (
        "your sign-in was refused: its token expired or was revoked, or your account is "
        "disabled; sign in again with `trainops login`, or ask an admin"
    ): "登录被拒绝:令牌已过期或已吊销,或你的账号已停用;请用 `trainops login` 重新登录,或联系管理员",
    "invalid input": "输入无效",
    "invalid input: {detail}": "输入无效:{detail}",
    "the server failed ({code}): {detail}": "服务器出错({code}):{detail}",
    # ---- accounts and tokens
    "Repeat for confirmation": "再次输入以确认",
    "signed in to {server} as {username} ({roles}); token saved in {path}": (
        "已以 {username}({roles})登录 {server};令牌保存在 {path}"
    ),
    "not signed in": "尚未登录",
    "signed out of {server}": "已退出 {server}",
    "{username} ({roles}) on {server}": "{username}({roles}),服务器 {server}",
    "no roles": "无角色",
    "the first admin, {username!r}, is created; now `trainops login --username {username}`": (
        "已创建第一位管理员 {username!r};现在请运行 `trainops login --username {username}`"
    ),
    "token {token} (expires {expires}): shown only this once": (
        "令牌 {token}(到期 {expires}):仅显示这一次"
    ),
    "tokens": "令牌",
    "revoked {token}": "已吊销 {token}",
    "users": "用户",
    "ok {username}: {what} (roles {roles}; {state})": (
        "完成 {username}:{what}(角色 {roles};{state})"
    ),
    "ok {username} created with roles {roles}": "已创建 {username},角色 {roles}",
    "active": "启用",
    "disabled": "已停用",
    "enabled": "已启用",
    "roles replaced": "角色已替换",
    "password set": "密码已设置",
    # ---- programs
    "{when} is not a time, e.g. 2026-12-10T09:00": "{when} 不是时间,例如 2026-12-10T09:00",
    "not UTF-8 text (byte {byte})": "不是 UTF-8 文本(第 {byte} 字节)",
    "no such file or directory": "没有该文件或目录",
    "the password is typed at a terminal; to pipe it, add --password-stdin": (
        "密码须在终端中输入;如需通过管道传入,请加 --password-stdin"
    ),
    "directory {name} on the server (TRAINOPS_WITNESS_DIR)": (
        "服务器上的目录{name} (TRAINOPS_WITNESS_DIR)"
    ),
    "permission denied": "权限不足",
    "it is a directory": "它是一个目录",
    "a part of the path is not a directory": "路径中的某一部分不是目录",
    "{option} {value} is not an instant, e.g. 2027-01-15T09:00:00+08:00": (
        "{option} {value} 不是时刻,例如 2027-01-15T09:00:00+08:00"
    ),
    "{when} does not exist in {zone}: the clocks skip it that day; choose another time": (
        "{zone} 没有 {when} 这个时刻:当天时钟跳过了它(夏令时),请另选时间"
    ),
    "session {spec} is not ID@WHEN[/HOURS], e.g. s1@2026-12-10T09:00/3": (
        "课次 {spec} 的格式不是 ID@时间[/小时],例如 s1@2026-12-10T09:00/3"
    ),
    "unknown IANA time zone {name}": "未知的 IANA 时区 {name}",
    "nothing new": "无新事件",
    "ok {program}: {events} -> {status} (log position {position})": (
        "完成 {program}:{events} -> {status}(日志位置 {position})"
    ),
    "scores look like overall=90 content=80": "分数的格式为 overall=90 content=80",
    "answers look like q1=B q2=A": "答案的格式为 q1=B q2=A",
    "timeline": "时间线",
    "programs": "培训项目",
    "your inbox": "我的待审批",
    "OVERDUE (was {due})": "已逾期(原定 {due})",
    "no due date": "无截止时间",
    "notifications": "通知",
    "people of {program}: {shown} of {total}": "{program} 的学员:本页 {shown} 人,共 {total} 人",
    "nobody on this page": "此页无人",
    "older lines: ask again with --before {position}": "更早的记录:加上 --before {position} 再查询",
    "more follow: ask again with --after {after}": "还有更多:加上 --after {after} 再查询",
    "{count} rows refused, nothing was recorded:": "{count} 行被拒绝,未记录任何内容:",
    "1 row refused, nothing was recorded:": "1 行被拒绝,未记录任何内容:",
    "row {row}": "第 {row} 行",
    "the file": "文件",
    "checked": "已检查",
    "sending": "发送中",
    "stopped midway, {done} of {total} recorded: {detail}; run the same command again to resume": (
        "中途停止,已记录 {done}/{total}:{detail};再次运行同一命令即可继续"
    ),
    "trainops at {server} gave no answer in time: it may be busy, or still doing it; run the "
    "same command again (an action is never done twice)": (
        "{server} 上的 trainops 未及时应答:它可能正忙或仍在处理;"
        "请再次运行同一命令(操作不会重复执行)"
    ),
    "refused after {done} of {total} were recorded: {detail}": (
        "已记录 {done}/{total} 后被拒绝:{detail}"
    ),
    "the connection to trainops was lost with at least {done} of {total} recorded; run the "
    "same command again to resume (nothing is recorded twice)": (
        "与 trainops 的连接已断开,至少已记录 {done}/{total};再次运行同一命令即可继续(不会重复记录)"
    ),
    "interrupted; run the same command again to resume (nothing is recorded twice)": (
        "已中断;再次运行同一命令即可继续(不会重复记录)"
    ),
    "interrupted with at least {done} of {total} recorded; run the same command again to "
    "resume (nothing is recorded twice)": (
        "已中断,至少已记录 {done}/{total};再次运行同一命令即可继续(不会重复记录)"
    ),
    "the answer ended before the outcome; run the same command again to resume": (
        "应答在结果之前中断;再次运行同一命令即可继续"
    ),
    "enrolled {recorded} of {total} in {program} ({skipped} enrolled before)": (
        "已将 {total} 人中的 {recorded} 人报名到 {program}({skipped} 人此前已报名)"
    ),
    "recorded {recorded} of {total} attending {session} ({skipped} recorded before)": (
        "已记录 {total} 人中的 {recorded} 人出席 {session}({skipped} 人此前已记录)"
    ),
    # ---- KPIs
    "Execution KPIs per specialist and quarter": "各培训专员各季度的执行 KPI",
    "cannot read thresholds file {path}: {reason}": "无法读取阈值文件 {path}:{reason}",
    "{path}: expected a mapping of KPI name to {{meets, excellent}}": (
        "{path}:应为 KPI 名称到 {{meets, excellent}} 的映射"
    ),
    "give --as-of-position or --as-of, not both": "请只给出 --as-of-position 或 --as-of 之一",
    "{option} {value} needs a UTC offset, e.g. 2027-01-15T09:00:00+08:00": (
        "{option} {value} 需要带 UTC 偏移,例如 2027-01-15T09:00:00+08:00"
    ),
    "{option} {value} is not an ISO time, e.g. 2027-01-15T09:00:00+08:00": (
        "{option} {value} 不是 ISO 时间,例如 2027-01-15T09:00:00+08:00"
    ),
    "{scope} {name} — {period}: KPI attainment {attainment} "
    "({attained}/{rated} rated meets or better)": "{scope} {name} — {period}:KPI 达成率 "
    "{attainment}(已评级 {rated} 项中 {attained} 项达标或更好)",
    "no scorecards yet: a program counts once it is planned": "还没有计分卡:项目计划后即计入",
    "read models at log position {position}": "读模型位于日志位置 {position}",
    "unknown scope {scope}: specialist, department or organisation": (
        "未知的范围 {scope}:可选 specialist、department 或 organisation"
    ),
    "{kpi} = {value} ({sample}), {rating}; programs: {programs}": (
        "{kpi} = {value}({sample}),{rating};项目:{programs}"
    ),
    "{count} read-model row(s) behind it, each with its log position": (
        "其背后的 {count} 行读模型数据,各附日志位置"
    ),
    # ---- audit
    "{count} events": "{count} 个事件",
    "1 event": "1 个事件",
    "no backup at {path}": "{path} 处没有备份",
    "database roles exist on PostgreSQL only (SQLite has no users)": (
        "数据库角色只存在于 PostgreSQL(SQLite 没有用户)"
    ),
    "no role {role!r}: CREATE ROLE {role} LOGIN PASSWORD '…' first": (
        "没有角色 {role!r}:请先执行 CREATE ROLE {role} LOGIN PASSWORD '…'"
    ),
    "{role!r} is a superuser: privileges do not bind it; use another role": (
        "{role!r} 是超级用户:权限对它不起约束作用;请换一个角色"
    ),
    "{paths} exist; pass --force to replace them": "{paths} 已存在;要替换请加 --force",
    "cannot write to {path}: {reason}": "无法写入 {path}:{reason}",
    "the target database already holds an event log: restore into an empty database (a "
    "restore never overwrites a log)": "目标数据库已有事件日志:请恢复到空数据库(恢复从不覆盖日志)",
    "{path} is not a trainops backup ({reason})": "{path} 不是 trainops 备份({reason})",
    "{path} is not a whole trainops backup ({reason})": "{path} 不是完整的 trainops 备份({reason})",
    "an id given is empty: give the id itself": "给出的编号为空:请给出编号本身",
    "cannot read the digest or witness: {reason}": "无法读取摘要或见证:{reason}",
    "digest saved to {path}": "摘要已保存到 {path}",
    "{path} is not a digest (what `trainops audit digest --output FILE` saves): {problem}": (
        "{path} 不是摘要文件(应为 `trainops audit digest --output FILE` 保存的文件):{problem}"
    ),
    "{option} must be at least 1": "{option} 至少为 1",
    "{option} must be 0 or more": "{option} 不能小于 0",
    "nothing to seal: fewer than {count} new events since the last seal": (
        "无需封存:自上次封存以来新事件少于 {count} 个"
    ),
    "sealed seal {seq}: position {position}, signed by seal key {key}": (
        "已封存 {seq}:位置 {position},由封存密钥 {key} 签名"
    ),
    "witness {name}: {count} seals handed over": "见证{name}:已交付 {count} 个封存",
    "witness {name}: 1 seal handed over": "见证{name}:已交付 1 个封存",
    "witness {name}: holds every seal already": "见证{name}:已持有全部封存",
    "nothing to seal: no new events since the last seal": "无需封存:自上次封存以来没有新事件",
    "seals": "封存",
    "{count} runs replayed, {failed} failed": "已重放 {count} 次运行,{failed} 次失败",
    "{path} exists; the export will not overwrite it": "{path} 已存在;导出不会覆盖它",
    "{path}: no such directory": "{path}:没有这个目录",
    "no open tasks: your inbox is empty": "没有待办任务:你的收件箱是空的",
    "cannot write {path}: {reason}": "无法写入 {path}:{reason}",
    "history ({count} events)": "历史记录({count} 个事件)",
    "history (1 event)": "历史记录(1 个事件)",
    "showing the first {count}; use --limit, or --format jsonl/csv for everything": (
        "仅显示前 {count} 条;用 --limit,或用 --format jsonl/csv 获取全部"
    ),
    "{label} at position {position}: ": "{label} 位于位置 {position}:",
    "witness seal {seq}": "见证的封存 {seq}",
    "seal {seq}": "封存 {seq}",
    "digest of {seq}": "{seq} 的摘要",
    "log intact": "日志完整",
    ": {count} events, head {position} {hash}": ":{count} 个事件,头部 {position} {hash}",
    " at position {position}: {detail}": " 位于位置 {position}:{detail}",
    "replayed to position {replayed}, live read models at {live}": (
        "已重放到位置 {replayed},在线读模型位于 {live}"
    ),
    "    {column}: replayed {replayed}, live {live}": "    {column}:重放 {replayed},在线 {live}",
    "… and {count} more differences": "… 另有 {count} 处差异",
    "replay equals the live read models": "重放结果与在线读模型一致",
    "{program} run {run}: replay ": "{program} 运行 {run}:重放 ",
    "; {history} history events, {log} log events": ";{history} 个历史事件,{log} 个日志事件",
    "log events written by no activity of this run:": "不是由本次运行的任何活动写入的日志事件:",
    "append activities whose events are not in the log:": "事件不在日志中的追加活动:",
    "{workflow} {run}: history beside the log": "{workflow} {run}:历史与日志对照",
    "proofs hold": "证明成立",
    "proofs fail": "证明不成立",
    ": {actions} actions ({events} events) proven by {keys} published key(s)": (
        ":{actions} 个操作({events} 个事件)由 {keys} 个已公布的密钥证明"
    ),
    "  {count} event(s) migrated from another system rest on the operator's word": (
        "  {count} 个从其他系统迁移的事件以执行迁移的操作员的声明为准"
    ),
    "  {count} event(s) in {kind} streams rest on the server's word": (
        "  {kind} 流中的 {count} 个事件仅凭服务器的记录"
    ),
    "programs as of position {position}": "截至位置 {position} 的培训项目",
    "exported": "已导出",
    " {count} events to {path} (digest: position {position} {hash})": (
        " {count} 个事件到 {path}(摘要:位置 {position} {hash})"
    ),
    "… and {count} more problems (the bundle holds them all)": (
        "… 另有 {count} 个问题(导出包中有全部问题)"
    ),
    # ---- configuration
    "version {version}, saved by {by} at {at}": "版本 {version},由 {by} 于 {at} 保存",
    "approval steps (in order; each applies when its condition holds)": (
        "审批步骤(按顺序;条件成立时适用)"
    ),
    "prepare materials {days} working days before, at {prepare}; attend at {attend} (or "
    "{minutes} min before a session that starts earlier)": (
        "提前 {days} 个工作日于 {prepare} 提醒备课;上课当天 {attend} 提醒学员(课次开始得更早时,"
        "提前 {minutes} 分钟)"
    ),
    "notification channels: {channels}; reminders: {reminders}": (
        "通知渠道:{channels};提醒:{reminders}"
    ),
    "{path}: cannot read ({reason})": "{path}:无法读取({reason})",
    "ok {source}: policy {policy}": "正常 {source}:策略 {policy}",
    "applied {path} as version {version} ({sha})": "已将 {path} 应用为版本 {version}({sha})",
    "no saved versions: in force is {source}": "没有保存的版本:当前生效的是 {source}",
    "configuration versions": "配置版本",
    "there is no saved version {version}": "没有保存的版本 {version}",
    # ---- data loads
    "the log refused the import ({reason}); nothing was imported, run it again": (
        "日志拒绝了导入({reason});未导入任何内容,请重新运行"
    ),
    "the database failed during the import ({reason}); nothing was imported (one "
    "transaction): run it again when it is back": "导入时数据库出错({reason});"
    "未导入任何内容(单一事务):数据库恢复后请重新运行",
    "total": "合计",
    "rejected rows": "被拒绝的行",
    "reconciliation: in the file vs in the read models": "核对:文件中与读模型中的数值",
    "NO": "否",
    "all totals match": "全部合计一致",
    "MISMATCH": "不一致",
    "reconciled: ": "核对:",
    "job {job} ({kind}, {source}, {owner}): ": "任务 {job} ({kind}, {source}, {owner}): ",
    "the load failed: {reason}": "导入失败:{reason}",
    "unknown kind {kind}; one of: {kinds}": "未知的类型 {kind};可选:{kinds}",
    "job {job}: {status}": "任务 {job}:{status}",
    "stopped waiting; the load goes on: `trainops data job {job}`": (
        "已停止等待;导入仍在进行:`trainops data job {job}`"
    ),
    # ---- keys, certificates, backups, the database, the log
    "no signing key is published yet (the API publishes its key at start)": (
        "尚未公布签名密钥(API 启动时会公布其密钥)"
    ),
    "signing keys": "签名密钥",
    "kept: {reason}": "保留:{reason}",
    "wrote a CA, a server certificate for {names} and a client certificate to {path} "
    "(valid until {until})": "已将 CA、{names} 的服务器证书和客户端证书写入 {path}"
    "(有效期至 {until})",
    "backup failed": "备份失败",
    ": {reason}; next try in 5 minutes": ":{reason};5 分钟后重试",
    "backed up to {path}": "已备份到 {path}",
    "; removed {count} old": ";已删除 {count} 个旧备份",
    "the restored database cannot be opened: {reason}": "无法打开恢复后的数据库:{reason}",
    "the restored log does not verify: do not put it in service": (
        "恢复后的日志未通过校验:请勿投入使用"
    ),
    "restored": "已恢复",
    ": {checked} events verified, read models rebuilt from {folded} events. Next: "
    "`trainops db grant-app-role ROLE` on this server, then start the stack.": (
        ":已校验 {checked} 个事件,读模型已由 {folded} 个事件重建。下一步:在此服务器上运行 "
        "`trainops db grant-app-role ROLE`,然后启动服务。"
    ),
    ": {checked} events verified, read models rebuilt from {folded} events. Next: "
    "start the stack.": (
        ":已校验 {checked} 个事件,读模型已由 {folded} 个事件重建。下一步:启动服务。"
    ),
    "migrated": "已迁移",
    ": every table is at its newest schema": ":所有表均为最新结构",
    "privileges of {role}": "{role} 的权限",
    "more than the application needs": "超出应用所需",
    "cannot read {path}: {reason}": "无法读取 {path}:{reason}",
    "name the statements you will run (--statement or --sql-file)": (
        "请给出将要执行的语句(--statement 或 --sql-file)"
    ),
    "recorded": "已记录",
    " LogMaintenance at position {position}. Now run the statements as the owner inside one "
    "transaction (docs/log-maintenance.md), then `trainops audit seal`.": (
        " LogMaintenance,位于位置 {position}。现在请以所有者身份在一个事务内执行这些语句"
        "(docs/log-maintenance.md),然后运行 `trainops audit seal`。"
    ),
    "{count} {source} checkpoint(s) ok, last at position {position}": (
        "{count} 个 {source} 检查点正常,最后一个位于位置 {position}"
    ),
    "{count} witness seal(s) checked; seal keys: {keys}": (
        "已检查 {count} 个见证封存;封存密钥:{keys}"
    ),
    "(none published)": "(未公布)",
    "seal key(s) {keys} are not published in the log": "封存密钥 {keys} 未在日志中公布",
    "maintenance": "维护",
    " recorded at position {position} by {actor} ({ticket}): {reason}": (
        " 由 {actor} 记录于位置 {position}({ticket}):{reason}"
    ),
    "no ticket": "无工单",
    "position {position} of {head} (lag {lag}); {quarantined} quarantined event(s)": (
        "位置 {position} / {head}(落后 {lag});{quarantined} 个隔离事件"
    ),
    "quarantined (fix, then `trainops projections retry`)": (
        "已隔离(修复后运行 `trainops projections retry`)"
    ),
    "folded {folded}; still quarantined {failed}": "已处理 {folded};仍隔离 {failed}",
    "rebuilt read models from {count} events": "已由 {count} 个事件重建读模型",
    # ---- the stack and its health
    "TRAINOPS_HEARTBEAT_FILE is not set: nothing to check": (
        "未设置 TRAINOPS_HEARTBEAT_FILE:无可检查"
    ),
    "no heartbeat yet at {path}": "{path} 尚无心跳",
    "last heartbeat {age} s ago (more than {limit} s)": "上次心跳在 {age} 秒前(超过 {limit} 秒)",
    "alive: last heartbeat {age} s ago": "运行中:上次心跳在 {age} 秒前",
    "trainops is already running: {url} (stop it with Ctrl-C where it runs, or "
    "set TRAINOPS_API_PORT for a second one)": "trainops 已在运行:{url}(在其运行处按 Ctrl-C "
    "停止,或为第二个实例设置 TRAINOPS_API_PORT)",
    "port {port} is in use by another program: set {setting}": (
        "端口 {port} 被其他程序占用:请设置 {setting}"
    ),
    "trainops is running (database {url})": "trainops 正在运行(数据库 {url})",
    "  Web pages & API : {url}  (API reference {url}/api/docs)": (
        "  网页与 API      : {url}  (API 参考 {url}/api/docs)"
    ),
    "  Temporal server : {address}": "  Temporal 服务器 : {address}",
    "  Temporal Web UI : {url}": "  Temporal 网页界面: {url}",
    "  try: trainops demo   |   trainops --help   |   Ctrl-C stops everything": (
        "  试试:trainops demo   |   trainops --help   |   Ctrl-C 停止全部"
    ),
    "\n  No admin yet. Create the first one within the hour, once, with the "
    "setup code {code}\n    in the browser: {url}/setup\n    or: trainops "
    "setup --server {url} --code {code} --username admin": (
        "\n  还没有管理员。请在一小时内用初始化码 {code} 创建首位管理员(仅一次)\n"
        "    在浏览器中:{url}/setup\n"
        "    或:trainops setup --server {url} --code {code} --username admin"
    ),
    "stopping…": "正在停止…",
    # ---- the demo
    "{quarter}: {count} programs": "{quarter}:{count} 个培训项目",
    "{count} events in the log ({state}), {reminders} reminders, {notifications} "
    "notifications; log kept in {url}": "日志中有 {count} 个事件({state}),{reminders} 条提醒,"
    "{notifications} 条通知;日志保存在 {url}",
    "intact": "完整",
    "NOT INTACT": "不完整",
    # ---- table headings, by field name
    "KPI": "KPI",
    "plan": "计划",
    "planned sessions": "计划课次",
    "planned_trainees": "计划学员数",
    "surveyed": "已填问卷",
    "examined": "已考试",
    "score_pending": "成绩待确认",
    "cost_per_trainee": "人均成本",
    "session_id": "课次编号",
    "starts": "开始时间",
    "hours": "时长(小时)",
    "actor": "操作人",
    "approvers": "审批人",
    "attempts": "尝试次数",
    "changed_at": "修改时间",
    "changed_by": "修改人",
    "comment": "意见",
    "created_at": "创建时间",
    "detail": "详情",
    "differences": "差异",
    "display_name": "显示名",
    "due": "截止",
    "enrolled": "已报名",
    "error": "错误",
    "escalate to": "升级给",
    "condition": "条件",
    "event_id": "事件编号",
    "event_type": "事件类型",
    "executed_on": "执行日期",
    "expires_at": "到期时间",
    "hash": "哈希",
    "id": "编号",
    "in file": "文件中",
    "in system": "系统中",
    "involvement": "参与方式",
    "key": "键",
    "key_id": "密钥编号",
    "kind": "类型",
    "label": "标签",
    "live_rows": "在线行数",
    "log": "日志",
    "match": "一致",
    "measure": "指标",
    "name": "名称",
    "occurred": "发生时间",
    "on_time": "按时",
    "period": "期间",
    "plan completion": "计划完成率",
    "planned_date": "计划日期",
    "position": "位置",
    "privileges": "权限",
    "program": "项目",
    "program_id": "项目编号",
    "projection": "投影",
    "public_key": "公钥",
    "rating": "评级",
    "reason": "原因",
    "recipient": "收件人",
    # how a person takes part in an event (``audit history --person``)
    "employee": "员工",
    "instructor": "讲师",
    "control group": "对照组",
    "account": "账号",
    "replayed_rows": "重放行数",
    "retired_at": "停用时间",
    "revoked_at": "吊销时间",
    "roles": "角色",
    "sample": "样本",
    "seal_hash": "封存哈希",
    "sealed_at": "封存时间",
    "seq": "序号",
    "session_count": "课次数",
    "sha256": "SHA-256",
    "sla (working days)": "时限(工作日)",
    "status": "状态",
    "step": "步骤",
    "step_name": "步骤名称",
    "subject": "主题",
    "body": "内容",
    "summary": "摘要",
    "table": "表",
    "task_id": "任务编号",
    "time": "时间",
    "title": "标题",
    "token_id": "令牌编号",
    "username": "用户名",
    "value": "数值",
    "when": "时间",
    "where": "位置",
    "why": "原因",
    # cfg:
    "--port {value}: a port is a number from 0 to 65535": (
        "--port {value}:端口是 0 到 65535 之间的数字"
    ),
    "--host {value}: not an address of this machine ({reason})": (
        "--host {value}:不是本机的地址({reason})"
    ),
    "not signed in: the people the policy names were not checked (`trainops login`)": (
        "尚未登录:未检查策略中指定的人员(`trainops login`)"
    ),
}
