"""The command line's own words in the reader's language: ``--lang``, else ``TRAINOPS_LANG``,
else the POSIX locale as gettext reads it (``api.languages``); English when nothing says.

``t("English text", name=value)`` looks the text up in the catalog the pages use (``api.i18n``)
and then fills ``{name}``: user text only ever goes in as a parameter. English needs no lookup,
so an English run imports no catalog at all. Event summaries and refusals come from the API with
their message keys and codes and are put into words here, from the same catalogs as the pages.
``--json`` never goes through here: it carries keys and codes, not words.
"""

from __future__ import annotations

import errno
import os
import sys
from collections.abc import Mapping

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (trainops.quick)
if TYPE_CHECKING:
    from typing import Any

_chosen: list[str] = []
_warned: list[str] = []  # the TRAINOPS_LANG value already said to be unknown (once a process)


def choose(lang: str | None) -> None:
    """The language ``--lang`` asked for (already checked against ``api.languages``); None:
    back to the environment's (each run in a process starts from there)."""
    _chosen[:] = [] if lang is None else [lang]


def language() -> str:
    if _chosen:
        return _chosen[0]
    from api.languages import from_environment

    _unknown_setting(os.environ.get("TRAINOPS_LANG", ""))
    return from_environment(os.environ)


def _unknown_setting(value: str) -> None:
    """TRAINOPS_LANG names a language trainops does not speak (``fr``): said once on stderr,
    with the ones it does, rather than silently falling back (a locale such as ``LANG=fr_FR``
    is the whole system's, so it falls back quietly)."""
    from api.languages import LANGUAGES, supported

    if not value.strip() or supported(value) is not None or value in _warned:
        return
    _warned.append(value)  # first: the warning's own words ask for the language again
    said = t(
        "TRAINOPS_LANG={value} is not a language trainops speaks ({known}); the messages "
        "are in the locale's language or English",
        value=value,
        known=", ".join(LANGUAGES),
    )
    # as trainops.render.warn says it (which reads this module: not imported back from here)
    print(f"{t('warning:')} {said}", file=sys.stderr)


def t(text: str, /, **params: Any) -> str:
    """``text`` in the chosen language, with ``{name}`` filled from ``params``."""
    lang = language()
    if lang != "en":
        from api.i18n import CATALOG

        text = CATALOG.get(lang, {}).get(text, text)
    return in_english(text, **params)


def unreadable(exc: BaseException) -> str:
    """Why a file could not be read, in the chosen language: the system's reason by its
    number (never "[Errno 2] ..."), a file that is not UTF-8 by its byte; else as said."""
    if isinstance(exc, UnicodeDecodeError):
        return t("not UTF-8 text (byte {byte})", byte=exc.start + 1)
    if not isinstance(exc, OSError) or not exc.strerror:
        return str(exc)
    if exc.errno == errno.ENOENT:
        return t("no such file or directory")
    if exc.errno in (errno.EACCES, errno.EPERM):
        return t("permission denied")
    if exc.errno == errno.EISDIR:
        return t("it is a directory")
    if exc.errno == errno.ENOTDIR:
        return t("a part of the path is not a directory")
    return exc.strerror


def in_english(text: str, /, **params: Any) -> str:
    """``text`` as written, with ``{name}`` filled: words that go into ``--json``."""
    return text.format_map(params) if params else text


def name(text: str) -> str:
    """A name in the chosen language when the product gave it (the built-in approval step and
    policy); as written when a person did."""
    lang = language()
    if lang == "en":
        return text
    from projections.event_texts import built_in

    return built_in(text, lang)


def kpi_subject(kpi: str, subject: str) -> str:
    """What a KPI's detail row is about: a survey's built-in dimension (``instructor``) in the
    chosen language; a course, a resource or a knowledge point as written."""
    lang = language()
    if lang == "en" or kpi != "satisfaction":
        return subject
    from api.i18n import SURVEY_DIMENSIONS

    return SURVEY_DIMENSIONS.get(lang, {}).get(subject, subject)


def kpi_label(kpi: str, subject: str) -> str:
    """A KPI's name in the chosen language, with what it is about (a study) as written."""
    from services.kpi_texts import label

    lang = language()
    if lang == "en":
        return label(kpi, subject, {})
    from api.i18n import CATALOG

    return label(kpi, subject, CATALOG.get(lang, {}))


def heading(column: str) -> str:
    """A table's column heading: the field's name in English (what ``--json`` calls it), its
    translation otherwise."""
    return t(column)


def event(entry: Mapping[str, Any], zone: str | None = None, *, utc: bool = False) -> str:
    """A timeline entry's summary from its message keys (instants in ``zone``, labelled); its
    English summary when the row was written before messages were kept."""
    from projections.event_texts import decode, render

    stored = entry.get("message")
    message = decode(stored) if isinstance(stored, str) else None
    if message is None:
        return str(entry.get("summary", ""))
    return render(message, language(), zone, utc=utc)


def error(code: str, params: Mapping[str, Any], english: str) -> str:
    """The server's error by its ``code`` in the chosen language: a use case's error
    (``services.error_texts``) or a refusal of the rules; the server's English words when
    there is no Chinese for it or its parameters do not fit."""
    if language() != "zh-CN" or not code:
        return english
    from services.error_texts import say

    said = say(code, params, "zh-CN")
    return said if said is not None else refusal(code, params, english)


def startup_error(exc: BaseException) -> str:
    """The line that stops a process at start (``runtime.startup``) in the chosen language
    (``services.startup_texts``): an error with a message key (the database, a signing or seal
    key, a configuration file) or bad settings in its words."""
    from services.startup_texts import startup_line

    return startup_line(exc, language())


def refusal(code: str, params: Mapping[str, Any], english: str) -> str:
    """A refusal from its code (``domain.refusals``) in the chosen language; the server's English
    words when there is no Chinese for it or its parameters do not fit."""
    if language() != "zh-CN" or not code:
        return english
    from api.refusal_texts import ZH_CN, in_chinese

    template = ZH_CN.get(code)
    if template is None:
        return english
    from domain.refusals import NOT_FOUND_CODES

    try:
        said = template.format_map(in_chinese(params))
    except (KeyError, ValueError, IndexError):
        return english
    return said if code in NOT_FOUND_CODES else f"{t('refused:')} {said}"
