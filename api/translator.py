"""The pages' translator: a text, an event's summary, a refusal and a use case's error in the
reader's language.

The words are in the catalogs (``api.i18n``, ``projections.event_texts``,
``api.refusal_texts``, ``services.error_texts``); this module adds the pages' rules for using them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from api.i18n import CATALOG
from api.languages import DEFAULT, LANGUAGES
from api.refusal_texts import ZH_CN as REFUSALS_ZH_CN
from api.refusal_texts import in_chinese
from domain.refusals import NOT_FOUND_CODES, REFUSALS, in_english
from imports.common import Rejection
from imports.report import ImportReport
from projections.event_texts import built_in, decode, render
from services.audit_texts import audit_detail
from services.error_texts import say
from services.kpi_texts import label as kpi_label
from services.validation_texts import describe


class Translator:
    """``t(english)`` in the page's language (English when a text has no entry), and
    ``t.event(entry)``: a timeline entry's summary from its message keys (its stored English
    summary for a row written before messages were kept)."""

    def __init__(self, lang: str) -> None:
        self.lang = lang if lang in LANGUAGES else DEFAULT
        self.table = CATALOG.get(self.lang, {})

    def __call__(self, text: str) -> str:
        return self.table.get(text, text)

    def name(self, text: str) -> str:
        """A name as the page shows it: in this language when the product gave it (the
        built-in approval step, ``projections.event_texts.BUILT_IN_NAMES``), as written else."""
        return built_in(text, self.lang)

    def sentences(self, *said: str) -> str:
        """Sentences one after the other: a space between them in English, none after a
        Chinese full stop."""
        return ("" if self.lang == "zh-CN" else " ").join(part for part in said if part)

    def kpi(self, kpi: str) -> str:
        """A KPI's name (``plan_completion``) in this language."""
        return kpi_label(kpi, "", self.table)

    def problem(self, detail: str) -> str:
        """What a check of the log or the proofs found, in this language
        (``services.audit_texts``)."""
        return audit_detail(detail, self.lang)

    def event(self, entry: Mapping[str, Any], zone: str | None = None) -> str:
        """A timeline entry's summary in this language, its instants in ``zone``."""
        stored = entry.get("message")
        message = decode(stored) if isinstance(stored, str) else None
        if message is None:
            return str(entry.get("summary", ""))
        return render(message, self.lang, zone)

    def refusal(self, exc: BaseException) -> str:
        """Why the rules refused an action, from its code (``domain.refusals``) in this
        language; its English words when it has no code or its parameters do not fit."""
        return self._refusal(getattr(exc, "code", ""), getattr(exc, "params", {}), str(exc))

    def _refusal(self, code: object, params: object, english: str) -> str:
        if not isinstance(code, str) or not isinstance(params, dict):
            return english
        chinese = self.lang == "zh-CN"
        template = (REFUSALS_ZH_CN if chinese else REFUSALS).get(code)
        if template is None:
            return english
        try:
            if chinese:
                return template.format_map(in_chinese(params))
            return in_english(template, {str(k): str(v) for k, v in params.items()})
        except (KeyError, ValueError, IndexError):
            return english

    def error(self, exc: BaseException) -> str:
        """A use case's error (``services.error_texts``) in this language, from its key; a
        refusal of the rules passed on by its code; its English words otherwise."""
        return self.keyed(getattr(exc, "key", ""), getattr(exc, "params", {}), str(exc))

    def keyed(self, key: object, params: object, english: str) -> str:
        """Words said by a key: a use case's or an import's (``services.error_texts``), or a
        rule's (``domain.refusals``); ``english`` when neither fits."""
        said = (
            say(key, params, self.lang)
            if isinstance(key, str) and isinstance(params, dict)
            else None
        )
        return said if said is not None else self._refusal(key, params, english)

    def rejected_row(self, row: Rejection) -> str:
        """Why an import rejected a row: pydantic's errors field by field, else its key."""
        if row.errors and self.lang != "en":
            return describe(row.errors, self.lang)
        return self.keyed(row.code, row.params, row.reason)

    def report(self, report: ImportReport) -> ImportReport:
        """An import's report with its last words and every rejected row's ``problem`` in
        this language (a copy)."""
        said = report.model_copy(deep=True)
        said.message = self.keyed(report.message_code, report.message_params, report.message)
        for row in said.rejected:
            row.problem = self.rejected_row(row)
        for check in said.reconciliation:
            if check.reason_code:
                check.reason = self.keyed(check.reason_code, check.reason_params, check.reason)
        return said

    def refused(self, exc: BaseException) -> str:
        """A refusal as the pages show it: "refused: " and why; a session or task the program
        does not have is not found, not refused, and said without it."""
        if getattr(exc, "code", "") in NOT_FOUND_CODES:
            return self.refusal(exc)
        return f"{self('refused:')} {self.refusal(exc)}"


def translator(lang: str) -> Translator:
    return Translator(lang)
