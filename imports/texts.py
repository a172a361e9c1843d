"""Why an import refuses a file or a row, in English, by message key: the one place these words
are written. ``imports`` raises ``FileProblem`` and ``RowError`` with a key from here, and a
report's rejected rows keep the key and its parameters beside the English, so the edges (the
API, the admin page, the command line) say them in the reader's language
(``services.import_texts`` holds the Simplified Chinese, ``services.error_texts`` joins both).

``{name!r}`` quotes a value the file gave; parameters are raw data. Imports nothing.
"""

from __future__ import annotations

from collections.abc import Mapping

IMPORT_EN: dict[str, str] = {
    # ---- the whole file
    "import.not_utf8": (
        "{file}: not UTF-8 (byte 0x{byte} at offset {offset}). Save it as UTF-8 (Excel: "
        "'CSV UTF-8') and import again."
    ),
    "import.not_utf8_gbk": (
        "{file}: not UTF-8 (byte 0x{byte} at offset {offset}). It looks like GBK/GB18030 (a "
        "Chinese Excel export). Save it as UTF-8 (Excel: 'CSV UTF-8') and import again."
    ),
    "import.not_json": "{file}: not valid JSON ({problem}: line {line} column {column})",
    "import.not_json_array": "{file}: expected a JSON array of objects",
    "import.not_csv": "{file}:{line}: not a CSV file this import can read ({problem})",
    "import.missing_columns": "{where}: missing column(s) {missing}. Expected {noun}: {expected}",
    "import.unknown_columns": "{where}: unknown column(s) {unknown}. Expected {noun}: {expected}",
    "import.missing_and_unknown_columns": (
        "{where}: missing column(s) {missing}; unknown column(s) {unknown}. Expected {noun}: "
        "{expected}"
    ),
    "import.unknown_kind": "unknown kind {kind!r}; one of {kinds}",
    "import.not_json_object": "{file}: expected an object with one array per kind",
    "import.unknown_kinds": "{file}: unknown kind(s) {unknown}; known: {known}",
    "import.kind_not_array": "{file}: {kind} must be an array of objects",
    "import.name_not_kind": "{file}: the file name must say its kind: one of {names}",
    "import.no_programs": "no programs in the input: every other record belongs to one",
    # ---- a row of reference data
    "import.detail": "{detail}",
    "import.invalid_fields": "{detail}",
    "import.extra_cells": "more cells than columns",
    "import.empty_column": "column {columns} is empty",
    "import.empty_columns": "column {columns} are empty",
    "import.empty_column_of": "column {columns} is empty ({label} {name!r})",
    "import.empty_columns_of": "column {columns} are empty ({label} {name!r})",
    "import.sibling_rejected": "another {noun} is rejected ({row})",
    "import.named_twice": "{label} {name!r} is given twice in this record (first at {row})",
    "import.correction": "correction {value!r} is neither yes nor no",
    "import.unknown_program": "unknown program {program_id!r}",
    "import.unknown_course": "unknown course {record_id!r}",
    "import.unknown_instructor": "unknown instructor {record_id!r}",
    "import.unknown_venue": "unknown venue {record_id!r}",
    "import.unknown_employee": "unknown employee {record_id!r}",
    "import.course_first": "unknown course {course_id!r} (load it with kind 'courses' first)",
    "import.unknown_employees": "unknown employee(s) {employees}",
    "import.did_not_attend": "{trainee!r} did not attend program {program_id!r}",
    "import.no_course": "program {program_id!r} has no course assigned (kind 'assignments')",
    "import.cost_recorded": (
        "cost line {line_id!r} of {program_id!r} is already recorded as {value} (from "
        "{source}): to change it, give the row correction=yes"
    ),
    "import.benefit_recorded": (
        "benefit line {line_id!r} of {program_id!r} is already recorded as {value} (from "
        "{source}): to change it, give the row correction=yes"
    ),
    "import.not_money": (
        "{column}: {value} does not fit a sum of money (at most {whole} digits before the point "
        "and {decimals} after)"
    ),
    "import.cell_not_json": "{column}: not valid JSON ({problem}, character {position})",
    "import.future_day": "{column} {day} is in the future (today is {today})",
    # ---- a row of a migration (history)
    "import.cell_empty": "{column} is empty",
    "import.not_a_number": "{column} {value!r} is not a number",
    "import.out_of_range": "{column} {value} is out of range ({low}..{high})",
    "import.below_range": "{column} {value} is out of range (>= {low})",
    "import.program_rejected": "program {program_id!r} was rejected ({row})",
    "import.program_not_here": "program {program_id!r} is not in the programs of this import",
    "import.employee_first": (
        "unknown employee {employee!r} (load employees first: trainops data load employees)"
    ),
    "import.program_twice": "program {program_id!r} appears twice (first at {row})",
    "import.record_twice": (
        "{record!r} is given twice in this file (first at {row}): give each record once"
    ),
    "import.unknown_zone": "unknown time zone {zone!r}",
    "import.executed_and_cancelled": (
        "a program is either executed (executed_on) or cancelled, not both"
    ),
    "import.program_in_log": "program {program_id!r} is already in the log (not from this file)",
    "import.session_twice": "session {session_id!r} of {program_id!r} appears twice",
    "import.not_a_time": (
        "starts_at {value!r} is not a date and time: write YYYY-MM-DDTHH:MM[+08:00], e.g. "
        "2027-03-20T09:30"
    ),
    "import.future_start": "starts_at {starts_at} is in the future",
    "import.enrolled_twice": "{employee!r} is enrolled in {program_id!r} twice",
    "import.not_a_session": "session {session_id!r} is not a session of {program_id!r}",
    "import.not_executed": "program {program_id!r} was not executed (no executed_on)",
    "import.attended_unenrolled": "{employee!r} attended {program_id!r} without being enrolled",
    "import.attended_twice": "{employee!r} is recorded twice for session {session_id!r}",
    "import.cannot_evaluate": ("{employee!r} did not attend {program_id!r} and cannot evaluate it"),
    "import.survey_twice": "{employee!r} answered the survey of {program_id!r} twice",
    "import.scale": "scale_max {high} must be above scale_min {low}",
    "import.no_score": "no score: give at least one of {columns}",
    "import.exam_twice": "{employee!r} has two exam results in {program_id!r}",
    "import.not_a_category": "category {category!r} is not one of {categories}",
    "import.negative_amount": "amount {amount} must be 0 or more",
    "import.cost_line_twice": "cost line {line_id!r} of {program_id!r} appears twice",
    # ---- a migration's totals compared with the read models
    "import.not_compared": "not compared yet",
    "import.not_projected": "not in the read models (has the projector caught up?)",
    "import.changed_by_exam_answers": (
        "changed since this file by data load exam-answers: {sources}"
    ),
    "import.changed_by_costs": (
        "changed since this file by cost lines corrected or added: {sources}"
    ),
    "import.differs": "the read models differ from the file",
    # ---- what the report says at its end
    "import.nothing_imported": (
        "{count} row(s) rejected: nothing imported (fix them, or pass --accept-valid to import "
        "the valid rows)"
    ),
    "import.nothing_imported.page": (
        "{count} row(s) rejected: nothing imported (fix them, or upload again with “Load the "
        "valid rows even if some are rejected” ticked)"
    ),
    "import.appended": (
        "{appended} event(s) appended to {streams} stream(s) in one transaction; {unchanged} "
        "record(s) already there"
    ),
    "import.programs_appended": (
        "{programs} program(s): {appended} event(s) appended to {streams} stream(s) in one "
        "transaction; {unchanged} record(s) already there"
    ),
}


def in_english(code: str, params: Mapping[str, object]) -> str:
    """The English of ``code`` with its parameters (raw data, as ``params_data`` gives them)."""
    return IMPORT_EN[code].format_map(params)
