"""The pure core: events, commands, the program state machine, reminders and KPI formulas.

Nothing here does I/O or imports another package of ours.
"""

# Event types defined outside domain.events register themselves when imported: import them
# here, so any reader of the log knows every type.
from domain import accounts as _accounts  # noqa: F401
from domain import reference as _reference  # noqa: F401
