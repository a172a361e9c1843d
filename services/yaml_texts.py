"""What PyYAML's parser says is wrong, as one phrase in Simplified Chinese.

PyYAML explains a syntax error in five lines of English (the context, the problem, each with
the document's line drawn under a caret); the configuration's error keeps only the problem
and where it is (line and column), and a zh-CN reader gets the problem in Chinese from here.
A problem this table does not know is said in general words, never in English (issue 16).
"""

from __future__ import annotations

import re

#: The parser's and scanner's problems, as patterns, with their Chinese; a named group fills
#: the placeholder of the same name (a token as PyYAML names it, e.g. ``'<block end>'``).
YAML_PROBLEMS_ZH_CN: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), chinese)
    for pattern, chinese in (
        (
            r"mapping values are not allowed here",
            "此处不能出现“键: 值”;请检查缩进,或给含冒号的文字加引号",
        ),
        (r"could not find expected ':'", "找不到应有的“:”"),
        (r"did not find expected key", "找不到应有的键;请检查缩进"),
        (r"did not find expected node content", "找不到应有的内容"),
        (r"did not find expected '-' indicator", "找不到应有的“-”"),
        (r"did not find expected comment or line break", "此处应为注释或换行"),
        (r"found unexpected end of stream", "文档意外结束;可能缺少引号或括号"),
        (r"found undefined alias (?P<what>.+)", "未定义的别名 {what}"),
        (
            r"found character (?P<what>.+) that cannot start any token",
            "字符 {what} 不能出现在此处;缩进请用空格,不要用 Tab",
        ),
        (r"found unknown escape character (?P<what>.+)", "未知的转义字符 {what}"),
        (
            r"expected (?P<wanted>.+), but (?:got|found) (?P<what>.+)",
            "此处应为{wanted},实际为{what}",
        ),
    )
)

#: The parser's names for what it expected or found, in words; anything else (a quoted
#: character such as ``']'``) is shown as PyYAML quotes it.
YAML_TOKENS_ZH_CN: dict[str, str] = {
    "the node content": "内容",
    "<stream end>": "文档结尾",
    "<stream start>": "文档开头",
    "<document start>": "文档开始标记",
    "<document end>": "文档结束标记",
    "<block end>": "块的结尾",
    "<block mapping start>": "键值块",
    "<block sequence start>": "列表块",
    "<block collection start>": "列表或键值块",
    "<flow mapping start>": "“{”",
    "<flow sequence start>": "“[”",
    "<flow mapping end>": "“}”",
    "<flow sequence end>": "“]”",
    "<scalar>": "值",
    "<alias>": "别名",
    "<anchor>": "锚点",
    "<tag>": "标签",
    "<key>": "键",
    "<value>": "值",
    "<block entry>": "“-”列表项",
    "<flow entry>": "“,”",
    "a comment or a line break": "注释或换行",
    "a directive": "指令",
}

#: Said for a problem the table does not know.
UNKNOWN_ZH_CN = "此处无法解析"


def yaml_problem_in_chinese(english: str) -> str:
    """PyYAML's ``problem`` (one line of English) in Chinese."""
    for pattern, chinese in YAML_PROBLEMS_ZH_CN:
        found = pattern.fullmatch(english)
        if found:
            words = {name: _tokens(value) for name, value in found.groupdict().items()}
            return chinese.format_map(words)
    return UNKNOWN_ZH_CN


def _tokens(english: str) -> str:
    """``'<stream end>'`` or ``',' or ']'`` in words."""
    said = [
        YAML_TOKENS_ZH_CN.get(token.strip("'"), YAML_TOKENS_ZH_CN.get(token, token))
        for token in english.split(" or ")
    ]
    return " 或 ".join(said)
