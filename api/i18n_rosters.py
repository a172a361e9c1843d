"""Simplified Chinese for a big program's page (actions from a file, counts instead of names);
kept beside ``api.i18n`` so each catalog stays a readable size. The English text is the key."""

from __future__ import annotations

ROSTERS_ZH_CN: dict[str, str] = {
    "A CSV or a plain list, employee ids in the first column": (
        "CSV 文件或纯文本名单,第一列为员工编号"
    ),
    "Record attendance from a file": "从文件记录出席",
    "%(n)s enrolled, too many to list here: record who attended from a sign-in sheet or a "
    "device export; sending the same file again records nobody twice.": "已报名 %(n)s 人,"
    "人数过多无法在此列出:请用签到表或设备导出文件记录出席;重复发送同一文件不会重复记录。",
    "%(n)s recorded so far.": "目前已记录 %(n)s 人。",
    "Enrol from a roster file": "从名单文件报名",
    "Enrol everyone in the file": "为文件中的所有人报名",
    "Everyone named must be a recorded employee; the file is checked whole first, and sending "
    "it again enrols nobody twice.": "文件中的每个人都必须是已登记的员工;文件会先整体检查,"
    "重复发送不会重复报名。",
    "%(n)s attendees have no score yet: enter the trainee's id": (
        "%(n)s 名出席者尚无成绩:请输入学员编号"
    ),
    "%(n)s people": "%(n)s 人",
    "%(n)s scores await confirmation; here are the first %(shown)s, the next ones appear as "
    "these are confirmed.": "共有 %(n)s 个成绩待确认;此处显示前 %(shown)s 个,"
    "确认后将显示后续成绩。",
    "Newest events": "最新事件",
    "Older events": "更早的事件",
    "choose a file to send; nothing was recorded": "请选择要发送的文件;未记录任何内容",
}
