"""The admin's configuration editor as a zh-CN reader sees it: the check and a refused save say
what is wrong in Chinese (a NUL byte, a rule of the policy), and the built-in policy and step
are named in Chinese."""

from __future__ import annotations

import html
import re

from tests.api.conftest import World, csrf_of

ZH = {"Accept-Language": "zh-CN,zh;q=0.9"}
CHINESE = re.compile(r"[\u4e00-\u9fff]")
QUORUM = (
    "approval:\n  steps:\n  - id: c\n    name: C\n    approvers: {people: [a, b]}\n    quorum: 3\n"
)


async def test_the_editor_says_what_is_wrong_in_chinese(world: World) -> None:
    async with world.browser("adm.qian") as page:
        editor = await page.get("/admin/config", headers=ZH)
        assert editor.status_code == 200
        shown = html.unescape(editor.text)
        steps = shown.split('data-testid="policy-steps"')[1].split("</table>")[0]
        assert "由计划指定的审批人审批" in steps and "Approval by" not in steps
        assert re.search(r'id="policy-h">[^<]*: 默认</h2>', shown)  # the built-in policy's name
        # the YAML in the editor stays as written: it is the document, not a label
        headers = {**ZH, "X-CSRF-Token": csrf_of(editor.text)}

        nul = await page.post(
            "/admin/config/check", json={"document": "a: 1\nb: \x00\n"}, headers=headers
        )
        [problem] = nul.json()["problems"]
        assert problem == {"line": 2, "message": problem["message"]}
        assert problem["message"].startswith("配置,第 2 行:含有 NUL 字节")

        rule = await page.post("/admin/config/check", json={"document": QUORUM}, headers=headers)
        assert rule.json()["problems"][0]["message"].endswith("法定人数 3 超过了指定的 2 人")

        english = await page.post(
            "/admin/config/check",
            json={"document": QUORUM},
            headers={"X-CSRF-Token": headers["X-CSRF-Token"]},
        )
        assert english.json()["problems"][0]["message"].endswith(
            "quorum 3 exceeds the 2 people named"
        )

        refused = await page.post(
            "/admin/config",
            data={
                "document": "# nothing\n",
                "comment": "",
                "expected_version": "0",
                "csrf_token": headers["X-CSRF-Token"],
            },
            headers=ZH,
        )
        assert refused.status_code == 422
        assert "文档为空:保存它会使内置默认值生效" in html.unescape(refused.text)
