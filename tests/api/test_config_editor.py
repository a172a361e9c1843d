"""The configuration editor over plain HTTP (no scripts): the check endpoint answers with the
save's own validation and line numbers, and a save shows the change as a diff against the
version in force and records nothing until it is confirmed."""

from __future__ import annotations

import hashlib
import html
import re
from pathlib import Path

from domain.streams import CONFIG_STREAM
from tests.api.conftest import World, csrf_of

EXAMPLE = Path(__file__).resolve().parents[2] / "config" / "trainops.example.yaml"
DOCUMENT = EXAMPLE.read_text(encoding="utf-8")


def saved_versions(world: World) -> int:
    return world.h.db.store.stream_version(CONFIG_STREAM)


def textarea(page: str) -> str:
    found = re.search(r'<textarea id="document"[^>]*>(.*?)</textarea>', page, re.S)
    assert found is not None, "no editor on the page"
    return html.unescape(found.group(1))


async def test_the_check_names_the_line_and_saves_nothing(world: World) -> None:
    async with world.browser("adm.qian") as page:
        token = csrf_of((await page.get("/admin/config")).text)
        headers = {"X-CSRF-Token": token}
        bad = DOCUMENT.replace("quorum: 2", "quorum: 9")
        # the step the quorum is wrong for: its own line, where the save's message points
        line = next(n for n, text in enumerate(bad.splitlines(), 1) if "id: committee" in text)
        answer = await page.post("/admin/config/check", json={"document": bad}, headers=headers)
        assert answer.status_code == 200
        [problem] = answer.json()["problems"]
        assert answer.json()["valid"] is False
        assert problem["line"] == line and "quorum 9 exceeds" in problem["message"]

        broken = await page.post(
            "/admin/config/check", json={"document": "approval:\n  name: [x\n"}, headers=headers
        )
        # the line where the bracket opened (once the line past the document's end)
        assert broken.json()["valid"] is False and broken.json()["problems"][0]["line"] == 2
        assert "this [ is never closed" in broken.json()["problems"][0]["message"]

        empty = await page.post(
            "/admin/config/check", json={"document": "# nothing\n"}, headers=headers
        )
        assert empty.json()["problems"] == [
            {"line": None, "message": empty.json()["problems"][0]["message"]}
        ]
        assert "empty" in empty.json()["problems"][0]["message"]

        good = await page.post("/admin/config/check", json={"document": DOCUMENT}, headers=headers)
        assert good.json()["valid"] is True and good.json()["problems"] == []
        # the example's people are not this world's users: saved all the same, but said
        assert any("hr.zhang" in warning for warning in good.json()["warnings"])

        no_token = await page.post("/admin/config/check", json={"document": DOCUMENT})
        assert no_token.status_code == 403
    async with world.browser("aud.sun") as auditor:
        token = csrf_of((await auditor.get("/admin/config")).text)
        refused = await auditor.post(
            "/admin/config/check", json={"document": DOCUMENT}, headers={"X-CSRF-Token": token}
        )
        assert refused.status_code == 403
    async with world.client("adm.qian") as script:
        assert (await script.post("/admin/config/check", json={})).status_code == 422
    assert saved_versions(world) == 0


async def test_a_save_shows_the_diff_and_waits_for_the_confirm(world: World) -> None:
    world.settings.config_file = EXAMPLE
    async with world.browser("adm.qian") as page:
        opened = (await page.get("/admin/config")).text
        assert textarea(opened) == DOCUMENT  # the editor opens on the YAML in force
        form = {
            "csrf_token": csrf_of(opened),
            "expected_version": "0",
            "document": DOCUMENT.replace("hr.li", "hr.wu"),
            "comment": "Li moved to sales",
        }
        review = await page.post("/admin/config", data=form)
        assert review.status_code == 200 and 'data-testid="config-confirm"' in review.text
        shown = review.text.split('data-testid="config-diff"')[1].split("</pre>")[0]
        # one element a line, nothing between them (a newline there doubled every line)
        assert "</span>\n" not in shown and "</span><span" in shown
        diff = "\n".join(html.unescape(x) for x in re.findall(r"<span[^>]*>(.*?)</span>", shown))
        assert "--- in force" in diff and "+++ new version" in diff
        in_chinese = await page.post(
            "/admin/config", data=form, headers={"Accept-Language": "zh-CN"}
        )
        assert "--- 生效中" in in_chinese.text and "+++ 新版本" in in_chinese.text
        removed = [x for x in diff.splitlines() if x.startswith("-") and not x.startswith("---")]
        added = [x for x in diff.splitlines() if x.startswith("+") and not x.startswith("+++")]
        assert removed and all("hr.li" in x for x in removed)
        assert [x[1:].replace("hr.wu", "hr.li") for x in added] == [x[1:] for x in removed]
        assert 'class="diff-add"' in review.text and 'class="diff-del"' in review.text
        assert saved_versions(world) == 0  # nothing saved before the confirm

        back = await page.post("/admin/config", data={**form, "edit": "yes"})
        assert back.status_code == 200 and textarea(back.text) == form["document"]
        assert saved_versions(world) == 0

        same = await page.post("/admin/config", data={**form, "document": DOCUMENT})
        assert 'data-testid="config-no-change"' in same.text

        invalid = await page.post(
            "/admin/config", data={**form, "document": "approval: [", "confirm": "yes"}
        )
        assert invalid.status_code == 422 and "line 1" in invalid.text
        assert saved_versions(world) == 0

        done = await page.post("/admin/config", data={**form, "confirm": "yes"})
        assert done.status_code == 303 and done.headers["location"] == "/admin/config?saved=1"
        assert saved_versions(world) == 1
        reopened = (await page.get("/admin/config")).text
        assert textarea(reopened) == form["document"]
        whole = hashlib.sha256(form["document"].encode()).hexdigest()
        assert f'<code class="hash">{whole}</code>' in reopened  # the history's hash, whole
    [event] = world.h.db.store.read_stream(CONFIG_STREAM)
    assert event.payload["comment"] == "Li moved to sales"


