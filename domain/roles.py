"""The roles people hold; what each may do is decided by the commands they map to."""

from __future__ import annotations

from typing import Literal, get_args

Role = Literal["specialist", "approver", "auditor", "admin", "trainee"]
ROLES: tuple[Role, ...] = get_args(Role)
