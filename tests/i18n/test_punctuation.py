"""One punctuation in Chinese text: ASCII ``: , ; ( )`` as the interface writes it everywhere,
never the full-width forms beside them (a trial found "错误: 输入无效:无需修订：…", two colons of
two kinds in one line). Every module and template that can hold words a person reads."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FULL_WIDTH = re.compile("[：，；（）]")
WHERE = ("api", "services", "domain", "projections", "activities", "imports", "trainops", "audit")


def test_chinese_text_uses_one_kind_of_punctuation() -> None:
    found = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for folder in WHERE
        for path in sorted((ROOT / folder).rglob("*"))
        if path.suffix in (".py", ".html", ".js")
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if FULL_WIDTH.search(line)
    ]
    assert not found, "\n".join(found)
