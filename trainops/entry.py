"""The ``trainops`` executable: run the command line, then leave without interpreter teardown.

The Temporal SDK's native threads can outlive the event loop; tearing the interpreter down under
them aborts the process now and then (``Fatal Python error: PyGILState_Release``, status 134)
after all the work is done (temporalio/sdk-python#300). Every command closes what it opened
itself; here the output is flushed and the process ends with the command's exit status.
"""

from __future__ import annotations

import os
import sys


def main() -> None:
    from runtime.logging import quiet_logs
    from runtime.settings import get_settings
    from runtime.startup import explained_startup
    from runtime.temporal_runtime import install_runtime
    from trainops.cli import app

    install_runtime()
    code = 0
    try:
        with explained_startup():  # a bad setting is one line, not a traceback
            # Warnings only, on stderr, until a command asks for more (`up`, `worker`, ...):
            # stdout is the command's answer, never log lines.
            quiet_logs(get_settings())
        app()  # standalone: usage errors are printed and end in SystemExit with their status
    except SystemExit as exc:
        if isinstance(exc.code, str):  # a message, as Python itself would print it
            print(f"error: {exc.code}", file=sys.stderr)
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except KeyboardInterrupt:
        code = 130
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
    os._exit(code)
