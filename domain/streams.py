"""Every stream name the log uses, in one place (readers, writers and auditors agree on them)."""

from __future__ import annotations

#: Prefix of each program's stream; the rest is the program id (also its workflow id).
PROGRAM_PREFIX = "program-"
#: The admin configuration's versions (``ConfigurationChanged``).
CONFIG_STREAM = "configuration"
#: The public keys actor assertions and seals are signed with.
KEYS_STREAM = "signing-keys"
#: The public keys seals are signed with (kept apart: workers never trust them for actions).
SEAL_KEYS_STREAM = "seal-keys"
#: Why the owner changed the log by hand (``LogMaintenance``; docs/log-maintenance.md).
MAINTENANCE_STREAM = "log-maintenance"


def program_stream(program_id: str) -> str:
    return f"{PROGRAM_PREFIX}{program_id}"


#: What the actor assertion of a direct request names instead of a program: the configuration
#: stream for a saved configuration, this for loaded reference data.
REFERENCE_DATA_SCOPE = "reference-data"
#: Every change to users, roles and tokens (``domain.accounts``).
ACCOUNTS_STREAM = "accounts"
