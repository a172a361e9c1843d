"""The page's language from the person's cookie, else the browser's Accept-Language by weight."""

from __future__ import annotations

import pytest

from api.languages import negotiate


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("zh-CN,zh;q=0.9,en;q=0.8", "zh-CN"),
        ("en;q=0.1, zh-CN;q=0.9", "zh-CN"),  # weights decide, not the order
        ("fr-FR, zh-TW;q=0.5, en;q=0.4", "zh-CN"),  # unknown ones are passed over
        ("zh-CN;q=0, en;q=0.2", "en"),  # q=0: "not this one"
        ("en-GB, zh;q=1", "en"),  # equal weights: the first listed
        ("zh;q=abc, en;q=0.3", "en"),  # a malformed weight counts as 0
        ("fr", "en"),
        ("", "en"),
        (None, "en"),
    ],
)
def test_the_browsers_most_wanted_known_language_wins(header: str | None, expected: str) -> None:
    assert negotiate(None, header) == expected


def test_the_persons_own_choice_comes_first() -> None:
    assert negotiate("zh-CN", "en") == "zh-CN"
    assert negotiate("klingon", "zh-CN") == "zh-CN"
