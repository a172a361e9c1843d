"""The worker's build id names the workflows' own code, not every module the process loaded."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from trainops import worker


def _copy_workflow_code(repo: Path, into: Path) -> None:
    for pattern in worker.WORKFLOW_CODE:
        for path in repo.glob(pattern):
            target = into / path.relative_to(repo)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)


@pytest.mark.parametrize("changed", ["domain/state.py", "activities/contracts.py"])
def test_the_build_id_follows_the_workflow_code(
    changed: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = Path(worker.__file__).resolve().parent.parent
    _copy_workflow_code(repo, tmp_path)
    (tmp_path / "trainops").mkdir()
    worker.code_build_id.cache_clear()
    monkeypatch.setattr(worker, "__file__", str(tmp_path / "trainops" / "worker.py"))
    same = worker.code_build_id()
    worker.code_build_id.cache_clear()
    (tmp_path / changed).write_text("# changed\n", encoding="utf-8")
    after_change = worker.code_build_id()
    worker.code_build_id.cache_clear()
    monkeypatch.undo()
    assert worker.code_build_id() == same  # the copy held the same code
    assert after_change != same and after_change.startswith("trainops-")
