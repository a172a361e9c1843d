"""A use case's errors (``services.errors``) carry a message key and its parameters: the catalog
has every key in English and Simplified Chinese with the same parameters; the API sends the key
as ``code`` with ``params``; the error page and the command line say it in the reader's
language, while ``str()`` stays the English sentence."""

from __future__ import annotations

import re
import string
import subprocess
from datetime import timedelta
from pathlib import Path

import httpx
import pytest

from api.dependencies import LANG_COOKIE, SESSION_COOKIE
from api.translator import Translator
from domain.refusals import refused
from services import error_texts
from services.database import Database
from services.errors import Forbidden, Invalid, NotFound, TemporalTimeout, TooManyAttempts
from tests.api.live import cli_signed_in, live_api
from tests.api.test_cli_language import CHINESE
from tests.api.test_cli_manners import TRAINOPS

ROOT = Path(__file__).resolve().parents[2]
#: A key given to a service error where it is raised: ``Kind("error.…"``.
RAISED_KEY = re.compile(r"""\b[A-Z]\w+\(\s*"(error\.[a-z_]+)\"""")
#: A service error raised with its English words instead of a key (a KeyError at run time).
WORDS = re.compile(
    r"""\b(?:NotFound|Forbidden|Conflict|Invalid|NotYetVisible|TemporalUnavailable|TemporalTimeout)"""
    r"""\(\s*(?:f?"(?!error\.)|str\()"""
)
#: What a role check says the person was doing: ``doing="..."``, or the audit routes'
#: ``_auditor(principal, "...")`` (a trial found those left in English).
DOING = re.compile(r"""(?:\bdoing=|_auditor\(principal, )"([^"]+)\"""")


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_every_service_error_key_has_both_languages_with_the_same_parameters() -> None:
    assert set(error_texts.ZH_CN) == set(error_texts.EN)
    for key, english in error_texts.EN.items():
        chinese = error_texts.ZH_CN[key]
        assert _fields(chinese) == _fields(english), key
        if key not in error_texts.PASSED_THROUGH:
            assert CHINESE.search(chinese), key


def test_every_key_raised_and_every_phrase_passed_is_in_the_catalog() -> None:
    sources = [
        *(ROOT / "services").glob("*.py"),
        *(ROOT / "api").rglob("*.py"),
        ROOT / "trainops" / "cli.py",
    ]
    raised: set[str] = set()
    doing: set[str] = set()
    for path in sources:
        source = path.read_text(encoding="utf-8")
        raised |= set(RAISED_KEY.findall(source))
        assert not WORDS.search(source), f'{path.name}: raise Kind("error.…", **params)'
        doing |= set(DOING.findall(source))
    assert len(raised) > 20 and len(doing) > 15  # the scan finds the raise sites
    assert raised <= set(error_texts.EN), sorted(raised - set(error_texts.EN))
    assert doing <= set(error_texts.PHRASES_ZH_CN), sorted(doing - set(error_texts.PHRASES_ZH_CN))


def test_what_every_program_action_does_reads_in_chinese() -> None:
    from services.actions import ACTIONS

    for kind in ACTIONS:
        doing = kind.replace("_", " ")  # as services.programs.check_action names it
        params = {"specialist": "spec", "doing": doing, "username": "mgr"}
        said = error_texts.say("error.not_the_specialist", params, "zh-CN")
        assert said is not None and doing not in said, (kind, said)


#: What a use case asks Temporal to confirm: ``temporal_errors(f"…")`` where it is called.
WHAT_SITE = re.compile(r"""temporal_errors\(f"([^"]+)"\)""")


def test_what_temporal_did_not_confirm_reads_in_chinese_at_every_call_site() -> None:
    from services.actions import ACTIONS

    sites = {
        found
        for path in (ROOT / "services").glob("*.py")
        for found in WHAT_SITE.findall(path.read_text(encoding="utf-8"))
    }
    assert len(sites) >= 2  # the scan finds the call sites
    for site in sites:
        for kind in ACTIONS:  # each site's f-string filled with every action and a program id
            what = re.sub(r"\{[^}]*kind[^}]*\}", kind, site)
            what = re.sub(r"\{[^}]*\}", "'[x] 李'", what)
            said = error_texts.say("error.temporal_timeout", {"what": what}, "zh-CN")
            assert said is not None and "'[x] 李'" in said, (site, kind)
            assert not re.search(r"\b(?:the|of)\b", said), (site, kind, said)