POLICY = """\
approval:
  name: staffed
  admins: [adm.qian, mgr.wang]
  groups:
    reviewers: [mgr.wang, ghost.one]
  department_managers:
    HR: mgr.chen
  steps:
    - id: review
      name: Review
      approvers: {group: reviewers}
      sla_working_days: 2
      escalate_to: lead.gone
    - id: final
      name: Final
      approvers: {people: [mgr.chen, spec.li]}
"""


async def test_people_the_policy_names_who_are_no_active_approvers_are_warned_of(
    world: World,
) -> None:
    """Warned of, never refused (users may be created after the policy): by the editor's
    check, the API's save and in the reader's language; active approvers pass unnamed."""
    world.users.set_active("mgr.chen", False)
    async with world.browser("adm.qian") as page:
        token = csrf_of((await page.get("/admin/config")).text)
        headers = {"X-CSRF-Token": token}
        checked = await page.post("/admin/config/check", json={"document": POLICY}, headers=headers)
        zh = await page.post(
            "/admin/config/check",
            json={"document": POLICY},
            headers={**headers, "Accept-Language": "zh-CN"},
        )
    assert checked.json()["valid"] is True
    assert checked.json()["warnings"] == [
        "group reviewers names ghost.one, who is not an active user with the approver role",
        "the manager of department HR, mgr.chen, is not an active user with the approver role",
        "step review escalates to lead.gone, who is not an active user with the approver role",
        "step final names mgr.chen, who is not an active user with the approver role",
        "step final names spec.li, who is not an active user with the approver role",
        "admins names mgr.wang, who is not an active user with the admin role",
    ]
    assert "组 reviewers 中的 ghost.one 不是具有审批人角色的在用用户" in zh.json()["warnings"]
    assert saved_versions(world) == 0  # a check saves nothing
    async with world.client("adm.qian") as admin:
        saved = await admin.put(
            "/api/v1/config", json={"document": POLICY, "comment": "", "expected_version": 0}
        )
    assert saved.status_code == 200, saved.text
    assert len(saved.json()["warnings"]) == 6
    assert saved_versions(world) == 1


async def test_without_scripts_the_confirm_and_saved_pages_show_the_warnings(
    world: World,
) -> None:
    """A trial: the editor's check warned of unknown people while typing, and ``config apply``
    printed them, but the form's confirm page and the saved page said nothing."""
    ghost = "approval:\n  name: ghosts\n  admins: [adm.qian, ghost.admin]\n" + (
        "  steps:\n    - id: review\n      name: Review\n      approvers: {plan_approvers: true}\n"
        "      sla_working_days: 2\n      escalate_to: nobody\n"
    )
    async with world.browser("adm.qian") as page:
        opened = (await page.get("/admin/config")).text
        form = {
            "csrf_token": csrf_of(opened),
            "expected_version": "0",
            "document": ghost,
            "comment": "ghosts",
        }
        for lang, words in (
            ("en", ["ghost.admin, who is not an active user", "escalates to nobody"]),
            ("zh-CN", ["ghost.admin", "nobody", "此版本可以保存,但有以下警告"]),
        ):
            review = await page.post("/admin/config", data=form, headers={"Accept-Language": lang})
            assert review.status_code == 200 and 'data-testid="config-confirm"' in review.text
            warned = review.text.split('data-testid="config-warnings"')[1].split("</div>")[0]
            assert all(w in warned for w in words), warned
            assert "trainops users create" in warned
        assert saved_versions(world) == 0
        done = await page.post("/admin/config", data={**form, "confirm": "yes"})
        assert done.status_code == 303, done.text
        shown = (await page.get(done.headers["location"])).text
        assert 'data-testid="config-saved"' in shown
        warned = shown.split('data-testid="config-warnings"')[1].split("</div>")[0]
        assert "ghost.admin, who is not an active user" in warned and "nobody" in warned
        # the page without ?saved (no save just made) is not cluttered with them
        assert 'data-testid="config-warnings"' not in (await page.get("/admin/config")).text
        # the same document again: nothing to save, and the warnings are the version in force's
        # (a trial: "This version can be saved" above "there is nothing to save")
        again = await page.post(
            "/admin/config",
            data={**form, "csrf_token": csrf_of(shown), "expected_version": "1"},
        )
        assert 'data-testid="config-no-change"' in again.text
        warned = again.text.split('data-testid="config-warnings"')[1].split("</div>")[0]
        assert "The version in force has these warnings:" in warned
        assert "can be saved" not in again.text
