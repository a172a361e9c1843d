"""The pure core: events, commands, the program state machine, reminders and KPI formulas.

Nothing here does I/O or imports another package of ours. Every event type is listed once, in
``domain.events`` (the typed union ``Event``), which any reader of the log imports.
"""
