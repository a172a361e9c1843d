"""Every relative link in the repository's Markdown resolves: the file exists and, when the link
names an ``#anchor``, the target Markdown file has a heading with that anchor (GitHub's rule:
lowercase, spaces become ``-``, punctuation other than ``-`` and ``_`` is dropped)."""

from __future__ import annotations

import re
import subprocess
from collections import Counter
from pathlib import Path
from urllib.parse import unquote

import pytest

ROOT = Path(__file__).resolve().parents[1]

FENCE = re.compile(r"^\s*(```|~~~)")
HEADING = re.compile(r"^ {0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
INLINE_CODE = re.compile(r"(`+).*?\1")
LINK = re.compile(r"!?\[(?:[^\[\]]|\[[^\]]*\])*\]\(\s*<?([^)\s>]*)>?(?:\s+\"[^\"]*\")?\s*\)")
REFERENCE = re.compile(r"^ {0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+.*)?$")
EXTERNAL = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:|^//")


def markdown_files() -> list[Path]:
    listed = subprocess.run(
        ["git", "ls-files", "-co", "--exclude-standard", "*.md"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    return sorted(ROOT / name for name in listed if (ROOT / name).is_file())


def prose_lines(text: str) -> list[tuple[int, str]]:
    """The lines outside fenced code blocks, numbered from 1."""
    lines, fenced = [], False
    for number, line in enumerate(text.splitlines(), start=1):
        if FENCE.match(line):
            fenced = not fenced
            continue
        if not fenced:
            lines.append((number, line))
    return lines


def slug(heading: str) -> str:
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading)  # a link in a heading: its text
    text = re.sub(r"<[^>]+>", "", text).strip().lower()
    return re.sub(r"[^\w\- ]", "", text).replace(" ", "-")


def anchors(path: Path) -> set[str]:
    seen: Counter[str] = Counter()
    found = set()
    for _, line in prose_lines(path.read_text(encoding="utf-8")):
        match = HEADING.match(line)
        if match is None:
            continue
        base = slug(match.group(2))
        found.add(base if seen[base] == 0 else f"{base}-{seen[base]}")
        seen[base] += 1
    return found


def links(path: Path) -> list[tuple[int, str]]:
    out = []
    for number, line in prose_lines(path.read_text(encoding="utf-8")):
        reference = REFERENCE.match(line)
        if reference:
            out.append((number, reference.group(1)))
            continue
        out.extend((number, target) for target in LINK.findall(INLINE_CODE.sub("", line)))
    return out


def broken_links() -> list[str]:
    problems = []
    known: dict[Path, set[str]] = {}
    for path in markdown_files():
        for number, target in links(path):
            if not target or EXTERNAL.match(target):
                continue
            name, _, anchor = target.partition("#")
            destination = (path.parent / unquote(name)).resolve() if name else path
            where = f"{path.relative_to(ROOT)}:{number}: {target}"
            if not destination.exists():
                problems.append(f"{where}: no such file")
                continue
            if anchor and destination.suffix == ".md":
                if destination not in known:
                    known[destination] = anchors(destination)
                if unquote(anchor) not in known[destination]:
                    problems.append(f"{where}: no heading with this anchor")
    return problems


@pytest.mark.parametrize(
    ("heading", "anchor"),
    [
        ("Proven actors: who did it", "proven-actors-who-did-it"),
        ("Hash formula (for auditors)", "hash-formula-for-auditors"),
        (
            "Re-running an import, corrections, and faults",
            "re-running-an-import-corrections-and-faults",
        ),
        ("Numbers in `canonical`", "numbers-in-canonical"),
    ],
)
def test_the_anchor_rule_is_githubs(heading: str, anchor: str) -> None:
    assert slug(heading) == anchor


def test_the_markdown_files_include_the_manual() -> None:
    names = {str(p.relative_to(ROOT)) for p in markdown_files()}
    assert {"README.md", "docs/architecture.md", "CHANGELOG.md"} <= names


def test_every_relative_link_resolves() -> None:
    assert broken_links() == []


CODE_PATH = re.compile(r"^[\w.-]+(?:/[\w.-]+)*/?$")
INLINE_CODE_SPAN = re.compile(r"(`+)(.+?)\1")


def missing_code_paths() -> list[str]:
    """Paths in the repository named in inline code (`config/trainops.example.yaml`), which
    are not links but send a reader to a file all the same: the first folder is one of the
    repository's, so runtime paths such as `.trainops/trainops.db` are not taken for them."""
    folders = {p.name for p in ROOT.iterdir() if p.is_dir() and not p.name.startswith(".")}
    problems = []
    for path in markdown_files():
        for number, line in prose_lines(path.read_text(encoding="utf-8")):
            for _, span in INLINE_CODE_SPAN.findall(line):
                name = span.strip()
                if "/" not in name or not CODE_PATH.match(name):
                    continue
                if name.split("/")[0] in folders and not (ROOT / name).exists():
                    problems.append(f"{path.relative_to(ROOT)}:{number}: `{name}`: no such path")
    return problems


def test_every_repository_path_named_in_code_exists() -> None:
    assert missing_code_paths() == []


def test_nothing_cites_a_design_document_outside_the_repository() -> None:
    citing = [str(p.relative_to(ROOT)) for p in markdown_files() if "DESIGN.md" in p.read_text()]
    assert not (ROOT / "DESIGN.md").exists()
    assert citing == []


if __name__ == "__main__":
    print("\n".join(broken_links() + missing_code_paths()) or "every relative link resolves")
