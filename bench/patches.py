"""Benchmarks that set a path the product takes beside one that older runs replay switch the
path by answering a patch marker "not patched" (``temporalio.workflow.patched``) to the module
that asks it, for the programs planned meanwhile (a run answers a marker once)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from types import ModuleType
from typing import Any

from temporalio import workflow


class NotPatched:
    """``temporalio.workflow`` as a module sees it in a run recorded before ``marker``."""

    def __init__(self, marker: str) -> None:
        self._marker = marker

    def __getattr__(self, name: str) -> Any:
        return getattr(workflow, name)

    def patched(self, patch_id: str) -> bool:
        return patch_id != self._marker and workflow.patched(patch_id)


@contextlib.contextmanager
def answering_not_patched(module: ModuleType, marker: str | None) -> Iterator[None]:
    """While inside, ``module`` (a workflow module imported through the sandbox) sees
    ``marker`` as not patched; with ``None``, as it is."""
    setattr(module, "workflow", NotPatched(marker) if marker else workflow)  # noqa: B010
    try:
        yield
    finally:
        setattr(module, "workflow", workflow)  # noqa: B010
