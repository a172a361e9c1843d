"""Benchmarks. Run them as modules (``python -m bench.eventlog_bench``); tests never time."""
