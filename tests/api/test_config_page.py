"""Admins (and auditors) see the configuration in force; a bad file is shown, not half-used."""

from __future__ import annotations

from pathlib import Path

from services.error_texts import ZH_CN
from tests.api.conftest import World

EXAMPLE = Path(__file__).resolve().parents[2] / "config" / "trainops.example.yaml"


async def test_the_configuration_page(world: World, tmp_path: Path) -> None:
    async with world.browser("spec.li") as page:
        assert (await page.get("/admin/config")).status_code == 403
    async with world.browser("adm.qian") as page:
        defaults = await page.get("/admin/config")
        assert defaults.status_code == 200 and 'data-testid="policy-steps"' in defaults.text
        assert 'data-testid="thresholds"' in defaults.text
        world.settings.config_file = EXAMPLE
        example = (await page.get("/admin/config")).text
        assert "standard-2027" in example and "hr-managers" in example and "wecom" in example
        bad = tmp_path / "bad.yaml"
        bad.write_text(EXAMPLE.read_text().replace("quorum: 2", "quorum: 9"))
        world.settings.config_file = bad
        broken = (await page.get("/admin/config")).text
        assert 'data-testid="config-error"' in broken and "quorum 9 exceeds" in broken
        assert 'data-testid="policy-steps"' not in broken
        # a file that cannot be read at all is said in the reader's language too
        bad.write_bytes(b"\xff\xfe not UTF-8")
        zh = {"Accept-Language": "zh-CN"}
        unreadable = (await page.get("/admin/config", headers=zh)).text
        assert 'data-testid="config-error"' in unreadable
        assert "无法读取" in ZH_CN["config.cannot_read"] and "无法读取" in unreadable
    async with world.client("adm.qian") as api:
        over_json = await api.get("/api/v1/config")
    assert over_json.status_code == 503, over_json.text
    assert over_json.json()["code"] == "config.cannot_read"
    assert over_json.json()["params"]["source"].endswith("bad.yaml")
    async with world.browser("aud.sun") as page:
        assert (await page.get("/admin/config")).status_code == 200


async def test_the_editor_opens_on_the_yaml_in_force_and_the_policy_reads_in_words(
    world: World,
) -> None:
    """A fresh installation's editor holds the built-in defaults as YAML that saves as is; the
    policy's conditions and approvers read as words, never as a Python dict."""
    import html
    import re

    from activities.admin_config import AdminConfig, parse_admin_config

    async with world.browser("adm.qian") as page:
        fresh = (await page.get("/admin/config")).text
        found = re.search(r'<textarea id="document"[^>]*>(.*?)</textarea>', fresh, re.S)
        assert found is not None
        document = html.unescape(found.group(1))
        assert "plan_approvers: true" in document
        assert parse_admin_config(document) == AdminConfig()
        world.settings.config_file = EXAMPLE
        example = (await page.get("/admin/config")).text
    assert "budget above 50,000" in example and "the department&#39;s manager" in example
    assert "{&#39;" not in example and "{'" not in example


async def test_the_steps_time_limit_is_headed_as_the_command_line_heads_it(world: World) -> None:
    """A trial: the zh-CN page said "SLA" where `config check` says 时限(工作日)."""
    async with world.browser("adm.qian") as page:
        zh = (await page.get("/admin/config", headers={"Accept-Language": "zh-CN"})).text
        en = (await page.get("/admin/config")).text
    steps = zh.split('data-testid="policy-steps"')[1].split("</table>")[0]
    assert '<th scope="col">时限(工作日)</th>' in steps and 'data-label="时限(工作日)"' in steps
    assert ">SLA<" not in steps
    assert '<th scope="col">SLA (working days)</th>' in en
