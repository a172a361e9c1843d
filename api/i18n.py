"""English and Simplified Chinese for the pages; the English text is the key (missing: English)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from api.i18n_diagrams import DIAGRAMS_ZH_CN
from api.refusal_texts import ZH_CN as REFUSALS_ZH_CN
from domain.refusals import REFUSALS
from projections.event_messages import decode, render

LANGUAGES: dict[str, str] = {"en": "English", "zh-CN": "简体中文"}
DEFAULT = "en"

ZH_CN: dict[str, str] = {
    "trainops": "培训运营",
    "Skip to content": "跳到正文",
    "Sign in": "登录",
    "First admin": "首位管理员",
    "Enter the one-time setup code that trainops printed when it started, and choose the "
    "first admin's name and password.": "输入 trainops 启动时打印的一次性初始化码，"
    "并设置首位管理员的用户名和密码。",
    "Setup code": "初始化码",
    "Create the first admin": "创建首位管理员",
    "Sign out": "退出",
    "Username": "用户名",
    "Password": "密码",
    "Wrong username or password.": "用户名或密码错误。",
    "Language": "语言",
    "Inbox": "待审批",
    "My programs": "我的项目",
    "Programs": "培训项目",
    "New program": "新建项目",
    "KPI dashboard": "KPI 看板",
    "Audit": "审计",
    "Users": "用户",
    "Account": "账户",
    "API": "API",
    "Signed in as": "当前用户",
    "Roles": "角色",
    "specialist": "培训专员",
    "approver": "审批人",
    "auditor": "审计员",
    "admin": "管理员",
    "trainee": "学员",
    "Status": "状态",
    "Title": "标题",
    "Program": "项目",
    "Program id": "项目编号",
    "Specialist": "培训专员",
    "Approvers": "审批人",
    "Planned date": "计划完成日期",
    "Time zone": "时区",
    "Trainees": "学员",
    "Enrolled": "已报名",
    "Attended": "已出席",
    "Sessions": "课次",
    "Session": "课次",
    "Starts at": "开始时间",
    "Hours": "时长(小时)",
    "Requested": "提交审批时间",
    "Due": "截止",
    "Overdue": "已逾期",
    "On time": "未逾期",
    "All": "全部",
    "Search": "搜索",
    "Filter": "筛选",
    "No open tasks.": "没有待处理的审批任务。",
    "No programs yet.": "还没有项目。",
    "Open": "打开",
    "Decision": "决定",
    "Comment": "意见",
    "Approve": "批准",
    "Reject": "驳回",
    "Request changes": "要求修改",
    "A reason is required to reject or request changes.": "驳回或要求修改时必须填写理由。",
    "History": "历史记录",
    "When": "时间",
    "Who": "操作人",
    "What": "内容",
    "Event": "事件",
    "Workflow": "工作流",
    "Actions": "操作",
    "Submit for approval": "提交审批",
    "Publish": "发布",
    "Record attendance": "登记出勤",
    "Who attended": "出席人员",
    "Complete session": "完成课次",
    "Complete execution": "完成执行",
    "Close evaluation": "结束评估",
    "Feedback": "反馈",
    "Write feedback": "填写反馈",
    "Cancel program": "取消项目",
    "Reason": "理由",
    "Create": "创建",
    "Create program": "创建项目",
    "Evaluation window (days)": "评估期(天)",
    "One per line or separated by commas.": "每行一个,或用逗号分隔。",
    "Leave a row empty to skip it.": "不需要的行留空即可。",
    "Period": "周期",
    "Plan completion": "计划完成率",
    "On-time rate": "准时率",
    "Participation": "参训率",
    "excellent": "优秀",
    "meets": "达标",
    "below": "未达标",
    "below target": "未达标",
    "Configuration": "配置",
    "In force": "当前生效",
    "built-in defaults": "内置默认值",
    "no version saved yet": "尚未保存过版本",
    "version": "版本",
    "Version": "版本",
    "saved: workers use it from their next step.": "已保存:worker 从下一步起使用该版本。",
    "You are looking at version": "您正在查看版本",
    "not the one in force.": "并非当前生效的版本。",
    "Back to the version in force": "返回当前生效的版本",
    "Edit": "编辑",
    "Checked whole before saving; a problem names its line and nothing is saved. Programs "
    "already submitted keep the route recorded at submission.": (
        "保存前整体校验;有问题时指出出错的行,且不保存任何内容。已提交的项目保留提交时记录的审批路线。"
    ),
    "Why (shown in the history)": "修改原因(显示在历史记录中)",
    "Save as a new version": "保存为新版本",
    "Why": "原因",
    "in force": "生效中",
    "Approval policy": "审批策略",
    "Step": "步骤",
    "Quorum": "法定人数",
    "Escalate to": "升级给",
    "Auto-reject": "自动驳回",
    "always": "总是",
    "Groups": "候选组",
    "Admins": "管理员",
    "Calendar and reminders": "日历与提醒",
    "Company holidays": "公司假日",
    "Extra working days": "额外工作日",
    "Prepare materials": "准备材料",
    "working days before, at": "个工作日前,时间",
    "Attend": "参加",
    "before an earlier start": "(开始较早时提前)",
    "Notification channels": "通知渠道",
    "outbox only": "仅发件箱",
    "KPI thresholds": "KPI 阈值",
    "Exam pass mark": "考试及格线",
    "not rated": "未评级",
    "Scorecards: every KPI, rated": "计分卡:全部 KPI 及评级",
    "KPI attainment": "KPI 达成率",
    "Value": "数值",
    "Sample": "样本",
    "Rating": "评级",
    "department": "部门",
    "organisation": "全公司",
    "n/a": "无数据",
    "meets at": "达标线",
    "excellent at": "优秀线",
    "Programs behind this number": "该数字对应的项目",
    "All programs of the period": "该周期的全部项目",
    "A bar opens the programs behind its number; an empty slot has nothing to rate.": (
        "点击柱形可查看其数字对应的项目;空槽表示该周期没有可评级的数据。"
    ),
    "programs count toward this number.": "个项目计入该数字。",
    "No program counts toward this number.": "没有项目计入该数字。",
    "plan completion rate": "计划完成率",
    "on-time rate": "准时率",
    "participation rate": "参训率",
    "satisfaction (0-100)": "满意度(0-100)",
    "survey response rate": "问卷回收率",
    "exam pass rate": "考试通过率",
    "mastery": "知识点掌握率",
    "L3 behaviour change vs control": "L3 行为改变(对照组比较)",
    "L4 results change vs control": "L4 业务结果改变(对照组比较)",
    "ROI (Phillips)": "投资回报率 ROI(Phillips)",
    "course coverage": "课程覆盖率",
    "instructor utilisation": "讲师利用率",
    "venue utilisation": "场地利用率",
    "No KPIs yet: a program counts once it is approved.": "暂无 KPI:项目获批后才计入。",
    "Log verification": "日志校验",
    "Log intact": "日志完整",
    "Log damaged": "日志已损坏",
    "events checked": "条事件已校验",
    "head": "链头",
    "Problems": "问题",
    "Raw events": "原始事件",
    "Position": "位置",
    "Hash": "哈希",
    "Create user": "创建用户",
    "Display name": "显示名称",
    "Active": "启用",
    "Save": "保存",
    "API tokens": "API 令牌",
    "Issue token": "签发令牌",
    "Roles of the token": "令牌的角色",
    "Expires after": "有效期",
    "%(n)s days": "%(n)s 天",
    "expires": "到期",
    "all your roles": "您的全部角色",
    "Label": "标签",
    "Revoke": "吊销",
    "Revoked": "已吊销",
    "Copy this token now; it is not shown again.": "请立即复制此令牌,之后不会再显示。",
    "Error": "错误",
    "Back": "返回",
    "Saved.": "已保存。",
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
    "Summary": "摘要",
    "Revision": "版本",
    "Not found": "未找到",
    "Not allowed": "无权操作",
    "Invalid input": "输入有误",
    "Temporal is unavailable": "Temporal 不可用",
    "HTTP API reference": "HTTP API 参考",
    "Method": "方法",
    "Path": "路径",
    "Body": "请求体",
    "Yes": "是",
    "No": "否",
    "Other": "其他",
    "Withdraw": "撤回",
    "Claim": "认领",
    "Revise": "修改",
    "Note for the delegate": "给受托人的说明",
    "candidate": "待认领",
    "delegated": "已委托给我",
    "Your view for the owner": "给任务负责人的意见",
    "Hand back": "交回",
    "Delegate": "委托",
    "To (person id)": "委托给(人员编号)",
    "Release to the group": "退回给组",
    "My trainings": "我的培训",
    "You are not enrolled in any training yet.": "你还没有报名任何培训。",
    "Next session": "下一课次",
    "Reaction survey": "培训满意度问卷",
    "Exam": "考试",
    "Fill in the survey": "填写问卷",
    "Take the exam": "参加考试",
    "open until": "开放至",
    "answered": "已提交",
    "See your answers": "查看我的答卷",
    "opens after the last session": "最后一次课结束后开放",
    "only trainees who attended take part": "仅出席的学员可参加",
    "Thank you: your survey is recorded.": "谢谢!你的问卷已记录。",
    "Your exam is recorded.": "你的考试已记录。",
    "Course": "课程",
    "Location": "地点",
    "Organiser": "组织者",
    "What to do now": "当前待办",
    "Times in": "时间均为当地时区:",
    "You": "我",
    "held": "已举行",
    "upcoming": "未开始",
    "attended": "已出席",
    "absent": "缺席",
    "Your answers": "我的答卷",
    "overall": "总体",
    "Overall, how satisfied are you with this training?": "总体而言,你对本次培训的满意度如何?",
    "Content: relevant and useful for your work": "内容:与工作相关、有用",
    "Instructor: clear, knowledgeable, engaging": "讲师:讲解清楚、专业、有感染力",
    "Format and materials": "形式与教材",
    "Venue and organisation": "场地与组织",
    "Rate each from %(low)s (very poor) to %(high)s (excellent).": (
        "每项从 %(low)s(很差)到 %(high)s(非常好)打分。"
    ),
    "Leave a question empty if it does not apply.": "不适用的题目可以留空。",
    "required": "必填",
    "optional": "选填",
    "Give a score here.": "请在此打分。",
    "Enter a number from %(low)s to %(high)s.": "请输入 %(low)s 到 %(high)s 之间的数字。",
    "Anything else you want to tell us?": "还有其他想告诉我们的吗?",
    "At most %(n)s characters.": "最多 %(n)s 个字符。",
    "Send the survey": "提交问卷",
    "You answered the survey. Thank you!": "你已提交问卷,谢谢!",
    "You can send your answers once; they are graded right away.": (
        "答卷只能提交一次,提交后立即评分。"
    ),
    "Question": "题目",
    "Knowledge point": "知识点",
    "Your answer": "你的答案",
    "Answer this question.": "请回答本题。",
    "This answer cannot be accepted.": "无法接受此答案。",
    "This training has no online exam: the specialist records the score of the exam you"
    " took, with its evidence.": "本培训没有在线考试:你参加的考试成绩由培训专员凭证明材料录入。",
    "taken elsewhere: the specialist records your score": "线下考试:成绩由培训专员录入",
    "your score is recorded and awaits confirmation": "成绩已录入,等待复核确认",
    "Send my answers": "提交答卷",
    "Your score": "你的成绩",
    "passed": "通过",
    "not passed": "未通过",
    "pass mark": "及格线",
    "Result": "结果",
    "correct": "正确",
    "wrong": "错误",
    "Your sessions, survey and exam": "我的课次、问卷和考试",
    "Reason, if entered late": "补录理由(如逾期录入)",
    "needed more than %(n)s days after the session ended": "课次结束 %(n)s 天后录入时必填",
    "Record exam score": "录入考试成绩",
    "The score of an exam taken elsewhere, with its evidence; trainees never enter their own.": (
        "录入线下考试的成绩及其证明材料;学员不能自行填报成绩。"
    ),
    "Trainee": "学员",
    "Score": "成绩",
    "Evidence: document id or SHA-256": "证明材料:文档编号或 SHA-256",
    "Exam scores to confirm": "待复核的考试成绩",
    "Confirm": "确认",
    "recorded by": "录入人",
    "evidence": "证明材料",
    "Nothing was recorded:": "未记录任何内容:",
    "refused:": "已拒绝:",
    "Not Found": "未找到",
    "a value in the request cannot be stored or searched (e.g. a NUL character)": (
        "请求中的某个值无法保存或搜索(例如含有 NUL 字符)"
    ),
    "the database is unavailable (restarting?); nothing was changed, try again shortly": (
        "数据库暂不可用(正在重启?);没有做任何更改,请稍后重试"
    ),
    "internal error; it is logged with this request's id": "内部错误;已按本请求的编号记录日志",
    "Temporal cannot be reached; nothing was changed, try again shortly": (
        "无法连接 Temporal;没有做任何更改,请稍后重试"
    ),
    "Nothing was recorded: check the answers marked below.": (
        "未记录任何内容:请检查下面标出的答案。"
    ),
    "Upcoming reminders": "即将发送的提醒",
    "Reminder": "提醒",
    "Recipients": "收件人数",
    "What you decide on": "审批要点",
    "Budget": "预算",
    "Department": "部门",
    "Cost per trainee": "人均成本",
    "External instructor": "外部讲师",
    "yes": "是",
    "no": "否",
    "The specialist's earlier programs": "该专员以往的项目",
    "executed": "已执行",
    "on time": "按时",
    "trainees": "名学员",
    "sessions": "场课程",
    "Attend the session": "参加课程",
    "budget above": "预算高于",
    "Calendar": "日历",
    "provisional for": "暂定年份",
    "the official working-day changes are not published yet; reminders may move": (
        "官方调休安排尚未公布，提醒时间可能变动"
    ),
    "Reference data": "参考数据",
    "Load a file": "导入文件",
    "Kind": "类型",
    "File (.csv or .json, UTF-8)": "文件(.csv 或 .json,UTF-8)",
    "Load the valid rows even if some are rejected": "即使有行被拒绝,也导入有效的行",
    "Load": "导入",
    "The file is loaded in the background, in one transaction.": "文件在后台以一个事务导入。",
    "Loading the same file again changes nothing.": "再次导入同一文件不会改变任何内容。",
    "This page refreshes itself until the load is done.": "本页会自动刷新,直到导入完成。",
    "Load another file": "导入另一个文件",
    "Rejected rows": "被拒绝的行",
    "Where": "位置",
    "Key": "键",
    "read": "读取",
    "accepted": "接受",
    "event(s) appended": "个事件已追加",
    "unchanged": "未变化",
    "started": "开始于",
    "finished": "结束于",
    "queued": "排队中",
    "running": "进行中",
    "succeeded": "已完成",
    "failed": "失败",
    # --- screens helper: the configuration editor's check and confirm step; screen fixes
    "Confirm the change": "确认更改",
    "The new version against the version in force. Nothing is saved until you confirm.": (
        "新版本与当前生效版本的差异。确认之前不会保存任何内容。"
    ),
    "No change from the version in force.": "与当前生效版本相比没有变化。",
    "Confirm and save": "确认并保存",
    "Back to editing": "返回编辑",
    "No problems: this version can be saved.": "没有问题:此版本可以保存。",
    "Checking…": "检查中…",
    "Could not check now; the save checks again.": "暂时无法检查;保存时会再次检查。",
    "line": "行",
    "budget": "预算",
    "region": "地区",
    "the plan's approvers": "计划中指定的审批人",
    "the department's manager": "部门经理",
    "participation": "参与率",
    "satisfaction": "满意度",
    "95 % CI": "95% 置信区间",
    "no data": "无数据",
    "nothing available to use": "没有可用的数据",
    "one response: no interval": "只有一份答卷:无置信区间",
    "all": "全部",
    "(none)": "(无)",
    "system": "系统",
    "Loaded: the counts are below.": "已导入:数量见下表。",
    "The valid rows are loaded; the rejected rows are listed below.": (
        "有效行已导入;被拒绝的行列在下面。"
    ),
    "Nothing was loaded: the rejected rows are listed below.": (
        "未导入任何内容:被拒绝的行列在下面。"
    ),
    # --- end of the screens helper's block
}

ZH_CN.update({k: v for k, v in DIAGRAMS_ZH_CN.items() if k not in ZH_CN})
CATALOG: dict[str, dict[str, str]] = {"en": {}, "zh-CN": ZH_CN}


class Translator:
    """``t("English text")`` in the page's language (English when a text has no entry), and
    ``t.event(entry)``: a timeline entry's summary from its message keys (its stored English
    summary for a row written before messages were kept)."""

    def __init__(self, lang: str) -> None:
        self.lang = lang if lang in LANGUAGES else DEFAULT
        self.table = CATALOG.get(self.lang, {})

    def __call__(self, text: str) -> str:
        return self.table.get(text, text)

    def event(self, entry: Mapping[str, Any]) -> str:
        stored = entry.get("message")
        message = decode(stored) if isinstance(stored, str) else None
        if message is None:
            return str(entry.get("summary", ""))
        return render(message, self.lang)

    def refusal(self, exc: BaseException) -> str:
        """Why the rules refused an action, from its code (``domain.refusals``) in this
        language; its English words when it has no code or its parameters do not fit."""
        code, params = getattr(exc, "code", ""), getattr(exc, "params", {})
        template = (REFUSALS_ZH_CN if self.lang == "zh-CN" else REFUSALS).get(code)
        if template is None:
            return str(exc)
        try:
            return template.format_map(params)
        except (KeyError, ValueError, IndexError):
            return str(exc)

    def refused(self, exc: BaseException) -> str:
        """A refusal as the pages show it: "refused: " and why."""
        return f"{self('refused:')} {self.refusal(exc)}"


def translator(lang: str) -> Translator:
    return Translator(lang)


def negotiate(cookie: str | None, accept_language: str | None) -> str:
    if cookie in LANGUAGES:
        return cookie
    for part in (accept_language or "").split(","):
        code = part.split(";")[0].strip().lower()
        if code.startswith("zh"):
            return "zh-CN"
        if code.startswith("en"):
            return "en"
    return DEFAULT
