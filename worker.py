"""The worker process's entry point (the image's command): ``python worker.py``.

The worker is wired in ``trainops.worker``; ``trainops worker`` runs the same.
"""

from runtime import startup
from runtime.startup import run_service
from trainops.language import startup_error
from trainops.worker import main

if __name__ == "__main__":
    startup.said[:] = [startup_error]  # its one line in TRAINOPS_LANG, as `trainops worker`
    run_service(main)
