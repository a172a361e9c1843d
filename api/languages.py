"""Which language a person reads: the pages ask the browser, the command line asks the locale.

Both land on one of ``LANGUAGES``; any Chinese goes to Simplified Chinese (the only Chinese
there is), anything else to English. Imports nothing, so the command line pays nothing for it.
"""

from __future__ import annotations

from collections.abc import Mapping

LANGUAGES: dict[str, str] = {"en": "English", "zh-CN": "简体中文"}


def N_(text: str) -> str:
    """Marks a fixed English message that is said in the reader's language where it is shown
    (an error page's ``t(message)``, a JSON error's ``detail``); the catalog test finds every
    marked text and wants its zh-CN."""
    return text


DEFAULT = "en"

#: Where the command line looks, in order: its own setting, then the POSIX locale the way
#: gettext reads it (the first of these that is set decides).
LOCALE_VARIABLES = ("TRAINOPS_LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")


def supported(tag: str) -> str | None:
    """``zh-CN``, ``zh_CN.UTF-8``, ``zh`` → ``zh-CN``; ``en_GB`` → ``en``; else None."""
    code = tag.strip().split(".")[0].split("@")[0].replace("_", "-").lower()
    if code == "zh" or code.startswith("zh-"):
        return "zh-CN"
    if code == "en" or code.startswith("en-"):
        return "en"
    return None


def _weight(params: list[str]) -> float:
    """An ``Accept-Language`` range's ``q`` (1 when absent, 0 when malformed: RFC 9110 12.4.2)."""
    for param in params:
        name, _, value = param.partition("=")
        if name.strip().lower() == "q":
            try:
                weight = float(value.strip())
            except ValueError:
                return 0.0
            return weight if 0.0 <= weight <= 1.0 else 0.0
    return 1.0


def negotiate(cookie: str | None, accept_language: str | None) -> str:
    """A page's language: the person's choice (cookie), then the browser's most wanted known
    one by its ``q`` weight (the first listed among equals); ``q=0`` means "not this one"."""
    if cookie in LANGUAGES:
        return cookie
    best, best_weight = DEFAULT, 0.0
    for part in (accept_language or "").split(","):
        tag, *params = part.split(";")
        chosen, weight = supported(tag), _weight(params)
        if chosen is not None and weight > best_weight:
            best, best_weight = chosen, weight
    return best


def from_environment(environ: Mapping[str, str]) -> str:
    """The command line's language: ``TRAINOPS_LANG``, then ``LANGUAGE`` (a colon-separated
    list), ``LC_ALL``, ``LC_MESSAGES`` and ``LANG`` as gettext reads them; the first variable
    that is set decides (``C`` or ``POSIX`` there means English)."""
    for name in LOCALE_VARIABLES:
        value = environ.get(name, "")
        if not value:
            continue
        for tag in value.split(":") if name == "LANGUAGE" else [value]:
            chosen = supported(tag)
            if chosen is not None:
                return chosen
        if name != "LANGUAGE":
            return DEFAULT
    return DEFAULT
