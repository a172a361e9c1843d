"""The pure core: events, commands, the program state machine, reminders and KPI formulas.

Nothing here does I/O or imports another package of ours.
"""
