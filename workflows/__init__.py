"""Temporal workflows: deterministic orchestration only; decisions come from ``domain``."""
