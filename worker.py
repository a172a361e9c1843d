"""The worker process's entry point (the image's command): ``python worker.py``.

The worker is wired in ``trainops.worker``; ``trainops worker`` runs the same.
"""

from runtime.startup import run_service
from trainops.worker import main

if __name__ == "__main__":
    run_service(main)
