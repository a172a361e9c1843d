"""What every trainops process stands on: settings, logging, tracing, database roles, the
Temporal connection and binaries, startup and health helpers, certificates, startup errors.

The bottom room: it imports nothing of ours (import-linter keeps it so), so any package may
import it.
"""
