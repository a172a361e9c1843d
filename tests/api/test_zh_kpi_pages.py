"""The KPI dashboard and its drill-down in zh-CN: samples, notes and survey dimensions come
from ``services.kpi_texts`` (the catalog ``trainops kpi report`` says them from), never the
English the domain writes them in."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest_asyncio

from tests.api.conftest import World
from tests.projections.evaluation_log import build

CHINESE = {"accept-language": "zh-CN,zh;q=0.9"}
#: The domain's English around numbers: a sample's, a note's or a survey dimension's words.
ENGLISH = re.compile(
    r"benefits|costs|trained|control|too little|no data|one response|\bn/a\b|"
    r"↳ (content|instructor|format|venue)\b"
)


@pytest_asyncio.fixture
async def evaluated(world: World, tmp_path: Path) -> AsyncIterator[World]:
    build(world.h.db.store, tmp_path)
    world.h.db.projector.catch_up()
    yield world


async def test_the_dashboard_says_samples_notes_and_dimensions_in_chinese(
    evaluated: World,
) -> None:
    async with evaluated.browser("aud.sun") as auditor:
        page = await auditor.get("/kpi", headers=CHINESE)
        english = await auditor.get("/kpi", headers={"accept-language": "en"})
    assert page.status_code == 200, page.text
    html = page.text
    assert "收益 1284.00 / 成本 530.30" in html and "培训组 8 人,对照组 8 人;DiD" in html
    assert "数据太少:培训组 3 人、对照组 12 人,每组至少需要 5 人" in html
    assert "↳ 内容" in html
    assert not ENGLISH.search(html), ENGLISH.search(html)
    assert "benefits 1284.00" in english.text and "↳ content" in english.text


async def test_a_drill_down_says_its_sample_in_chinese(evaluated: World) -> None:
    href = "/programs?kpi=roi_percent&scope=specialist&name=spec0&period=2027-Q1"
    async with evaluated.browser("aud.sun") as auditor:
        page = await auditor.get(href, headers=CHINESE)
    assert page.status_code == 200, page.text
    assert "收益 1284.00 / 成本 530.30" in page.text and not ENGLISH.search(page.text)
