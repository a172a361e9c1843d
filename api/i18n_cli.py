"""Simplified Chinese for the command line's own words (errors, warnings, headings, labels,
prompts); kept beside ``api.i18n``, which merges it. The English text is the key; ``{name}`` is
a parameter the command line fills after translating."""

from __future__ import annotations

CLI_ZH_CN: dict[str, str] = {}
