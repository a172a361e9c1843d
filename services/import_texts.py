"""Why an import refuses a file or a row, in Simplified Chinese, by the keys ``imports.texts``
gives them (the English is there); ``services.error_texts`` joins both into its catalog, so
``say`` and the test that keeps both languages' keys and parameters equal cover them.

Column names (``hire_date``) and values stay as the file has them: they are what the reader
finds in the file. It passes no logic; a catalog.
"""

from __future__ import annotations

IMPORT_ZH_CN: dict[str, str] = {
    # ---- the whole file
    "import.not_utf8": (
        "{file}:不是 UTF-8 编码(偏移 {offset} 处的字节 0x{byte})。请另存为 UTF-8"
        "(Excel:“CSV UTF-8”)后重新导入。"
    ),
    "import.not_utf8_gbk": (
        "{file}:不是 UTF-8 编码(偏移 {offset} 处的字节 0x{byte}),看起来是 GBK/GB18030"
        "(中文 Excel 导出的文件)。请另存为 UTF-8(Excel:“CSV UTF-8”)后重新导入。"
    ),
    "import.not_json": "{file}:不是有效的 JSON(第 {line} 行第 {column} 列:{problem})",
    "import.not_json_array": "{file}:应为由对象组成的 JSON 数组",
    "import.not_csv": "{file}:{line}:不是本导入能读取的 CSV 文件({problem})",
    "import.missing_columns": "{where}:缺少列 {missing}。应有的{noun}:{expected}",
    "import.unknown_columns": "{where}:未知的列 {unknown}。应有的{noun}:{expected}",
    "import.missing_and_unknown_columns": (
        "{where}:缺少列 {missing};未知的列 {unknown}。应有的{noun}:{expected}"
    ),
    "import.unknown_kind": "未知的数据类型 {kind!r};可选:{kinds}",
    "import.not_json_object": "{file}:应为一个对象,每种数据类型一个数组",
    "import.unknown_kinds": "{file}:未知的数据类型 {unknown};可选:{known}",
    "import.kind_not_array": "{file}:{kind} 应为由对象组成的数组",
    "import.name_not_kind": "{file}:文件名须说明数据类型,可选:{names}",
    "import.no_programs": "输入中没有培训项目:其他每条记录都属于某个培训项目",
    # ---- a row of reference data
    "import.detail": "{detail}",
    "import.invalid_fields": "{detail}",
    "import.extra_cells": "单元格多于列数",
    "import.empty_column": "列 {columns} 为空",
    "import.empty_columns": "列 {columns} 为空",
    "import.empty_column_of": "列 {columns} 为空({label} {name!r})",
    "import.empty_columns_of": "列 {columns} 为空({label} {name!r})",
    "import.sibling_rejected": "同一记录的另一{noun}被拒绝({row})",
    "import.named_twice": "{label} {name!r} 在此记录中出现了两次(首次在 {row})",
    "import.correction": "correction 的值 {value!r} 既不是 yes 也不是 no",
    "import.unknown_program": "未知的培训项目 {program_id!r}",
    "import.unknown_course": "未知的课程 {record_id!r}",
    "import.unknown_instructor": "未知的讲师 {record_id!r}",
    "import.unknown_venue": "未知的场地 {record_id!r}",
    "import.unknown_employee": "未知的员工 {record_id!r}",
    "import.course_first": "未知的课程 {course_id!r}(请先以 courses 类型导入)",
    "import.unknown_employees": "未知的员工 {employees}",
    "import.did_not_attend": "{trainee!r} 未参加培训项目 {program_id!r}",
    "import.no_course": "培训项目 {program_id!r} 尚未分配课程(assignments 类型)",
    "import.cost_recorded": (
        "培训项目 {program_id!r} 的费用行 {line_id!r} 已记录为 {value}(来自 {source}):"
        "如需修改,请在该行填写 correction=yes"
    ),
    "import.benefit_recorded": (
        "培训项目 {program_id!r} 的收益行 {line_id!r} 已记录为 {value}(来自 {source}):"
        "如需修改,请在该行填写 correction=yes"
    ),
    "import.not_money": (
        "{column}:{value} 不是有效的金额(小数点前最多 {whole} 位,小数点后最多 {decimals} 位)"
    ),
    "import.cell_not_json": "{column}:不是有效的 JSON(第 {position} 个字符:{problem})",
    "import.future_day": "{column} {day} 在未来(今天是 {today})",
    # ---- a row of a migration (history)
    "import.cell_empty": "{column} 为空",
    "import.not_a_number": "{column} 的值 {value!r} 不是数字",
    "import.out_of_range": "{column} 的值 {value} 超出范围({low}..{high})",
    "import.below_range": "{column} 的值 {value} 超出范围(应 >= {low})",
    "import.program_rejected": "培训项目 {program_id!r} 已被拒绝({row})",
    "import.program_not_here": "培训项目 {program_id!r} 不在本次导入的培训项目中",
    "import.employee_first": ("未知的员工 {employee!r}(请先导入员工:trainops data load employees)"),
    "import.program_twice": "培训项目 {program_id!r} 出现了两次(第一次在 {row})",
    "import.record_twice": "{record!r} 在此文件中出现了两次(第一次在 {row}):每条记录只能给出一次",
    "import.unknown_zone": "未知的时区 {zone!r}",
    "import.executed_and_cancelled": "培训项目要么已执行(executed_on),要么已取消,不能两者兼有",
    "import.program_in_log": "培训项目 {program_id!r} 已在日志中(不是来自此文件)",
    "import.session_twice": "培训项目 {program_id!r} 的课次 {session_id!r} 出现了两次",
    "import.not_a_time": (
        "starts_at 的值 {value!r} 不是日期时间:请写成 YYYY-MM-DDTHH:MM[+08:00],"
        "例如 2027-03-20T09:30"
    ),
    "import.future_start": "starts_at {starts_at} 在未来",
    "import.enrolled_twice": "{employee!r} 在培训项目 {program_id!r} 中报名了两次",
    "import.not_a_session": "课次 {session_id!r} 不是培训项目 {program_id!r} 的课次",
    "import.not_executed": "培训项目 {program_id!r} 未执行(没有 executed_on)",
    "import.attended_unenrolled": "{employee!r} 未报名却出席了培训项目 {program_id!r}",
    "import.attended_twice": "{employee!r} 在课次 {session_id!r} 中被记录了两次",
    "import.cannot_evaluate": "{employee!r} 未参加培训项目 {program_id!r},不能评价它",
    "import.survey_twice": "{employee!r} 对培训项目 {program_id!r} 的问卷回答了两次",
    "import.scale": "scale_max {high} 必须大于 scale_min {low}",
    "import.no_score": "没有分数:请至少填写 {columns} 之一",
    "import.exam_twice": "{employee!r} 在培训项目 {program_id!r} 中有两个考试成绩",
    "import.not_a_category": "类别 {category!r} 不是 {categories} 之一",
    "import.negative_amount": "金额 {amount} 必须大于或等于 0",
    "import.cost_line_twice": "培训项目 {program_id!r} 的费用行 {line_id!r} 出现了两次",
    # ---- a migration's totals compared with the read models
    "import.not_compared": "尚未比较",
    "import.not_projected": "不在读模型中(投影器赶上了吗?)",
    "import.changed_by_exam_answers": "此文件之后已被 data load exam-answers 修改:{sources}",
    "import.changed_by_costs": "此文件之后已有费用行被更正或新增:{sources}",
    "import.differs": "读模型与文件不一致",
    # ---- what the report says at its end
    "import.nothing_imported": (
        "{count} 行被拒绝:未导入任何数据(请修正这些行,或加 --accept-valid 只导入有效的行)"
    ),
    "import.nothing_imported.page": (
        "{count} 行被拒绝:未导入任何数据"
        "(请修正这些行,或勾选“即使有行被拒绝,也导入有效的行”后重新上传)"
    ),
    "import.appended": (
        "在一个事务中向 {streams} 个流追加了 {appended} 个事件;{unchanged} 条记录已存在"
    ),
    "import.programs_appended": (
        "{programs} 个培训项目:在一个事务中向 {streams} 个流追加了 {appended} 个事件;"
        "{unchanged} 条记录已存在"
    ),
}

#: The fixed phrases an import puts into its parameters (what a row of a group is, what names
#: it, columns or fields), in Simplified Chinese.
IMPORT_PHRASES_ZH_CN: dict[str, str] = {
    "row of this record": "行",
    "row of this instructor": "行(同一讲师)",
    "row of this venue": "行(同一场地)",
    "question of this course": "题目(同一课程)",
    "answer of this exam": "答案(同一考试)",
    "question": "题目",
    "period": "期间",
    "columns": "列",
    "fields": "字段",
}

#: A migration's reconciled totals (``imports.reconcile``) by name, in Simplified Chinese.
MEASURES_ZH_CN: dict[str, str] = {
    "enrolled": "报名人数",
    "attendees": "出勤人数",
    "sessions": "课次数",
    "surveys": "问卷数",
    "average survey score": "问卷平均分",
    "exams": "考试人数",
    "average exam score": "考试平均分",
    "costs": "费用合计",
}
