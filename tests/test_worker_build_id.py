"""The worker's build id names the workflows' own code, not every module the process loaded."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from trainops import worker


def test_the_build_id_follows_the_workflow_code(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = Path(worker.__file__).resolve().parent.parent
    copy = tmp_path / "trainops"
    for package in worker.WORKFLOW_CODE:
        shutil.copytree(repo / package, tmp_path / package, ignore=shutil.ignore_patterns("*.pyc"))
    copy.mkdir()
    (copy / "worker.py").write_text("")
    worker.code_build_id.cache_clear()
    monkeypatch.setattr(worker, "__file__", str(copy / "worker.py"))
    same = worker.code_build_id()
    worker.code_build_id.cache_clear()
    (tmp_path / "domain" / "state.py").write_text("# changed\n", encoding="utf-8")
    changed = worker.code_build_id()
    worker.code_build_id.cache_clear()
    monkeypatch.undo()
    assert worker.code_build_id() == same  # the copy held the same code
    assert changed != same and changed.startswith("trainops-")
