"""Simplified Chinese for the labels of the diagrams (approval route, lifecycle chart); kept
beside ``api.i18n`` so each catalog stays a readable size. The English text is the key."""

from __future__ import annotations

DIAGRAMS_ZH_CN: dict[str, str] = {
    "Approval route": "审批路径",
    "step done": "已完成",
    "step current": "审批中",
    "step waiting": "待审批",
    "step rejected": "已驳回",
    "step returned": "退回修改",
    "step stopped": "已终止",
    "quorum": "法定人数",
    "SLA": "时限",
    "working days": "个工作日",
    "then": "之后转交",
    "Lifecycle: planned and actual": "生命周期:计划与实际",
    "planned": "计划",
    "actual": "实际",
    "late": "延迟",
    "done": "已完成",
    "now": "现在",
    "Planned": "已创建计划",
    "Submitted": "已提交",
    "Approved": "已批准",
    "Published": "已发布",
    "Executed": "已执行",
    "Evaluation closed": "评估已结束",
    "Closed": "已关闭",
    "Cancelled": "已取消",
}