def test_an_error_keeps_its_english_sentence_and_reads_in_the_page_language() -> None:
    missing = NotFound("error.no_program", program_id="[x] 李")
    assert str(missing) == "no program '[x] 李'"
    assert (missing.key, missing.params) == ("error.no_program", {"program_id": "[x] 李"})
    assert Translator("zh-CN").error(missing) == "没有培训项目 '[x] 李'"
    assert Translator("en").error(missing) == "no program '[x] 李'"
    waiting = TooManyAttempts(90)
    assert str(waiting) == "too many failed attempts: try again in 2 minutes"
    assert Translator("zh-CN").error(waiting) == "失败次数过多:请 2 分钟后再试"
    role = Forbidden(
        "error.role_needed", doing="managing users", needed="admin,auditor", username="li", held=""
    )
    assert str(role) == "managing users needs the admin role or the auditor role; li has: none"
    assert Translator("zh-CN").error(role) == "管理用户需要管理员角色或审计员角色;li 拥有的角色:无"
    slow = TemporalTimeout("error.temporal_timeout", what="the plan of 'p'")
    assert Translator("zh-CN").error(slow).startswith("项目 'p' 的计划 未能及时确认")


def test_the_roles_a_refusal_names_are_role_ids_said_in_each_language() -> None:
    """An API client reads which roles were needed and held as data, not English words."""
    from services.people import require_role

    class Trainee:
        username, roles = "li", frozenset({"trainee", "approver"})

        def has(self, *roles: str) -> bool:
            return bool(self.roles & set(roles))

    with pytest.raises(Forbidden) as caught:
        require_role(Trainee(), "admin", "auditor", doing="managing users")
    assert caught.value.params == {
        "doing": "managing users",
        "needed": "admin,auditor",
        "username": "li",
        "held": "approver,trainee",
    }
    assert str(caught.value) == (
        "managing users needs the admin role or the auditor role; li has: approver, trainee"
    )
    said = Translator("zh-CN").error(caught.value)
    assert said == "管理用户需要管理员角色或审计员角色;li 拥有的角色:approver, trainee", said


def test_a_passed_on_error_keeps_a_refusals_code_and_otherwise_its_words() -> None:
    rule = refused("program.reschedule_to_past")
    passed = Invalid.passing(rule)
    assert str(passed) == str(rule)
    assert (passed.key, passed.params) == ("program.reschedule_to_past", {})
    assert Translator("zh-CN").error(passed) == "课次只能改到将来的时间"
    plain = Invalid.passing(ValueError("a password needs at least 12 characters"))
    assert (plain.key, plain.params["detail"]) == ("error.detail", str(plain))
    assert Translator("zh-CN").error(plain) == "a password needs at least 12 characters"


def test_the_missing_program_reads_in_chinese_on_the_page_and_as_code_in_the_api(
    database: Database,
) -> None:
    with live_api(database) as live:
        live.users.create_user("li", "a long password for li", ["specialist"])
        secret, _ = live.users.start_session("li", timedelta(hours=1))
        token = live.users.issue_token("li", "test")[1]
        cookies = {SESSION_COOKIE: secret, LANG_COOKIE: "zh-CN"}
        page = httpx.get(f"{live.url}/programs/nope", cookies=cookies)
        assert page.status_code == 404
        alert = re.search(r'data-testid="error"([^>]*)>([^<]*)<', page.text)
        assert alert is not None, page.text
        assert alert.group(2) == "没有培训项目 &#39;nope&#39;", alert.group(2)
        assert 'lang="en"' not in alert.group(1)
        english = httpx.get(f"{live.url}/programs/nope", cookies={SESSION_COOKIE: secret})
        assert "no program &#39;nope&#39;" in english.text
        answer = httpx.get(
            f"{live.url}/api/v1/programs/nope", headers={"Authorization": f"Bearer {token}"}
        )
        assert answer.status_code == 404
        assert answer.json() == {
            "detail": "no program 'nope'",
            "code": "error.no_program",
            "params": {"program_id": "nope"},  # data; the text quotes it
        }


def test_the_command_line_says_a_missing_program_in_chinese_on_stderr(
    database: Database, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    with cli_signed_in(database, monkeypatch, tmp_path, "li", ["specialist"]):
        done = subprocess.run(
            [TRAINOPS, "--lang", "zh-CN", "program", "show", "nope"],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    assert done.returncode == 4, done
    assert done.stdout == ""
    assert done.stderr.strip() == "错误: 没有培训项目 'nope'", done.stderr


def test_account_errors_carry_keys_and_read_in_both_languages() -> None:
    from accounts.model import UserError, check_password, check_roles, check_username

    raised = set(re.findall(r'"(error\.[a-z_]+)"', _accounts_source()))
    assert len(raised) >= 8 and raised <= set(error_texts.EN), sorted(raised - set(error_texts.EN))
    for bad in (
        lambda: check_username("no spaces allowed"),
        lambda: check_roles(["boss"]),
        lambda: check_password("short"),
        lambda: check_password("x" * 2000),
    ):
        with pytest.raises(UserError) as caught:
            bad()
        assert Translator("en").error(caught.value) == str(caught.value)
        chinese = Translator("zh-CN").error(caught.value)
        assert CHINESE.search(chinese) and chinese != str(caught.value), chinese
        passed = Invalid.passing(caught.value)  # as the services and the API pass it on
        assert (passed.key, str(passed)) == (caught.value.key, str(caught.value))


def _accounts_source() -> str:
    return "".join(p.read_text(encoding="utf-8") for p in (ROOT / "accounts").glob("*.py"))
