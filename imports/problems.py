"""What an import refuses, said by a message key (``imports.texts``) and its parameters:
``str()`` is the English, ``code`` and ``params`` let the edges say it in the reader's
language. A row refused by pydantic keeps pydantic's errors (``errors``), which the edges say
field by field, as they say a request's."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pydantic import ValidationError

from domain.plain_problems import plain_problem
from domain.refusals import param_text, params_data
from imports.texts import in_english


def plain_errors(exc: ValidationError) -> list[dict[str, Any]]:
    """pydantic's errors as data a report can store: where, what and why (``ctx`` as text)."""
    return [
        {
            "loc": [str(part) for part in error["loc"]],
            "msg": error["msg"],
            "type": error["type"],
            "ctx": {name: param_text(value) for name, value in (error.get("ctx") or {}).items()},
        }
        for error in exc.errors(include_url=False)
    ]


def validation_reason(exc: ValidationError) -> str:
    """pydantic's errors in plain English, "field: problem; ...", as a report's ``reason``."""
    return "; ".join(
        f"{'.'.join(str(p) for p in err['loc']) or 'value'}: {plain_problem(err)}"
        for err in exc.errors()
    )


class ImportProblem(Exception):
    """Why an import refuses something: ``code`` (``imports.texts``, or a rule's code from
    ``domain.refusals``), ``params``, and pydantic's ``errors`` when it refused the values."""

    def __init__(
        self,
        code: str,
        /,
        *,
        english: str | None = None,
        errors: Sequence[dict[str, Any]] = (),
        **params: object,
    ) -> None:
        self.code, self.params, self.errors = code, params_data(params), list(errors)
        super().__init__(english if english is not None else in_english(code, self.params))

    @classmethod
    def of(cls, exc: Exception) -> ImportProblem:
        """Another layer's error as one of these: pydantic's errors kept whole, a refusal of the
        rules by its code, any other error by its English words."""
        if isinstance(exc, ImportProblem):
            return cls(exc.code, english=str(exc), errors=exc.errors, **exc.params)
        if isinstance(exc, ValidationError):
            reason = validation_reason(exc)
            return cls("import.invalid_fields", errors=plain_errors(exc), detail=reason)
        code, params = getattr(exc, "code", ""), getattr(exc, "params", None)
        if isinstance(code, str) and code and isinstance(params, dict):
            return cls(code, english=str(exc), **params)
        return cls("import.detail", detail=str(exc))


class FileProblem(ImportProblem):
    """The whole file cannot be read (encoding, format, columns): nothing is imported."""


class RowError(ImportProblem, ValueError):
    """A row that cannot be accepted; its words are the reason in the report. ``where``: the
    one row of a group it is about (its siblings are then refused as "another … is rejected").
    A ``ValueError``, so a value check that raises it inside a model is one too."""

    where: str | None = None

    @classmethod
    def at(cls, where: str | None, exc: Exception) -> RowError:
        """``exc`` as the reason of the row ``where``."""
        problem = cls.of(exc)
        assert isinstance(problem, RowError)
        problem.where = where
        return problem
