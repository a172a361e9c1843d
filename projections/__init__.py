"""Projections: pure folds of the log into read models, a checkpointed runner, and queries.

Only this package writes read-model tables.
"""
