"""docs/configuration.md's settings table is the one ``runtime.settings_table`` makes from the
``Settings`` object: a new setting, a changed default or description shows on the page."""

from __future__ import annotations

from pathlib import Path

import pytest

from runtime.settings import Settings
from runtime.settings_table import BEGIN, END, replaced, table

PAGE = Path(__file__).resolve().parents[1] / "docs" / "configuration.md"


def test_every_setting_says_what_it_is() -> None:
    undescribed = [n for n, f in Settings.model_fields.items() if not (f.description or "").strip()]
    assert not undescribed, f"give these a description in runtime/settings.py: {undescribed}"


def test_the_page_shows_the_table_made_from_the_settings() -> None:
    page = PAGE.read_text(encoding="utf-8")
    assert page == replaced(page), (
        "docs/configuration.md's settings table differs from runtime/settings.py: run "
        "`python -m runtime.settings_table docs/configuration.md`"
    )
    for name in ("API_HOST", "API_PORT", "API_MAX_REQUEST_BYTES"):
        assert f"| `TRAINOPS_{name}` |" in page


def test_a_setting_missing_from_the_page_is_found() -> None:
    page = PAGE.read_text(encoding="utf-8")
    row = next(line for line in table().splitlines() if "`TRAINOPS_API_PORT`" in line)
    assert replaced(page.replace(row + "\n", "")) != page.replace(row + "\n", "")


def test_the_table_says_defaults_as_the_environment_writes_them() -> None:
    rows = {line.split(" | ")[0]: line for line in table().splitlines()}
    assert "| `true` |" in rows["| `TRAINOPS_API_COOKIE_SECURE`"]
    assert "| `120` |" in rows["| `TRAINOPS_TEMPORAL_CONNECT_WAIT_SECONDS`"]
    assert "| unset |" in rows["| `TRAINOPS_CONFIG_FILE`"]
    assert "| empty |" in rows["| `TRAINOPS_TRUSTED_PROXIES`"]


def test_a_page_without_the_markers_is_refused() -> None:
    with pytest.raises(ValueError, match="markers"):
        replaced("# a page\n")
    assert BEGIN in PAGE.read_text() and END in PAGE.read_text()
