"""Importers: reference data, L3/L4 metrics, costs, exam answers and historical records into
the event log, idempotently, with a validation report."""
