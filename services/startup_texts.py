"""The one line that stops a process at start (``runtime.startup``), in the reader's language.

``runtime`` imports nothing of ours, so it writes English; an error it raises with a message
key (the database does not answer), a key's or a configuration's error, and bad settings
(pydantic's errors, named by their ``TRAINOPS_*`` variable) are said here from the catalogs,
for every process: the command line, ``python -m api`` and the worker.
"""

from __future__ import annotations

from pydantic import ValidationError

from runtime.startup import explain
from services.error_texts import say
from services.validation_texts import problem

#: "error:" and "bad settings:" in each language but English.
FRAME_ZH_CN = {"error:": "错误:", "bad settings:": "设置有误:"}


def startup_line(exc: BaseException, lang: str) -> str:
    """``error: …`` for ``exc`` in ``lang`` (English for what has no other words)."""
    frame = FRAME_ZH_CN if lang == "zh-CN" else {}
    error = frame.get("error:", "error:")
    if isinstance(exc, ValidationError) and lang == "zh-CN":
        problems = ";".join(
            f"TRAINOPS_{'_'.join(str(p) for p in e['loc']).upper()}:{problem(e, lang)}"
            if e["loc"]
            else problem(e, lang)
            for e in exc.errors()
        )
        return f"{error} {frame['bad settings:']}{problems}"
    key, params = getattr(exc, "key", ""), getattr(exc, "params", None)
    said = say(key, params, lang) if isinstance(key, str) and isinstance(params, dict) else None
    return f"{error} {explain(exc) if said is None else said}"
