"""What the log's checks found (``trainops log verify``, ``audit verify``, ``audit proofs``), in
the reader's language.

The checks say each problem in one English sentence with its positions, seals and keys in it
(``eventlog.verify``, ``audit.checks``, ``audit.verify``, ``audit.proofs``, ``domain.seals``):
those sentences are the API's and the stored reports' words. Their Simplified Chinese is built
here by matching the known sentences, as ``services.sentence_texts`` does for the validators';
a sentence not known here keeps its English (a gap, never a wrong sentence). A test says every
sentence the checks write has its Chinese.
"""

from __future__ import annotations

import re

_N = r"(?P<{}>\d+)"


def _p(text: str) -> re.Pattern[str]:
    """A sentence with ``{name}`` holes as a pattern: a hole is any text, ``{n:name}`` digits."""
    pattern = re.escape(text)
    pattern = re.sub(r"\\\{n:(\w+)\\\}", lambda m: _N.format(m.group(1)), pattern)
    pattern = re.sub(r"\\\{(\w+)\\\}", lambda m: f"(?P<{m.group(1)}>.+?)", pattern)
    return re.compile(pattern, re.DOTALL)


#: (English sentence with holes, its Chinese). The longer and more specific sentences first:
#: the first that matches the whole detail is used.
AUDIT_ZH_CN: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (_p(english), chinese)
    for english, chinese in (
        # the hash chain (eventlog.verify, audit.verify)
        ("position out of order", "位置顺序错乱"),
        ("position(s) {missing} missing", "缺少位置 {missing}"),
        ("row content does not match its hash", "行内容与其哈希不符"),
        (
            "row does not follow the previous row (rows swapped or replaced)",
            "该行未接续上一行(行被交换或替换)",
        ),
        (
            "stream {stream} jumps from version {n:old} to {n:new}",
            "流 {stream} 的版本从 {old} 跳到 {new}",
        ),
        (
            "log ends at position {n:last} but its head says {n:head}",
            "日志止于位置 {last},但头记录为 {head}",
        ),
        (
            "the row at the head's position {n:head} is not the one the head names (tail replaced)",
            "头记录位置 {head} 处的行不是头记录所指的行(尾部被替换)",
        ),
        (
            "rows {n:first}..{n:last} lie beyond the head ({n:head}): written behind the store's "
            "back",
            "第 {first}..{last} 行位于头记录({head})之后:绕过存储写入",
        ),
        # seals and digests (audit.checks, audit.verify, domain.seals)
        (
            "seal {n:seq} is unsigned, after signed seals (written by hand)",
            "封存 {seq} 未签名,却位于已签名的封存之后(手工写入)",
        ),
        (
            "seal {n:seq} found where seal {n:expected} was expected (seal removed)",
            "在应为封存 {expected} 的位置发现封存 {seq}(封存被删除)",
        ),
        (
            "seal {n:seq} does not match its own seal hash (seal edited)",
            "封存 {seq} 与其自身的封存哈希不符(封存被修改)",
        ),
        (
            "seal {n:seq} does not follow seal {n:before} (seals replaced)",
            "封存 {seq} 未接续封存 {before}(封存被替换)",
        ),
        ("seal {n:seq} goes back to position {n:position}", "封存 {seq} 回退到位置 {position}"),
        (
            "seal {n:seq} named by the digest is missing or was rewritten",
            "摘要所指的封存 {seq} 不存在或被改写",
        ),
        (
            "witness seal {n:seq} (position {n:position}) is no longer in log_seals (seal deleted)",
            "见证方的封存 {seq}(位置 {position})已不在 log_seals 中(封存被删除)",
        ),
        (
            "seal {n:seq} in log_seals differs from the witness's copy (seal replaced)",
            "log_seals 中的封存 {seq} 与见证方的副本不同(封存被替换)",
        ),
        (
            "the log ends at position {n:last}, but the witness holds seal {n:seq} of position "
            "{n:position}: positions {first}..{end} were removed",
            "日志止于位置 {last},但见证方持有位置 {position} 的封存 {seq}:"
            "位置 {first}..{end} 已被删除",
        ),
        (
            "the log ends at position {n:last}, before position {n:position}",
            "日志止于位置 {last},早于位置 {position}",
        ),
        (
            "the log has hash {found} at position {n:position}, not {expected}",
            "日志在位置 {position} 的哈希为 {found},而不是 {expected}",
        ),
        (
            "signed by unknown key {key} (not a published seal key)",
            "由未知密钥 {key} 签名(不是已发布的封存密钥)",
        ),
        ("signed by key {key} after it was retired", "由密钥 {key} 在其停用后签名"),
        (
            "its signature does not verify (seal edited or forged)",
            "其签名无法验证(封存被修改或伪造)",
        ),
        # the actor proofs (audit.proofs, domain.proofs)
        ("points to a proof that is not the action's", "指向的证明不属于该操作"),
        ("its actor differs from the proven action's", "其操作人与已证明操作的操作人不同"),
        ("the proof is malformed ({kind})", "证明格式有误({kind})"),
        ("a person's action ({event}) without a proof", "人员的操作({event})没有证明"),
        ("the kept command is not what was signed", "保存的命令不是签名时的内容"),
        ("signed for another actor", "为另一位操作人签名"),
        ("signed for another program or scope", "为另一个培训项目或范围签名"),
        ("signed for another action", "为另一个操作签名"),
        ("recorded outside the assertion's validity", "记录时间超出断言的有效期"),
        ("unknown signing key {key}", "未知的签名密钥 {key}"),
        (
            "signing key {key} was retired before this was issued",
            "签名密钥 {key} 在此断言签发前已停用",
        ),
        ("the actor assertion's signature does not verify", "操作人断言的签名无法验证"),
    )
)

#: Prefixes that name what a problem is about, before its sentence.
_LABELS = (
    (re.compile(r"(?P<label>(witness )?seal \d+): (?P<rest>.+)", re.DOTALL), "{label}:{rest}"),
    (
        re.compile(
            r"(?P<label>.+?): (?P<rest>.+?); an event at positions (?P<first>\d+)\.\.(?P<last>\d+)"
            r" was changed, removed or inserted",
            re.DOTALL,
        ),
        "{label}:{rest};位置 {first}..{last} 之间的某个事件被修改、删除或插入",
    ),
)


def audit_detail(detail: str, lang: str) -> str:
    """``detail`` in ``lang`` (English as written; Chinese when the sentence is known)."""
    if lang != "zh-CN":
        return detail
    said = _sentence(detail)
    if said is not None:
        return said
    for pattern, template in _LABELS:
        found = pattern.fullmatch(detail)
        if found:
            parts = found.groupdict()
            parts["label"] = _label(parts["label"])
            rest = _sentence(parts["rest"])
            if rest is not None:
                return template.format_map({**parts, "rest": rest})
    return detail


def _sentence(english: str) -> str | None:
    for pattern, chinese in AUDIT_ZH_CN:
        found = pattern.fullmatch(english)
        if found:
            return chinese.format_map(found.groupdict())
    return None


def _label(label: str) -> str:
    """``seal 3`` / ``witness seal 3`` / ``digest of <instant>`` in Chinese."""
    if label.startswith("witness seal "):
        return "见证方的封存 " + label.removeprefix("witness seal ")
    if label.startswith("seal "):
        return "封存 " + label.removeprefix("seal ")
    if label.startswith("digest of "):
        return label.removeprefix("digest of ") + " 的摘要"
    return label
