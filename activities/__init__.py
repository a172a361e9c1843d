"""Temporal activities: every side effect of a program workflow (append events, notify).

``activities.contracts`` holds only the pydantic inputs and outputs, so workflow code can import
it without pulling in SQLAlchemy.
"""
