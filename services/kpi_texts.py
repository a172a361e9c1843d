"""A KPI row's words in the reader's language: its label (with what it is about), its sample
(``services.kpi_reports.format_sample`` in English) and its note (the domain writes it in
English: no data, a single response, too little data for a study).

The KPI names are in the pages' catalog (``api.i18n``) and a survey's built-in dimensions beside
them; this module holds what is composed around numbers, so both edges can say it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from domain.kpi_rows import LABELS
from domain.scorecards import KpiValue
from services.kpi_reports import format_sample, format_value

#: A row's note in Simplified Chinese: fixed notes by their text, composed ones by a pattern
#: (a named group fills the placeholder of the same name).
NOTES_ZH_CN: dict[str, str] = {
    "no data": "无数据",
    "one response: no interval": "只有一份答卷:无置信区间",
    "nothing available to use": "没有可用的数据",
    "the trained group's baseline is 0: no relative change": "培训组的基线为 0:无相对变化",
}
NOTE_PATTERNS_ZH_CN: tuple[tuple[str, str], ...] = (
    (
        r"too little data: (?P<trained>\d+) trained and (?P<control>\d+) control people, "
        r"at least (?P<least>\d+) needed in each group",
        "数据太少:培训组 {trained} 人、对照组 {control} 人,每组至少需要 {least} 人",
    ),
    (
        r"too little data: (?P<cells>.+) observation\(s\), at least (?P<least>\d+) needed in each",
        "数据太少:{cells} 个观测,每组至少需要 {least} 个",
    ),
)


def label(kpi: str, subject: str, catalog: Mapping[str, str]) -> str:
    """The KPI's name from ``catalog`` (the reader's), and what it is about as written."""
    base = LABELS.get(kpi, kpi)
    said = catalog.get(base, base)
    return f"{said}: {subject}" if subject else said


def subject(kpi: str, subject: str, dimensions: Mapping[str, str]) -> str:
    """What a detail row is about: a survey's built-in dimension (``instructor``) from
    ``dimensions`` (the reader's, ``api.i18n.SURVEY_DIMENSIONS``); a course, a resource or a
    knowledge point as written."""
    return dimensions.get(subject, subject) if kpi == "satisfaction" else subject


def value(number: float | None, unit: str, lang: str) -> str:
    """A KPI value as ``services.kpi_reports.format_value`` writes it, "n/a" in ``lang``."""
    if number is None and lang == "zh-CN":
        return NOTES_ZH_CN["no data"]
    return format_value(number, unit)


def note(text: str, lang: str) -> str:
    """A row's note in ``lang``; as written when it has no other words."""
    if lang != "zh-CN" or not text:
        return text
    if text in NOTES_ZH_CN:
        return NOTES_ZH_CN[text]
    for pattern, chinese in NOTE_PATTERNS_ZH_CN:
        found = re.fullmatch(pattern, text)
        if found:
            values = found.groupdict()
            if "cells" in values:
                values["cells"] = values["cells"].replace(" has ", " 有 ")
            return chinese.format_map(values)
    return text


def sample(k: KpiValue, lang: str) -> str:
    """What a value stands on (``n=6``, ``3/5``, benefits and costs, the study's groups)."""
    if lang != "zh-CN":
        return format_sample(k)
    d = k.detail
    if k.kpi == "roi_percent":
        return f"收益 {d['benefits']} / 成本 {d['costs']},BCR {d['bcr'] or '无数据'}"
    if k.unit == "relative":
        text = f"培训组 {d.get('trained', 0)} 人,对照组 {d.get('control', 0)} 人"
        if "p_value" in d:
            text += f";DiD {d['estimate']:+.3g}(标准误 {d['standard_error']:.3g}),"
            text += f"p={d['p_value']:.3g},d={d['cohens_d']:.2f}"
        return text
    return format_sample(k)


#: The read-model words ``trainops kpi explain`` shows that the pages' catalog lacks: column
#: names of the evaluation read models, what a row is (its ``kind``) and a survey's overall
#: score (its built-in dimensions are in ``api.i18n.SURVEY_DIMENSIONS``).
EVIDENCE_ZH_CN: dict[str, str] = {
    "line_id": "明细编号",
    "data": "数据",
    "dimension": "维度",
    "score": "得分",
    "knowledge_point": "知识点",
    "record_id": "记录编号",
    "metric": "指标",
    "study": "研究",
    "correct": "是否正确",
    "employee_id": "员工编号",
    "question_id": "题目编号",
    "cost": "成本",
    "benefit": "收益",
    "survey": "问卷",
    "exam": "考试",
    "course": "课程",
    "instructor": "讲师",
    "venue": "场地",
    "assignment": "指派",
    "overall": "总体",
}
#: Evidence columns whose values are the product's words (a row's kind), not a person's.
WORDED_COLUMNS = ("kind",)


def evidence_word(word: str, lang: str) -> str | None:
    """An evidence column's name or a row's kind in ``lang``; None when this module has none."""
    return EVIDENCE_ZH_CN.get(word) if lang == "zh-CN" else None
