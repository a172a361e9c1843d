"""The one kind of error a person must fix before a process can start.

A module that can refuse to start (a schema the role may not migrate, a missing key, Temporal
that refuses the certificate, tracing without its packages) raises a subclass of
``StartupError``; ``runtime.startup.explained_startup`` turns any of them into one line on stderr
and exit status 78, without knowing the modules that raise them.
"""

from __future__ import annotations


class StartupError(Exception):
    """Stops a process at start; the message says what to set or fix."""
