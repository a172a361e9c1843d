"""The roles people hold; what each may do is decided by the commands they map to."""

from __future__ import annotations

from typing import Literal, get_args

Role = Literal["specialist", "approver", "auditor", "admin", "trainee"]
ROLES: tuple[Role, ...] = get_args(Role)

#: The role in an event's metadata of what ``data migrate`` recorded from another system's files:
#: no person acted in trainops, so no proof can exist; it rests on the migrating operator's word
#: and the file's SHA-256, kept beside it (``source``, ``sha256``).
MIGRATION_ROLE = "migration"
