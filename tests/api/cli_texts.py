"""The command line's own texts, found in its source: ``t("…")``, and the table headings (field
names in ``columns`` lists and in loops that feed ``heading``). The catalog test wants a zh-CN
text for each; this scan is that test's list, as the pages' test scans their templates."""

from __future__ import annotations

import ast
from pathlib import Path

TRAINOPS = Path(__file__).resolve().parents[2] / "trainops"
TABLE_CALLS = {"rows_table", "show_rows"}


def _strings(node: ast.AST | None) -> set[str]:
    if isinstance(node, ast.List | ast.Tuple | ast.Set):
        return {
            e.value for e in node.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)
        }
    return set()


def _name(node: ast.AST) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""


def _loop_feeds_heading(loop: ast.For) -> bool:
    if not isinstance(loop.target, ast.Name):
        return False
    variable = loop.target.id
    return any(
        isinstance(n, ast.Call)
        and _name(n.func) == "heading"
        and any(isinstance(a, ast.Name) and a.id == variable for a in n.args)
        for n in ast.walk(loop)
    )


def texts_in(source: str) -> tuple[set[str], set[str]]:
    """(texts passed to ``t``, table headings) in one module's source."""
    texts: set[str] = set()
    headings: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call):
            called = _name(node.func)
            first = node.args[0] if node.args else None
            if called in {"t", "heading"} and isinstance(first, ast.Constant):
                (texts if called == "t" else headings).add(str(first.value))
            if called in TABLE_CALLS and len(node.args) >= 3:
                headings |= _strings(node.args[2])
            if called in {"insert", "append"} and _name(getattr(node.func, "value", node)) == (
                "columns"
            ):
                headings |= {
                    a.value
                    for a in node.args
                    if isinstance(a, ast.Constant) and isinstance(a.value, str)
                }
        elif isinstance(node, ast.Assign) and any(_name(t) == "columns" for t in node.targets):
            headings |= _strings(node.value)
        elif isinstance(node, ast.For) and _loop_feeds_heading(node):
            headings |= _strings(node.iter)
    return texts, {h for h in headings if isinstance(h, str)}


def cli_texts() -> tuple[set[str], set[str]]:
    """Every text and heading of every module of the command line."""
    texts: set[str] = set()
    headings: set[str] = set()
    for path in sorted(TRAINOPS.glob("*.py")):
        found_texts, found_headings = texts_in(path.read_text(encoding="utf-8"))
        texts |= found_texts
        headings |= found_headings
    return texts, headings
